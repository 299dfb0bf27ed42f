"""The plan decided before anyone is simulated: spend that varies by week, flyers dropped on
some weeks and not others, each store's true flyer effect, promotions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from omnicanal.simulation import behaviour
from omnicanal.simulation.effects import CHANNELS, EFFECTS
from omnicanal.simulation.rng import stream
from omnicanal.simulation.world import build_world
from tests.simulation.behaviour_fixtures import TEST_SCALE


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[behaviour.Plan, Path]:
    world = build_world(TEST_SCALE, 11)
    plan = behaviour.build_plan(world, stream(11, "plan"))
    root = tmp_path_factory.mktemp("plan")
    behaviour.write_plan(root, world, plan)
    return plan, root


def _rows(root: Path, relative: str) -> list[dict[str, str]]:
    with (root / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_plan_is_the_same_for_a_seed() -> None:
    world = build_world(TEST_SCALE, 11)
    a = behaviour.build_plan(world, stream(11, "plan"))
    b = behaviour.build_plan(world, stream(11, "plan"))
    assert a.spend_cents == b.spend_cents and a.flyers == b.flyers and a.campaigns == b.campaigns


def test_media_spend_varies_by_week_with_dark_weeks(written: tuple[behaviour.Plan, Path]) -> None:
    _, root = written
    spend = _rows(root, "media/spend.csv")
    for channel in ("paid_search", "display", "social"):
        weekly = [int(r["spend_cents"]) for r in spend if r["channel"] == channel]
        assert len(weekly) == TEST_SCALE.weeks
        assert min(weekly) == 0 < max(weekly)
        assert len(set(weekly)) > 20


def test_each_store_has_weeks_with_and_without_flyers(written: tuple[behaviour.Plan, Path]) -> None:
    plan, root = written
    drops = _rows(root, "touchpoints/flyer_drops.csv")
    for store in plan.store_codes:
        weeks = [r for r in drops if r["store_code"] == store]
        assert 6 <= len(weeks) <= TEST_SCALE.weeks - 6
        assert all(int(r["quantity"]) > 0 and int(r["cost_cents"]) > 0 for r in weeks)


def test_store_flyer_effects_range_from_paying_to_losing_money(
    written: tuple[behaviour.Plan, Path],
) -> None:
    _, root = written
    truth = _rows(root, "truth/store_flyer_effects.csv")
    classes = {r["effect_class"] for r in truth}
    assert classes == {"strong", "moderate", "weak", "none"}
    for r in truth:
        roi = float(r["roi"])
        if r["effect_class"] == "strong":
            assert roi > 1
        if r["effect_class"] in ("weak", "none"):
            assert roi < 0
        assert float(r["incremental_orders_per_1000_flyers"]) == pytest.approx(
            1000 * float(r["incremental_orders_per_flyer"]), abs=1e-3
        )


def test_channel_effects_cover_every_channel(written: tuple[behaviour.Plan, Path]) -> None:
    _, root = written
    truth = {r["channel"]: r for r in _rows(root, "truth/channel_effects.csv")}
    assert list(truth) == list(CHANNELS)
    for channel, effect in EFFECTS.items():
        if channel != "flyer":
            assert (
                float(truth[channel]["incremental_orders_per_exposure"])
                == effect.incremental_orders_per_exposure
            )
        assert float(truth[channel]["decay_days"]) == effect.decay_days


def test_campaigns_and_promotions_fall_in_the_period(written: tuple[behaviour.Plan, Path]) -> None:
    plan, root = written
    campaigns = _rows(root, "touchpoints/email_campaigns.csv")
    assert {c["channel"] for c in campaigns} == {"email", "push"}
    assert all(0 <= c.t < plan.period.end for c in plan.campaigns)
    codes = {p["code"] for p in _rows(root, "pricing/promotions.csv")}
    assert {"SOLDES-HIVER-2025", "SOLDES-ETE-2025", "BLACK-FRIDAY-2025", "BIENVENUE10"} <= codes
