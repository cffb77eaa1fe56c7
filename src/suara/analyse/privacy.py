"""Pseudonymisation of ordinary citizens in every output (JSON, report, web).

Public figures, media, official, party and city accounts are named; an account typed
``citizen`` or ``unknown`` (or untyped) leaves the system only as a stable pseudonym such as
``warga-3fa2c1``. The pseudonym is a salted SHA-256 of (platform, account id): stable within
one workspace (so the same person is recognisable across pages and days) but not linkable to
another workspace or reversible without the salt, which lives in the store's ``meta`` table.

Example
-------
>>> pseudonym("twitter", "12345", salt="s")
'warga-223782'
>>> display_handle("media", "twitter", "1", "kaltimtoday", salt="s")
'kaltimtoday'
>>> display_handle("citizen", "twitter", "12345", "budi_smd", salt="s")
'warga-223782'
"""
from __future__ import annotations

import hashlib
import secrets

__all__ = ["PUBLIC_TYPES", "SALT_KEY", "workspace_salt", "pseudonym", "is_public",
           "display_handle", "Pseudonymiser"]

#: account types whose handles may be shown as they are
PUBLIC_TYPES = frozenset({"official", "party", "media", "city", "influencer"})
#: meta key of the per-workspace salt
SALT_KEY = "privacy.salt"


def workspace_salt(ws) -> str:
    """The workspace's pseudonymisation salt, created (random, 128 bits) on first use.

    A read-only store that has no salt yet gets a per-process random one, so pseudonyms
    are still unlinkable, just not stable across runs.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> workspace_salt(ws) == workspace_salt(ws)
    True
    """
    store = ws.store
    salt = store.meta(SALT_KEY)
    if salt:
        return salt
    salt = secrets.token_hex(16)
    try:
        store.set_meta(SALT_KEY, salt)
    except Exception:  # noqa: BLE001 - read-only store: keep an ephemeral salt for this process
        cached = getattr(ws, "_suara_ephemeral_salt", None)
        if cached:
            return cached
        try:
            ws._suara_ephemeral_salt = salt
        except AttributeError:
            pass
    return salt


def pseudonym(platform: str, account_id: str, salt: str, prefix: str = "warga") -> str:
    """Stable salted pseudonym of an account, e.g. ``warga-3fa2c1``.

    Example
    -------
    >>> pseudonym("tiktok", "42", "salt") == pseudonym("tiktok", "42", "salt")
    True
    """
    h = hashlib.sha256(f"{salt}|{platform}|{account_id}".encode()).hexdigest()[:6]
    return f"{prefix}-{h}"


def is_public(account_type: str | None) -> bool:
    """True when accounts of this type are named in outputs.

    Example
    -------
    >>> is_public("official"), is_public("citizen"), is_public(None)
    (True, False, False)
    """
    return (account_type or "unknown") in PUBLIC_TYPES


def display_handle(account_type: str | None, platform: str, account_id: str,
                   handle: str | None, salt: str) -> str:
    """What an output may show for an account: its handle when public, else a pseudonym.

    Example
    -------
    >>> display_handle("unknown", "x", "1", "someone", "s").startswith("warga-")
    True
    """
    if is_public(account_type):
        return handle or str(account_id)
    return pseudonym(platform, str(account_id), salt)


class Pseudonymiser:
    """Callable bound to one workspace's salt; honours ``pseudonymise: false`` in suara.yaml.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> p = Pseudonymiser(ws)
    >>> p("citizen", "twitter", "9", "budi").startswith("warga-")
    True
    """

    def __init__(self, ws):
        self.salt = workspace_salt(ws)
        cfg = getattr(ws, "config", None)
        self.enabled = bool(getattr(cfg, "pseudonymise", True))

    def __call__(self, account_type, platform, account_id, handle) -> str:
        if not self.enabled:
            return handle or str(account_id)
        return display_handle(account_type, platform, str(account_id), handle, self.salt)
