"""`omnicanal demo` as a new user meets it: run the command, read the printed admin login,
sign in with a real browser, read the network in French, then in English."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_serves_the_back_office_with_the_printed_admin_login(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {
        **os.environ,
        "OMNICANAL_DATA_DIR": str(tmp_path / "data"),
        "COLUMNS": "200",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("OMNICANAL_DATABASE_URL", None)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "omnicanal.cli", "demo", "--port", str(port), "--scale", "tiny"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert demo.poll() is None, f"demo exited: {log.read_text()}"
            assert time.monotonic() < deadline, f"demo did not serve in time: {log.read_text()}"
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        output = log.read_text()
        assert f"{base}/login" in output
        match = re.search(r"admin@maisondemo\.fr\s*│\s*(\S+)", output)
        assert match, output
        password = match.group(1)

        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(f"{base}/login")
        page.fill("input[name=email]", "admin@maisondemo.fr")
        page.fill("input[name=password]", password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{base}/network")
        assert page.locator("h1").inner_text() == "Réseau"
        assert page.get_by_text("Maison Démo Lyon").first.is_visible()
        assert page.get_by_text("Entrepôt de Mâcon").first.is_visible()
        shot(page, "demo-network-fr")

        page.get_by_role("button", name="English").click()
        page.wait_for_url(f"{base}/network")
        assert page.locator("h1").inner_text() == "Network"
        shot(page, "demo-network-en")
    finally:
        demo.terminate()
        demo.wait(timeout=20)
