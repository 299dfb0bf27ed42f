"""Browser fixtures of the end-to-end tests: Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.api.app import create_app
from omnicanal.config import Settings
from omnicanal.db import Base, make_engine, make_sessionmaker

CHROMIUM = Path(os.environ.get("OMNICANAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


def browser_missing(reason: str) -> None:
    if os.environ.get("OMNICANAL_REQUIRE_E2E") == "1":
        pytest.fail(f"{reason} (OMNICANAL_REQUIRE_E2E=1 makes this test mandatory)")
    pytest.skip(reason)


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        browser_missing(f"{CHROMIUM} is missing: install Debian's chromium to run the e2e tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_app(tmp_path: Path, seed: Callable[[sessionmaker[Session]], None]) -> Iterator[str]:
    """The app on a SQLite file seeded by `seed`, served by uvicorn in a thread; its URL."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'e2e.db'}",
        secret_key="e2e-secret-key",
        run_dispatcher=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    engine = make_engine(settings.resolved_database_url)
    Base.metadata.create_all(engine)
    seed(make_sessionmaker(engine))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
