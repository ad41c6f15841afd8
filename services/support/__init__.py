"""Support: disbursements, credit, in-kind support and training for classified households."""
