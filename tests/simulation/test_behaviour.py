"""Contracts of the simulated behaviour: determinism, truth consistent with the exports, stock
movements that add up, click & collect and returns that make sense."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from omnicanal.simulation.catalog import is_valid_gtin13
from omnicanal.simulation.effects import CHANNELS
from tests.simulation.behaviour_fixtures import Run, run_chunk


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_chunk(tmp_path_factory.mktemp("chunk"))


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_chunk_is_the_same_for_the_same_seed_and_chunk(tmp_path: Path, run: Run) -> None:
    again = run_chunk(tmp_path / "again")
    assert _files(again.root) == _files(run.root)
    assert again.deltas == run.deltas


def test_another_chunk_or_seed_gives_other_data(tmp_path: Path, run: Run) -> None:
    other_chunk = run_chunk(tmp_path / "chunk1", chunk=1, count=300)
    other_seed = run_chunk(tmp_path / "seed", seed=12, count=300)
    ours = (run.root / "truth/orders.csv").read_bytes()
    assert (other_chunk.root / "truth/orders.csv").read_bytes() != ours
    assert (other_seed.root / "truth/orders.csv").read_bytes() != ours


def test_volumes_per_person_are_moderate(run: Run) -> None:
    persons = len(run.persons)
    orders = len(run.rows("truth/orders.csv"))
    assert 0.9 < orders / persons < 2.5
    touchpoints = len(run.rows("truth/touchpoints.csv"))
    assert 6 < touchpoints / persons < 25
    events = len(run.events("events/web.jsonl")) + len(run.events("events/app.jsonl"))
    assert 2 < events / persons < 15


def test_every_order_has_an_initiating_touchpoint_of_its_person_before_it(run: Run) -> None:
    touchpoints = {t["touchpoint_id"]: t for t in run.rows("truth/touchpoints.csv")}
    orders = run.rows("truth/orders.csv")
    assert orders
    for order in orders:
        first = touchpoints[order["initiating_touchpoint_id"]]
        assert first["person_id"] == order["person_id"]
        assert first["occurred_at"] == order["initiating_at"]
        assert first["channel"] == order["initiating_channel"]
        assert _at(order["initiating_at"]) <= _at(order["decided_at"]) or first["order_id"]
        assert _at(order["initiating_at"]) < _at(order["ordered_at"])
        if order["triggering_component"] == "organic":
            assert first["causal"] == "false" and order["triggering_touchpoint_id"] == ""
        else:
            assert order["triggering_touchpoint_id"] == order["initiating_touchpoint_id"]
            assert first["causal"] == "true"
            assert first["channel"] == order["triggering_component"]


def test_contributions_are_shares_that_sum_to_one(run: Run) -> None:
    for order in run.rows("truth/orders.csv"):
        shares = [float(order[f"contribution_{c}"]) for c in CHANNELS]
        assert all(s >= 0 for s in shares)
        assert sum(shares) == pytest.approx(1.0, abs=1e-9)
        # the component that triggered the order had a share of the intensity
        assert float(order[f"contribution_{order['triggering_component']}"]) > 0


def test_organic_and_causal_orders_both_happen_on_every_kind_of_channel(run: Run) -> None:
    orders = run.rows("truth/orders.csv")
    components = Counter(o["triggering_component"] for o in orders)
    assert set(components) >= {"organic", "paid_search", "email", "flyer", "store_visit"}
    assert {o["channel"] for o in orders} == {"web", "app", "pos", "call_center", "marketplace"}
    assert any(o["ropo"] == "true" for o in orders)


def test_every_order_is_in_its_system_export(run: Run) -> None:
    exported = {r["receipt_id"] for r in run.rows("orders/pos_receipts.csv")}
    exported |= {e["order_id"] for e in run.events("orders/web_orders.jsonl")}
    exported |= {r["order_id"] for r in run.rows("orders/call_center_orders.csv")}
    exported |= {r["marketplace_order_id"] for r in run.rows("orders/marketplace_orders.csv")}
    truth = {o["order_id"] for o in run.rows("truth/orders.csv")}
    assert truth == exported


def test_orders_reference_real_products_and_stores(run: Run) -> None:
    skus = {p.sku: p.gtin for p in run.world.products}
    stores = {s.code for s in run.world.stores}
    for line in run.rows("orders/pos_receipt_lines.csv"):
        assert skus[line["sku"]] == line["gtin"] and is_valid_gtin13(line["gtin"])
        assert int(line["line_total_cents"]) == (
            int(line["unit_price_cents"]) * int(line["quantity"]) - int(line["discount_cents"])
        )
    receipts = run.rows("orders/pos_receipts.csv")
    assert {r["store_code"] for r in receipts} <= stores
    for order in run.events("orders/web_orders.jsonl"):
        for line in order["lines"]:
            assert skus[line["sku"]] == line["gtin"]
        merchandise = sum(line["total_cents"] for line in order["lines"])
        assert order["total_cents"] == merchandise + order["shipping_cents"]


def test_stock_deltas_equal_the_movements_written(run: Run) -> None:
    written: Counter[tuple[str, str]] = Counter()
    for m in run.rows("stock/movements.csv"):
        written[(m["location_code"], m["sku"])] += int(m["quantity"])
    assert written == run.deltas
    reasons = Counter(m["reason"] for m in run.rows("stock/movements.csv"))
    assert {"sale", "shipment", "return", "click_and_collect"} <= set(reasons)


def test_click_and_collect_happens_in_stores_that_offer_it(run: Run) -> None:
    capable = {s.code for s in run.world.stores if "click_and_collect" in s.capabilities}
    collect = [f for f in run.rows("orders/fulfilments.csv") if f["type"] == "click_and_collect"]
    assert collect
    assert {f["location_code"] for f in collect} <= capable
    statuses = Counter(f["status"] for f in collect)
    assert statuses["ready"] >= statuses["collected"] + statuses["expired"] > 0
    for order in run.events("orders/web_orders.jsonl"):
        if order["delivery"]["mode"] == "click_and_collect":
            assert order["delivery"]["pickup_store_code"] in capable
    ship = {
        f["location_code"]
        for f in run.rows("orders/fulfilments.csv")
        if f["type"] == "ship_from_store"
    }
    assert ship <= {s.code for s in run.world.stores if "ship_from_store" in s.capabilities}


def test_returns_only_take_back_what_was_sold_after_it_was_sold(run: Run) -> None:
    sold: dict[tuple[str, int], tuple[str, int, int]] = {}
    for line in run.rows("orders/pos_receipt_lines.csv"):
        sold[(line["receipt_id"], int(line["line_number"]))] = (
            line["sku"],
            int(line["quantity"]),
            int(line["line_total_cents"]),
        )
    for order in run.events("orders/web_orders.jsonl"):
        for line in order["lines"]:
            sold[(order["order_id"], line["line_number"])] = (
                line["sku"],
                line["quantity"],
                line["total_cents"],
            )
    for line in run.rows("orders/call_center_orders.csv"):
        sold[(line["order_id"], int(line["line_number"]))] = (
            line["sku"],
            int(line["quantity"]),
            int(line["line_total_cents"]),
        )
    for line in run.rows("orders/marketplace_orders.csv"):
        sold[(line["marketplace_order_id"], int(line["line_number"]))] = (
            line["sku"],
            int(line["quantity"]),
            int(line["line_total_cents"]),
        )
    ordered_at = {o["order_id"]: o["ordered_at"] for o in run.rows("truth/orders.csv")}
    returns = run.rows("orders/returns.csv")
    assert returns
    taking_returns = {s.code for s in run.world.stores if "returns" in s.capabilities}
    returned: Counter[tuple[str, int]] = Counter()
    for r in returns:
        key = (r["order_id"], int(r["line_number"]))
        sku, quantity, paid = sold[key]
        assert r["sku"] == sku
        returned[key] += int(r["quantity"])
        assert returned[key] <= quantity
        assert 0 <= int(r["refund_cents"]) <= paid
        assert _at(r["returned_at"]) > _at(ordered_at[r["order_id"]])
        if r["return_channel"] == "store":
            assert r["location_code"] in taking_returns
        assert (r["restocked"] == "true") == (r["condition"] == "resaleable")
    web_returned_in_store = [
        r for r in returns if r["order_channel"] == "web" and r["return_channel"] == "store"
    ]
    assert web_returned_in_store


def test_loyalty_cards_earn_in_several_stores_and_reverse_on_returns(run: Run) -> None:
    transactions = run.rows("loyalty/transactions.csv")
    kinds = Counter(t["type"] for t in transactions)
    assert kinds["earn"] > 0 and kinds["reversal"] > 0
    stores_by_card: dict[str, set[str]] = defaultdict(set)
    for t in transactions:
        assert (int(t["points"]) > 0) == (t["type"] == "earn")
        if t["channel"] == "pos":
            stores_by_card[t["card_number"]].add(t["location_code"])
    assert any(len(stores) > 1 for stores in stores_by_card.values())


def test_feedback_scores_and_tickets_are_well_formed(run: Run) -> None:
    answers = run.rows("feedback/nps.csv")
    assert answers
    assert all(0 <= int(a["score"]) <= 10 for a in answers)
    assert any(a["verbatim"] for a in answers)
    tickets = run.rows("feedback/tickets.csv")
    assert tickets and all(t["category"] and t["subject"] for t in tickets)


def test_touchpoints_say_where_they_can_be_seen(run: Run) -> None:
    touchpoints = run.rows("truth/touchpoints.csv")
    assert len({t["touchpoint_id"] for t in touchpoints}) == len(touchpoints)
    web = {e["messageId"] for e in run.events("events/web.jsonl")}
    app = {e["messageId"] for e in run.events("events/app.jsonl")}
    calls = {c["call_id"] for c in run.rows("touchpoints/calls.csv")}
    emails = {e["event_id"] for e in run.rows("touchpoints/email_events.csv")}
    seen = {"events/web.jsonl": web, "events/app.jsonl": app, "touchpoints/calls.csv": calls,
            "touchpoints/email_events.csv": emails}  # fmt: skip
    for t in touchpoints:
        if t["observed_in"]:
            assert t["observed_ref"] in seen[t["observed_in"]]
        if t["channel"] in ("flyer", "marketplace") or t["kind"] in ("walk_in", "store_browse"):
            assert t["observed_in"] == ""
