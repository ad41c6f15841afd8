"""Pure domain of the support service: the programme catalogue, eligibility, policy credit,
revolving (conditional, repaid) support, housing, health insurance, training and sponsor
pairing. Standard library, pydantic and ``shared.contracts.codes`` / ``shared.errors`` only;
no I/O, clock or environment reads: every date is passed in.
"""
