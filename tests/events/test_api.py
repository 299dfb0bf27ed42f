"""The events API: endpoints, deliveries and the outbox, each seen through the caller's scope.
A franchisee's key never sees, changes or replays another franchisee's objects: 404, as if
they did not exist."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from omnicanal.events.dispatcher import dispatch_once
from tests.conftest import Brand, issue_key

API = "/api/v1"
FRANCHISEE = ["webhooks:manage", "events:read"]


@pytest.fixture
def key_a(factory, brand: Brand) -> dict[str, str]:
    return issue_key(factory, FRANCHISEE, entity_id=brand.franchisee_a)


def _create(client: TestClient, headers: dict[str, str], **body) -> dict:
    response = client.post(f"{API}/webhooks/endpoints", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _dispatch_all_failing(factory, settings) -> None:
    """Every receiver is down and one attempt is allowed: every delivery ends up dead."""
    down = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    dispatch_once(factory, settings.model_copy(update={"webhook_max_attempts": 1}), http=down)


# --- endpoints -------------------------------------------------------------------------------


def test_secret_is_shown_on_creation_only(client, admin_headers) -> None:
    created = _create(
        client, admin_headers, url="https://hq.example/hooks", event_types=["order.*"]
    )
    assert created["secret"].startswith("whsec_")
    assert created["entity_id"] is None  # brand-wide
    assert created["event_types"] == ["order.*"]
    shown = client.get(f"{API}/webhooks/endpoints/{created['id']}", headers=admin_headers).json()
    assert "secret" not in shown
    assert all(
        "secret" not in e
        for e in client.get(f"{API}/webhooks/endpoints", headers=admin_headers).json()
    )


@pytest.mark.parametrize("url", ["ftp://hq.example/hooks", "hq.example/hooks", "https:///hooks"])
def test_endpoint_url_must_be_http_with_a_host(client, admin_headers, url: str) -> None:
    response = client.post(f"{API}/webhooks/endpoints", json={"url": url}, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["field"] == "url"


def test_event_types_must_look_like_event_types(client, admin_headers) -> None:
    body = {"url": "https://hq.example/hooks", "event_types": ["order placed"]}
    response = client.post(f"{API}/webhooks/endpoints", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["field"] == "event_types"


def test_franchisee_endpoint_defaults_to_its_own_entity(client, key_a, brand: Brand) -> None:
    created = _create(client, key_a, url="https://a.example/hooks")
    assert created["entity_id"] == brand.franchisee_a


def test_franchisee_cannot_create_an_endpoint_for_another_franchisee(
    client, key_a, admin_headers, brand: Brand
) -> None:
    body = {"url": "https://a.example/steal", "entity_id": brand.franchisee_b}
    response = client.post(f"{API}/webhooks/endpoints", json=body, headers=key_a)
    assert response.status_code == 422
    assert response.json()["field"] == "entity_id"
    assert client.get(f"{API}/webhooks/endpoints", headers=admin_headers).json() == []


def test_franchisee_cannot_see_change_or_delete_another_franchisees_endpoint(
    client, key_a, admin_headers, brand: Brand
) -> None:
    own = _create(client, key_a, url="https://a.example/hooks")
    other = _create(
        client, admin_headers, url="https://b.example/hooks", entity_id=brand.franchisee_b
    )
    url = f"{API}/webhooks/endpoints/{other['id']}"

    assert [e["id"] for e in client.get(f"{API}/webhooks/endpoints", headers=key_a).json()] == [
        own["id"]
    ]
    assert client.get(url, headers=key_a).status_code == 404
    assert client.patch(url, json={"active": False}, headers=key_a).status_code == 404
    assert client.delete(url, headers=key_a).status_code == 404
    assert client.get(url, headers=admin_headers).json()["active"] is True


def test_update_and_delete_an_endpoint(client, key_a) -> None:
    created = _create(client, key_a, url="https://a.example/hooks", description="POS")
    url = f"{API}/webhooks/endpoints/{created['id']}"
    changes = {"url": "https://a.example/v2", "event_types": ["order.*"], "active": False}
    response = client.patch(url, json=changes, headers=key_a)
    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in changes} == changes
    assert response.json()["description"] == "POS"
    assert client.patch(url, json={"url": "nope"}, headers=key_a).status_code == 422

    assert client.delete(url, headers=key_a).status_code == 204
    assert client.get(url, headers=key_a).status_code == 404


def test_managing_webhooks_needs_the_permission(client, factory, brand: Brand) -> None:
    reader = issue_key(factory, ["events:read"], entity_id=brand.franchisee_a)
    response = client.get(f"{API}/webhooks/endpoints", headers=reader)
    assert response.status_code == 403


# --- events ----------------------------------------------------------------------------------


def test_franchisee_sees_only_its_own_events(client, key_a, admin_headers, brand: Brand) -> None:
    mine = client.get(f"{API}/events", headers=key_a).json()
    everything = client.get(f"{API}/events", headers=admin_headers).json()
    assert mine and {e["entity_id"] for e in mine} == {brand.franchisee_a}
    assert {e["type"] for e in mine} == {"entity.created", "location.created", "channel.created"}
    assert brand.franchisee_b in {e["entity_id"] for e in everything}


def test_location_scoped_key_sees_the_events_of_its_locations_owner(
    client, factory, brand: Brand
) -> None:
    store_key = issue_key(factory, ["events:read"], location_ids=[brand.store_b])
    events = client.get(f"{API}/events", headers=store_key).json()
    assert events and {e["entity_id"] for e in events} == {brand.franchisee_b}


def test_events_filter_by_type_or_family(client, admin_headers, brand: Brand) -> None:
    located = client.get(f"{API}/events", params={"type": "location.*"}, headers=admin_headers)
    assert {e["type"] for e in located.json()} == {"location.created"}
    assert len(located.json()) == 4
    channels = client.get(
        f"{API}/events", params={"type": "channel.created"}, headers=admin_headers
    )
    assert len(channels.json()) == 2
    assert len(client.get(f"{API}/events", params={"limit": 3}, headers=admin_headers).json()) == 3


# --- deliveries ------------------------------------------------------------------------------


def test_franchisee_lists_and_replays_only_its_own_deliveries(
    client, factory, settings, key_a, admin_headers, brand: Brand
) -> None:
    own = _create(client, key_a, url="https://a.example/hooks")
    other = _create(
        client, admin_headers, url="https://b.example/hooks", entity_id=brand.franchisee_b
    )
    _dispatch_all_failing(factory, settings)

    mine = client.get(f"{API}/webhooks/deliveries", params={"status": "dead"}, headers=key_a).json()
    assert mine and {d["endpoint_id"] for d in mine} == {own["id"]}
    assert {d["status"] for d in mine} == {"dead"}
    all_dead = client.get(f"{API}/webhooks/deliveries?status=dead", headers=admin_headers).json()
    theirs = [d for d in all_dead if d["endpoint_id"] == other["id"]]
    assert theirs

    replay = f"{API}/webhooks/deliveries/{theirs[0]['id']}/replay"
    assert client.post(replay, headers=key_a).status_code == 404
    by_endpoint = {"endpoint_id": other["id"]}
    assert (
        client.get(f"{API}/webhooks/deliveries", params=by_endpoint, headers=key_a).status_code
        == 404
    )

    response = client.post(f"{API}/webhooks/deliveries/{mine[0]['id']}/replay", headers=key_a)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)
    again = client.post(f"{API}/webhooks/deliveries/{mine[0]['id']}/replay", headers=key_a)
    assert again.status_code == 409  # already waiting to be sent


def test_deliveries_filter_by_status_and_endpoint(
    client, factory, settings, admin_headers, brand: Brand
) -> None:
    first = _create(client, admin_headers, url="https://one.example/hooks")
    _create(client, admin_headers, url="https://two.example/hooks")
    _dispatch_all_failing(factory, settings)
    params = {"endpoint_id": first["id"], "status": "dead"}
    listed = client.get(f"{API}/webhooks/deliveries", params=params, headers=admin_headers).json()
    assert listed and {d["endpoint_id"] for d in listed} == {first["id"]}
    pending = client.get(f"{API}/webhooks/deliveries?status=pending", headers=admin_headers)
    assert pending.json() == []
    bad = client.get(f"{API}/webhooks/deliveries?status=lost", headers=admin_headers)
    assert bad.status_code == 422


def test_replaying_an_unknown_delivery_is_not_found(client, admin_headers) -> None:
    response = client.post(f"{API}/webhooks/deliveries/dlv_nope/replay", headers=admin_headers)
    assert response.status_code == 404
