"""`omnicanal import products` and `omnicanal import product_codes --owner`: the simulated
brand's own files, column mapping, automatic mapping, rejected rows kept and replayed."""

import csv
from pathlib import Path

from sqlalchemy import select

from omnicanal.catalog.models import Category, Product, ProductCode
from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import gtin_check_digit
from tests.conftest import Brand

FRANCHISE_MAP = {"code_article": "code", "libelle": "name", "ean": "gtin", "prix_ttc": "price",
                 "rayon": "category"}  # fmt: skip


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


def _run(factory, kind, path: Path, mapping=None, defaults=None) -> imports.ImportReport:
    def prepared(row):
        row = readers.apply_mapping(row, mapping or {})
        return {**(defaults or {}), **{k: v for k, v in row.items() if v is not None}}

    rows = ((n, prepared(r)) for n, r in readers.read_rows(path))
    return imports.run_import(factory, SYSTEM, kind, str(path), rows)


PRODUCTS = f"""sku,gtin,name,category,size,colour,base_price_cents,currency
MD-00000-NOIR-36,{_gtin(0)},Robe portefeuille Lina,Femme > Robes,36,Noir,7990,EUR
MD-00000-NOIR-38,{_gtin(1)},Robe portefeuille Lina,Femme > Robes,38,Noir,7990,EUR
MD-00001-ECRU,{_gtin(2)},Plaid Alma,Maison,,Écru,3990,EUR
MD-00002-NOIR-M,{_gtin(3)[:-1]}{(int(_gtin(3)[-1]) + 1) % 10},Pull Jules,Homme > Pulls,M,Noir,5990,EUR
"""


def test_products_import_with_categories_and_attributes(tmp_path, factory, brand: Brand) -> None:
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS, encoding="utf-8")
    report = _run(factory, "products", path)
    assert (report.created, report.rejected) == (3, 1)
    assert report.errors[0].row_number == 5 and report.errors[0].field == "gtin"
    with factory() as session:
        dress = session.scalars(select(Product).where(Product.sku == "MD-00000-NOIR-38")).one()
        assert dress.attributes == {"size": "38", "colour": "Noir", "base_price_cents": "7990",
                                    "currency": "EUR"}  # fmt: skip
        codes = set(session.scalars(select(Category.code)))
        assert codes == {"FEMME", "FEMME.ROBES", "MAISON"}
    again = _run(factory, "products", path)
    assert (again.created, again.updated) == (0, 3)


def test_a_franchisee_file_is_mapped_and_held_not_dropped(tmp_path, factory, brand) -> None:
    (tmp_path / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    _run(factory, "products", tmp_path / "products.csv")
    path = tmp_path / "FR-A.csv"
    path.write_text(
        "code_article;libelle;ean;prix_ttc;rayon\n"
        f'ALP100001;ROBE PORTEFEUILLE LINA NOIR 38;{_gtin(1)};"79,90";FEMME\n'
        'ALP100002;PLAID ALMA ÉCRU;;"39,90";MAISON\n'
        'ALP100003;ROBE PORTEFEUILLE LINA NOIR;;"79,90";FEMME\n'
        'ALP100004;ROBE PORTEFEUILLE LINA NOIR 36;;"soixante";FEMME\n'
        ';SANS CODE;;"1,00";MAISON\n',
        encoding="utf-8",
    )
    report = _run(factory, "product_codes", path, FRANCHISE_MAP, {"owner": "FR-A"})
    assert (report.read, report.created, report.rejected) == (5, 3, 2)
    assert {(e.row_number, e.field) for e in report.errors} == {(5, "price"), (6, "code")}
    with factory() as session:
        codes = {c.code: c for c in session.scalars(select(ProductCode))}
        skus = dict(session.execute(select(Product.id, Product.sku)).all())
    assert codes["ALP100001"].method == "gtin"
    assert skus[codes["ALP100001"].product_id] == "MD-00000-NOIR-38"
    assert codes["ALP100002"].method == "scored"
    assert skus[codes["ALP100002"].product_id] == "MD-00001-ECRU"
    assert codes["ALP100003"].status == "pending_review"  # the size is missing: two fit
    assert {c["sku"] for c in codes["ALP100003"].candidates} == {
        "MD-00000-NOIR-36",
        "MD-00000-NOIR-38",
    }
    assert all(
        c.owner == "FR-A" and c.owner_entity_id == brand.franchisee_a for c in codes.values()
    )

    # The price fixed in the kept row, the replay maps it.
    with factory.begin() as session:
        kept = imports.list_rejected(session, "product_codes")
        for row in kept:
            if row.raw.get("price") == "soixante":
                row.raw = {**row.raw, "price": "79,90"}
    result = imports.replay_rejected(factory, SYSTEM, kind="product_codes")
    assert (result.replayed, result.still_rejected) == (1, 1)


def test_an_unknown_owner_rejects_every_row_naming_owner(tmp_path, factory, brand) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("code,name\nX1,ROBE\nX2,PLAID\n", encoding="utf-8")
    from omnicanal.security.permissions import BRAND, Permission, Principal

    franchise = Principal(
        kind="api_key",
        id="k",
        name="k",
        permissions=frozenset({Permission.CATALOG_READ, Permission.CATALOG_WRITE}),
        scope=type(BRAND)(entity_id=brand.franchisee_a),
    )
    rows = ((n, {**r, "owner": "FR-B"}) for n, r in readers.read_rows(path))
    report = imports.run_import(factory, franchise, "product_codes", str(path), rows)
    assert report.rejected == 2 and {e.field for e in report.errors} == {"owner"}


def test_the_simulated_brand_files_load_and_map(tmp_path, factory, brand) -> None:
    import random

    from omnicanal.simulation.catalog import build_products, write_catalog
    from omnicanal.simulation.scale import PRESETS

    scale = PRESETS["tiny"]
    rng = random.Random(3)
    products = build_products(scale, rng)
    write_catalog(tmp_path, scale, products, rng)
    assert _run(factory, "products", tmp_path / "catalog" / "products.csv").rejected == 0
    truth = {
        (r["franchisee_code"], r["code_article"]): r["sku"]
        for r in csv.DictReader((tmp_path / "truth" / "franchise_products.csv").open())
    }
    path = tmp_path / "catalog" / "franchise" / "FR-ALPES.csv"
    report = _run(factory, "product_codes", path, FRANCHISE_MAP, {"owner": "FR-ALPES"})
    assert report.rejected == 0
    with factory() as session:
        rows = session.execute(
            select(ProductCode.code, ProductCode.status, Product.sku).outerjoin(
                Product, Product.id == ProductCode.product_id
            )
        ).all()
    assert len(rows) == report.read
    right = sum(1 for r in rows if r.sku == truth[("FR-ALPES", r.code)])
    wrong = sum(1 for r in rows if r.sku and r.sku != truth[("FR-ALPES", r.code)])
    assert right / len(rows) >= 0.9 and wrong / len(rows) <= 0.01


def test_a_file_imported_again_keeps_a_persons_decision(tmp_path, factory, brand) -> None:
    from omnicanal.catalog import schemas
    from omnicanal.catalog import service as catalog

    (tmp_path / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    _run(factory, "products", tmp_path / "products.csv")
    path = tmp_path / "FR-A.csv"
    path.write_text(
        "code_article;libelle;ean;prix_ttc;rayon\n"
        'ALP100002;PLAID ALMA ÉCRU;;"39,90";MAISON\n'
        'ALP100003;ROBE PORTEFEUILLE LINA NOIR;;"79,90";FEMME\n'
        'ALP100003;ROBE PORTEFEUILLE LINA NOIR;;"79,90";FEMME\n',
        encoding="utf-8",
    )
    first = _run(factory, "product_codes", path, FRANCHISE_MAP, {"owner": "FR-A"})
    assert (first.created, first.updated, first.rejected) == (2, 1, 0)
    with factory.begin() as session:
        held = session.scalars(select(ProductCode).where(ProductCode.code == "ALP100003")).one()
        catalog.decide_code(
            session, SYSTEM, held.id, schemas.CodeDecisionIn(action="map", sku="MD-00000-NOIR-36")
        )
        plaid = session.scalars(select(ProductCode).where(ProductCode.code == "ALP100002")).one()
        plaid_seen = plaid.updated_at

    again = _run(factory, "product_codes", path, FRANCHISE_MAP, {"owner": "FR-A"})
    assert (again.created, again.updated, again.rejected) == (0, 3, 0)
    with factory() as session:
        codes = {c.code: c for c in session.scalars(select(ProductCode))}
        skus = dict(session.execute(select(Product.id, Product.sku)).all())
    assert len(codes) == 2
    assert codes["ALP100003"].method == "manual" and codes["ALP100003"].decided_by
    assert skus[codes["ALP100003"].product_id] == "MD-00000-NOIR-36"
    assert codes["ALP100002"].updated_at == plaid_seen  # nothing changed, nothing written
