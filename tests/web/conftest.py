"""Fixtures of the page tests: users of a few roles in the test brand."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.security.permissions import Role
from tests.conftest import Brand, create_user

ADMIN = "admin@maison-demo.fr"
FRANCHISEE_A = "alpha@franchise-alpha.fr"
STAFF = "vendeur@maison-demo.fr"


@pytest.fixture
def users(factory: sessionmaker[Session], brand: Brand) -> dict[str, str]:
    return {
        ADMIN: create_user(factory, ADMIN, Role.ADMIN),
        FRANCHISEE_A: create_user(
            factory, FRANCHISEE_A, Role.FRANCHISEE, entity_id=brand.franchisee_a
        ),
        STAFF: create_user(factory, STAFF, Role.STORE_STAFF, location_ids=[brand.own_store]),
    }
