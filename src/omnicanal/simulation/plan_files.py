"""The plan's files: weekly media spend, campaigns, flyer drops and promotions as the brand's
teams keep them, and the true effect of every channel and of every store's flyers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from omnicanal.simulation.effects import (
    BASELINE_ORDERS_PER_YEAR,
    EFFECTS,
    GROSS_MARGIN_RATE,
    realised_share,
)
from omnicanal.simulation.media import (
    EMAIL_AUDIENCE_SHARE,
    EMAIL_COST_PER_SEND_CENTS,
    Plan,
    StoreFlyers,
)
from omnicanal.simulation.world import World
from omnicanal.simulation.writers import CsvOut

MEAN_EMAIL_OPEN = 0.05 + 0.35 / 3  # journeys: engagement = 0.05 + 0.35 u², u uniform
MEAN_PUSH_TAP = 0.02 + 0.10 / 3
EXPOSED = {"paid_search": "every person", "display": "every person", "social": "every person",
           "email": "persons opted in to e-mails", "push": "app users who accept notifications",
           "flyer": "persons living in a store's catchment",
           "store_visit": "every person", "call_center": "call-center contacts",
           "marketplace": "marketplace buyers"}  # fmt: skip
CHANNEL_EFFECT_COLUMNS = [
    "channel", "effect_model", "incremental_orders_per_exposure", "decay_days", "exposure",
    "exposed_population", "planned_exposures_per_person_year", "observed_in",
    "cost_per_exposure_cents", "incremental_revenue_per_exposure_cents",
    "incremental_orders_per_1000_euros", "roi", "baseline_orders_per_person_year",
]  # fmt: skip
FLYER_EFFECT_COLUMNS = [
    "store_code", "effect_class", "incremental_orders_per_flyer", "decay_days",
    "incremental_orders_per_1000_flyers", "incremental_revenue_per_1000_flyers_cents",
    "cost_per_1000_flyers_cents", "roi", "drop_weeks", "flyers", "cost_cents",
    "expected_incremental_orders", "expected_incremental_revenue_cents", "catchment_mailboxes",
]  # fmt: skip


def _roi(beta: float, cost_cents: float, aov: float) -> float | None:
    """(incremental gross margin - cost) / cost, per exposure; None for channels not bought."""
    if not cost_cents:
        return None
    return round((beta * aov * GROSS_MARGIN_RATE - cost_cents) / cost_cents, 4)


def _flyer_truth(f: StoreFlyers, plan: Plan) -> list[object]:
    period, tau, aov = plan.period, EFFECTS["flyer"].decay_days, plan.average_order_value_cents
    flyers = sum(f.quantity(w) for w in range(period.weeks))
    expected = sum(  # flyers reaching persons late in the period have less time to act
        f.quantity(w) * realised_share(f.beta, tau, period.days - w * 7 - f.drop_day[w] - 0.5)
        for w in range(period.weeks)
    )
    return [
        f.store_code, f.effect_class, round(f.beta, 6), tau, round(1000 * f.beta, 3),
        round(1000 * f.beta * aov), round(1000 * f.cost_per_flyer_cents),
        _roi(f.beta, f.cost_per_flyer_cents, aov), sum(1 for c in f.coverage if c), flyers,
        round(flyers * f.cost_per_flyer_cents), round(expected, 2), round(expected * aov),
        f.mailboxes,
    ]  # fmt: skip


def write_plan(out_dir: Path, world: World, plan: Plan) -> dict[str, int]:
    """Write the plan's files; returns rows per file."""
    period, aov, counts = plan.period, plan.average_order_value_cents, {}

    spend = CsvOut(out_dir / "media" / "spend.csv", ["week", "channel", "spend_cents", "currency"])
    for week in range(period.weeks):
        for channel, weekly in plan.spend_cents.items():
            spend.write_values([period.week_start(week).isoformat(), channel, weekly[week], "EUR"])
    spend.close()
    counts["media/spend.csv"] = spend.rows

    campaigns = CsvOut(out_dir / "touchpoints" / "email_campaigns.csv", [
        "campaign_id", "channel", "name", "subject", "sent_at", "audience",
        "estimated_recipients", "cost_cents"])  # fmt: skip
    recipients = round(plan.persons * EMAIL_AUDIENCE_SHARE)
    for c in plan.campaigns:
        email = c.channel == "email"
        campaigns.write_values([
            c.id, c.channel, c.name, c.subject, period.iso(c.t),
            "opt-in e-mail" if email else "opt-in notifications",
            recipients if email else None,
            round(recipients * EMAIL_COST_PER_SEND_CENTS) if email else 0])  # fmt: skip
    campaigns.close()
    counts["touchpoints/email_campaigns.csv"] = campaigns.rows

    drops = CsvOut(out_dir / "touchpoints" / "flyer_drops.csv",
                   ["store_code", "week_start", "drop_date", "quantity", "cost_cents"])  # fmt: skip
    for f in plan.flyers.values():
        for week, coverage in enumerate(f.coverage):
            if coverage:
                monday = period.week_start(week)
                drops.write_values([
                    f.store_code, monday.isoformat(),
                    (monday + timedelta(days=f.drop_day[week])).isoformat(), f.quantity(week),
                    round(f.quantity(week) * f.cost_per_flyer_cents)])  # fmt: skip
    drops.close()
    counts["touchpoints/flyer_drops.csv"] = drops.rows

    promotions = CsvOut(out_dir / "pricing" / "promotions.csv", [
        "code", "name", "kind", "value", "starts_at", "ends_at", "channels", "categories",
        "coupon_code", "condition"])  # fmt: skip
    for p in plan.promotions:
        promotions.write_values([
            p.code, p.name, p.kind, p.value, period.iso(p.starts), period.iso(p.ends),
            "|".join(p.channels), "|".join(p.categories), p.coupon, p.condition])  # fmt: skip
    promotions.close()
    counts["pricing/promotions.csv"] = promotions.rows

    effects = CsvOut(out_dir / "truth" / "channel_effects.csv", CHANNEL_EFFECT_COLUMNS)
    baseline = "none: the demand a person has with no touchpoint (times propensity and season)"
    effects.write_values(["organic", "baseline", None, None, baseline, "every person", None, None,
                          None, None, None, None, BASELINE_ORDERS_PER_YEAR])  # fmt: skip
    emails = sum(1 for c in plan.campaigns if c.channel == "email") * 52 / period.weeks
    pushes = sum(1 for c in plan.campaigns if c.channel == "push") * 52 / period.weeks
    flyers = [(f, sum(f.quantity(w) for w in range(period.weeks))) for f in plan.flyers.values()]
    total_flyers = sum(n for _, n in flyers) or 1
    for channel, e in EFFECTS.items():
        beta, cost, planned = e.incremental_orders_per_exposure, e.cost_per_exposure_cents, (
            e.exposures_per_person_year)  # fmt: skip
        if channel == "email":
            cost, planned = EMAIL_COST_PER_SEND_CENTS / MEAN_EMAIL_OPEN, emails * MEAN_EMAIL_OPEN
        elif channel == "push":
            planned = pushes * MEAN_PUSH_TAP
        elif channel == "flyer":
            beta = sum(f.beta * n for f, n in flyers) / total_flyers
            cost = sum(f.cost_per_flyer_cents * n for f, n in flyers) / total_flyers
            planned = total_flyers / max(1, plan.persons) * 52 / period.weeks
        effects.write_values([
            channel, "additive_hazard_exponential_decay", round(beta, 6), e.decay_days,
            e.exposure, EXPOSED[channel], round(planned, 3), e.observed_in or None,
            round(cost, 3), round(beta * aov, 1), round(beta * 100_000 / cost, 3) if cost else None,
            _roi(beta, cost, aov), None])  # fmt: skip
    effects.close()
    counts["truth/channel_effects.csv"] = effects.rows

    truth = CsvOut(out_dir / "truth" / "store_flyer_effects.csv", FLYER_EFFECT_COLUMNS)
    for f in plan.flyers.values():
        truth.write_values(_flyer_truth(f, plan))
    truth.close()
    counts["truth/store_flyer_effects.csv"] = truth.rows
    return counts
