"""Back-office pages (server-rendered, French and English)."""

from __future__ import annotations

from fastapi import FastAPI

from omnicanal.config import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the back-office pages and their static files on `app`."""
