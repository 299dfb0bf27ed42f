"""Fixtures shared by every test: a clean database per test on SQLite, and on PostgreSQL too
when OMNICANAL_TEST_DATABASE_URL is set (every test using `db_url` runs on both)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.api.app import create_app
from omnicanal.config import Settings
from omnicanal.db import Base, load_all_models, make_engine, make_sessionmaker
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM

PG_URL = os.environ.get("OMNICANAL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]

load_all_models()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="set OMNICANAL_TEST_DATABASE_URL to run on PostgreSQL")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of the parametrised backend, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'omnicanal.db'}"
        return
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=db_url,
        secret_key="test-secret-key",
        run_dispatcher=False,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings, engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        yield client


@dataclass
class Brand:
    """A small network: HQ, web, one own store, two franchisees each with a store."""

    hq: str
    web: str
    own_store_entity: str
    franchisee_a: str
    franchisee_b: str
    warehouse: str
    own_store: str
    store_a: str
    store_b: str
    channel_web: str
    channel_store_a: str


def _entity(session: Session, code: str, name: str, kind: str) -> str:
    data = network_schemas.EntityCreate(code=code, name=name, kind=kind)
    return network_service.create_entity(session, SYSTEM, data).id


def _location(
    session: Session, code: str, owner: str, kind: str = "store", city: str = "Lyon"
) -> str:
    data = network_schemas.LocationCreate(
        code=code,
        name=f"Maison Démo {code}",
        kind=kind,
        owner_entity_id=owner,
        city=city,
        postal_code="69002",
        latitude=45.76,
        longitude=4.83,
        opening_hours="Mo-Sa 09:30-19:00",
        capabilities=["click_and_collect", "returns"] if kind == "store" else ["home_delivery"],
    )
    return network_service.create_location(session, SYSTEM, data).id


@pytest.fixture
def brand(factory: sessionmaker[Session]) -> Brand:
    with factory.begin() as s:
        hq = _entity(s, "HQ", "Maison Démo SA", "hq")
        web = _entity(s, "WEB", "Maison Démo en ligne", "web_shop")
        own = _entity(s, "OWN-LYON", "Magasin Lyon", "own_store")
        fa = _entity(s, "FR-A", "Franchise Alpha", "franchisee")
        fb = _entity(s, "FR-B", "Franchise Bêta", "franchisee")
        brand = Brand(
            hq=hq,
            web=web,
            own_store_entity=own,
            franchisee_a=fa,
            franchisee_b=fb,
            warehouse=_location(s, "WH-1", hq, "warehouse", "Mâcon"),
            own_store=_location(s, "LYON-01", own),
            store_a=_location(s, "FRA-01", fa, city="Grenoble"),
            store_b=_location(s, "FRB-01", fb, city="Annecy"),
            channel_web=network_service.create_channel(
                s,
                SYSTEM,
                network_schemas.ChannelCreate(code="web", name="Web", kind="web", entity_id=web),
            ).id,
            channel_store_a=network_service.create_channel(
                s,
                SYSTEM,
                network_schemas.ChannelCreate(
                    code="store:FRA", name="Stores A", kind="store", entity_id=fa
                ),
            ).id,
        )
    return brand


def issue_key(
    factory: sessionmaker[Session],
    permissions: list[str],
    entity_id: str | None = None,
    location_ids: list[str] | None = None,
    name: str = "test key",
) -> dict[str, str]:
    """Authorization headers for a new API key with these permissions and scope."""
    with factory.begin() as s:
        issued = security_service.create_api_key(
            s,
            SYSTEM,
            security_service.NewApiKey(
                name=name,
                permissions=permissions,
                scope_entity_id=entity_id,
                scope_location_ids=location_ids,
            ),
        )
    return {"Authorization": f"Bearer {issued.token}"}


@pytest.fixture
def admin_headers(factory: sessionmaker[Session]) -> dict[str, str]:
    from omnicanal.security.permissions import Permission

    return issue_key(factory, [p.value for p in Permission], name="admin key")


def create_user(
    factory: sessionmaker[Session],
    email: str,
    role: Role,
    password: str = "correct horse battery",
    entity_id: str | None = None,
    location_ids: list[str] | None = None,
) -> str:
    with factory.begin() as s:
        user = security_service.create_user(
            s,
            SYSTEM,
            security_service.NewUser(
                email=email,
                display_name=email.split("@")[0],
                password=password,
                role=role,
                scope_entity_id=entity_id,
                scope_location_ids=location_ids,
            ),
        )
    return user.id
