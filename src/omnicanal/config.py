"""Settings read from `OMNICANAL_*` environment variables and an optional `.env` file."""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OMNICANAL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="Where the embedded database lives.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file in data_dir. "
        "PostgreSQL: postgresql+psycopg://user:password@host:5432/db",
    )
    secret_key: str = Field(
        default="",
        description="Signs session cookies. Left empty, a key is generated and kept in data_dir.",
    )
    default_locale: str = "fr"
    default_currency: str = "EUR"
    default_region: str = "FR"
    base_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 1_048_576
    keepalive_requests: int = Field(
        default=100,
        ge=0,
        description="Requests one client connection carries before the server closes it "
        "(0: no limit), so that clients holding their connections open are spread again over "
        "the worker processes.",
    )
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = 8
    webhook_concurrency: int = Field(
        default=8, ge=1, description="Webhook calls in flight at once."
    )
    webhook_allow_private_hosts: bool = Field(
        default=False,
        description="Let entity- or location-scoped keys register webhooks on private addresses.",
    )
    customer_survivorship: str = Field(
        default="",
        description="Golden-record rules per field group, e.g. `name=most_trusted,"
        "address=most_recent` (most_trusted | most_recent | most_frequent).",
    )
    customer_source_trust: str = Field(
        default="loyalty,web,app,call_center,pos,marketplace",
        description="Customer sources from the most trusted to the least (most_trusted rule).",
    )
    resolution_engine: str = Field(
        default="duckdb",
        description="Batch identity resolution: duckdb (in-process) or spark (PySpark).",
    )
    buybox_brand_tolerance_percent: Decimal = Field(
        default=Decimal(5),
        ge=0,
        le=100,
        description="The brand's own marketplace offer keeps the buy box while its landed "
        "price is at most this percentage above the best third-party one.",
    )
    dispatcher_interval_seconds: float = 1.0
    sweeper_interval_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often `omnicanal serve` expires the stock reservations that ran out.",
    )
    run_dispatcher: bool = Field(
        default=True,
        description="Run the event dispatcher and the reservation sweeper in `omnicanal serve`.",
    )

    @field_validator("default_currency")
    @classmethod
    def _currency_is_iso(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha():
            raise ValueError("must be an ISO-4217 code such as EUR")
        return value.upper()

    @field_validator("resolution_engine")
    @classmethod
    def _engine_is_known(cls, value: str) -> str:
        if value not in ("duckdb", "spark"):
            raise ValueError("must be duckdb or spark")
        return value

    @field_validator("customer_survivorship")
    @classmethod
    def _rules_are_known(cls, value: str) -> str:
        from omnicanal.customers.golden import parse_rules

        parse_rules(value)
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale_is_supported(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'omnicanal.db').resolve()}"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept beside the embedded database."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


SUPPORTED_LOCALES = ("fr", "en")


@lru_cache
def get_settings() -> Settings:
    return Settings()
