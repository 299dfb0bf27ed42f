"""The demo's prices and promotions: the brand's base prices (`catalog/products.csv`), a price
policy per franchisee, each franchisee's till prices at its stores (its own product file,
through the code mapping: some of them outside the policy, for the consistency audit), and
the brand's promotions (`pricing/promotions.csv`) plus one running now, for the tour.

Loaded once: a second `omnicanal demo` finds the prices there and leaves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from omnicanal.catalog import service as catalog_service
from omnicanal.catalog.schemas import parse_price_minor
from omnicanal.cli.common import console, session_factory
from omnicanal.imports.readers import read_rows
from omnicanal.network.models import Channel, Entity, Location
from omnicanal.pricing import schemas, service
from omnicanal.pricing.models import PriceRow
from omnicanal.security.service import SYSTEM

PRICES_FROM = "2024-01-01T00:00:00+00:00"  # before the simulated period
TILL_PRICES_FROM = "2025-03-01T00:00:00+00:00"
# A policy per franchisee, in the order of their codes (and again for more franchisees).
POLICIES = [("band", "10"), ("band", "5"), ("locked", None), ("free", None)]


def _channels(session: Session, simulated: str) -> list[str]:
    """A simulated channel name as the network's channel codes: `pos` is every store channel,
    `marketplace` every seller's."""
    codes = list(session.execute(select(Channel.code)).scalars())
    if simulated == "pos":
        return [c for c in codes if c == "store" or c.startswith("store:")]
    if simulated == "marketplace":
        return [c for c in codes if c.startswith("marketplace:")]
    return [simulated] if simulated in codes else []


def _promotion(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    names = str(row["channels"]).split("|")
    channels = sorted({code for name in names for code in _channels(session, name)})
    conditions: dict[str, Any] = {"channels": channels}
    if row.get("categories"):
        conditions["categories"] = [c.upper() for c in str(row["categories"]).split("|")]
    if row.get("condition") == "first_order":
        conditions["first_order"] = True
    value = int(row["value"])
    action = (
        {"kind": "percent_off", "percent": value}
        if row["kind"] == "percent_off"
        else {"kind": "amount_off", "amount": value}
    )
    return {
        "id": row["code"],
        "name": row["name"],
        "action": action,
        "conditions": conditions,
        "starts_at": str(row["starts_at"]).replace("Z", "+00:00"),
        "ends_at": str(row["ends_at"]).replace("Z", "+00:00"),
        # a shared code, or a voucher the loyalty program gives for points
        "requires_coupon": bool(row.get("coupon_code"))
        or row.get("condition") == "loyalty_200_points",
        "stacking_group": "soldes" if str(row["code"]).startswith("SOLDES") else None,
    }  # fmt: skip


def _current_promotion() -> dict[str, Any]:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "id": "DEMO-2E-PULL-50",
        "name": "Le 2e pull à -50 %",
        "action": {"kind": "nth_item", "n": 2, "percent": 50},
        "conditions": {"categories": ["HOMME.PULLS"]},
        "starts_at": (today - timedelta(days=7)).isoformat(),
        "ends_at": (today + timedelta(days=60)).isoformat(),
        "priority": 5,
    }


def load_pricing(brand_dir: Path) -> None:
    with session_factory().begin() as session:
        if session.execute(select(func.count()).select_from(PriceRow)).scalar_one():
            console.print("Prices and promotions already loaded.")
            return
        base = [
            schemas.PriceIn(sku=str(row["sku"]), amount=int(row["base_price_cents"]),
                            valid_from=PRICES_FROM)
            for _, row in read_rows(brand_dir / "catalog" / "products.csv")
        ]  # fmt: skip
        service.set_prices(session, SYSTEM, base)
        franchisees = list(
            session.execute(
                select(Entity).where(Entity.kind == "franchisee").order_by(Entity.code)
            ).scalars()
        )
        till_rows = 0
        for n, entity in enumerate(franchisees):
            mode, band = POLICIES[n % len(POLICIES)]
            policy = schemas.PolicyIn(mode=mode, band_percent=band)  # type: ignore[arg-type]
            service.set_policy(session, SYSTEM, entity.code, policy)
            till_rows += _till_prices(session, brand_dir, entity)
        rows = [row for _, row in read_rows(brand_dir / "pricing" / "promotions.csv")]
        promotions = [_promotion(session, row) for row in rows] + [_current_promotion()]
        for definition in promotions:
            service.create_promotion(session, SYSTEM, definition)
        for row in rows:
            if row.get("coupon_code"):  # a shared code: anyone may type it, any number of times
                shared = schemas.CouponsIn(code=str(row["coupon_code"]), max_redemptions=None)
                service.add_coupons(session, SYSTEM, str(row["code"]), shared)
    console.print(
        f"{len(base):,} base prices, {till_rows:,} franchisee till prices, "
        f"{len(promotions)} promotions"
    )


def _till_prices(session: Session, brand_dir: Path, entity: Entity) -> int:
    """The franchisee's own prices, from its product file, at each of its stores."""
    path = brand_dir / "catalog" / "franchise" / f"{entity.code}.csv"
    if not path.exists():
        return 0
    prices: dict[str, int] = {}
    for _, row in read_rows(path):
        if row.get("prix_ttc"):
            prices[str(row["code_article"])] = parse_price_minor(row["prix_ttc"])
    translated = catalog_service.translate_codes(session, SYSTEM, entity.code, list(prices))
    stores = list(
        session.execute(
            select(Location.code).where(
                Location.owner_entity_id == entity.id, Location.kind == "store"
            )
        ).scalars()
    )
    rows = [
        schemas.PriceIn(sku=t.sku, amount=prices[t.code], location=store,
                        valid_from=TILL_PRICES_FROM)
        for t in translated
        if t.sku is not None
        for store in stores
    ]  # fmt: skip
    if rows:
        service.set_prices(session, SYSTEM, rows)
    return len(rows)
