"""What the four services share: event contracts, stream plumbing, database and settings helpers."""
