"""Access: users, roles and area grants, sign-in (OAuth2 password flow issuing signed JWTs),
and the audit trail every service writes to."""
