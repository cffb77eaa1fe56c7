"""Team access for the web app: roles and permissions, login rate limiting, and thin
helpers over the workspace's user store (:mod:`suara.store.users`, which holds the users,
server-side sessions and API tokens). No SQL here.

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
>>> can("viewer", "read"), can("viewer", "export")
(True, False)
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from suara.store.users import ROLES, Users

__all__ = ["ROLES", "add_user", "check_password", "create_token", "check_token", "RateLimiter",
           "can", "list_users"]

_PERMS = {
    "admin": {"read", "import", "case", "export", "identities", "users", "label"},
    "analyst": {"read", "import", "case", "export", "label"},
    "viewer": {"read"},
}


def can(role: str | None, perm: str) -> bool:
    """Whether ``role`` has permission ``perm`` (read, import, case, export, identities, users,
    label)."""
    return perm in _PERMS.get(role or "", set())


def add_user(store, username: str, password: str, role: str, actor: str = "cli") -> None:
    """Create or reset a user (password hashed with argon2id)."""
    Users(store).add(username, password, role, actor=actor)


def list_users(store) -> list[dict]:
    return Users(store).list()


def check_password(store, username: str, password: str) -> dict | None:
    """The user dict when the password is right and the user enabled, else None."""
    return Users(store).check_password(username, password)


def create_token(store, name: str, username: str | None = None, role: str = "viewer") -> str:
    """Create an API token; only its sha256 is stored, the token is returned once."""
    return Users(store).create_token(name, username=username, role=role)


def check_token(store, token: str) -> dict | None:
    return Users(store).check_token(token)


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
