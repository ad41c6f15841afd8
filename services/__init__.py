"""The platform's four services (intake, assessment, support, reporting) and the operator CLI."""
