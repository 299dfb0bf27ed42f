"""The code-mapping queue as the back-office reads it: counts and owners in the reader's scope,
the next code to review, a code's candidates with the fields that agree."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from omnicanal.catalog import schemas, service
from omnicanal.catalog.models import ProductCode
from omnicanal.security.permissions import Permission, Principal, Scope
from omnicanal.security.service import SYSTEM
from tests.conftest import Brand


def _reader(entity_id: str) -> Principal:
    return Principal(
        kind="user",
        id="u",
        name="franchisee",
        permissions=frozenset({Permission.CATALOG_READ, Permission.CATALOG_WRITE}),
        scope=Scope(entity_id=entity_id),
    )


@pytest.fixture
def queue(session: Session, brand: Brand) -> dict[str, ProductCode]:
    for size in ("36", "38"):
        service.create_product(session, SYSTEM, schemas.ProductCreate(
            sku=f"LINA-NOIR-{size}", name_fr="Robe portefeuille Lina", brand="Maison Démo",
            attributes={"colour": "Noir", "size": size, "base_price_cents": "6990"},
        ))  # fmt: skip
    lines = [
        ("FR-A", "A3", "ROBE PORTEFEUILLE LINA NOIR"),
        ("FR-A", "A1", "ROBE PORTEFEUILLE LINA NOIR"),
        ("FR-A", "A2", "ROBE PORTEFEUILLE LINA NOIR 38"),  # maps by itself
        ("FR-B", "B1", "ROBE PORTEFEUILLE LINA NOIR"),
    ]
    codes, _, _ = service.submit_lines(session, SYSTEM, [
        schemas.ProductLineIn(owner=owner, code=code, name=name, brand="MAISON DEMO",
                              price="69,90")
        for owner, code, name in lines
    ])  # fmt: skip
    session.commit()
    return {c.code: c for c in codes}


def test_counts_and_owners_are_those_of_the_readers_scope(
    session: Session, brand: Brand, queue
) -> None:
    assert service.count_codes(session, SYSTEM) == {"pending_review": 3, "mapped": 1}
    assert service.count_codes(session, SYSTEM, "FR-B") == {"pending_review": 1}
    assert service.code_owners(session, SYSTEM) == ["FR-A", "FR-B"]
    alpha = _reader(brand.franchisee_a)
    assert service.count_codes(session, alpha) == {"pending_review": 2, "mapped": 1}
    assert service.code_owners(session, alpha) == ["FR-A"]


def test_the_next_code_follows_in_owner_and_code_order_and_wraps_around(
    session: Session, queue
) -> None:
    def following(code: str, owner: str | None = None) -> str | None:
        found = service.next_code(session, SYSTEM, queue[code], owner=owner)
        return found.code if found else None

    assert following("A1") == "A3"  # A2 is mapped
    assert following("A3") == "B1"
    assert following("B1") == "A1"  # from the start again
    assert following("A3", owner="FR-A") == "A1"
    assert following("B1", owner="FR-B") is None  # nothing else waits


def test_candidates_come_with_their_products_and_the_fields_that_agree(
    session: Session, queue
) -> None:
    found = service.candidate_products(session, SYSTEM, queue["A1"])

    assert [product.sku for product, _score, _checks in found] == ["LINA-NOIR-36", "LINA-NOIR-38"]
    _product, score, checks = found[0]
    assert score == 1.0
    assert {c.field: c.state for c in checks} == {
        "label": "agrees", "gtin": "missing", "brand": "agrees", "category": "missing",
        "price": "agrees",
    }  # fmt: skip
    assert service.candidate_products(session, SYSTEM, queue["A2"]) != []  # kept once mapped
