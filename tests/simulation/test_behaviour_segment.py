"""Web and app events follow the Segment spec as its libraries send them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from tests.simulation.behaviour_fixtures import Run, run_chunk

TYPES = {"track", "identify", "page", "screen", "alias", "group"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_chunk(tmp_path_factory.mktemp("segment"), count=800)


@pytest.fixture(scope="module")
def events(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return [(f, e) for f in ("events/web.jsonl", "events/app.jsonl") for e in run.events(f)]


def test_every_event_has_the_fields_the_spec_requires(
    events: list[tuple[str, dict[str, Any]]],
) -> None:
    assert events
    ids = set()
    for _, e in events:
        assert e["type"] in TYPES
        assert isinstance(e["messageId"], str) and e["messageId"] not in ids
        ids.add(e["messageId"])
        assert datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00")).tzinfo is not None
        assert e.get("userId") or e.get("anonymousId")
        if e["type"] == "track":
            assert isinstance(e["event"], str) and e["event"]
        if e["type"] == "identify":
            assert isinstance(e["traits"], dict) and e.get("userId")
        if e["type"] == "alias":
            assert e["previousId"] and e["userId"]
        if e["type"] == "screen":
            assert e["name"]


def test_events_are_written_in_time_order(run: Run) -> None:
    for relative in ("events/web.jsonl", "events/app.jsonl"):
        stamps = [e["timestamp"] for e in run.events(relative)]
        assert stamps == sorted(stamps)


def test_ecommerce_events_carry_the_spec_properties(
    events: list[tuple[str, dict[str, Any]]], run: Run
) -> None:
    names = Counter(e.get("event") for _, e in events)
    assert names["Product Viewed"] and names["Product Added"] and names["Order Completed"]
    orders = {o["order_id"]: o for o in run.events("orders/web_orders.jsonl")}
    for _, e in events:
        if e.get("event") == "Order Completed":
            p = e["properties"]
            order = orders[p["order_id"]]
            assert round(p["total"] * 100) == order["total_cents"]
            assert [x["sku"] for x in p["products"]] == [x["sku"] for x in order["lines"]]
            assert p["currency"] == "EUR"
        if e.get("event") == "Product Viewed":
            assert {"product_id", "sku", "name", "price", "category"} <= set(e["properties"])


def test_landings_from_campaigns_carry_utm_fields(events: list[tuple[str, dict[str, Any]]]) -> None:
    campaigns = [
        e["context"]["campaign"]
        for f, e in events
        if f.endswith("web.jsonl") and e["type"] == "page" and "campaign" in e["context"]
    ]
    mediums = {c["medium"] for c in campaigns}
    assert {"cpc", "display", "paid_social", "email"} <= mediums
    assert all(c["name"] and c["source"] for c in campaigns)


def test_visitors_are_anonymous_until_they_log_in(events: list[tuple[str, dict[str, Any]]]) -> None:
    web = [e for f, e in events if f.endswith("web.jsonl")]
    anonymous = [e for e in web if "userId" not in e]
    known = [e for e in web if "userId" in e]
    assert anonymous and known
    # once an anonymous id is tied to an account by identify, later events carry the userId
    identified = {e["anonymousId"]: e["userId"] for e in web if e["type"] == "identify"}
    for e in web:
        if e["anonymousId"] in identified and "userId" in e:
            assert e["userId"] == identified[e["anonymousId"]]


def test_an_order_completes_within_a_visit_that_began_before_it(
    events: list[tuple[str, dict[str, Any]]],
) -> None:
    openings = ("Application Opened", "Push Notification Tapped")
    pages: dict[str, list[str]] = {}
    for _, e in events:
        if e["type"] in ("page", "screen") or e.get("event") in openings:
            pages.setdefault(e["anonymousId"], []).append(e["timestamp"])
    completed = [e for _, e in events if e.get("event") == "Order Completed"]
    assert completed
    for e in completed:
        assert any(t <= e["timestamp"] for t in pages[e["anonymousId"]])
