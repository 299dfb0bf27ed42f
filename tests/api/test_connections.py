from fastapi import FastAPI
from fastapi.testclient import TestClient

from omnicanal.api.connections import ConnectionBudget, KeepAliveLimitMiddleware
from omnicanal.config import Settings


def test_a_connection_is_closed_by_the_answer_that_spends_its_budget() -> None:
    budget = ConnectionBudget(3)
    a, b = ("10.0.0.1", 50000), ("10.0.0.1", 50001)
    assert [budget.spend(a) for _ in range(3)] == [False, False, True]
    assert budget.spend(b) is False, "each connection has its own budget"
    assert [budget.spend(a) for _ in range(3)] == [False, False, True], "a new connection"


def test_no_limit_and_no_peer_never_close() -> None:
    assert not any(ConnectionBudget(0).spend(("h", 1)) for _ in range(500))
    assert ConnectionBudget(1).spend(None) is False


def test_connections_the_client_closed_are_forgotten_past_a_bound() -> None:
    budget = ConnectionBudget(2, remember=10)
    for port in range(25):
        budget.spend(("h", port))
    assert len(budget._served) <= 10


def _app(limit: int) -> FastAPI:
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(KeepAliveLimitMiddleware, limit=limit)
    return app


def test_the_last_answer_of_a_connection_says_connection_close() -> None:
    with TestClient(_app(3)) as client:  # one peer: ("testclient", 50000)
        answers = [client.get("/ping") for _ in range(4)]
    assert [r.headers.get("connection") for r in answers] == [None, None, "close", None]
    assert all(r.json() == {"ok": True} for r in answers)


def test_the_application_closes_connections_after_the_configured_requests(app) -> None:
    assert Settings().keepalive_requests == 100, "on by default, as nginx's keepalive_requests"
    limits = [m.kwargs["limit"] for m in app.user_middleware if m.cls is KeepAliveLimitMiddleware]
    assert limits == [app.state.settings.keepalive_requests]
