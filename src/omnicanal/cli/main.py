"""The `omnicanal` command line: serve, database, imports, users, API keys, the demo."""

from __future__ import annotations

import typer

from omnicanal import __version__
from omnicanal.cli import accounts, customers, data, demo, simulate
from omnicanal.cli.common import console, redacted_url, settings

app = typer.Typer(
    name="omnicanal",
    help="omnicanal — one customer, one catalog, one set of rules on every channel.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="The database: create or upgrade its schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(accounts.users_app, name="users")
app.add_typer(accounts.apikeys_app, name="apikeys")
app.add_typer(data.import_app, name="import")
app.add_typer(customers.app, name="customers")
app.command("demo")(demo.demo)
app.command("simulate")(simulate.simulate)


def _events_app() -> None:
    from omnicanal.cli.events import app as events_app

    app.add_typer(events_app, name="events")


_events_app()


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"omnicanal {__version__}")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply the migrations up to REVISION (default: the latest)."""
    from omnicanal.cli.common import engine
    from omnicanal.migrations import upgrade

    url = settings().resolved_database_url
    engine()  # creates the data directory for the embedded database
    upgrade(url, revision)
    console.print(f"[green]Database is at {revision}[/]: {redacted_url(url)}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes (PostgreSQL for more than one)."),
    upgrade_db: bool = typer.Option(True, help="Apply migrations before serving."),
) -> None:
    """Serve the API and the back-office."""
    import uvicorn

    from omnicanal.api.logs import configure_logging

    if upgrade_db:
        db_upgrade("head")
    configure_logging()
    console.print(f"Serving omnicanal on [bold]http://{host}:{port}[/] (Ctrl-C to stop)")
    uvicorn.run(
        "omnicanal.api.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
    )
