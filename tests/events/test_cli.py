"""`omnicanal events dispatch | dead | replay` on the configured database."""

from __future__ import annotations

import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from omnicanal.cli import common
from omnicanal.cli.events import app
from omnicanal.events import emit, subscribe
from omnicanal.events.dispatcher import dispatch_once
from tests.events.conftest import add_endpoint, deliveries

runner = CliRunner()


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, factory, settings) -> None:
    monkeypatch.setattr(common, "session_factory", lambda: factory)
    monkeypatch.setattr(common, "settings", lambda: settings)
    monkeypatch.setattr(common, "console", Console(width=250))


@pytest.fixture
def one_dead(factory, settings) -> str:
    add_endpoint(factory, "https://down.example/hooks")
    with factory.begin() as session:
        emit(session, "order.placed", {"order": "ORD-1"})
    down = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    dispatch_once(factory, settings.model_copy(update={"webhook_max_attempts": 1}), http=down)
    [delivery] = deliveries(factory)
    assert delivery.status == "dead"
    return delivery.id


def test_dispatch_once_prints_the_rounds_figures(configured, factory) -> None:
    received = []
    subscribe("audit", "*", lambda session, event: received.append(event.id))
    with factory.begin() as session:
        emit(session, "order.placed", {"order": "ORD-1"})
    result = runner.invoke(app, ["dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert "delivered 1" in result.output
    assert len(received) == 1


def test_dead_lists_the_dead_deliveries_with_their_error(configured, one_dead: str) -> None:
    result = runner.invoke(app, ["dead"])
    assert result.exit_code == 0, result.output
    assert one_dead in result.output
    assert "HTTP 500" in result.output


def test_dead_says_when_there_is_none(configured) -> None:
    result = runner.invoke(app, ["dead"])
    assert "No dead deliveries" in result.output


def test_replay_one_delivery(configured, factory, one_dead: str) -> None:
    result = runner.invoke(app, ["replay", one_dead])
    assert result.exit_code == 0, result.output
    assert deliveries(factory)[0].status == "pending"


def test_replay_all_dead(configured, factory, one_dead: str) -> None:
    result = runner.invoke(app, ["replay", "--all-dead"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert deliveries(factory)[0].status == "pending"


def test_replay_needs_an_id_or_all_dead(configured) -> None:
    assert runner.invoke(app, ["replay"]).exit_code == 2
    assert runner.invoke(app, ["replay", "dlv_nope"]).exit_code == 1
