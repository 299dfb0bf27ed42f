"""The causal model: shares of the intensity, and effects a naive estimate recovers where the
design allows it (flyers switched on and off by week, ad clicks that land on random persons)."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.simulation import behaviour
from omnicanal.simulation.effects import CHANNELS, EFFECTS, contributions, kernel, realised_share
from omnicanal.simulation.rng import stream
from omnicanal.simulation.world import build_world
from tests.simulation.behaviour_fixtures import TEST_SCALE, Run, make_persons, run_chunk

exposure = st.tuples(st.floats(0, 400), st.integers(1, len(CHANNELS) - 1),
                     st.floats(0, 1), st.floats(0.01, 10))  # fmt: skip


@given(st.floats(1e-6, 1), st.lists(exposure, max_size=30), st.floats(0, 400))
def test_contributions_are_non_negative_and_sum_to_one(
    baseline: float, exposures: list, t: float
) -> None:
    shares = contributions(baseline, exposures, t)
    assert len(shares) == len(CHANNELS)
    assert all(s >= 0 for s in shares)
    assert math.isclose(sum(shares), 1.0, abs_tol=1e-9)


def test_an_exposure_weighs_nothing_before_it_happens_and_fades_after() -> None:
    assert contributions(0.01, [(10.0, 1, 0.1, 2.0)], 9.0)[1] == 0
    soon, later = (contributions(0.01, [(10.0, 1, 0.1, 2.0)], t)[1] for t in (10.1, 20.0))
    assert soon > 0.5 > later > 0


def test_the_kernel_integrates_to_one_so_beta_is_the_incremental_orders() -> None:
    tau, step = 3.0, 0.001
    assert sum(kernel(i * step, tau) * step for i in range(1, 60_000)) == pytest.approx(1, rel=1e-3)
    assert realised_share(0.2, 3.0, 1e9) == pytest.approx(0.2)


# -- naive estimates on simulated data -----------------------------------------------------------


def _day(value: str, start: date) -> float:
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (at.date() - start).days + at.hour / 24 + at.minute / 1440


@pytest.fixture(scope="module")
def flyer_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, str, str]:
    """Persons living around a strong-flyer store and around a store whose flyers do nothing."""
    world = build_world(TEST_SCALE, 11)
    plan = behaviour.build_plan(world, stream(11, "plan"))
    strong = max(plan.flyers.values(), key=lambda f: f.beta).store_code
    none = next(f.store_code for f in plan.flyers.values() if f.effect_class == "none")
    persons = make_persons(world, 0, 6_000, home_stores=[strong, none])
    for p in persons:
        p.moved_home_store = p.moved_on = None
    run = run_chunk(tmp_path_factory.mktemp("flyers"), persons, plan=plan)
    return run, strong, none


def _weekly_rates(run: Run, store: str) -> tuple[float, float]:
    """Orders per person-week of the store's catchment in flyer weeks and in other weeks, each
    week divided by its seasonal level (stores drop flyers more often in high season)."""
    start, weeks, season = TEST_SCALE.start, TEST_SCALE.weeks, run.plan.period.season
    people = {p.id for p in run.persons if p.home_store == store}
    per_week = [0.0] * weeks
    for order in run.rows("truth/orders.csv"):
        if order["person_id"] in people:
            week = min(weeks - 1, int(_day(order["ordered_at"], start) // 7))
            per_week[week] += 1 / season[week]
    # a flyer's effect lasts days: the week of a drop and the next are "on", the rest "off"
    drops = [w for w, c in enumerate(run.plan.flyers[store].coverage) if c]
    on = {w for d in drops for w in (d, d + 1) if w < weeks}
    on_rate = sum(per_week[w] for w in on) / len(on) / len(people)
    off_rate = (
        sum(per_week[w] for w in range(weeks) if w not in on) / (weeks - len(on)) / len(people)
    )
    return on_rate, off_rate


def test_flyer_weeks_lift_orders_around_a_strong_store_not_around_a_zero_one(
    flyer_run: tuple[Run, str, str],
) -> None:
    run, strong, none = flyer_run
    strong_on, strong_off = _weekly_rates(run, strong)
    none_on, none_off = _weekly_rates(run, none)
    lift_strong, lift_none = strong_on / strong_off - 1, none_on / none_off - 1
    assert lift_strong > 0.1
    assert lift_strong > lift_none + 0.1


def test_orders_after_a_search_click_exceed_those_before_by_about_its_effect(
    flyer_run: tuple[Run, str, str],
) -> None:
    """Clicks land on persons at random (the spend decides how many), so the orders in the ten
    days after a click minus those in the ten days before estimate β(1 - e^(-10/τ))."""
    run, *_ = flyer_run
    start, window = TEST_SCALE.start, 10.0
    orders: dict[str, list[float]] = defaultdict(list)
    for o in run.rows("truth/orders.csv"):
        orders[o["person_id"]].append(_day(o["ordered_at"], start))
    for days in orders.values():
        days.sort()
    end = TEST_SCALE.weeks * 7 - window
    diffs = []
    for tp in run.rows("truth/touchpoints.csv"):
        if tp["channel"] != "paid_search":
            continue
        t = _day(tp["occurred_at"], start)
        if window <= t <= end:
            days = orders[tp["person_id"]]
            after = bisect.bisect_right(days, t + window) - bisect.bisect_right(days, t)
            before = bisect.bisect_right(days, t) - bisect.bisect_right(days, t - window)
            diffs.append(after - before)
    effect = EFFECTS["paid_search"]
    expected = realised_share(effect.incremental_orders_per_exposure, effect.decay_days, window)
    assert len(diffs) > 2_000
    assert sum(diffs) / len(diffs) == pytest.approx(expected, rel=0.4)


def test_the_triggering_share_matches_the_truth_file(tmp_path: Path) -> None:
    """Over many orders, the triggering component is drawn in proportion to the shares."""
    run = run_chunk(tmp_path, count=1_500)
    orders = run.rows("truth/orders.csv")
    for channel in ("organic", "store_visit", "email"):
        drawn = sum(o["triggering_component"] == channel for o in orders)
        expected = sum(float(o[f"contribution_{channel}"]) for o in orders)
        assert drawn == pytest.approx(expected, rel=0.15, abs=15)
