"""The brand's network: entities, stores in real French cities, warehouses, channels."""

from __future__ import annotations

import random
import unicodedata

from stdnum import luhn

from omnicanal.simulation.data.geography import CITIES, DISTRICTS, STREETS, WAREHOUSES

__all__ = ["MARKETPLACE_SELLERS", "WAREHOUSES", "build_stores", "franchisee_codes", "write_network"]
from omnicanal.simulation.model import Store
from omnicanal.simulation.scale import Scale
from omnicanal.simulation.writers import CsvOut

FRANCHISEE_NAMES = [
    "Alpes", "Bretagne", "Provence", "Aquitaine", "Normandie", "Flandres", "Lorraine",
    "Bourgogne", "Occitanie", "Auvergne", "Vendée", "Savoie", "Alsace", "Picardie",
    "Touraine", "Champagne", "Limousin", "Corse", "Anjou", "Béarn",
]  # fmt: skip

MARKETPLACE_SELLERS = [
    ("MKP-BONPLAN", "Bon Plan Mode"),
    ("MKP-DESTOCK", "Destock Express"),
    ("MKP-ATELIER", "L'Atelier du Style"),
]

STORE_CAPABILITIES = ("click_and_collect", "returns", "reserve_in_store")

ENTITY_COLUMNS = ["code", "name", "kind", "legal_name", "siret"]
LOCATION_COLUMNS = [
    "code", "name", "kind", "owner_entity_code", "street", "postal_code", "city", "country",
    "latitude", "longitude", "phone", "opening_hours", "capabilities",
]  # fmt: skip
CHANNEL_COLUMNS = ["code", "name", "kind", "entity_code"]

HOURS = [
    "Mo-Sa 10:00-19:00",
    "Mo-Sa 09:30-19:30",
    "Mo-Sa 10:00-20:00; Su 10:00-13:00",
    "Tu-Sa 09:30-12:30,14:00-19:00",
    "Mo 14:00-19:00; Tu-Sa 10:00-19:00",
]


def siret(rng: random.Random) -> str:
    """A SIRET whose SIREN (first 9 digits) and whole 14 digits both pass the Luhn check."""
    siren = "".join(str(rng.randrange(10)) for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    nic = "".join(str(rng.randrange(10)) for _ in range(4))
    return siren + nic + luhn.calc_check_digit(siren + nic)


def slug(text: str) -> str:
    """`Saint-Étienne` -> `SAINT-ETIENNE`: codes keep to plain letters, digits and dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(plain.upper().replace("'", " ").split()).replace("--", "-")


def franchisee_codes(scale: Scale) -> list[tuple[str, str]]:
    names = FRANCHISEE_NAMES[: scale.franchisees]
    return [(f"FR-{slug(n)}", f"Franchise {n}") for n in names]


def _store_phone(rng: random.Random, postal_code: str) -> str:
    # Landlines start with the region's digit: 01 Île-de-France, 02 north-west, 03 north-east,
    # 04 south-east, 05 south-west.
    department = int(postal_code[:2]) if postal_code[:2].isdigit() else 20
    region = {75: 1, 77: 1, 78: 1, 91: 1, 92: 1, 93: 1, 94: 1, 95: 1}.get(department)
    if region is None:
        west = {14, 22, 29, 35, 37, 41, 44, 45, 49, 53, 56, 72, 76, 79, 85, 86, 18, 28}
        east = {10, 21, 25, 51, 54, 57, 59, 60, 62, 67, 68, 80, 2}
        south_west = {16, 17, 31, 33, 64, 81, 82, 87, 11, 66}
        region = (
            2
            if department in west
            else 3
            if department in east
            else 5
            if department in south_west
            else 4
        )
    pairs = " ".join(f"{rng.randrange(10, 99)}" for _ in range(4))
    return f"0{region} {pairs}"


def build_stores(scale: Scale, rng: random.Random) -> list[Store]:
    """Stores spread over the cities by population: big cities get several, in districts."""
    weights = [c[4] for c in CITIES]
    per_city = [0] * len(CITIES)
    # The first stores open in the biggest cities, then by population share.
    for i in range(min(scale.stores, len(CITIES))):
        per_city[i] += 1
    for _ in range(scale.stores - sum(per_city)):
        per_city[rng.choices(range(len(CITIES)), weights=weights)[0]] += 1

    franchisees = franchisee_codes(scale)
    slots: list[tuple[int, int]] = [(c, k) for c, n in enumerate(per_city) for k in range(n)]
    # Franchised stores are the smaller cities' first: franchising is how brands reach them.
    order = sorted(range(len(slots)), key=lambda i: (CITIES[slots[i][0]][4], slots[i][1]))
    franchised = set(order[: scale.franchised_stores])
    stores: list[Store] = []
    franchised_seen = 0
    for i, (city_index, k) in enumerate(slots):
        name, postal, lat, lon, _ = CITIES[city_index]
        district = DISTRICTS[(k - 1) % len(DISTRICTS)] if k else None
        if k > len(DISTRICTS):
            district = f"{district} {k // len(DISTRICTS) + 1}"
        code = slug(name) if k == 0 else f"{slug(name)}-{slug(district or '')}"
        is_franchised = i in franchised
        owner = "OWN"
        if is_franchised:
            owner = franchisees[franchised_seen % len(franchisees)][0]
            franchised_seen += 1
        capabilities = list(STORE_CAPABILITIES)
        if not is_franchised and rng.random() < 0.6:
            capabilities.append("ship_from_store")
        if is_franchised and rng.random() < 0.3:
            capabilities.remove("returns")  # some franchisees still refuse returns
        stores.append(
            Store(
                code=code,
                name=f"Maison Démo {name}" + (f" {district}" if district else ""),
                city=name,
                postal_code=postal,
                latitude=round(lat + rng.uniform(-0.02, 0.02), 5),
                longitude=round(lon + rng.uniform(-0.02, 0.02), 5),
                owner_code=owner,
                franchised=is_franchised,
                capabilities=tuple(sorted(capabilities)),
                index=len(stores),
            )
        )
    return stores


def write_network(out_dir, scale: Scale, stores: list[Store], rng: random.Random) -> dict[str, int]:  # type: ignore[no-untyped-def]
    entities = CsvOut(out_dir / "network" / "entities.csv", ENTITY_COLUMNS)
    entities.write(
        {
            "code": "HQ",
            "name": "Maison Démo",
            "kind": "hq",
            "legal_name": "Maison Démo SAS",
            "siret": siret(rng),
        }
    )
    for code, name, kind in (
        ("WEB", "maisondemo.fr", "web_shop"),
        ("APP", "Appli Maison Démo", "app"),
        ("CALL", "Service clients Maison Démo", "call_center"),
        ("OWN", "Magasins intégrés Maison Démo", "own_store"),
    ):
        entities.write({"code": code, "name": name, "kind": kind})
    for code, name in franchisee_codes(scale):
        entities.write(
            {
                "code": code,
                "name": name,
                "kind": "franchisee",
                "legal_name": f"{name} SARL",
                "siret": siret(rng),
            }
        )
    for code, name in MARKETPLACE_SELLERS:
        entities.write(
            {
                "code": code,
                "name": name,
                "kind": "marketplace_seller",
                "legal_name": f"{name} SAS",
                "siret": siret(rng),
            }
        )
    entities.close()

    locations = CsvOut(out_dir / "network" / "locations.csv", LOCATION_COLUMNS)
    for code, name, city, postal, lat, lon, street in WAREHOUSES:
        locations.write(
            {
                "code": code,
                "name": name,
                "kind": "warehouse",
                "owner_entity_code": "HQ",
                "street": street,
                "postal_code": postal,
                "city": city,
                "country": "FR",
                "latitude": lat,
                "longitude": lon,
                "opening_hours": "Mo-Sa 05:00-22:00",
                "capabilities": "home_delivery",
            }
        )
    for store in stores:
        locations.write(
            {
                "code": store.code,
                "name": store.name,
                "kind": "store",
                "owner_entity_code": store.owner_code,
                "street": f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
                "postal_code": store.postal_code,
                "city": store.city,
                "country": "FR",
                "latitude": store.latitude,
                "longitude": store.longitude,
                "phone": _store_phone(rng, store.postal_code),
                "opening_hours": rng.choice(HOURS),
                "capabilities": "|".join(store.capabilities),
            }
        )
    locations.close()

    channels = CsvOut(out_dir / "network" / "channels.csv", CHANNEL_COLUMNS)
    rows = [
        ("web", "Site web maisondemo.fr", "web", "WEB"),
        ("app", "Application mobile", "app", "APP"),
        ("call_center", "Service clients", "call_center", "CALL"),
        ("store", "Magasins intégrés", "store", "OWN"),
    ]
    rows += [
        (f"store:{code}", f"Magasins {name}", "store", code)
        for code, name in franchisee_codes(scale)
    ]
    rows += [
        (f"marketplace:{code}", name, "marketplace", code) for code, name in MARKETPLACE_SELLERS
    ]
    rows += [("social", "Boutique Instagram", "social", "WEB")]
    for code, name, kind, entity in rows:
        channels.write({"code": code, "name": name, "kind": kind, "entity_code": entity})
    channels.close()
    return {"entities": entities.rows, "locations": locations.rows, "channels": channels.rows}
