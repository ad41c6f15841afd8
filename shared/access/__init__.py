"""Access control shared by every service: roles and area scopes, token verification, and the
rule each HTTP route declares (see ``guard``)."""

from shared.access.guard import FILTER, NONE, Access, AreaFrom, Rule, body, path, query, resource
from shared.access.model import (
    Actor,
    Area,
    AreaFilter,
    Caller,
    Grant,
    Perm,
    Scope,
    ScopeLevel,
    role_table,
)
from shared.access.tokens import TokenVerifier, issuers_from_settings

__all__ = [
    "FILTER",
    "NONE",
    "Access",
    "Actor",
    "Area",
    "AreaFilter",
    "AreaFrom",
    "Caller",
    "Grant",
    "Perm",
    "Rule",
    "Scope",
    "ScopeLevel",
    "TokenVerifier",
    "body",
    "issuers_from_settings",
    "path",
    "query",
    "resource",
    "role_table",
]
