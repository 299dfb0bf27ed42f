"""Orders and returns racing each other, each in its own transaction and thread, on SQLite and
PostgreSQL: the last units are sold once, the last unit of a line is refunded once."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.orders import schemas, service
from omnicanal.orders.models import Order, Return
from omnicanal.security.permissions import Permission, Principal
from tests.orders.conftest import Shop

RACER = Principal("api_key", "k", "race", frozenset(Permission))


def _race(factory: sessionmaker[Session], racers: int, work: Callable[[Session, int], None]):
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []

    def run(n: int) -> None:
        barrier.wait()
        session = factory()
        try:
            work(session, n)
            session.commit()
            outcomes.append("won")
        except Exception as exc:  # out of stock, a conflict, or SQLite's lock
            session.rollback()
            outcomes.append(getattr(exc, "code", type(exc).__name__))
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_last_units_of_a_store_are_sold_once(factory, db_url, shop: Shop):
    """Ten pickups race for the three ROBE-1 of LYON-01."""

    def place(session: Session, n: int) -> None:
        body = schemas.OrderIn(
            channel="web", lines=[{"sku": "ROBE-1", "quantity": 1}],
            fulfilment={"method": "click_and_collect", "location": "LYON-01"},
        )  # fmt: skip
        service.place_order(session, RACER, body)

    outcomes = _race(factory, 10, place)
    won = outcomes.count("won")
    with factory() as s:
        orders = s.execute(select(func.count()).select_from(Order)).scalar_one()
    assert orders == won and shop.stock(factory, "LYON-01", "ROBE-1") == (3, won)
    if db_url.startswith("postgresql"):
        assert won == 3 and outcomes.count("out_of_stock") == 7, outcomes
    else:  # one writer at a time: a racer may also meet the lock
        assert won <= 3 and "out_of_stock" in outcomes, outcomes


def test_the_last_unit_of_a_line_is_refunded_once(client, factory, shop: Shop):
    h = shop.headers
    sale = client.post(
        "/api/v1/orders",
        json={"channel": "store:FRA", "location": "FRA-01",
              "lines": [{"sku": "SAC-1", "quantity": 1}], "fulfilment": {"method": "in_store"}},
        headers=h,
    ).json()  # fmt: skip
    line = sale["lines"][0]["id"]

    def give_back(session: Session, n: int) -> None:
        body = schemas.ReturnIn(location="LYON-01", lines=[{"line_id": line, "quantity": 1}])
        service.take_return(session, RACER, sale["id"], body)

    outcomes = _race(factory, 6, give_back)
    assert outcomes.count("won") == 1, outcomes
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Return)).scalar_one() == 1
    assert shop.stock(factory, "LYON-01", "SAC-1") == (3, 0)
