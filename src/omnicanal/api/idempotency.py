"""Idempotency keys: a retried write with the same key and body gets the first answer, once.

The record is committed in the same transaction as the write it answers (see `uow.py`), so a
crash can never leave a write without its record, nor a record without its write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import LargeBinary, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from omnicanal.db import Base, id_column, utcnow

MAX_KEY_LENGTH = 255


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    id: Mapped[str] = id_column("idk")
    credential_hash: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(2000))
    status_code: Mapped[int] = mapped_column()
    content_type: Mapped[str | None] = mapped_column(String(200), default=None)
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("credential_hash", "key", name="uq_idempotency_keys"),)


@dataclass(frozen=True)
class IdempotentRequest:
    credential_hash: str
    key: str
    fingerprint: str
    method: str
    path: str


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def credential_hash(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


class StoredAnswer(Protocol):
    """The first answer to a request with a key, as `find` reads it back."""

    fingerprint: str
    status_code: int
    content_type: str | None
    response_body: bytes


# Every write with a key reads it and records its answer: statements built once, run on the
# session's connection (no object of the session is involved).
_TABLE = IdempotencyRecord.__table__
_FIND = select(
    _TABLE.c.fingerprint, _TABLE.c.status_code, _TABLE.c.content_type, _TABLE.c.response_body
).where(_TABLE.c.credential_hash == bindparam("credential_hash"), _TABLE.c.key == bindparam("key"))
_RECORD = _TABLE.insert()


def find(session: Session, request: IdempotentRequest) -> StoredAnswer | None:
    params = {"credential_hash": request.credential_hash, "key": request.key}
    return session.connection().execute(_FIND, params).first()  # type: ignore[return-value]


def record(
    session: Session,
    request: IdempotentRequest,
    status_code: int,
    content_type: str | None,
    body: bytes,
) -> None:
    """Write the answer now (IntegrityError: a concurrent request with the same key did)."""
    session.connection().execute(
        _RECORD,
        {
            "credential_hash": request.credential_hash,
            "key": request.key,
            "fingerprint": request.fingerprint,
            "method": request.method,
            "path": request.path,
            "status_code": status_code,
            "content_type": content_type,
            "response_body": body,
        },
    )
