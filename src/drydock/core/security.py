"""Password hashing and bearer tokens.

Passwords are hashed with Argon2id. Verifying Argon2 costs tens of milliseconds by design, and
anchore-cli sends HTTP Basic credentials on *every* request, so successful verifications are
remembered in a small in-process cache keyed by (stored hash, keyed digest of the password):
a password change produces a new stored hash, which invalidates the entry by construction,
and the cache never holds the password itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
_cache_key = secrets.token_bytes(32)


class _VerifiedCache:
    def __init__(self, size: int = 4096, ttl: float = 300.0) -> None:
        self._items: OrderedDict[bytes, float] = OrderedDict()
        self._size = size
        self._ttl = ttl
        self._lock = threading.Lock()

    @staticmethod
    def key(stored_hash: str, password: str) -> bytes:
        return hmac.new(_cache_key, stored_hash.encode() + b"\0" + password.encode(), hashlib.sha256).digest()

    def hit(self, key: bytes) -> bool:
        with self._lock:
            expires = self._items.get(key)
            if expires is None:
                return False
            if expires < time.monotonic():
                del self._items[key]
                return False
            self._items.move_to_end(key)
            return True

    def add(self, key: bytes) -> None:
        with self._lock:
            self._items[key] = time.monotonic() + self._ttl
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_verified = _VerifiedCache()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    key = _VerifiedCache.key(stored_hash, password)
    if _verified.hit(key):
        return True
    try:
        _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    _verified.add(key)
    return True


def random_password(length: int = 24) -> str:
    return secrets.token_urlsafe(length)[:length]


TOKEN_ALGORITHM = "HS256"


def issue_token(secret: str, subject: str, expires_in: int, **claims: Any) -> str:
    now = int(time.time())
    payload = {"sub": subject, "iat": now, "exp": now + expires_in, "jti": secrets.token_hex(8), **claims}
    return jwt.encode(payload, secret, algorithm=TOKEN_ALGORITHM)


def decode_token(secret: str, token: str) -> dict[str, Any] | None:
    """Claims of a valid, unexpired token; None for anything else."""
    try:
        return jwt.decode(token, secret, algorithms=[TOKEN_ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
