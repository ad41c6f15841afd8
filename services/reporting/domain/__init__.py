"""Reporting's pure rules: what a classified household contributes to the year-end figures,
how areas roll up, the report tables, the multidimensional poverty index, small-cell
suppression, targets and sign-off. Standard library and pydantic only; no I/O, no clock.
"""
