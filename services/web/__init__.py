"""The officers' web app: server-rendered pages over the services' HTTP APIs (see docs/web.md)."""
