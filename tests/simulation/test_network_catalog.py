"""The simulated network and catalog: real cities, valid codes, loadable by omnicanal's imports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.network.rules import normalise_code, normalise_phone, normalise_siret
from omnicanal.security.service import SYSTEM
from omnicanal.simulation import catalog, network
from omnicanal.simulation.catalog import gtin_check_digit, is_valid_gtin13
from omnicanal.simulation.rng import stream
from omnicanal.simulation.scale import PRESETS, parse_scale
from omnicanal.simulation.world import build_world


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("first12", "check"), [("400638133393", "1"), ("376012300000", "0"), ("978020137962", "4")]
)
def test_gtin_check_digit_follows_gs1(first12: str, check: str) -> None:
    assert gtin_check_digit(first12) == check


def test_small_brand_has_40_stores_of_which_15_franchised_and_large_400() -> None:
    for name, stores, franchised in (("small", 40, 15), ("large", 400, 150)):
        world = build_world(PRESETS[name], 7)
        assert len(world.stores) == stores
        assert sum(s.franchised for s in world.stores) == franchised
        assert len({s.code for s in world.stores}) == stores
        for store in world.stores:
            normalise_code(store.code)


def test_every_product_has_a_valid_and_unique_gtin_and_sku() -> None:
    world = build_world(PRESETS["large"], 3)
    assert len(world.products) == 4_000
    assert all(is_valid_gtin13(p.gtin) for p in world.products)
    assert len({p.gtin for p in world.products}) == len({p.sku for p in world.products}) == 4_000
    assert all(p.base_price_cents > 0 for p in world.products)


def test_scale_from_a_number_of_persons() -> None:
    scale = parse_scale("1000000")
    assert scale.persons == 1_000_000 and scale.stores == 400
    with pytest.raises(ValueError, match="tiny, small"):
        parse_scale("huge")


def test_network_files_are_valid_and_deterministic(tmp_path: Path) -> None:
    world = build_world(PRESETS["small"], 11)
    for out in (tmp_path / "a", tmp_path / "b"):
        network.write_network(out, world.scale, world.stores, stream(11, "network-files"))
    for name in ("entities.csv", "locations.csv", "channels.csv"):
        assert (tmp_path / "a" / "network" / name).read_bytes() == (
            tmp_path / "b" / "network" / name
        ).read_bytes()
    entities = _rows(tmp_path / "a" / "network" / "entities.csv")
    kinds = [e["kind"] for e in entities]
    for kind in ("hq", "web_shop", "app", "call_center", "own_store"):
        assert kind in kinds
    assert kinds.count("franchisee") == 4 and kinds.count("marketplace_seller") == 3
    for entity in entities:
        if entity["siret"]:
            normalise_siret(entity["siret"])
    locations = _rows(tmp_path / "a" / "network" / "locations.csv")
    assert sum(loc["kind"] == "warehouse" for loc in locations) == 2
    for loc in locations:
        if loc["phone"]:
            assert normalise_phone(loc["phone"], "FR").startswith("+33")


def test_franchisee_files_reencode_part_of_the_catalog_with_the_truth_beside(
    tmp_path: Path,
) -> None:
    world = build_world(PRESETS["small"], 5)
    catalog.write_catalog(tmp_path, world.scale, world.products, stream(5, "catalog"))
    truth = _rows(tmp_path / "truth" / "franchise_products.csv")
    skus = {p.sku for p in world.products}
    assert all(t["sku"] in skus for t in truth)
    for code, _ in world.franchisees:
        rows = _rows(tmp_path / "catalog" / "franchise" / f"{code}.csv")
        assert 0.45 * len(world.products) < len(rows) < 0.85 * len(world.products)
        without = sum(not r["ean"] for r in rows) / len(rows)
        assert 0.05 < without < 0.2, "some articles are re-encoded without a barcode"
        invalid = sum(bool(r["ean"]) and not is_valid_gtin13(r["ean"]) for r in rows) / len(rows)
        assert 0.005 < invalid < 0.08, "a few barcodes were keyed in wrong"
        assert all("," in r["prix_ttc"] for r in rows), "French decimal comma"
    offers = _rows(tmp_path / "catalog" / "marketplace_offers.csv")
    assert {o["seller_code"] for o in offers} == {code for code, _ in world.marketplace_sellers}
    assert all(is_valid_gtin13(o["gtin"]) for o in offers)


def test_network_files_load_through_the_import_paths(tmp_path: Path, factory) -> None:
    world = build_world(PRESETS["small"], 9)
    network.write_network(tmp_path, world.scale, world.stores, stream(9, "network-files"))
    for kind in ("entities", "locations", "channels"):
        path = tmp_path / "network" / f"{kind}.csv"
        report = imports.run_import(factory, SYSTEM, kind, str(path), readers.read_rows(path))
        assert report.rejected == 0, report.errors[:3]
        assert report.created == report.read
