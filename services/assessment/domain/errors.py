"""Errors raised by the assessment domain."""

from __future__ import annotations


class StandardDataError(ValueError):
    """A standard's data (national file or province override) is missing or invalid.

    The message names the file section and key so that an officer can correct the data.
    """


class NotClassifiable(ValueError):
    """A survey cannot be classified under a standard (e.g. a score-A survey under a standard
    whose score lines are not yet published)."""
