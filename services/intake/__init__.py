"""Intake: takes household surveys (HTTP, bulk files, offline forms) and publishes them."""
