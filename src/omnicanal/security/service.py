"""Use cases of users and API keys: create, authenticate, turn into a scoped principal, revoke."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from omnicanal.db import utcnow
from omnicanal.errors import Conflict, Forbidden, InvalidInput, NotFound
from omnicanal.network.models import Entity
from omnicanal.network.service import location_owners
from omnicanal.security import passwords, tokens
from omnicanal.security.models import ApiKey, User
from omnicanal.security.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    Principal,
    Role,
    Scope,
    grantable,
    require,
    scope_within,
    validate_scope,
)

SYSTEM = Principal(kind="system", id="system", name="omnicanal", permissions=frozenset(Permission))


def _scope_from_input(
    session: Session, entity_id: str | None, location_ids: list[str] | None
) -> Scope:
    try:
        scope = validate_scope(entity_id, location_ids)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="scope") from exc
    if scope.entity_id is not None and session.get(Entity, scope.entity_id) is None:
        raise InvalidInput(f"unknown entity {scope.entity_id!r}", field="scope_entity_id")
    if scope.location_ids is not None:
        owners = location_owners(session, sorted(scope.location_ids))
        missing = sorted(scope.location_ids - owners.keys())
        if missing:
            raise InvalidInput(f"unknown location {missing[0]!r}", field="scope_location_ids")
    return scope


def _check_scope_grant(session: Session, granter: Principal, scope: Scope) -> None:
    owners = location_owners(session, sorted(scope.location_ids or ()))
    if not scope_within(scope, granter.scope, owners):
        raise Forbidden("cannot grant a scope wider than your own")


def _scope_of(row: User | ApiKey) -> Scope:
    ids = row.scope_location_ids
    return Scope(
        entity_id=row.scope_entity_id, location_ids=frozenset(ids) if ids is not None else None
    )


# --- users ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewUser:
    email: str
    display_name: str
    password: str
    role: Role
    scope_entity_id: str | None = None
    scope_location_ids: list[str] | None = None
    locale: str | None = None


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    local, sep, domain = email.partition("@")
    if not sep or not local or "." not in domain:
        raise InvalidInput(f"{email!r} is not an e-mail address", field="email")
    return email


def create_user(session: Session, granter: Principal, data: NewUser) -> User:
    require(granter, Permission.USERS_MANAGE)
    email = normalise_email(data.email)
    if session.scalars(select(User).where(User.email == email)).first():
        raise Conflict(f"a user with e-mail {email!r} exists", field="email")
    scope = _scope_from_input(session, data.scope_entity_id, data.scope_location_ids)
    _check_scope_grant(session, granter, scope)
    try:
        password_hash = passwords.hash_password(data.password)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="password") from exc
    user = User(
        email=email,
        display_name=data.display_name,
        password_hash=password_hash,
        role=Role(data.role).value,
        scope_entity_id=scope.entity_id,
        scope_location_ids=sorted(scope.location_ids) if scope.location_ids else None,
        locale=data.locale,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    try:
        user.password_hash = passwords.hash_password(password)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="password") from exc
    session.flush()


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()


def list_users(session: Session, principal: Principal) -> list[User]:
    require(principal, Permission.USERS_MANAGE)
    query = select(User).order_by(User.email)
    if principal.scope.entity_id is not None:
        query = query.where(User.scope_entity_id == principal.scope.entity_id)
    elif principal.scope.location_ids is not None:
        return []
    return list(session.scalars(query))


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = get_user_by_email(session, email)
    if user is None or not user.active:
        passwords.verify_password(passwords.DUMMY_HASH, password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def principal_for_user(user: User) -> Principal:
    role = Role(user.role)
    return Principal(
        kind="user",
        id=user.id,
        name=user.display_name,
        permissions=ROLE_PERMISSIONS[role],
        scope=_scope_of(user),
        role=role,
    )


def load_user_principal(session: Session, user_id: str) -> Principal | None:
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return principal_for_user(user)


# --- API keys ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewApiKey:
    name: str
    permissions: list[str]
    scope_entity_id: str | None = None
    scope_location_ids: list[str] | None = None


@dataclass(frozen=True)
class IssuedApiKey:
    key: ApiKey
    token: str  # shown once, never stored


def create_api_key(session: Session, granter: Principal, data: NewApiKey) -> IssuedApiKey:
    require(granter, Permission.APIKEYS_MANAGE)
    if not data.name.strip():
        raise InvalidInput("a key needs a name", field="name")
    try:
        permissions = grantable(data.permissions, granter.permissions)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="permissions") from exc
    except PermissionError as exc:
        raise Forbidden(str(exc), field="permissions") from exc
    if not permissions:
        raise InvalidInput("a key needs at least one permission", field="permissions")
    scope = _scope_from_input(session, data.scope_entity_id, data.scope_location_ids)
    _check_scope_grant(session, granter, scope)
    issued = tokens.new_token()
    key = ApiKey(
        name=data.name.strip(),
        prefix=issued.prefix,
        token_hash=issued.token_hash,
        permissions=sorted(p.value for p in permissions),
        scope_entity_id=scope.entity_id,
        scope_location_ids=sorted(scope.location_ids) if scope.location_ids else None,
        created_by=granter.id,
    )
    session.add(key)
    session.flush()
    return IssuedApiKey(key=key, token=issued.token)


def _visible_keys(principal: Principal):  # type: ignore[no-untyped-def]
    query = select(ApiKey).order_by(ApiKey.created_at)
    if principal.scope.entity_id is not None:
        query = query.where(ApiKey.scope_entity_id == principal.scope.entity_id)
    elif principal.scope.location_ids is not None:
        query = query.where(ApiKey.created_by == principal.id)
    return query


def list_api_keys(session: Session, principal: Principal) -> list[ApiKey]:
    require(principal, Permission.APIKEYS_MANAGE)
    return list(session.scalars(_visible_keys(principal)))


def revoke_api_key(session: Session, principal: Principal, key_id: str) -> ApiKey:
    require(principal, Permission.APIKEYS_MANAGE)
    key = session.scalars(_visible_keys(principal).where(ApiKey.id == key_id)).first()
    if key is None:
        raise NotFound(f"no API key {key_id!r}", field="key_id")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
        KEYS.forget()
    return key


# Every API call reads its key: plain columns, with a statement built once.
_KEY_BY_PREFIX = select(
    ApiKey.id,
    ApiKey.name,
    ApiKey.token_hash,
    ApiKey.permissions,
    ApiKey.scope_entity_id,
    ApiKey.scope_location_ids,
    ApiKey.revoked_at,
).where(ApiKey.prefix == bindparam("prefix"))


KEYS_MAX_AGE = 5.0  # seconds a process keeps the principal of an API key it has read


class _KeyPrincipals:
    """The principal of each API key presented, kept by each process a few seconds: every API
    call presents its key, and reading it was a statement and a round trip of each call. A key
    revoked in this process is refused at once; one revoked in another process within
    `KEYS_MAX_AGE`. Unknown and revoked keys are not kept: they are read again each time."""

    def __init__(self) -> None:
        # by engine (each database its own keys), then by the token's hash
        self._by_engine: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, Principal]]]
        self._by_engine = weakref.WeakKeyDictionary()

    def forget(self) -> None:
        self._by_engine.clear()

    def get(self, session: Session, token: str) -> Principal | None:
        prefix = tokens.parse_prefix(token)
        if prefix is None:
            return None
        token_hash = tokens.hash_token(token)
        bind = session.get_bind()
        seen = self._by_engine.get(bind)
        hit = seen.get(token_hash) if seen is not None else None
        now = time.monotonic()
        if hit is not None and now - hit[0] < KEYS_MAX_AGE:
            return hit[1]
        principal = _read_key(session, prefix, token_hash)
        if principal is not None:
            if seen is None:
                seen = self._by_engine.setdefault(bind, {})
            seen[token_hash] = (now, principal)
        return principal


KEYS = _KeyPrincipals()


def _read_key(session: Session, prefix: str, token_hash: str) -> Principal | None:
    key = session.connection().execute(_KEY_BY_PREFIX, {"prefix": prefix}).first()
    if (
        key is None
        or key.revoked_at is not None
        or not tokens.hashes_match(token_hash, key.token_hash)
    ):
        return None
    return Principal(
        kind="api_key",
        id=key.id,
        name=key.name,
        permissions=frozenset(Permission(p) for p in key.permissions),
        scope=_scope_of(key),
    )


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The principal of an API key token; None for an unknown, revoked or malformed one."""
    return KEYS.get(session, token)
