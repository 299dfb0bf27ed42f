"""Everything about the brand that is decided once, before persons are simulated in chunks."""

from __future__ import annotations

from dataclasses import dataclass

from omnicanal.simulation import catalog, network
from omnicanal.simulation.model import Product, Store
from omnicanal.simulation.rng import stream
from omnicanal.simulation.scale import Scale


@dataclass
class World:
    seed: int
    scale: Scale
    stores: list[Store]
    products: list[Product]
    warehouses: list[str]
    franchisees: list[tuple[str, str]]  # (entity code, name)
    marketplace_sellers: list[tuple[str, str]]

    def store(self, code: str) -> Store:
        return self._by_code[code]

    def __post_init__(self) -> None:
        self._by_code = {s.code: s for s in self.stores}


def build_world(scale: Scale, seed: int) -> World:
    return World(
        seed=seed,
        scale=scale,
        stores=network.build_stores(scale, stream(seed, "stores")),
        products=catalog.build_products(scale, stream(seed, "products")),
        warehouses=[code for code, *_ in network.WAREHOUSES],
        franchisees=network.franchisee_codes(scale),
        marketplace_sellers=list(network.MARKETPLACE_SELLERS),
    )
