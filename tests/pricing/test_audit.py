"""Price consistency audit: which locations show a price outside their franchise policy, by how
much, and since when the current violation has held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnicanal.pricing import (
    FranchisePolicy,
    InvalidPrice,
    Price,
    PriceAudit,
    PriceContext,
    PriceNotFound,
    audit_prices,
    check_franchise_price,
    resolve_price,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LOCKED = FranchisePolicy("franchise-a")
FREE = FranchisePolicy("franchise-a", "free")


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def band(percent: str) -> FranchisePolicy:
    return FranchisePolicy("franchise-a", "band", Decimal(percent))


def audit(
    rows: list[Price], policies: dict[str, FranchisePolicy] | None = None, at: float = 100
) -> PriceAudit:
    return audit_prices(
        rows, {"lyon": LOCKED} if policies is None else policies,
        channel="store", currency="EUR", at=day(at),
    )  # fmt: skip


def brand(id: str, amount: int, start: float | None = 0, end: float | None = None, sku: str = "S"):  # type: ignore[no-untyped-def]
    return Price(id, sku, amount, valid_from=_day(start), valid_until=_day(end))


def lyon(
    id: str,
    amount: int,
    start: float | None = 0,
    end: float | None = None,
    sku: str = "S",
    **fields,
):  # type: ignore[no-untyped-def]
    return Price(
        id, sku, amount, location="lyon", valid_from=_day(start), valid_until=_day(end), **fields
    )


def _day(n: float | None) -> datetime | None:
    return None if n is None else day(n)


def test_a_locked_location_showing_another_price_is_reported_with_its_deviation() -> None:
    report = audit([brand("b", 5000), lyon("l", 5200, start=10)])
    [finding] = report.findings
    assert (finding.location, finding.franchisee, finding.sku) == ("lyon", "franchise-a", "S")
    assert (finding.effective_price, finding.brand_price, finding.deviation) == (5200, 5000, 200)
    assert finding.deviation_percent == Decimal("4.00") and finding.limit_percent == 0
    assert finding.reason == "locked" and finding.since == day(10)
    assert (finding.location_price_id, finding.brand_price_id) == ("l", "b")
    [summary] = report.locations
    assert (summary.location, summary.skus_outside, summary.worst_sku) == ("lyon", 1, "S")
    assert summary.worst_deviation_percent == Decimal("4.00")


def test_a_locked_location_at_the_brand_price_is_within_its_policy() -> None:
    report = audit([brand("b", 5000), lyon("l", 5000, start=10)])
    assert report.findings == () and report.pairs_checked == 1
    assert report.locations[0].skus_outside == 0 and report.locations[0].worst_sku is None


def test_a_free_location_may_show_any_price() -> None:
    report = audit([brand("b", 5000), lyon("l", 9900)], {"lyon": FREE})
    assert report.findings == () and report.not_compared == ()


@pytest.mark.parametrize(
    ("brand_price", "percent", "shown", "outside"),
    [
        (1999, "10", 2198, False),  # +199: 10 % of 19.99 is 199.9
        (1999, "10", 2199, True),  # +200
        (1999, "10", 1800, False),  # -199
        (1999, "10", 1799, True),  # -200
        (10000, "5", 10500, False),  # exactly on the edge
        (10000, "5", 10501, True),
        (10000, "5", 9500, False),
        (10000, "5", 9499, True),
        (1000, "2.5", 1025, False),
        (1000, "2.5", 1026, True),
    ],
)
def test_a_band_is_checked_to_the_cent(
    brand_price: int, percent: str, shown: int, outside: bool
) -> None:
    report = audit([brand("b", brand_price), lyon("l", shown)], {"lyon": band(percent)})
    assert bool(report.findings) is outside
    if outside:
        [finding] = report.findings
        assert finding.reason == "outside_band" and finding.limit_percent == Decimal(percent)
        assert finding.deviation == shown - brand_price


def test_a_brand_price_change_starts_a_violation_and_a_later_one_ends_it() -> None:
    rows = [
        brand("b1", 1000, 0, 20),
        brand("b2", 950, 20, 50),  # the brand lowers its price: +15.79 % is now too far
        brand("b3", 1050, 50),  # and raises it: +4.76 % is back within 10 %
        lyon("l", 1100, start=5),
    ]
    policies = {"lyon": band("10")}
    assert audit(rows, policies, at=10).findings == ()
    [finding] = audit(rows, policies, at=30).findings
    assert finding.since == day(20), "since the brand's change, not the location's row"
    assert (finding.brand_price, finding.deviation_percent) == (950, Decimal("15.79"))
    assert finding.brand_price_id == "b2"
    assert audit(rows, policies, at=50).findings == ()


def test_a_location_row_that_ended_no_longer_counts() -> None:
    rows = [brand("b", 1000), lyon("l", 1200, start=10, end=40)]
    [finding] = audit(rows, at=39.9).findings
    assert finding.since == day(10)
    assert audit(rows, at=40).findings == (), "the end is exclusive: the brand price is back"


def test_a_violation_that_stopped_counts_from_its_restart() -> None:
    rows = [
        brand("b1", 1000, 0, 50),
        brand("b2", 1100, 50),  # still different from the location's: no interruption
        lyon("l1", 1200, 10, 20),
        lyon("l2", 1000, 20, 30),  # back to the brand price for ten days
        lyon("l3", 1300, 30),
    ]
    [finding] = audit(rows, at=60).findings
    assert finding.since == day(30)
    assert (finding.effective_price, finding.brand_price, finding.deviation) == (1300, 1100, 200)
    assert audit(rows, at=25).findings == ()
    assert audit(rows, at=15).findings[0].since == day(10)


def test_a_violation_holds_across_changes_of_both_prices() -> None:
    rows = [
        brand("b1", 1000, 0, 40),
        brand("b2", 1050, 40),
        lyon("l1", 1200, 10, 20),
        lyon("l2", 1250, 20),
    ]
    [finding] = audit(rows, at=60).findings
    assert finding.since == day(10) and finding.location_price_id == "l2"


def test_a_violation_as_old_as_the_history_is_said_so() -> None:
    dated = audit([brand("b", 1000, start=0), lyon("l", 1200, start=0)])
    assert dated.findings[0].since == day(0), "since the first rows took effect"
    standing = audit([brand("b", 1000, start=None), lyon("l", 1200, start=None)])
    assert standing.findings[0].since is None, "no start: outside for as long as we know"
    later_brand = [brand("b0", 1000, None, 30), brand("b1", 1100, 30), lyon("l", 1200, None)]
    assert audit(later_brand).findings[0].since is None


def test_rows_in_another_currency_are_ignored() -> None:
    rows = [
        brand("b", 1000),
        Price("b-chf", "S", 900, currency="CHF"),
        lyon("l", 1000),
        lyon("l-chf", 1300, currency="CHF"),
        lyon("other", 1500, sku="T", currency="CHF"),
    ]
    report = audit(rows)
    assert report.findings == () and report.not_compared == ()
    assert report.pairs_checked == 1, "the CHF-only SKU is not even looked at"


def test_locations_without_a_policy_are_not_audited() -> None:
    rows = [brand("b", 1000), Price("p", "S", 2000, location="paris"), lyon("l", 1000)]
    report = audit(rows)
    assert report.findings == () and [s.location for s in report.locations] == ["lyon"]


def test_rows_for_other_channels_or_segments_do_not_make_the_shelf_price() -> None:
    rows = [
        brand("b", 1000),
        Price("b-store", "S", 1100, channel="store"),  # the brand's store price is the reference
        Price("b-vip", "S", 800, segment="vip"),
        lyon("l", 1100),
        lyon("l-web", 1500, channel="web"),
        lyon("l-vip", 900, segment="vip"),
    ]
    assert audit(rows).findings == ()
    shelf = audit([*rows, lyon("l-store", 1150, start=20, channel="store")])
    [finding] = shelf.findings
    assert (finding.brand_price_id, finding.location_price_id) == ("b-store", "l-store")


def test_findings_come_worst_first_with_a_summary_per_location() -> None:
    rows = [brand(f"b{sku}", 1000, sku=sku) for sku in "ABC"]
    rows += [
        lyon("lA", 1050, sku="A"),
        lyon("lB", 800, sku="B"),
        Price("nC", "C", 1100, location="nice"),
        Price("nA", "A", 1000, location="nice"),
    ]
    report = audit(rows, {"lyon": LOCKED, "nice": band("5"), "lille": LOCKED})
    assert [(f.location, f.sku, f.deviation_percent) for f in report.findings] == [
        ("lyon", "B", Decimal("-20.00")),
        ("nice", "C", Decimal("10.00")),
        ("lyon", "A", Decimal("5.00")),
    ]
    assert [(s.location, s.skus_outside, s.worst_sku) for s in report.locations] == [
        ("lyon", 2, "B"),
        ("nice", 1, "C"),
        ("lille", 0, None),
    ]


def test_a_price_the_brand_does_not_have_is_listed_as_not_compared() -> None:
    rows = [brand("b", 0, sku="FREE"), lyon("l", 500), lyon("lf", 100, sku="FREE")]
    report = audit(rows)
    assert report.findings == ()
    assert [(n.sku, n.effective_price, n.reason) for n in report.not_compared] == [
        ("FREE", 100, "zero_brand_price"),
        ("S", 500, "no_brand_price"),
    ]


def test_the_instant_must_carry_its_time_zone() -> None:
    with pytest.raises(InvalidPrice) as error:
        audit_prices([], {}, channel="store", currency="EUR", at=datetime(2026, 1, 1))
    assert error.value.field == "at"


# -- since, against a scan of every change point ------------------------------------------------

LOCATIONS = ["lyon", "nice", "paris"]  # paris has no policy
POLICIES = [LOCKED, FREE, band("5"), band("10")]


@st.composite
def price_rows(draw: st.DrawFn) -> list[Price]:
    rows = []
    for i in range(draw(st.integers(1, 12))):
        start = draw(st.none() | st.integers(0, 30))
        end = draw(st.none() | st.integers((start or 0) + 1, (start or 0) + 15))
        rows.append(
            Price(
                f"p{i}",
                draw(st.sampled_from(["A", "B"])),
                draw(st.sampled_from([0, 900, 950, 1000, 1049, 1050, 1100, 1200])),
                currency=draw(st.sampled_from(["EUR", "EUR", "EUR", "CHF"])),
                channel=draw(st.sampled_from([None, None, "store", "web"])),
                location=draw(st.sampled_from([None, None, *LOCATIONS])),
                segment=draw(st.sampled_from([None, None, None, "vip"])),
                valid_from=_day(start),
                valid_until=_day(end),
            )
        )
    return rows


def _shelf(rows: list[Price], sku: str, location: str | None, at: datetime) -> Price | None:
    try:
        return resolve_price(rows, sku, PriceContext(at, "EUR", "store", location)).price
    except PriceNotFound:
        return None


def _outside(rows: list[Price], sku: str, location: str, policy: FranchisePolicy, at: datetime):  # type: ignore[no-untyped-def]
    shown, reference = _shelf(rows, sku, location, at), _shelf(rows, sku, None, at)
    if shown is None or reference is None or reference.amount == 0:
        return False
    return not check_franchise_price(policy, reference.amount, shown.amount).allowed


def _since_by_scan(rows: list[Price], sku: str, location: str, policy, at: datetime):  # type: ignore[no-untyped-def]
    """Reads the state before every row and at every change point of every row (of any SKU,
    location or currency), oldest first; the violation starts where the last one began."""
    points = sorted({m for r in rows for m in (r.valid_from, r.valid_until) if m and m <= at})
    since, outside = None, False
    for start, instant in [(None, day(-1)), *((p, p) for p in points)]:
        now = _outside(rows, sku, location, policy, instant)
        if now and not outside:
            since = start
        outside = now
    assert outside, "the scan ends in the interval holding `at`, which is outside"
    return since


@settings(max_examples=300, deadline=None)
@given(
    rows=price_rows(),
    policies=st.fixed_dictionaries(
        {"lyon": st.sampled_from(POLICIES), "nice": st.sampled_from(POLICIES)}
    ),
    at=st.integers(0, 24 * 45).map(lambda hours: day(hours / 24)),
)
def test_since_matches_a_scan_of_every_change_point(
    rows: list[Price], policies: dict[str, FranchisePolicy], at: datetime
) -> None:
    report = audit_prices(rows, policies, channel="store", currency="EUR", at=at)
    expected = {
        (location, sku)
        for location, policy in policies.items()
        for sku in ("A", "B")
        if _outside(rows, sku, location, policy, at)
    }
    assert {(f.location, f.sku) for f in report.findings} == expected
    for finding in report.findings:
        policy = policies[finding.location]
        assert finding.since == _since_by_scan(rows, finding.sku, finding.location, policy, at)
        shown = _shelf(rows, finding.sku, finding.location, at)
        assert shown is not None and finding.effective_price == shown.amount
    percents = [abs(f.deviation_percent) for f in report.findings]
    assert percents == sorted(percents, reverse=True)
