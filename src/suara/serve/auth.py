"""Team access: users with roles, password hashing (argon2), signed session cookies, CSRF
tokens, API bearer tokens (stored hashed), login rate limiting and the audit log.

Roles: ``admin`` (everything, sees citizens' real handles, manages users), ``analyst``
(imports, cases, exports; pseudonymised citizens), ``viewer`` (read-only, pseudonymised).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> add_user(ws.store, "rina", "s3cret-pass!", "analyst")
>>> check_password(ws.store, "rina", "s3cret-pass!")["role"]
'analyst'
>>> check_password(ws.store, "rina", "wrong") is None
True
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from suara.store.admin import audit
from suara.store.store import utcnow

__all__ = ["ROLES", "add_user", "check_password", "create_token", "check_token", "RateLimiter",
           "can", "list_users"]

ROLES = ("admin", "analyst", "viewer")
_PERMS = {
    "admin": {"read", "import", "case", "export", "identities", "users", "label"},
    "analyst": {"read", "import", "case", "export", "label"},
    "viewer": {"read"},
}
_ph = PasswordHasher()
_DUMMY = _ph.hash("timing-equaliser")


def can(role: str | None, perm: str) -> bool:
    """Whether ``role`` has permission ``perm`` (read, import, case, export, identities, users,
    label)."""
    return perm in _PERMS.get(role or "", set())


def add_user(store, username: str, password: str, role: str, actor: str = "cli") -> None:
    """Create or update a user (password hashed with argon2id)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError("username: letters, digits, '.', '-' and '_' only")
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    store.execute("INSERT INTO users VALUES (?, ?, ?, ?, false) ON CONFLICT (username) DO UPDATE SET "
                  "password_hash = excluded.password_hash, role = excluded.role, disabled = false",
                  [username, _ph.hash(password), role, utcnow()])
    audit(store, actor, "user.set", username, {"role": role})


def list_users(store) -> list[dict]:
    return store.sql("SELECT username, role, created_at, disabled FROM users ORDER BY username").to_dict("records")


def check_password(store, username: str, password: str) -> dict | None:
    """The user dict when the password is right, else None (constant-ish time)."""
    rows = store.execute("SELECT username, password_hash, role, disabled FROM users WHERE username = ?",
                         [username]).fetchall()
    if not rows:
        try:
            _ph.verify(_DUMMY, password)
        except VerificationError:
            pass
        return None
    name, h, role, disabled = rows[0]
    try:
        _ph.verify(h, password)
    except (VerificationError, InvalidHashError):
        return None
    if disabled:
        return None
    return {"username": name, "role": role}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store, name: str, username: str | None = None, role: str = "viewer") -> str:
    """Create an API token; only its sha256 is stored, the token is returned once."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    token = "sua_" + secrets.token_urlsafe(32)
    store.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, NULL)",
                  [_token_hash(token), name, username, role, utcnow()])
    audit(store, username or "cli", "token.create", name, {"role": role})
    return token


def check_token(store, token: str) -> dict | None:
    rows = store.execute("SELECT name, username, role FROM api_tokens WHERE token_hash = ?",
                         [_token_hash(token)]).fetchall()
    if not rows:
        return None
    name, user, role = rows[0]
    return {"username": user or f"token:{name}", "role": role, "token": name}


class RateLimiter:
    """Sliding-window limiter: at most ``limit`` events per ``window`` seconds per key."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            q = self._hits[key]
            while q and now - q[0] > self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True
