"""The command line as an operator uses it, on a fresh data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omnicanal.cli import common
from omnicanal.cli.main import app
from omnicanal.config import get_settings
from omnicanal.network.schemas import LocationFilter
from omnicanal.network.service import list_locations
from omnicanal.security.service import SYSTEM, get_user_by_email, list_api_keys

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OMNICANAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("OMNICANAL_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(common.console, "width", 200)
    get_settings.cache_clear()
    common.engine.cache_clear()
    common._check_schema.cache_clear()
    yield tmp_path / "data"
    common.engine().dispose()
    get_settings.cache_clear()
    common.engine.cache_clear()
    common._check_schema.cache_clear()


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_demo_builds_the_simulated_brand_and_prints_one_login_per_role(data_dir: Path) -> None:
    result = invoke("demo", "--no-serve", "--scale", "tiny")
    assert result.exit_code == 0, result.output
    for login in ("admin@maisondemo.fr", "franchise@maisondemo.fr", "finance@maisondemo.fr"):
        assert login in result.output
    assert "Generating the simulated brand" in result.output
    assert (data_dir / "brand" / "manifest.json").exists()
    with common.session_factory()() as session:
        stores = list_locations(session, SYSTEM, LocationFilter(kind="store"))
        assert len(stores) == 12, "every simulated store was loaded"
        from sqlalchemy import func, select

        from omnicanal.catalog.models import Product, ProductCode

        assert session.scalar(select(func.count(Product.id))) == 200, "the tiny catalog"
        statuses = dict(
            session.execute(
                select(ProductCode.status, func.count()).group_by(ProductCode.status)
            ).all()
        )
        assert statuses["mapped"] > 0.85 * sum(statuses.values()), "franchise codes mapped"
    # The demo says what became of the franchisees' codes, with the same counts.
    assert (
        f"{sum(statuses.values()):,} franchisee product codes → {statuses['mapped']:,} mapped"
        in " ".join(result.output.split())
    )

    from omnicanal.pricing.models import PricePolicy, PriceRow, PromotionRow

    with common.session_factory()() as session:
        prices = session.scalar(select(func.count(PriceRow.id)))
        base = session.scalar(select(func.count(PriceRow.id)).where(PriceRow.location.is_(None)))
        assert base == 200, "one base price per product"
        assert prices > base, "the franchisees' till prices at their stores"
        assert session.scalar(select(func.count(PromotionRow.id))) >= 6
        assert session.scalar(select(func.count(PricePolicy.id))) >= 1

    # the stock files loaded through the inventory's import paths end where the simulation did
    from omnicanal.cli.demo_stock import compare_with_truth

    checked, wrong = compare_with_truth(data_dir / "brand")
    assert checked > 1000 and wrong == []
    assert "every one equal to the simulation's truth" in result.output
    # every order of every channel, its parcels and pickups, its returns: recorded, none refused
    from omnicanal.cli.demo_orders import order_counts

    loaded, simulated = order_counts(), _simulated_orders(data_dir / "brand")
    assert f"Orders: {simulated['orders']:,} from every channel" in " ".join(result.output.split())
    # and a few placed now for the store console: three pickups, one till sale
    assert "4 orders placed now for the LYON store's console" in " ".join(result.output.split())
    assert loaded == {"orders": simulated["orders"] + 4,
                      "fulfilments": simulated["fulfilments"] + 3,
                      "returns": simulated["returns"]}  # fmt: skip
    with common.session_factory()() as session:
        from omnicanal.imports.service import list_rejected

        assert [r.kind for r in list_rejected(session) if r.kind in ("orders", "fulfilments",
                                                                     "returns")] == []  # fmt: skip

    again = invoke("demo", "--no-serve", "--scale", "tiny")
    assert again.exit_code == 0
    assert "Reusing the simulated brand" in again.output
    assert compare_with_truth(data_dir / "brand")[1] == [], "loading twice moves nothing twice"
    assert order_counts() == loaded, "each order, step and return recorded once"
    assert "Prices and promotions already loaded" in again.output
    with common.session_factory()() as session:
        assert session.scalar(select(func.count(PriceRow.id))) == prices, "loaded once"
    with common.session_factory()() as session:
        keys = [k for k in list_api_keys(session, SYSTEM) if k.name == "demo integrator"]
        franchisee = get_user_by_email(session, "franchise@maisondemo.fr")
        assert franchisee is not None and franchisee.scope_entity_id is not None
    assert len(keys) == 2
    assert sum(k.revoked_at is None for k in keys) == 1, "the previous run's key is revoked"


def _simulated_orders(brand: Path) -> dict[str, int]:
    """What the simulated systems exported: orders by their number, fulfilments, returns."""
    from omnicanal.imports.readers import read_rows

    def distinct(relative: str, column: str) -> set[str]:
        return {str(row[column]) for _, row in read_rows(brand / relative)}

    orders = (
        len(distinct("orders/pos_receipts.csv", "receipt_id"))
        + len(distinct("orders/web_orders.jsonl", "order_id"))
        + len(distinct("orders/call_center_orders.csv", "order_id"))
        + len(distinct("orders/marketplace_orders.csv", "marketplace_order_id"))
    )
    return {
        "orders": orders,
        "fulfilments": len(distinct("orders/fulfilments.csv", "fulfilment_id")),
        "returns": len(distinct("orders/returns.csv", "return_id")),
    }


def test_import_reports_bad_rows_and_replay_accepts_them_later(
    data_dir: Path, tmp_path: Path
) -> None:
    assert invoke("db", "upgrade").exit_code == 0
    entities = tmp_path / "entities.csv"
    entities.write_text("code,name,kind\nHQ,Maison,hq\n", encoding="utf-8")
    assert invoke("import", "entities", str(entities)).exit_code == 0

    stores = tmp_path / "stores.csv"
    stores.write_text(
        "Code;name;kind;owner_entity_code\nS-1;One;store;HQ\nS-2;Two;store;LATER\n",
        encoding="utf-8",
    )
    result = invoke("import", "locations", str(stores), "--map", "Code=code")
    assert result.exit_code == 1
    assert "1 created" in result.output and "1 rejected" in result.output
    report = tmp_path / "stores.errors.csv"
    assert "owner_entity_code" in report.read_text()

    entities.write_text("code,name,kind\nLATER,Franchise,franchisee\n", encoding="utf-8")
    assert invoke("import", "entities", str(entities)).exit_code == 0
    replay = invoke("import", "replay")
    assert "1 accepted" in replay.output
    assert "No rejected rows" in invoke("import", "rejected").output


def test_import_prices_by_sku_gtin_and_local_code(data_dir: Path, tmp_path: Path) -> None:
    assert invoke("db", "upgrade").exit_code == 0
    entities = tmp_path / "entities.csv"
    entities.write_text("code,name,kind\nFR-A,Franchise A,franchisee\n", encoding="utf-8")
    assert invoke("import", "entities", str(entities)).exit_code == 0
    products = tmp_path / "products.csv"
    products.write_text(
        "sku,gtin,name,category\nROBE-1,3760123000000,Robe,Femme > Robes\n"
        "ROBE-2,3760123000017,Robe,Femme > Robes\n",
        encoding="utf-8",
    )
    assert invoke("import", "products", str(products)).exit_code == 0
    codes = tmp_path / "codes.csv"
    codes.write_text("code,gtin\nA-2,3760123000017\n", encoding="utf-8")
    assert invoke("import", "product_codes", str(codes), "--owner", "FR-A").exit_code == 0
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "sku,gtin,code,price,valid_from\n"
        'ROBE-1,,,"49,90",2026-01-01T00:00:00+00:00\n'
        ',3760123000017,,"39,90",2026-01-01T00:00:00+00:00\n'
        ',,A-2,"37,90",2026-06-01T00:00:00+00:00\n'
        ',,A-UNKNOWN,"10,00",\n'
        "ROBE-1,,,douze,\n",
        encoding="utf-8",
    )
    result = invoke("import", "prices", str(prices), "--owner", "FR-A")
    assert result.exit_code == 1, result.output
    assert "3 created" in result.output and "2 rejected" in result.output
    report = (tmp_path / "prices.errors.csv").read_text()
    assert "A-UNKNOWN" in report and "not mapped" in report and "douze" in report
    from sqlalchemy import select

    from omnicanal.pricing.models import PriceRow

    with common.session_factory()() as session:
        rows = session.execute(
            select(PriceRow.sku, PriceRow.amount_minor, PriceRow.valid_until).order_by(
                PriceRow.sku, PriceRow.valid_from
            )
        ).all()
    assert [(r.sku, r.amount_minor) for r in rows] == [
        ("ROBE-1", 4990), ("ROBE-2", 3990), ("ROBE-2", 3790)]  # fmt: skip
    assert rows[1].valid_until is not None and rows[2].valid_until is None


def test_users_and_keys_commands(data_dir: Path) -> None:
    assert invoke("demo", "--no-serve", "--scale", "tiny").exit_code == 0
    created = invoke(
        "users", "create", "--email", "new@maisondemo.fr", "--role", "store_staff",
        "--location", "LYON", input="a good password\na good password\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "new@maisondemo.fr" in invoke("users", "list").output

    bad_scope = invoke(
        "users", "create", "--email", "x@maisondemo.fr", "--role", "advisor",
        "--location", "NOWHERE", "--password", "a good password",
    )  # fmt: skip
    assert bad_scope.exit_code == 1
    assert "unknown location code 'NOWHERE'" in bad_scope.output

    key = invoke(
        "apikeys", "create", "--name", "POS Lyon", "-p", "network:read", "--location", "LYON"
    )
    assert key.exit_code == 0
    token = key.output.strip().splitlines()[-1]
    assert token.startswith("oc_")
    key_id = key.output.split("(id ")[1].split(")")[0]
    assert invoke("apikeys", "revoke", key_id).exit_code == 0
    assert invoke("apikeys", "revoke", "key_unknown").exit_code == 1


def test_commands_ask_for_an_upgrade_rather_than_failing_on_a_missing_table(
    data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("source_id,last_name\nC1,Martin\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "customers", str(path), "--source", "pos"])
    assert result.exit_code == 2
    assert "omnicanal db upgrade" in result.output
    assert invoke("db", "upgrade").exit_code == 0
    common._check_schema.cache_clear()
    assert invoke("import", "customers", str(path), "--source", "pos").exit_code == 0


def test_customers_resolve_names_an_unknown_engine(data_dir: Path) -> None:
    invoke("db", "upgrade")
    result = runner.invoke(app, ["customers", "resolve", "--engine", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.output and "duckdb or spark" in result.output
