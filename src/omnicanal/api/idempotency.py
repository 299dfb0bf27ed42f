"""Idempotency keys: a retried write with the same key and body gets the first answer, once.

The record is committed in the same transaction as the write it answers (see `uow.py`), so a
crash can never leave a write without its record, nor a record without its write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import LargeBinary, String, UniqueConstraint, select
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


def find(session: Session, request: IdempotentRequest) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.credential_hash == request.credential_hash,
            IdempotencyRecord.key == request.key,
        )
    ).first()


def record(
    session: Session,
    request: IdempotentRequest,
    status_code: int,
    content_type: str | None,
    body: bytes,
) -> None:
    session.add(
        IdempotencyRecord(
            credential_hash=request.credential_hash,
            key=request.key,
            fingerprint=request.fingerprint,
            method=request.method,
            path=request.path,
            status_code=status_code,
            content_type=content_type,
            response_body=body,
        )
    )
