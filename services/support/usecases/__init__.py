"""Support's use cases, one job per module; each loads through a unit of work, asks the
domain, writes and stages its events in one transaction, and returns values."""
