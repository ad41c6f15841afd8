"""Versioned poverty standards as TOML data files (read by ``adapters.standards_repo``)."""
