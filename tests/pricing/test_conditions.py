"""Each condition: a promotion applies when it holds and not otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from omnicanal.pricing import Conditions, PercentOff, Promotion

from .builders import AT, cart, discounts, line, price

TEN = PercentOff(Decimal(10))
CART = cart(line("DRESS", 5000, category="mode/femme/robes", brand="maison"),
            line("SHOE", 8000, category="chaussures/femme", brand="partner"))  # fmt: skip


def applies(conditions: Conditions, **context: object) -> bool:
    q = price(CART, [Promotion("p", TEN, conditions)], **context)
    return "p" in discounts(q)


def test_channels() -> None:
    only_store = Conditions(channels={"store"})
    assert applies(only_store, channel="store") and not applies(only_store, channel="web")


def test_locations() -> None:
    lyon = Conditions(locations={"lyon-part-dieu"})
    assert applies(lyon, channel="store", location="lyon-part-dieu")
    assert not applies(lyon, channel="store", location="paris-rivoli")
    assert not applies(lyon, channel="web")


def test_date_window_is_start_inclusive_end_exclusive() -> None:
    promotion = Promotion("p", TEN, starts_at=AT, ends_at=AT + timedelta(days=7))
    assert "p" in discounts(price(CART, [promotion], at=AT))
    assert "p" not in discounts(price(CART, [promotion], at=AT - timedelta(seconds=1)))
    assert "p" not in discounts(price(CART, [promotion], at=AT + timedelta(days=7)))


def test_hours_are_read_in_paris_time_across_summer_time() -> None:
    happy_hour = Conditions(hours=(time(18), time(20)))
    # 17:30 UTC is 18:30 in Paris in winter (UTC+1), 19:30 in summer (UTC+2)
    assert applies(happy_hour, at=datetime(2026, 1, 15, 17, 30, tzinfo=UTC))
    assert applies(happy_hour, at=datetime(2026, 7, 15, 17, 30, tzinfo=UTC))
    assert not applies(happy_hour, at=datetime(2026, 7, 15, 18, 30, tzinfo=UTC))  # 20:30
    assert not applies(happy_hour, at=datetime(2026, 1, 15, 16, 59, tzinfo=UTC))  # 17:59


def test_hours_may_wrap_midnight() -> None:
    night = Conditions(hours=(time(22), time(2)))
    assert applies(night, at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC))  # 00:30 Paris
    assert applies(night, at=datetime(2026, 1, 15, 21, 0, tzinfo=UTC))  # 22:00 Paris
    assert not applies(night, at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))


def test_weekdays_are_the_local_day() -> None:
    weekend = Conditions(weekdays={5, 6})
    # Friday 23:30 UTC is already Saturday in Paris
    assert applies(weekend, at=datetime(2026, 3, 6, 23, 30, tzinfo=UTC))
    assert not applies(weekend, at=datetime(2026, 3, 6, 22, 30, tzinfo=UTC))


def test_another_zone_can_be_named() -> None:
    morning_in_reunion = Conditions(hours=(time(8), time(12)), timezone="Indian/Reunion")
    assert applies(morning_in_reunion, at=datetime(2026, 3, 2, 5, 0, tzinfo=UTC))  # 09:00 there


def test_customer_segments_any_of() -> None:
    students = Conditions(segments={"student", "young"})
    assert applies(students, segments=frozenset({"young", "newsletter"}))
    assert not applies(students, segments=frozenset({"newsletter"}))
    assert not applies(students)


def test_loyalty_tier() -> None:
    gold = Conditions(loyalty_tiers={"gold", "platinum"})
    assert applies(gold, loyalty_tier="gold")
    assert not applies(gold, loyalty_tier="silver") and not applies(gold)


def test_named_customers() -> None:
    named = Conditions(customers={"cus_1"})
    assert applies(named, customer_id="cus_1")
    assert not applies(named, customer_id="cus_2") and not applies(named)


def test_first_order() -> None:
    welcome = Conditions(first_order=True)
    assert applies(welcome, first_order=True) and not applies(welcome, first_order=False)


def test_minimum_cart_counts_the_cart_as_it_stands() -> None:
    assert applies(Conditions(min_cart=13_000))  # 50 € + 80 €
    assert not applies(Conditions(min_cart=13_001))
    # after 20 % off, the cart is 104 €: a 110 € minimum checked next no longer holds
    first = Promotion("first", PercentOff(Decimal(20)), priority=1)
    later = Promotion("later", TEN, Conditions(min_cart=11_000))
    assert "later" not in discounts(price(CART, [first, later]))


@pytest.mark.parametrize(
    ("conditions", "discounted"),
    [
        (Conditions(skus={"DRESS"}), {"DRESS"}),
        (Conditions(categories={"mode"}), {"DRESS"}),  # a category matches its sub-categories
        (Conditions(categories={"mode/femme/robes"}), {"DRESS"}),
        (Conditions(categories={"chaussures/femme", "mode"}), {"DRESS", "SHOE"}),
        (Conditions(brands={"partner"}), {"SHOE"}),
        (Conditions(categories={"mode"}, brands={"partner"}), set()),  # all conditions hold
        (Conditions(skus={"SHOE"}, brands={"partner"}), {"SHOE"}),
    ],
)
def test_product_conditions_choose_the_lines(conditions: Conditions, discounted: set[str]) -> None:
    q = price(CART, [Promotion("p", TEN, conditions)])
    assert {ln.sku for ln in q.lines if ln.discount} == discounted


def test_a_category_prefix_is_not_a_partial_name() -> None:
    assert not applies(Conditions(categories={"mod"}))
    assert not applies(Conditions(categories={"mode/fem"}))
