"""Reporting: keeps aggregates of classifications and support and produces year-end reports."""
