"""Pure domain of the assessment service: standards, indicator rules, classification,
transitions and what-if analysis. Standard library and shared contracts only; no I/O, clock or
environment reads.
"""
