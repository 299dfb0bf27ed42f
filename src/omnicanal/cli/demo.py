"""`omnicanal demo`: the simulated brand "Maison Démo" loaded through omnicanal's own import
paths, one login per role, served.

The brand is generated once into `DATA_DIR/brand` and reused while its seed and scale match.
Each domain's files are loaded as that domain lands; what is loaded is listed in `LOADED`.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from omnicanal.cli.common import console, session_factory, settings
from omnicanal.cli.data import import_file, progress_bar
from omnicanal.cli.demo_orders import load_orders, order_counts, place_live_orders
from omnicanal.cli.demo_pricing import load_pricing
from omnicanal.cli.demo_stock import check_stock, load_stock
from omnicanal.imports.readers import parse_mapping
from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Permission, Role
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.customer_files import CUSTOMER_FILES

# The simulated brand's files that omnicanal's import paths take today, in load order.
LOADED = [
    ("entities", "network/entities.csv"),
    ("locations", "network/locations.csv"),
    ("channels", "network/channels.csv"),
]

DEMO_STORE = "LYON"  # where the demo's store manager and store staff work

# (role, e-mail, scope): "franchisee" scopes to the brand's first franchisee, "store" to DEMO_STORE.
LOGINS = [
    (Role.ADMIN, "admin@maisondemo.fr", None),
    (Role.HQ_ANALYST, "analyste@maisondemo.fr", None),
    (Role.PRICING_MANAGER, "prix@maisondemo.fr", None),
    (Role.STORE_MANAGER, "directeur.lyon@maisondemo.fr", "store"),
    (Role.STORE_STAFF, "vendeur.lyon@maisondemo.fr", "store"),
    (Role.ADVISOR, "conseiller@maisondemo.fr", None),
    (Role.FRANCHISEE, "franchise@maisondemo.fr", "franchisee"),
    (Role.FINANCE, "finance@maisondemo.fr", None),
]
DEMO_KEY_NAME = "demo integrator"


def ensure_brand(brand_dir: Path, scale_name: str, seed: int) -> bool:
    """Generate the brand unless the same one is there; True when it was generated now."""
    from omnicanal.cli.simulate import simulate

    manifest = brand_dir / "manifest.json"
    if manifest.exists():
        known = json.loads(manifest.read_text())
        if known.get("scale") == scale_name and known.get("seed") == seed:
            console.print(f"Reusing the simulated brand in {brand_dir} (seed {seed}).")
            return False
    console.print(f"Generating the simulated brand ({scale_name}, seed {seed}) in {brand_dir}…")
    simulate(brand_dir, scale=scale_name, seed=seed, processes=0, summary=False)
    return True


def load_brand(brand_dir: Path) -> None:
    with progress_bar() as progress:
        for kind, relative in LOADED:
            report = import_file(kind, brand_dir / relative, progress)
            if report.rejected:
                console.print(f"[yellow]{relative}: {report.rejected} rows rejected[/]")
        for spec in CUSTOMER_FILES:
            report = import_file(
                "customers",
                brand_dir / spec.path,
                progress,
                column_map=parse_mapping(spec.map_options()),
                defaults={"source": spec.source},
            )
            if report.rejected:
                console.print(f"[yellow]{spec.path}: {report.rejected} rows rejected[/]")
        load_catalog(brand_dir, progress)
        load_stock(brand_dir, progress)
    load_pricing(brand_dir)
    resolve_customers()
    # after the customers are resolved: an order names its customer as its system knows them
    with progress_bar() as progress:
        load_orders(brand_dir, progress)
    counts = order_counts()
    console.print(
        f"Orders: {counts['orders']:,} from every channel, {counts['fulfilments']:,} parcels and "
        f"pickups, {counts['returns']:,} returns"
    )
    check_stock(brand_dir)  # the orders are history: the stock feeds moved their units
    live = place_live_orders(DEMO_STORE)
    if live:
        console.print(f"{live} orders placed now for the {DEMO_STORE} store's console to work on")


BRAND_NAME = "Maison Démo"
# A franchisee's till export, column by column, as `omnicanal import product_codes` reads it.
FRANCHISE_COLUMNS = ["code_article=code", "libelle=name", "ean=gtin", "prix_ttc=price",
                     "rayon=category"]  # fmt: skip


def load_catalog(brand_dir: Path, progress: Progress) -> None:
    """The master products, then each franchisee's own product file, mapped to them."""
    report = import_file(
        "products", brand_dir / "catalog" / "products.csv", progress,
        defaults={"brand": BRAND_NAME},
    )  # fmt: skip
    if report.rejected:
        console.print(f"[yellow]catalog/products.csv: {report.rejected} rows rejected[/]")
    for path in sorted((brand_dir / "catalog" / "franchise").glob("*.csv")):
        report = import_file(
            "product_codes", path, progress,
            column_map=parse_mapping(FRANCHISE_COLUMNS), defaults={"owner": path.stem},
        )  # fmt: skip
        if report.rejected:
            console.print(f"[yellow]{path.name}: {report.rejected} rows rejected[/]")
    from omnicanal.catalog import service as catalog_service

    with session_factory()() as session:
        counts = catalog_service.code_counts(session)
    console.print(
        f"{sum(counts.values()):,} franchisee product codes → {counts.get('mapped', 0):,} mapped "
        f"to the catalog, {counts.get('pending_review', 0):,} waiting for a person"
    )


def resolve_customers() -> None:
    """Every customer record into golden customers, as `omnicanal customers resolve` does."""
    from omnicanal.customers import flows

    started = time.perf_counter()
    with console.status("Resolving customers…") as status, session_factory().begin() as session:
        result = flows.resolve_all(session, SYSTEM, progress=lambda m: status.update(m))
    console.print(
        f"{result.records:,} customer records → [bold]{result.customers:,} customers[/], "
        f"{result.reviews:,} pairs to review ({time.perf_counter() - started:.1f} s)"
    )


def _scope_for(session: Session, scope: str | None) -> tuple[str | None, list[str] | None]:
    if scope == "franchisee":
        franchisees = network_service.list_entities(session, SYSTEM, kind="franchisee")
        return (franchisees[0].id if franchisees else None), None
    if scope == "store":
        store = network_service.get_location_by_code(session, DEMO_STORE)
        return None, ([store.id] if store else None)
    return None, None


def _ensure_login(session: Session, role: Role, email: str, scope: str | None) -> str:
    password = secrets.token_urlsafe(9)
    user = security_service.get_user_by_email(session, email)
    if user is not None:
        security_service.set_password(session, user, password)
        return password
    entity_id, location_ids = _scope_for(session, scope)
    security_service.create_user(
        session,
        SYSTEM,
        security_service.NewUser(
            email=email,
            display_name=email.split("@")[0].replace(".", " ").title(),
            password=password,
            role=role,
            scope_entity_id=entity_id,
            scope_location_ids=location_ids,
        ),
    )
    return password


def create_logins() -> list[tuple[Role, str, str]]:
    """One user per role; passwords are new at every run and printed once."""
    with session_factory().begin() as session:
        return [
            (role, email, _ensure_login(session, role, email, scope))
            for role, email, scope in LOGINS
        ]


def create_demo_key() -> str:
    """A fresh all-permission key for the API tour; the previous run's key is revoked."""
    with session_factory().begin() as session:
        for key in security_service.list_api_keys(session, SYSTEM):
            if key.name == DEMO_KEY_NAME and key.revoked_at is None:
                security_service.revoke_api_key(session, SYSTEM, key.id)
        issued = security_service.create_api_key(
            session,
            SYSTEM,
            security_service.NewApiKey(
                name=DEMO_KEY_NAME, permissions=[p.value for p in Permission]
            ),
        )
    return issued.token


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    serve: bool = typer.Option(True, help="Serve the back-office once the brand is loaded."),
    scale: str = typer.Option("small", help="Size of the simulated brand (see `simulate`)."),
    seed: int = typer.Option(42, help="Seed of the simulated brand."),
) -> None:
    """Build the simulated brand, load it, create one login per role, serve the back-office."""
    from omnicanal.cli.main import db_upgrade
    from omnicanal.cli.main import serve as serve_command

    started = time.perf_counter()
    console.rule("[bold]omnicanal demo — Maison Démo")
    db_upgrade("head")
    brand_dir = settings().data_dir / "brand"
    ensure_brand(brand_dir, scale, seed)
    console.print("Loading the brand through omnicanal's import paths…")
    load_brand(brand_dir)
    logins = create_logins()
    token = create_demo_key()

    address = f"http://{host}:{port}"
    table = Table("role", "login", "password", title=f"Back-office: {address}/login")
    for role, email, password in logins:
        table.add_row(role.value, email, password)
    console.print(table)
    console.print(f"API: {address}/api/docs (OpenAPI at {address}/openapi.json)")
    console.print(f"Integrator API key (all permissions): {token}", soft_wrap=True, highlight=False)
    console.print(f"Data directory: {settings().data_dir.resolve()}")
    console.print(f"Ready in {time.perf_counter() - started:.1f} s.")
    if serve:
        serve_command(host=host, port=port, workers=1, upgrade_db=False)
