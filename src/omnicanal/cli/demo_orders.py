"""The simulated brand's orders, loaded through the orders' import paths as history: the tills'
receipts (a header file and a line file), the e-shop's web and app orders, the call center's
and the marketplace's, then the steps of their parcels and pickups, then their returns. Prices
as charged, statuses as reported; the stock moved already through the stock feeds, and stays
equal to the simulation's truth."""

from __future__ import annotations

from pathlib import Path

from rich.progress import Progress
from sqlalchemy import func, select

from omnicanal.cli.common import console, session_factory
from omnicanal.cli.data import import_file
from omnicanal.imports.readers import parse_mapping

# The marketplace the brand sells on in the simulation (its file does not say which).
MARKETPLACE_CHANNEL = "marketplace:MKP-BONPLAN"

# (file, lines file, column map, values for every row): each system's export as it is.
ORDER_FILES: list[tuple[str, str | None, list[str], dict[str, str]]] = [
    ("orders/pos_receipts.csv", "orders/pos_receipt_lines.csv",
     ["receipt_id=order_id", "store_code=location", "occurred_at=placed_at",
      "customer_id=customer_ref"],
     {"customer_source": "pos"}),  # the channel: the store's, its owner's (integrated or not)
    ("orders/web_orders.jsonl", None, ["customer_id=customer_ref"], {}),
    ("orders/call_center_orders.csv", None,
     ["contact_id=customer_ref", "ordered_at=placed_at", "delivery_mode=fulfilment",
      "pickup_store_code=pickup_location"],
     {"channel": "call_center"}),
    ("orders/marketplace_orders.csv", None,
     ["marketplace_order_id=order_id", "ordered_at=placed_at", "buyer_id=customer_ref",
      "shipping_postal_code=postal_code", "shipping_city=city"],
     {"channel": MARKETPLACE_CHANNEL, "customer_source": "marketplace"}),
]  # fmt: skip


def load_orders(brand_dir: Path, progress: Progress) -> None:
    for relative, lines, columns, defaults in ORDER_FILES:
        path = brand_dir / relative
        report = import_file(
            "orders", path, progress, column_map=parse_mapping(columns), defaults=defaults,
            lines=brand_dir / lines if lines else None,
        )  # fmt: skip
        _rejected(relative, report.rejected)
    for kind, relative in (("fulfilments", "orders/fulfilments.csv"),
                           ("returns", "orders/returns.csv")):  # fmt: skip
        report = import_file(kind, brand_dir / relative, progress)
        _rejected(relative, report.rejected)


LIVE_RECEIPTS = "DEMO-LIVE-"  # the orders the demo places now, each once


def place_live_orders(store: str) -> int:
    """A few orders placed now through the live path, for the store console to have work:
    click & collect orders to prepare at `store` (one ready already; their units held, not
    moved) and a till sale of two days ago that may still come back. Returns how many were
    placed (none when a previous run placed them)."""
    from datetime import timedelta

    from omnicanal.db import utcnow
    from omnicanal.errors import DomainError
    from omnicanal.inventory.models import StockPositionRow
    from omnicanal.orders import schemas
    from omnicanal.orders import service as orders_service
    from omnicanal.orders.models import Order
    from omnicanal.security.service import SYSTEM

    with session_factory()() as session:
        if session.scalar(select(Order.id).where(Order.receipt.startswith(LIVE_RECEIPTS))):
            return 0
        skus = list(
            session.scalars(
                select(StockPositionRow.sku)
                .where(
                    StockPositionRow.location == store,
                    StockPositionRow.on_hand - StockPositionRow.reserved >= 3,
                )
                .order_by(StockPositionRow.sku)
                .limit(6)
            )
        )
    if len(skus) < 6:
        return 0
    now = utcnow()
    pickup = schemas.FulfilmentIn(method="click_and_collect", location=store)
    orders = [
        ("web", None, [(skus[0], 1), (skus[1], 1)], pickup, now - timedelta(hours=2), "ready"),
        ("app", None, [(skus[2], 2)], pickup, now - timedelta(minutes=40), None),
        ("call_center", None, [(skus[3], 1)], pickup, now - timedelta(minutes=10), None),
        ("store", store, [(skus[4], 1), (skus[5], 1)], schemas.FulfilmentIn(method="in_store"),
         now - timedelta(days=2), None),
    ]  # fmt: skip
    placed = 0
    for n, (channel, location, lines, way, at, step) in enumerate(orders, start=1):
        data = schemas.OrderIn(
            channel=channel, location=location, receipt=f"{LIVE_RECEIPTS}{n}", at=at,
            lines=[schemas.LineIn(sku=sku, quantity=q) for sku, q in lines], fulfilment=way,
        )  # fmt: skip
        try:
            with session_factory().begin() as session:
                order = orders_service.place_order(session, SYSTEM, data)
                if step is not None:
                    (fulfilment,) = order.fulfilments
                    orders_service.advance_fulfilment(
                        session, SYSTEM, order.order.id, fulfilment.id, step
                    )
        except DomainError as exc:  # a product without a price, a store that moved on
            console.print(f"[yellow]Demo order {n} not placed: {exc.detail}[/]")
            continue
        placed += 1
    return placed


def _rejected(name: str, count: int) -> None:
    if count:
        console.print(f"[yellow]{name}: {count} rows rejected[/]")


def order_counts() -> dict[str, int]:
    from omnicanal.orders.models import Fulfilment, Order, Return

    with session_factory()() as session:
        return {
            "orders": session.scalar(select(func.count()).select_from(Order)) or 0,
            "fulfilments": session.scalar(select(func.count()).select_from(Fulfilment)) or 0,
            "returns": session.scalar(select(func.count()).select_from(Return)) or 0,
        }
