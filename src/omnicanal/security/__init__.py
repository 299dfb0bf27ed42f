"""Who may do what: back-office users with roles, client-system API keys, scopes, passwords."""

from omnicanal.security.permissions import Permission, Principal, Role, Scope

__all__ = ["Permission", "Principal", "Role", "Scope"]
