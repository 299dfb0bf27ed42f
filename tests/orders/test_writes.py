"""What placing an order writes: each table once, in one INSERT, the order in its final status;
and the answer given without reading the order back is the order as it is read later."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import event

from omnicanal.orders import schemas, service
from omnicanal.security.permissions import Permission, Principal
from tests.orders.conftest import Shop

SELLER = Principal("api_key", "k", "web", frozenset(Permission))


def _statements(engine) -> Counter[str]:  # type: ignore[no-untyped-def]
    seen: Counter[str] = Counter()

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        verb, table = re.match(
            r"\s*(\w+)\s+(?:INTO\s+|.*?\bFROM\s+)?(\w+)", statement, re.S
        ).groups()  # type: ignore[union-attr]
        seen[f"{verb.upper()} {table}"] += 1

    event.listen(engine, "before_cursor_execute", count)
    return seen


def test_a_home_delivery_writes_each_of_its_tables_once(engine, factory, shop: Shop) -> None:
    body = schemas.OrderIn(
        channel="web", lines=[{"sku": "ROBE-1", "quantity": 2}, {"sku": "ROBE-2", "quantity": 1}],
        fulfilment={"method": "home_delivery", "ship_to": {"postal_code": "69002"}},
    )  # fmt: skip
    seen = _statements(engine)
    with factory.begin() as session:
        placed = service.place_order(session, SELLER, body)
        answer = service.placed_payload(session, placed)
    for table in ("orders", "order_lines", "order_fulfilments", "order_fulfilment_steps",
                  "inventory_reservations", "outbox_events"):  # fmt: skip
        assert seen[f"INSERT {table}"] == 1, (table, seen)
    assert seen["UPDATE orders"] == 0, "written once, already paid"
    assert seen["SELECT pricing_redemptions"] == 0, "a new order has redeemed nothing yet"
    assert answer["status"] == "paid"
    assert [(f["method"], f["location"]) for f in answer["fulfilments"]] == [
        ("home_delivery", "WH-1")
    ]
    with factory() as session:
        read = service.order_payload(session, service.get_order(session, SELLER, placed.order.id))
    assert read == answer
