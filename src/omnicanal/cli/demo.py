"""`omnicanal demo`: a small brand loaded through the import paths, one login per role, served.

Until the simulated brand lands, the network below stands in for it.
"""

from __future__ import annotations

import secrets

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from omnicanal.cli.common import console, session_factory, settings
from omnicanal.imports import service as imports
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Permission, Role
from omnicanal.security.service import SYSTEM

ENTITIES = [
    {"code": "HQ", "name": "Maison Démo", "kind": "hq", "legal_name": "Maison Démo SAS"},
    {"code": "WEB", "name": "maisondemo.fr", "kind": "web_shop"},
    {"code": "APP", "name": "Appli Maison Démo", "kind": "app"},
    {"code": "CALL", "name": "Service clients", "kind": "call_center"},
    {"code": "OWN", "name": "Magasins intégrés", "kind": "own_store"},
    {"code": "FR-ALPES", "name": "Franchise Alpes", "kind": "franchisee"},
    {"code": "FR-BZH", "name": "Franchise Bretagne", "kind": "franchisee"},
    {"code": "MKP-1", "name": "Vendeur Marketplace Un", "kind": "marketplace_seller"},
]

_STORE = "click_and_collect|returns|reserve_in_store"
LOCATIONS = [
    ("WH-MACON", "Entrepôt de Mâcon", "warehouse", "HQ", "Rue du Port", "71000", "Mâcon",
     46.3069, 4.8286, "Mo-Fr 06:00-21:00", "home_delivery"),
    ("PARIS-RIVOLI", "Paris Rivoli", "store", "OWN", "75 rue de Rivoli", "75001", "Paris",
     48.8603, 2.3477, "Mo-Sa 10:00-20:00; Su 11:00-19:00", _STORE + "|ship_from_store"),
    ("LYON-PARTDIEU", "Lyon Part-Dieu", "store", "OWN", "17 rue du Dr Bouchut", "69003", "Lyon",
     45.7610, 4.8566, "Mo-Sa 09:30-20:00", _STORE + "|ship_from_store"),
    ("BORDEAUX-SCATHERINE", "Bordeaux Sainte-Catherine", "store", "OWN", "rue Sainte-Catherine",
     "33000", "Bordeaux", 44.8400, -0.5737, "Mo-Sa 10:00-19:30", _STORE),
    ("GRENOBLE-VICTORHUGO", "Grenoble Victor-Hugo", "store", "FR-ALPES", "place Victor-Hugo",
     "38000", "Grenoble", 45.1885, 5.7245, "Tu-Sa 09:30-19:00", _STORE),
    ("ANNECY-VIEILLEVILLE", "Annecy Vieille-Ville", "store", "FR-ALPES", "rue Sainte-Claire",
     "74000", "Annecy", 45.8992, 6.1256, "Mo-Sa 10:00-12:30,14:00-19:00", "returns"),
    ("RENNES-REPUBLIQUE", "Rennes République", "store", "FR-BZH", "place de la République",
     "35000", "Rennes", 48.1100, -1.6794, "Mo-Sa 10:00-19:00", _STORE),
    ("BREST-SIAM", "Brest Siam", "store", "FR-BZH", "rue de Siam", "29200", "Brest",
     48.3904, -4.4861, "Mo-Sa 10:00-19:00", "click_and_collect|returns"),
]  # fmt: skip

CHANNELS = [
    ("web", "Site web", "web", "WEB"),
    ("app", "Application mobile", "app", "APP"),
    ("call_center", "Service clients", "call_center", "CALL"),
    ("store", "Magasins", "store", "OWN"),
    ("store:FR-ALPES", "Magasins Franchise Alpes", "store", "FR-ALPES"),
    ("store:FR-BZH", "Magasins Franchise Bretagne", "store", "FR-BZH"),
    ("marketplace", "Marketplace", "marketplace", "MKP-1"),
]

# (role, e-mail, entity code for the scope, location codes for the scope)
LOGINS = [
    (Role.ADMIN, "admin@maisondemo.fr", None, None),
    (Role.HQ_ANALYST, "analyste@maisondemo.fr", None, None),
    (Role.PRICING_MANAGER, "prix@maisondemo.fr", None, None),
    (Role.STORE_MANAGER, "directeur.lyon@maisondemo.fr", None, ["LYON-PARTDIEU"]),
    (Role.STORE_STAFF, "vendeur.lyon@maisondemo.fr", None, ["LYON-PARTDIEU"]),
    (Role.ADVISOR, "conseiller@maisondemo.fr", None, None),
    (Role.FRANCHISEE, "franchise.alpes@maisondemo.fr", "FR-ALPES", None),
    (Role.FINANCE, "finance@maisondemo.fr", None, None),
]


def _location_rows() -> list[tuple[int, dict[str, object]]]:
    keys = ("code", "name", "kind", "owner_entity_code", "street", "postal_code", "city",
            "latitude", "longitude", "opening_hours", "capabilities")  # fmt: skip
    return [(n, dict(zip(keys, row, strict=True))) for n, row in enumerate(LOCATIONS, start=1)]


def load_network() -> None:
    factory = session_factory()
    for kind, rows in (
        ("entities", list(enumerate(ENTITIES, start=1))),
        ("locations", _location_rows()),
    ):
        report = imports.run_import(factory, SYSTEM, kind, "demo", rows)
        console.print(f"  {kind}: {report.created} created, {report.updated} updated")
    with factory.begin() as session:
        for code, name, kind, entity_code in CHANNELS:
            if any(c.code == code for c in network_service.list_channels(session, SYSTEM)):
                continue
            entity = network_service.get_entity_by_code(session, entity_code)
            assert entity is not None
            network_service.create_channel(
                session,
                SYSTEM,
                network_schemas.ChannelCreate(code=code, name=name, kind=kind, entity_id=entity.id),
            )


def _ensure_login(
    session: Session, role: Role, email: str, entity: str | None, locations: list[str] | None
) -> str:
    password = secrets.token_urlsafe(9)
    user = security_service.get_user_by_email(session, email)
    if user is not None:
        security_service.set_password(session, user, password)
        return password
    entity_id = None
    if entity:
        found = network_service.get_entity_by_code(session, entity)
        entity_id = found.id if found else None
    location_ids = None
    if locations:
        location_ids = [
            loc.id
            for code in locations
            if (loc := network_service.get_location_by_code(session, code))
        ]
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
    logins = []
    with session_factory().begin() as session:
        for role, email, entity, locations in LOGINS:
            logins.append((role, email, _ensure_login(session, role, email, entity, locations)))
    return logins


DEMO_KEY_NAME = "demo integrator"


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
                name="demo integrator", permissions=[p.value for p in Permission]
            ),
        )
    return issued.token


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    serve: bool = typer.Option(True, help="Serve the back-office once the brand is loaded."),
) -> None:
    """Build the demo brand, create one login per role, and serve the back-office."""
    from omnicanal.cli.main import db_upgrade
    from omnicanal.cli.main import serve as serve_command

    console.rule("[bold]omnicanal demo — Maison Démo")
    db_upgrade("head")
    console.print("Loading the network through the import paths…")
    load_network()
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
    if serve:
        serve_command(host=host, port=port, workers=1, upgrade_db=False)
