"""A franchisee's or a store's key cannot aim webhooks at the brand's private network."""

import pytest

from omnicanal.config import get_settings
from omnicanal.events.service import is_private_address, targets_private_network
from tests.conftest import Brand, issue_key

API = "/api/v1"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "0.0.0.0",
    ],
)
def test_private_loopback_and_link_local_addresses_are_private(address: str) -> None:
    assert is_private_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111"])
def test_public_addresses_are_not_private(address: str) -> None:
    assert not is_private_address(address)


def test_localhost_names_are_private() -> None:
    assert targets_private_network("localhost")
    assert targets_private_network("api.localhost")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest",
        "http://localhost/x",
        "http://[::1]/x",
    ],
)
def test_franchisee_key_cannot_register_a_private_webhook(
    client, factory, brand: Brand, url: str
) -> None:
    headers = issue_key(factory, ["webhooks:manage"], entity_id=brand.franchisee_a)
    response = client.post(f"{API}/webhooks/endpoints", json={"url": url}, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "url"
    assert "private" in response.json()["detail"]


def test_brand_admin_may_target_an_internal_system(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        f"{API}/webhooks/endpoints", json={"url": "http://10.0.0.5/erp-hook"}, headers=admin_headers
    )
    assert response.status_code == 201


def test_setting_allows_private_hosts_for_everyone(
    client, factory, brand: Brand, monkeypatch
) -> None:
    monkeypatch.setenv("OMNICANAL_WEBHOOK_ALLOW_PRIVATE_HOSTS", "true")
    get_settings.cache_clear()
    try:
        headers = issue_key(factory, ["webhooks:manage"], entity_id=brand.franchisee_a)
        response = client.post(
            f"{API}/webhooks/endpoints", json={"url": "http://127.0.0.1:9/hook"}, headers=headers
        )
        assert response.status_code == 201
    finally:
        get_settings.cache_clear()
