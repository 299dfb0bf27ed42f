"""What each viewer sees of a location's stock: the exact figure, a level band (none / low /
available) or nothing, as the location's policy says. Pure, no I/O.

A location's policy has two settings: what the network sees (staff of other locations, advisors,
HQ) and what the public sees (a customer on the web shop, the app, a marketplace or a kiosk).
The location's own entity always sees its exact stock. The public never sees more than the
network: a franchisee that shares only bands with the brand shares no more with customers.
The policy governs what is shown, not what is promised: the availability and sourcing rules
work on the exact figures whatever a viewer is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypedDict

from omnicanal.errors import InvalidInput


class InvalidVisibility(InvalidInput):
    code = "invalid_visibility"


class Visibility(StrEnum):
    EXACT = "exact"
    BAND = "band"
    HIDDEN = "hidden"


class Audience(StrEnum):
    OWNER = "owner"  # the location's own entity: its staff, its franchisee
    NETWORK = "network"  # anyone else of the brand with a role
    PUBLIC = "public"  # a customer, through a channel


_OPENNESS = {Visibility.HIDDEN: 0, Visibility.BAND: 1, Visibility.EXACT: 2}

Level = Literal["none", "low", "available"]


class ExactStock(TypedDict):
    visibility: Literal["exact"]
    quantity: int


class BandStock(TypedDict):
    visibility: Literal["band"]
    level: Level


class HiddenStock(TypedDict):
    visibility: Literal["hidden"]


ShownStock = ExactStock | BandStock | HiddenStock


@dataclass(frozen=True, slots=True)
class VisibilityPolicy:
    """`none_max` and `low_max` cut the bands: available-to-promise at or below `none_max`
    shows as none (a store may prefer not to send a customer for its last unit), at or below
    `low_max` as low, above it as available."""

    network: Visibility = Visibility.EXACT
    public: Visibility = Visibility.BAND
    none_max: int = 0
    low_max: int = 3

    def __post_init__(self) -> None:
        for name in ("network", "public"):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, Visibility(value))
            except ValueError as exc:
                raise InvalidVisibility(
                    f"unknown visibility {value!r}; use exact, band or hidden", field=name
                ) from exc
        for name in ("none_max", "low_max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidVisibility(f"{name} is a non-negative whole number", field=name)
        if self.low_max <= self.none_max:
            raise InvalidVisibility("the low band ends above the none band", field="low_max")
        if _OPENNESS[self.public] > _OPENNESS[self.network]:
            raise InvalidVisibility(
                f"the public would see more ({self.public}) than the network ({self.network})",
                field="public",
            )

    def level(self, available: int) -> Level:
        if available <= self.none_max:
            return "none"
        return "low" if available <= self.low_max else "available"

    def for_audience(self, audience: Audience) -> Visibility:
        if audience is Audience.OWNER:
            return Visibility.EXACT
        return self.network if audience is Audience.NETWORK else self.public

    def shown(self, available: int, audience: Audience) -> ShownStock:
        visibility = self.for_audience(audience)
        if visibility is Visibility.EXACT:
            return {"visibility": "exact", "quantity": available}
        if visibility is Visibility.BAND:
            return {"visibility": "band", "level": self.level(available)}
        return {"visibility": "hidden"}


# An own store shows its figure to the network and a band to customers; a franchised store
# that shares only bands, with the network and the public alike.
OWN_STORE_POLICY = VisibilityPolicy()
BANDS_ONLY_POLICY = VisibilityPolicy(network=Visibility.BAND, public=Visibility.BAND)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: without a role, a customer through a channel (`channel` says which);
    with one, a user or API key of `entity`."""

    role: str | None = None
    entity: str | None = None
    channel: str | None = None

    def audience(self, location_owner: str) -> Audience:
        if self.role is None:
            return Audience.PUBLIC
        if self.entity is not None and self.entity == location_owner:
            return Audience.OWNER
        return Audience.NETWORK


PUBLIC = Viewer()


def shown_stock(policy: VisibilityPolicy, available: int, audience: Audience) -> ShownStock:
    """What `audience` sees of `available` (available-to-promise) under `policy`."""
    return policy.shown(available, audience)
