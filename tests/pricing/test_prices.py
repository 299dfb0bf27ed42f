"""Price resolution: the most specific valid price wins; the franchise price policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from omnicanal.pricing import (
    FranchisePolicy,
    InvalidPrice,
    Price,
    PriceBook,
    PriceContext,
    PriceNotFound,
    check_franchise_price,
    resolve_price,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PRICES = [
    Price("base", "SKU1", 5000),
    Price("web", "SKU1", 4800, channel="web"),
    Price("lyon", "SKU1", 5200, location="lyon"),
    Price("vip", "SKU1", 4500, segment="vip"),
    Price("lyon-vip", "SKU1", 4700, location="lyon", segment="vip"),
    Price("web-vip", "SKU1", 4400, channel="web", segment="vip"),
]


def resolve(**ctx: object) -> Price:
    ctx.setdefault("at", T0)
    return resolve_price(PRICES, "SKU1", PriceContext(**ctx)).price  # type: ignore[arg-type]


def test_the_base_price_applies_when_nothing_more_specific_does() -> None:
    assert resolve(channel="store", location="paris").id == "base"


def test_a_channel_price_beats_the_base_price() -> None:
    assert resolve(channel="web").id == "web"


def test_a_location_price_beats_a_segment_price_which_beats_a_channel_price() -> None:
    assert resolve(channel="store", location="lyon", segments=frozenset({"gold"})).id == "lyon"
    assert resolve(channel="app", segments=frozenset({"vip"})).id == "vip"
    assert resolve(channel="web", location="lyon").id == "lyon"


def test_more_dimensions_matched_beat_a_more_local_single_dimension() -> None:
    assert resolve(channel="store", location="lyon", segments=frozenset({"vip"})).id == "lyon-vip"
    # two dimensions (channel and segment) beat the location alone
    assert resolve(channel="web", location="paris", segments=frozenset({"vip"})).id == "web-vip"


def test_a_dated_price_change_overrides_the_standing_price_while_it_lasts() -> None:
    sale = Price("sale", "SKU1", 3900, valid_from=T0, valid_until=T0 + timedelta(days=7))
    prices = [Price("base", "SKU1", 5000), sale]
    assert resolve_price(prices, "SKU1", PriceContext(T0 + timedelta(days=1))).price.id == "sale"
    assert resolve_price(prices, "SKU1", PriceContext(T0 + timedelta(days=7))).price.id == "base"
    assert resolve_price(prices, "SKU1", PriceContext(T0 - timedelta(seconds=1))).amount == 5000


def test_a_customer_in_two_segments_pays_the_lower_segment_price() -> None:
    prices = [Price("base", "S", 1000), Price("pro", "S", 900, segment="pro"),
              Price("staff", "S", 800, segment="staff")]  # fmt: skip
    resolved = resolve_price(prices, "S", PriceContext(T0, segments=frozenset({"pro", "staff"})))
    assert resolved.amount == 800 and resolved.matched == ("segment",)


def test_rows_in_another_currency_never_apply() -> None:
    book = PriceBook([Price("eur", "S", 1000), Price("chf", "S", 1100, currency="CHF")])
    assert book.resolve("S", PriceContext(T0, currency="CHF")).amount == 1100
    with pytest.raises(PriceNotFound):
        book.resolve("S", PriceContext(T0, currency="USD"))


def test_the_answer_does_not_depend_on_the_order_of_the_rows() -> None:
    ctx = PriceContext(T0, channel="web", location="lyon", segments=frozenset({"vip"}))
    assert PriceBook(PRICES).resolve("SKU1", ctx) == PriceBook(reversed(PRICES)).resolve(
        "SKU1", ctx
    )


def test_an_unknown_sku_has_no_price() -> None:
    with pytest.raises(PriceNotFound) as error:
        resolve_price(PRICES, "NOPE", PriceContext(T0))
    assert error.value.field == "sku"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"currency": "eur"}, "currency"),
        ({"valid_from": T0, "valid_until": T0}, "valid_until"),
        ({"valid_from": datetime(2026, 3, 1)}, "valid_from"),
        ({"sku": ""}, "sku"),
    ],
)
def test_a_bad_price_row_names_its_field(fields: dict[str, object], field: str) -> None:
    row = {"id": "p", "sku": "S", "amount": 100, **fields}
    with pytest.raises(InvalidPrice) as error:
        Price(**row)  # type: ignore[arg-type]
    assert error.value.field == field


def test_a_locked_franchisee_must_keep_the_brand_price() -> None:
    locked = FranchisePolicy("franchise-1")
    assert check_franchise_price(locked, 5000, 5000).allowed
    check = check_franchise_price(locked, 5000, 4900)
    assert (
        not check.allowed
        and check.deviation == -100
        and check.deviation_percent == Decimal("-2.00")
    )
    assert check.reason == "locked"


def test_a_free_franchisee_may_set_any_price_and_the_deviation_is_still_reported() -> None:
    check = check_franchise_price(FranchisePolicy("f", "free"), 5000, 6500)
    assert check.allowed and check.deviation == 1500 and check.deviation_percent == Decimal("30.00")


def test_a_band_allows_its_percentage_either_side_to_the_cent() -> None:
    band = FranchisePolicy("f", "band", Decimal("10"))
    assert check_franchise_price(band, 5000, 5500).allowed  # +10 % exactly
    assert check_franchise_price(band, 5000, 4500).reason == "within_band"
    outside = check_franchise_price(band, 5000, 5501)
    assert not outside.allowed and outside.reason == "outside_band"
    assert outside.deviation_percent == Decimal("10.02") and outside.limit_percent == Decimal("10")


@pytest.mark.parametrize(
    ("mode", "band", "field"),
    [("band", None, "band_percent"), ("band", Decimal("0"), "band_percent"),
     ("band", Decimal("120"), "band_percent"), ("locked", Decimal("5"), "band_percent"),
     ("loose", None, "mode")],
)  # fmt: skip
def test_a_bad_policy_names_its_field(mode: str, band: Decimal | None, field: str) -> None:
    with pytest.raises(InvalidPrice) as error:
        FranchisePolicy("f", mode, band)  # type: ignore[arg-type]
    assert error.value.field == field
