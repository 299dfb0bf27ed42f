from omnicanal.events.routing import EndpointRoute, targets_for

SUBSCRIBERS = {"loyalty": frozenset({"order.*"}), "audit": frozenset({"*"})}
BRAND_WIDE = EndpointRoute("whe_hq", None, ())
FRANCHISEE_A = EndpointRoute("whe_a", "ent_a", ())
FRANCHISEE_B = EndpointRoute("whe_b", "ent_b", ())
A_ORDERS_ONLY = EndpointRoute("whe_a_orders", "ent_a", ("order.placed",))


def test_brand_wide_endpoint_receives_every_event() -> None:
    assert "webhook:whe_hq" in targets_for("stock.changed", "ent_b", {}, [BRAND_WIDE])
    assert "webhook:whe_hq" in targets_for("brand.updated", None, {}, [BRAND_WIDE])


def test_franchisee_endpoint_never_receives_another_franchisees_event() -> None:
    targets = targets_for("order.placed", "ent_b", {}, [FRANCHISEE_A, FRANCHISEE_B])
    assert targets == ["webhook:whe_b"]


def test_franchisee_endpoint_does_not_receive_brand_level_events() -> None:
    assert targets_for("catalog.published", None, {}, [FRANCHISEE_A]) == []


def test_endpoint_event_types_filter() -> None:
    endpoints = [FRANCHISEE_A, A_ORDERS_ONLY]
    assert targets_for("order.placed", "ent_a", {}, endpoints) == [
        "webhook:whe_a",
        "webhook:whe_a_orders",
    ]
    assert targets_for("order.cancelled", "ent_a", {}, endpoints) == ["webhook:whe_a"]


def test_subscribers_match_by_type_or_family() -> None:
    assert targets_for("order.placed", None, SUBSCRIBERS, []) == [
        "subscriber:audit",
        "subscriber:loyalty",
    ]
    assert targets_for("customer.merged", None, SUBSCRIBERS, []) == ["subscriber:audit"]
