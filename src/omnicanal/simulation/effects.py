"""The causal model of buying: channels, their true effects, and each channel's share of the
purchase intensity at a given moment.

A person's purchase intensity (decisions to buy per day) at time t is

    λ(t) = b · s(w(t))  +  Σ_{exposures e before t}  β_k(e) · exp(-(t - t_e)/τ_k(e)) / τ_k(e)

where b = BASELINE_ORDERS_PER_YEAR / 365 × the person's propensity, s(w) the seasonality of
week w (mean 1), β_k the expected number of extra purchase decisions that one exposure of
channel k causes (over an unbounded horizon) and τ_k its mean delay in days (exponential decay
kernel, of integral 1). Flyers have one β per store. Effects add up: there is no saturation and
no interaction, so each channel's incremental orders are exactly β_k per exposure.

Because λ is a sum of independent components, decisions are drawn as the superposition of a
Poisson process for the baseline and one Poisson(β) cluster per exposure (delays Exp(τ)): the
component that produced a decision is its triggering component, and the share of each
component in λ at that moment is each channel's true contribution to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The baseline ("organic") is the demand a person has with no touchpoint at all.
CHANNELS = ("organic", "paid_search", "display", "social", "email", "push", "flyer",
            "store_visit", "call_center", "marketplace")  # fmt: skip
CHANNEL_INDEX = {name: i for i, name in enumerate(CHANNELS)}

BASELINE_ORDERS_PER_YEAR = 0.70
GROSS_MARGIN_RATE = 0.55  # what a euro of sales leaves once goods are paid for: used for ROI


@dataclass(frozen=True)
class ChannelEffect:
    channel: str
    incremental_orders_per_exposure: float  # β
    decay_days: float  # τ
    exposure: str  # what one exposure is
    cost_per_exposure_cents: float  # media cost; 0 when the channel is not bought
    exposures_per_person_year: float  # planned average over the whole population
    observed_in: str  # the export in which an exposure shows, if any


EFFECTS: dict[str, ChannelEffect] = {
    e.channel: e
    for e in [
        ChannelEffect("paid_search", 0.080, 2.0, "a click on a search ad, landing on the web shop",
                      45, 0.7, "events/web.jsonl"),
        ChannelEffect("display", 0.035, 6.0, "a click on a display banner, landing on the web shop",
                      60, 0.5, "events/web.jsonl"),
        ChannelEffect("social", 0.045, 4.0, "a click on a paid social ad, landing on the web shop",
                      70, 0.4, "events/web.jsonl"),
        ChannelEffect("email", 0.025, 3.0, "a marketing e-mail opened by its recipient",
                      1, 0.0, "touchpoints/email_events.csv"),
        ChannelEffect("push", 0.030, 1.0, "an app notification tapped, opening the app",
                      0, 0.0, "events/app.jsonl"),
        ChannelEffect("flyer", 0.0, 4.0, "a paper flyer of the home store in the letterbox "
                      "(per store: truth/store_flyer_effects.csv)", 12, 0.0, ""),
        ChannelEffect("store_visit", 0.220, 0.03, "a walk past and into a store, browsing with no "
                      "intent to buy (about 45 minutes of effect)", 0, 1.5, ""),
        ChannelEffect("call_center", 0.250, 2.0, "an inbound call asking for information",
                      0, 0.6, "touchpoints/calls.csv"),
        ChannelEffect("marketplace", 0.080, 1.0, "a visit to a brand product page on the "
                      "marketplace", 0, 3.0, ""),
    ]
}  # fmt: skip
# Exposures per person-year above are for the whole population for bought media, and for the
# persons who can be exposed for the others (call-center contacts, marketplace buyers).


def baseline_per_day(propensity: float, season: float) -> float:
    return BASELINE_ORDERS_PER_YEAR / 365.0 * propensity * season


def kernel(delta_days: float, tau: float) -> float:
    """Effect density `delta_days` after an exposure: exp(-Δ/τ)/τ, zero before it."""
    if delta_days <= 0.0:
        return 0.0
    x = delta_days / tau
    return math.exp(-x) / tau if x < 40.0 else 0.0


def contributions(
    baseline: float, exposures: list[tuple[float, int, float, float]], t_days: float
) -> list[float]:
    """Each channel's share of λ at `t_days` (in CHANNELS order, summing to 1).

    `baseline` is b·s in decisions per day; `exposures` are (time in days, channel index, β, τ).
    """
    parts = [0.0] * len(CHANNELS)
    parts[0] = baseline
    for t_e, channel, beta, tau in exposures:
        if t_e < t_days and beta > 0.0:
            x = (t_days - t_e) / tau
            if x < 40.0:
                parts[channel] += beta * math.exp(-x) / tau
    total = sum(parts)
    return [p / total for p in parts]


def realised_share(beta: float, tau: float, days_left: float) -> float:
    """Expected decisions an exposure causes before the period ends, `days_left` after it."""
    return beta * (1.0 - math.exp(-days_left / tau))
