"""API key tokens: `oc_<prefix>_<secret>`, shown once; only a SHA-256 of the token is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_PREFIX = "oc"


@dataclass(frozen=True)
class NewToken:
    prefix: str
    token: str
    token_hash: str


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough and keeps every request cheap.
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> NewToken:
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(prefix=prefix, token=token, token_hash=hash_token(token))


def parse_prefix(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def token_matches(token: str, stored_hash: str) -> bool:
    return hashes_match(hash_token(token), stored_hash)


def hashes_match(token_hash: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash, stored_hash)
