"""The chaos tier: faults reproduced against the services as OS processes and a real Redis."""
