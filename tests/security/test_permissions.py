import pytest

from omnicanal.security.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    Scope,
    can_reach_location,
    grantable,
    scope_within,
    validate_scope,
)


def test_every_role_has_permissions_and_only_admin_has_all() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    for role, permissions in ROLE_PERMISSIONS.items():
        assert Permission.NETWORK_READ in permissions
        if role is not Role.ADMIN:
            assert Permission.USERS_MANAGE not in permissions


def test_entity_scope_reaches_only_its_own_locations() -> None:
    scope = Scope(entity_id="ent_a")
    assert can_reach_location(scope, "loc_1", "ent_a")
    assert not can_reach_location(scope, "loc_2", "ent_b")


def test_location_scope_reaches_listed_locations_only() -> None:
    scope = Scope(location_ids=frozenset({"loc_1"}))
    assert can_reach_location(scope, "loc_1", "ent_a")
    assert not can_reach_location(scope, "loc_2", "ent_a")


def test_scope_cannot_be_both_entity_and_locations() -> None:
    with pytest.raises(ValueError):
        validate_scope("ent_a", ["loc_1"])
    with pytest.raises(ValueError):
        validate_scope(None, [])


def test_a_scope_can_only_be_narrowed() -> None:
    owners = {"loc_a1": "ent_a", "loc_b1": "ent_b"}
    entity_a = Scope(entity_id="ent_a")
    assert scope_within(Scope(location_ids=frozenset({"loc_a1"})), entity_a, owners)
    assert not scope_within(Scope(location_ids=frozenset({"loc_b1"})), entity_a, owners)
    assert not scope_within(Scope(), entity_a, owners)
    assert not scope_within(Scope(entity_id="ent_b"), entity_a, owners)
    assert scope_within(entity_a, Scope(), owners)


def test_a_key_cannot_get_permissions_its_creator_lacks() -> None:
    holder = frozenset({Permission.NETWORK_READ, Permission.APIKEYS_MANAGE})
    assert grantable(["network:read"], holder) == {Permission.NETWORK_READ}
    with pytest.raises(PermissionError):
        grantable(["users:manage"], holder)
    with pytest.raises(ValueError, match="unknown permission"):
        grantable(["everything"], holder)
