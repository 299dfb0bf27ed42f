"""`omnicanal events`: run the event dispatcher, list dead deliveries and replay them."""

from __future__ import annotations

import threading

import typer
from rich.table import Table

from omnicanal.errors import DomainError

app = typer.Typer(
    help="Domain events: deliver the outbox to subscribers and webhooks, replay failures.",
    no_args_is_help=True,
)


@app.command()
def dispatch(
    once: bool = typer.Option(False, "--once", help="Run one round and exit."),
) -> None:
    """Deliver pending events until Ctrl-C (the web server also does this unless told not to)."""
    from omnicanal.cli import common
    from omnicanal.events.dispatcher import DispatchStats, dispatch_once, run
    from omnicanal.orders import service as _orders  # noqa: F401  (its in-process subscribers)

    factory, current = common.session_factory(), common.settings()

    def report(stats: DispatchStats) -> None:
        if stats:
            common.console.print(
                f"fanned out [bold]{stats.fanned_out}[/] · delivered [green]{stats.delivered}[/]"
                f" · failed [yellow]{stats.failed}[/] · dead [red]{stats.dead}[/]"
            )

    if once:
        report(dispatch_once(factory, current))
        return
    common.console.print("Dispatching events (Ctrl-C to stop)")
    try:
        run(factory, current, threading.Event(), on_round=report)
    except KeyboardInterrupt:
        common.console.print("Stopped.")


@app.command()
def dead(
    limit: int = typer.Option(100, help="Show at most this many, latest first."),
) -> None:
    """List the deliveries given up on, with their last error."""
    from omnicanal.cli import common
    from omnicanal.db import transaction
    from omnicanal.events import service
    from omnicanal.security.service import SYSTEM

    table = Table()
    # Identifiers are folded, never cut short: the operator copies them into `replay`.
    for name in ("delivery", "event", "target"):
        table.add_column(name, overflow="fold")
    table.add_column("attempts", justify="right")
    table.add_column("last error")
    with transaction(common.session_factory()) as session:
        deliveries = service.list_deliveries(session, SYSTEM, status="dead", limit=limit)
        for d in deliveries:
            table.add_row(d.id, d.event_id, d.target, str(d.attempts), d.last_error or "")
    if not deliveries:
        common.console.print("No dead deliveries.")
        return
    common.console.print(table)


@app.command()
def replay(
    delivery_id: str | None = typer.Argument(None, help="The delivery to send again."),
    all_dead: bool = typer.Option(False, "--all-dead", help="Replay every dead delivery."),
) -> None:
    """Put a dead delivery (or all of them) back in line; the dispatcher sends it next round."""
    from omnicanal.cli import common
    from omnicanal.db import transaction
    from omnicanal.events import dispatcher, service
    from omnicanal.security.service import SYSTEM

    factory = common.session_factory()
    if all_dead and delivery_id is None:
        count = dispatcher.replay_dead(factory)
        common.console.print(f"[green]{count}[/] dead deliveries queued again")
        return
    if delivery_id is None or all_dead:
        common.err_console.print("[red]Error:[/] give either a DELIVERY_ID or --all-dead")
        raise typer.Exit(code=2)
    try:
        with transaction(factory) as session:
            service.replay_delivery(session, SYSTEM, delivery_id)
    except DomainError as exc:
        common.err_console.print(f"[red]Error:[/] {exc.detail}")
        raise typer.Exit(code=1) from exc
    common.console.print(f"[green]Delivery {delivery_id} queued again[/]")
