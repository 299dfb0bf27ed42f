"""Visibility policy: what the owner, the network and the public see of a location's stock."""

from __future__ import annotations

import pytest

from omnicanal.inventory import (
    BANDS_ONLY_POLICY,
    OWN_STORE_POLICY,
    Audience,
    InvalidVisibility,
    Viewer,
    VisibilityPolicy,
    shown_stock,
)


@pytest.mark.parametrize(
    ("available", "level"),
    [(0, "none"), (1, "low"), (3, "low"), (4, "available"), (100, "available")],
)
def test_the_default_bands_are_none_at_zero_low_up_to_three_available_above(
    available: int, level: str
) -> None:
    assert shown_stock(BANDS_ONLY_POLICY, available, Audience.PUBLIC) == {
        "visibility": "band",
        "level": level,
    }


@pytest.mark.parametrize(
    ("available", "level"),
    [(0, "none"), (1, "none"), (2, "low"), (10, "low"), (11, "available")],
)
def test_band_thresholds_are_configurable(available: int, level: str) -> None:
    policy = VisibilityPolicy(public="band", none_max=1, low_max=10)  # type: ignore[arg-type]
    assert policy.level(available) == level


@pytest.mark.parametrize(
    ("policy", "audience", "shown"),
    [
        (OWN_STORE_POLICY, Audience.OWNER, {"visibility": "exact", "quantity": 2}),
        (OWN_STORE_POLICY, Audience.NETWORK, {"visibility": "exact", "quantity": 2}),
        (OWN_STORE_POLICY, Audience.PUBLIC, {"visibility": "band", "level": "low"}),
        (BANDS_ONLY_POLICY, Audience.OWNER, {"visibility": "exact", "quantity": 2}),
        (BANDS_ONLY_POLICY, Audience.NETWORK, {"visibility": "band", "level": "low"}),
        (BANDS_ONLY_POLICY, Audience.PUBLIC, {"visibility": "band", "level": "low"}),
        (
            VisibilityPolicy("hidden", "hidden"),
            Audience.OWNER,
            {"visibility": "exact", "quantity": 2},
        ),
        (VisibilityPolicy("hidden", "hidden"), Audience.NETWORK, {"visibility": "hidden"}),
        (VisibilityPolicy("band", "hidden"), Audience.PUBLIC, {"visibility": "hidden"}),
        (
            VisibilityPolicy("exact", "exact"),
            Audience.PUBLIC,
            {"visibility": "exact", "quantity": 2},
        ),
    ],
)
def test_each_audience_sees_what_the_policy_allows_and_the_owner_always_the_figure(
    policy: VisibilityPolicy, audience: Audience, shown: dict[str, object]
) -> None:
    assert shown_stock(policy, 2, audience) == shown


@pytest.mark.parametrize(
    ("viewer", "audience"),
    [
        (Viewer(channel="web"), Audience.PUBLIC),
        (Viewer(), Audience.PUBLIC),
        (Viewer(role="store_staff", entity="FRA1"), Audience.OWNER),
        (Viewer(role="franchisee", entity="FRA1"), Audience.OWNER),
        (Viewer(role="store_staff", entity="OWN"), Audience.NETWORK),
        (Viewer(role="advisor", entity="HQ", channel="call_center"), Audience.NETWORK),
        (Viewer(role="admin", entity="HQ"), Audience.NETWORK),
    ],
)
def test_a_viewer_is_the_owner_of_its_entitys_locations_network_with_a_role_public_without(
    viewer: Viewer, audience: Audience
) -> None:
    assert viewer.audience("FRA1") is audience


def test_a_franchisee_sharing_only_bands_shows_another_franchisee_a_band() -> None:
    other = Viewer(role="franchisee", entity="FRA2")
    assert BANDS_ONLY_POLICY.shown(7, other.audience("FRA1")) == {
        "visibility": "band",
        "level": "available",
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"network": "fuzzy"}, "network"),
        ({"public": "all"}, "public"),
        ({"none_max": -1}, "none_max"),
        ({"low_max": 0}, "low_max"),
        ({"none_max": 3, "low_max": 3}, "low_max"),
        ({"network": "band", "public": "exact"}, "public"),
        ({"network": "hidden", "public": "band"}, "public"),
    ],
)
def test_a_policy_is_validated_and_the_public_never_sees_more_than_the_network(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidVisibility) as error:
        VisibilityPolicy(**fields)  # type: ignore[arg-type]
    assert error.value.field == field
