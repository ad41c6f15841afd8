"""Pure domain of the assessment service: standards, indicator rules, classification,
transitions, the review (propose, village meeting, recognition, holds) and what-if analysis.
Standard library and shared contracts only; no I/O, clock or environment reads.
"""
