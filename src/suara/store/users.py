"""Users, browser sessions and API tokens of a workspace: their storage (the only SQL about
them), reached as ``ws.users``. Passwords, session ids and tokens are never stored: only
argon2id / SHA-256 hashes. Every change is written to the audit log.

Sessions live on the server: the browser holds a random id; a session ends when it has been
idle for ``idle`` seconds, when it is ``absolute`` seconds old, at logout, or when its user
is disabled, and every request re-reads the user's role and disabled state.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> ws.users.add("rina", "s3cret-pass!", "analyst")
>>> ws.users.check_password("rina", "s3cret-pass!")["role"]
'analyst'
>>> sid = ws.users.create_session("rina")
>>> ws.users.session(sid)["role"]
'analyst'
>>> ws.users.set_disabled("rina", True)
>>> ws.users.session(sid) is None
True
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from suara.store.admin import audit
from suara.store.store import utcnow

__all__ = ["ROLES", "Users", "SESSION_IDLE", "SESSION_ABSOLUTE", "hash_secret"]

ROLES = ("admin", "analyst", "viewer")
#: a browser session ends after this many seconds without a request ...
SESSION_IDLE = 30 * 60
#: ... and in any case this many seconds after login
SESSION_ABSOLUTE = 12 * 3600
#: how stale the stored last-seen time may be (a write per request would slow every page)
_TOUCH_EVERY = 60

_ph = PasswordHasher()
_DUMMY = _ph.hash("timing-equaliser")


def hash_secret(value: str) -> str:
    """SHA-256 hex of a session id or API token (what the store keeps)."""
    return hashlib.sha256(value.encode()).hexdigest()


def _check_name(username: str) -> None:
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError("username: letters, digits, '.', '-' and '_' only")


class Users:
    """Users, sessions and tokens of one store.

    ``store`` takes the writes (under its lock); ``reader`` (optional, anything with
    ``execute(sql, params).fetchall()``, e.g. the web server's cursor pool) takes the reads
    that happen on every request, so they do not wait for an import holding the store.
    """

    def __init__(self, store, reader=None, idle: int = SESSION_IDLE, absolute: int = SESSION_ABSOLUTE):
        self.store, self.reader = store, reader or store
        self.idle, self.absolute = idle, absolute
        self._touched: dict[str, dt.datetime] = {}   # session hash -> last request seen here

    def _read(self, sql: str, params: list) -> list:
        if self.reader is self.store:
            return self._q(sql, params)
        return self.reader.execute(sql, params).fetchall()

    def _q(self, sql: str, params: list | None = None) -> list:
        """Rows of a query on the store's connection, fetched under its lock (another thread
        must not run a statement between the execute and the fetch)."""
        lock = getattr(self.store, "_lock", None)
        if lock is None:
            return self.store.execute(sql, params or []).fetchall()
        with lock:
            return self.store.execute(sql, params or []).fetchall()

    # ----- users ------------------------------------------------------------------------
    def add(self, username: str, password: str, role: str, actor: str = "cli") -> None:
        """Create or reset a user (password hashed with argon2id); enables it."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        _check_name(username)
        if len(password) < 8:
            raise ValueError("password must be at least 8 characters")
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, false) ON CONFLICT (username) DO UPDATE SET "
                "password_hash = excluded.password_hash, role = excluded.role, disabled = false",
                [username, _ph.hash(password), role, utcnow()])
            self.store.execute("DELETE FROM sessions WHERE username = ?", [username])  # new password: log out
            audit(self.store, actor, "user.set", username, {"role": role})

    def get(self, username: str) -> dict | None:
        rows = self._read("SELECT username, role, created_at, disabled FROM users WHERE username = ?", [username])
        if not rows:
            return None
        name, role, created, disabled = rows[0]
        return {"username": name, "role": role, "created_at": created, "disabled": bool(disabled)}

    def list(self) -> list[dict]:
        rows = self._q("SELECT username, role, created_at, disabled FROM users ORDER BY username")
        return [{"username": u, "role": r, "created_at": c, "disabled": bool(d)} for u, r, c, d in rows]

    def count(self) -> int:
        return self._q("SELECT count(*) FROM users")[0][0]

    def _require(self, username: str) -> None:
        if not self._q("SELECT 1 FROM users WHERE username = ?", [username]):
            raise ValueError(f"no user {username!r}")

    def set_disabled(self, username: str, disabled: bool, actor: str = "cli") -> None:
        """Disable (all its sessions end at once; its tokens stop working) or enable a user."""
        self._require(username)
        with self.store.transaction():
            self.store.execute("UPDATE users SET disabled = ? WHERE username = ?", [bool(disabled), username])
            if disabled:
                self.store.execute("DELETE FROM sessions WHERE username = ?", [username])
            audit(self.store, actor, "user.disable" if disabled else "user.enable", username)
        self._touched.clear()

    def set_role(self, username: str, role: str, actor: str = "cli") -> None:
        """Change a user's role; open sessions and the user's tokens get it on their next request."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        self._require(username)
        with self.store.transaction():
            old = self._q("SELECT role FROM users WHERE username = ?", [username])[0][0]
            self.store.execute("UPDATE users SET role = ? WHERE username = ?", [role, username])
            audit(self.store, actor, "user.role", username, {"from": old, "to": role})

    def check_password(self, username: str, password: str) -> dict | None:
        """The user when the password is right and the user enabled, else None (the same
        argon2 work either way, so timing does not tell which user names exist)."""
        rows = self._q("SELECT username, password_hash, role, disabled FROM users WHERE username = ?",
                                  [username])
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

    # ----- sessions ---------------------------------------------------------------------
    def create_session(self, username: str, address: str = "") -> str:
        """A new server-side session for a (checked) user; returns its id (the browser's
        cookie), of which only the hash is stored."""
        sid = secrets.token_urlsafe(32)
        now = utcnow()
        with self.store.transaction():
            self.store.execute("DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?",
                               [now, now - dt.timedelta(seconds=self.idle)])
            self.store.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                               [hash_secret(sid), username, now, now,
                                now + dt.timedelta(seconds=self.absolute), address[:64]])
        return sid

    def session(self, sid: str | None, now: dt.datetime | None = None) -> dict | None:
        """The session's user (username, role) when the session exists, is neither idle nor
        past its absolute limit, and the user exists and is enabled; else None."""
        if not sid:
            return None
        h = hash_secret(sid)
        rows = self._read("SELECT s.username, u.role, u.disabled, s.created_at, s.last_seen_at, s.expires_at "
                          "FROM sessions s JOIN users u USING (username) WHERE s.session_hash = ?", [h])
        if not rows:
            return None
        name, role, disabled, created, last, expires = rows[0]
        now = now or utcnow()
        last = max(last, self._touched.get(h, last))
        if disabled or now >= expires or (now - last).total_seconds() > self.idle:
            self.end_session(sid)
            return None
        if (now - last).total_seconds() >= _TOUCH_EVERY:
            with self.store.transaction():
                self.store.execute("UPDATE sessions SET last_seen_at = ? WHERE session_hash = ?", [now, h])
        self._touched[h] = now
        if len(self._touched) > 50_000:
            self._touched.clear()
        return {"username": name, "role": role, "session": h[:12]}

    def end_session(self, sid: str) -> None:
        """Log a session out on the server (its cookie no longer works anywhere)."""
        h = hash_secret(sid)
        self._touched.pop(h, None)
        with self.store.transaction():
            self.store.execute("DELETE FROM sessions WHERE session_hash = ?", [h])

    def end_sessions(self, username: str, actor: str = "cli") -> int:
        """End every session of a user; returns how many."""
        with self.store.transaction():
            n = self._q("SELECT count(*) FROM sessions WHERE username = ?", [username])[0][0]
            self.store.execute("DELETE FROM sessions WHERE username = ?", [username])
            audit(self.store, actor, "session.revoke", username, {"sessions": n})
        self._touched.clear()
        return n

    def sessions(self) -> list[dict]:
        """Open sessions (user, started, last seen, expiry, address) — never their ids."""
        rows = self._q("SELECT username, created_at, last_seen_at, expires_at, address FROM sessions "
                                  "WHERE expires_at > ? ORDER BY last_seen_at DESC", [utcnow()])
        return [dict(zip(("username", "created_at", "last_seen_at", "expires_at", "address"), r)) for r in rows]

    # ----- API tokens -------------------------------------------------------------------
    def create_token(self, name: str, username: str | None = None, role: str = "viewer",
                     actor: str | None = None) -> str:
        """Create an API token; only its SHA-256 is stored, the token is returned once.
        A token of a user never has more rights than the user has at the time of a request."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        if not name or len(name) > 100:
            raise ValueError("a token needs a name of 1-100 characters")
        if self._q("SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL", [name]):
            raise ValueError(f"an active token named {name!r} exists; revoke it first or pick another name")
        if username:
            self._require(username)
        token = "sua_" + secrets.token_urlsafe(32)
        with self.store.transaction():
            self.store.execute("INSERT INTO api_tokens (token_hash, name, username, role, created_at) "
                               "VALUES (?, ?, ?, ?, ?)", [hash_secret(token), name, username, role, utcnow()])
            audit(self.store, actor or username or "cli", "token.create", name, {"role": role})
        return token

    def check_token(self, token: str) -> dict | None:
        """The token's identity when it exists, is not revoked, and its user (if any) is
        enabled; the role is the lower of the token's and the user's current one."""
        rows = self._read("SELECT t.name, t.username, t.role, u.role, u.disabled, t.username IS NOT NULL "
                          "AND u.username IS NULL FROM api_tokens t LEFT JOIN users u USING (username) "
                          "WHERE t.token_hash = ? AND t.revoked_at IS NULL", [hash_secret(token)])
        if not rows:
            return None
        name, user, role, user_role, disabled, orphan = rows[0]
        if disabled or orphan:
            return None
        if user_role and ROLES.index(user_role) > ROLES.index(role):
            role = user_role
        return {"username": user or f"token:{name}", "role": role, "token": name}

    def tokens(self) -> list[dict]:
        """Every token (active and revoked): name, user, role, created, revoked — never the token."""
        rows = self._q("SELECT name, username, role, created_at, last_used_at, revoked_at FROM api_tokens "
                                  "ORDER BY revoked_at IS NOT NULL, created_at DESC")
        return [dict(zip(("name", "username", "role", "created_at", "last_used_at", "revoked_at"), r)) for r in rows]

    def revoke_token(self, name: str, actor: str = "cli") -> int:
        """Revoke the active token(s) of that name; returns how many (0: none active)."""
        with self.store.transaction():
            n = self._q("SELECT count(*) FROM api_tokens WHERE name = ? AND revoked_at IS NULL",
                                   [name])[0][0]
            if n:
                self.store.execute("UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                                   [utcnow(), name])
                audit(self.store, actor, "token.revoke", name)
        return n

    # ----- audit ------------------------------------------------------------------------
    def record(self, actor: str, action: str, target: str = "", detail=None) -> None:
        """One audit-log entry (logins, exports, case actions; never secrets)."""
        audit(self.store, actor, action, target, detail)

    def audit_log(self, limit: int = 200) -> list[dict]:
        rows = self._q("SELECT \"at\", actor, action, target, detail FROM audit_log ORDER BY \"at\" DESC "
                                  f"LIMIT {int(limit)}")
        return [dict(zip(("at", "actor", "action", "target", "detail"), r)) for r in rows]
