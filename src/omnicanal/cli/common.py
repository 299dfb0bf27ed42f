"""What every command needs: settings, an engine on the configured database, a console."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.config import Settings, get_settings
from omnicanal.db import load_all_models, make_engine, make_sessionmaker

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    return get_settings()


@lru_cache
def engine() -> Engine:
    load_all_models()
    current = settings()
    if current.database_url is None:
        current.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(current.resolved_database_url)


def session_factory() -> sessionmaker[Session]:
    _check_schema()
    return make_sessionmaker(engine())


@lru_cache
def _check_schema() -> None:
    """Stop with a clear message rather than a database error when migrations are pending."""
    import typer

    from omnicanal.migrations import pending

    if pending(engine()):
        err_console.print(
            "[red]The database schema is not up to date.[/] Run [bold]omnicanal db upgrade[/] "
            f"first ({redacted_url(settings().resolved_database_url)})."
        )
        raise typer.Exit(code=2)


def redacted_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
