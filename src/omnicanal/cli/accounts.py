"""`omnicanal users` and `omnicanal apikeys`: the operator's commands (run with shell access)."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from omnicanal.cli.common import console, err_console, session_factory
from omnicanal.errors import DomainError
from omnicanal.network import service as network_service
from omnicanal.security import service
from omnicanal.security.permissions import Permission, Role
from omnicanal.security.service import SYSTEM

users_app = typer.Typer(help="Back-office users.", no_args_is_help=True)
apikeys_app = typer.Typer(
    help="API keys for client systems (POS, e-shop, integrators).", no_args_is_help=True
)


def _scope_ids(
    session: Session, entity_code: str | None, location_codes: list[str] | None
) -> tuple[str | None, list[str] | None]:
    entity_id = None
    if entity_code:
        entity = network_service.get_entity_by_code(session, entity_code)
        if entity is None:
            raise DomainError(f"unknown entity code {entity_code!r}", field="--entity")
        entity_id = entity.id
    location_ids = None
    if location_codes:
        location_ids = []
        for code in location_codes:
            location = network_service.get_location_by_code(session, code)
            if location is None:
                raise DomainError(f"unknown location code {code!r}", field="--location")
            location_ids.append(location.id)
    return entity_id, location_ids


def _fail(exc: DomainError) -> typer.Exit:
    where = f" ({exc.field})" if exc.field else ""
    err_console.print(f"[red]Error{where}:[/] {exc.detail}")
    return typer.Exit(code=1)


@users_app.command("create")
def create_user(
    email: str = typer.Option(..., help="Login e-mail."),
    role: Role = typer.Option(..., help="Role."),
    name: str = typer.Option(None, help="Display name (default: the e-mail's local part)."),
    entity: str = typer.Option(None, help="Limit to this entity (its code)."),
    location: list[str] = typer.Option(None, help="Limit to these locations (codes); repeatable."),
    locale: str = typer.Option(None, help="fr or en."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."
    ),
) -> None:
    """Create a back-office user."""
    try:
        with session_factory().begin() as session:
            entity_id, location_ids = _scope_ids(session, entity, location)
            user = service.create_user(
                session,
                SYSTEM,
                service.NewUser(
                    email=email,
                    display_name=name or email.split("@")[0],
                    password=password,
                    role=role,
                    scope_entity_id=entity_id,
                    scope_location_ids=location_ids,
                    locale=locale,
                ),
            )
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Created user[/] {user.email} ({user.role}), id {user.id}")


@users_app.command("set-password")
def set_password(
    email: str = typer.Option(...),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Change a user's password."""
    try:
        with session_factory().begin() as session:
            user = service.get_user_by_email(session, email)
            if user is None:
                raise DomainError(f"no user {email!r}", field="--email")
            service.set_password(session, user, password)
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Password changed[/] for {email}")


@users_app.command("list")
def list_users() -> None:
    """List back-office users."""
    with session_factory()() as session:
        users = service.list_users(session, SYSTEM)
        table = Table()
        table.add_column("e-mail", no_wrap=True)
        for header in ("name", "role", "scope", "active", "last login"):
            table.add_column(header)
        for user in users:
            scope = service.principal_for_user(user).scope.describe()
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "—"
            table.add_row(user.email, user.display_name, user.role, scope, str(user.active), last)
    console.print(table)


@apikeys_app.command("create")
def create_key(
    name: str = typer.Option(..., help="What uses the key, e.g. 'POS Lyon'."),
    permission: list[str] = typer.Option(
        ..., "--permission", "-p", help=f"Repeatable: {', '.join(p.value for p in Permission)}."
    ),
    entity: str = typer.Option(None, help="Limit to this entity (its code)."),
    location: list[str] = typer.Option(None, help="Limit to these locations (codes)."),
) -> None:
    """Create an API key; its secret is printed once and never stored."""
    try:
        with session_factory().begin() as session:
            entity_id, location_ids = _scope_ids(session, entity, location)
            issued = service.create_api_key(
                session,
                SYSTEM,
                service.NewApiKey(
                    name=name,
                    permissions=permission,
                    scope_entity_id=entity_id,
                    scope_location_ids=location_ids,
                ),
            )
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Created API key[/] {issued.key.name} (id {issued.key.id})")
    console.print("Secret, shown once — store it now:")
    console.print(issued.token, soft_wrap=True, highlight=False)


@apikeys_app.command("list")
def list_keys() -> None:
    """List API keys (never their secrets)."""
    with session_factory()() as session:
        table = Table("id", "name", "prefix", "permissions", "scope", "revoked")
        for key in service.list_api_keys(session, SYSTEM):
            scope = "brand"
            if key.scope_entity_id:
                scope = f"entity:{key.scope_entity_id}"
            elif key.scope_location_ids:
                scope = f"{len(key.scope_location_ids)} location(s)"
            revoked = key.revoked_at.strftime("%Y-%m-%d %H:%M") if key.revoked_at else "—"
            table.add_row(key.id, key.name, key.prefix, ", ".join(key.permissions), scope, revoked)
    console.print(table)


@apikeys_app.command("revoke")
def revoke_key(
    key_id: str = typer.Argument(..., help="The key's id (see `apikeys list`)."),
) -> None:
    """Revoke an API key at once."""
    try:
        with session_factory().begin() as session:
            key = service.revoke_api_key(session, SYSTEM, key_id)
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Revoked[/] {key.name} ({key.id})")
