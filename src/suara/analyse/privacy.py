"""Pseudonymisation of ordinary citizens in every output (JSON, report, web, CLI exports).

Public figures, media, official, party and city accounts are named; an account typed
``citizen`` or ``unknown`` (or untyped) leaves the system only as a stable pseudonym such as
``warga-3fa2c1d08b9e4f57``: HMAC-SHA256 of (platform, account id) under a per-workspace secret
key, cut to 64 bits (16 hex digits; a collision among 10 million accounts has a chance of
about 3 in a million). The key lives in the workspace folder (``.pseudonym-key``, mode 0600),
never in the store, the lake, an export or a report, so a pseudonym cannot be recomputed from
an account id without it; the same key gives the same pseudonym on every run, page and export.
``suara privacy rotate-key`` draws a new key (every pseudonym changes; old exports can no
longer be linked to new ones).

Example
-------
>>> pseudonym("twitter", "12345", salt="s")
'warga-8dbe22958556d624'
>>> display_handle("media", "twitter", "1", "kaltimtoday", salt="s")
'kaltimtoday'
>>> display_handle("citizen", "twitter", "12345", "budi_smd", salt="s") == pseudonym("twitter", "12345", "s")
True
"""
from __future__ import annotations

import hmac
import hashlib
import os
import re
import secrets
import threading
from pathlib import Path

__all__ = ["PUBLIC_TYPES", "KEY_FILE", "PSEUDONYM_RE", "workspace_salt", "rotate_key", "pseudonym", "is_public",
           "display_handle", "Pseudonymiser", "resolve_pseudonym", "account_filter_keys", "scrub_text"]

#: account types whose handles may be shown as they are
PUBLIC_TYPES = frozenset({"official", "party", "media", "city", "influencer"})
#: the per-workspace secret key, in the workspace folder (not in the store)
KEY_FILE = ".pseudonym-key"
#: what a pseudonym looks like
PSEUDONYM_RE = re.compile(r"^warga-[0-9a-f]{16}$")
#: meta key of the old, unkeyed salt (removed from the store when the key file is made)
SALT_KEY = "privacy.salt"
_KEY_LOCK = threading.Lock()


def _key_path(ws) -> Path | None:
    p = getattr(ws, "path", None)
    return Path(p) / KEY_FILE if p is not None else None


def _write_key(path: Path, key: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    os.replace(tmp, path)


def workspace_salt(ws) -> str:
    """The workspace's secret pseudonymisation key (256 bits, hex), created on first use in
    ``WORKSPACE/.pseudonym-key``. A workspace whose folder cannot be written gets a
    per-process random key: pseudonyms are then unlinkable, just not stable across runs.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> workspace_salt(ws) == workspace_salt(ws) and len(workspace_salt(ws)) == 64
    True
    """
    path = _key_path(ws)
    with _KEY_LOCK:
        if path is not None and path.exists():
            return path.read_text().strip()
        cached = getattr(ws, "_suara_ephemeral_salt", None)
        if cached:
            return cached
        key = secrets.token_hex(32)
        try:
            if path is None:
                raise OSError("no workspace folder")
            _write_key(path, key)
        except OSError:
            try:
                ws._suara_ephemeral_salt = key
            except AttributeError:
                pass
            return key
    _drop_old_salt(ws)
    return key


def _drop_old_salt(ws) -> None:
    """The unkeyed salt of earlier versions sat in the store's meta table: remove it."""
    try:
        store = ws.store
        if not getattr(store, "read_only", False) and store.meta(SALT_KEY):
            store.execute("DELETE FROM meta WHERE key = ?", [SALT_KEY])
    except Exception:  # noqa: BLE001 - a store that cannot be written keeps the harmless old value
        pass


def rotate_key(ws, actor: str = "cli") -> None:
    """Draw a new pseudonymisation key: every pseudonym changes from now on (audited).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> a = pseudonym("x", "1", workspace_salt(ws)); rotate_key(ws)
    >>> a == pseudonym("x", "1", workspace_salt(ws))
    False
    """
    from suara.store.admin import audit
    path = _key_path(ws)
    if path is None:
        raise ValueError("this workspace has no folder to keep a key in")
    with _KEY_LOCK:
        _write_key(path, secrets.token_hex(32))
    _RESOLVE_CACHE.clear()
    audit(ws.store, actor, "privacy.rotate_key", "pseudonymisation key",
          "every pseudonym changed; exports made before cannot be linked to later ones")


def pseudonym(platform: str, account_id: str, salt: str, prefix: str = "warga") -> str:
    """Stable keyed pseudonym of an account (HMAC-SHA256, 64 bits), e.g. ``warga-3fa2c1d08b9e4f57``.

    Example
    -------
    >>> pseudonym("tiktok", "42", "key") == pseudonym("tiktok", "42", "key") != pseudonym("tiktok", "42", "other")
    True
    """
    return _keyed(_key(salt), platform, account_id, prefix)


def _key(salt) -> "hmac.HMAC":
    """The keyed hash of ``salt`` before any message: copied per account (:func:`_keyed`)."""
    return hmac.new(str(salt).encode(), digestmod=hashlib.sha256)


def _keyed(key: "hmac.HMAC", platform, account_id, prefix: str = "warga") -> str:
    """:func:`pseudonym` from the salt's keyed hash (:func:`_key`), which stays unchanged."""
    mac = key.copy()
    mac.update(f"{platform}\x1f{account_id}".encode())
    return f"{prefix}-{mac.hexdigest()[:16]}"


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
    return _display(account_type, platform, account_id, handle, _key(salt))


def _display(account_type, platform, account_id, handle, key: "hmac.HMAC") -> str:
    """:func:`display_handle` with the salt's keyed hash made already (:func:`_key`; many
    accounts share one)."""
    if is_public(account_type):
        return handle or str(account_id)
    return _keyed(key, platform, str(account_id))


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
        return self.many([account_type], [platform], [account_id], [handle])[0]

    def many(self, account_types, platforms, account_ids, handles) -> list[str]:
        """What outputs show for many accounts (:func:`display_handle`, or the handle when the
        workspace does not pseudonymise): the keyed hash is set up once and copied per
        account (every account of a workspace is named once per run: 0.11 -> 0.05 s at
        38,000 accounts).

        Example
        -------
        >>> import suara, tempfile
        >>> p = Pseudonymiser(suara.init(tempfile.mkdtemp()))
        >>> p.many(["citizen", "media"], ["x", "x"], ["9", "7"], ["budi", None]) == [
        ...     display_handle("citizen", "x", "9", "budi", p.salt), "7"]
        True
        """
        rows = zip(account_types, platforms, account_ids, handles)
        if not self.enabled:
            return [h or str(i) for _t, _p, i, h in rows]
        key = _key(self.salt)
        return [_display(t, p, i, h, key) for t, p, i, h in rows]


_RESOLVE_CACHE: dict[tuple, dict[str, list[tuple[str, str]]]] = {}


def _authors(ws) -> list[tuple[str, str]]:
    acc = ws.store.table("accounts")
    posts = ws.store.table("posts")
    acc = acc.select(platform=acc.platform.cast("string"), account_id=acc.account_id.cast("string"))
    posts = posts.select(platform=posts.platform.cast("string"), account_id=posts.account_id.cast("string"))
    df = acc.union(posts, distinct=True).execute()
    return [(p, str(a)) for p, a in zip(df["platform"], df["account_id"]) if a is not None and p is not None]


def resolve_pseudonym(ws, alias: str, salt: str | None = None) -> list[tuple[str, str]]:
    """The (platform, account id) behind a pseudonym in this workspace (usually one; empty
    when none). The map of every known account is built once per key and data size.

    Example
    -------
    >>> import suara, tempfile, pandas as pd
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> _ = ws.store.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["7"]}))
    >>> resolve_pseudonym(ws, pseudonym("x", "7", workspace_salt(ws)))
    [('x', '7')]
    """
    salt = salt or workspace_salt(ws)
    if not PSEUDONYM_RE.match(str(alias)):
        return []
    key = (str(getattr(ws, "path", id(ws))), salt, ws.store.count("accounts"), ws.store.count("posts"))
    m = _RESOLVE_CACHE.get(key)
    if m is None:
        m = {}
        for p, a in _authors(ws):
            m.setdefault(pseudonym(p, a, salt), []).append((p, a))
        for k in [k for k in _RESOLVE_CACHE if k[0] == key[0]]:
            _RESOLVE_CACHE.pop(k, None)
        _RESOLVE_CACHE[key] = m
    return list(m.get(alias, []))


def account_filter_keys(ws, value: str, salt: str, show_identities: bool) -> list[tuple[str | None, str]]:
    """What an ``account`` filter may match, as (platform or None for any, account id).

    Anyone may filter by a pseudonym (what the pages show) and by a public account's id or
    handle. Only roles that see identities may filter by a citizen's raw id: for the others
    a raw id matches nothing, so a filter cannot be used to de-pseudonymise an account.

    Example
    -------
    >>> import suara, tempfile, pandas as pd
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> _ = ws.store.upsert("accounts", pd.DataFrame({"platform": ["x", "x"], "account_id": ["7", "8"],
    ...     "handle": ["budi", "kaltimtoday"], "account_type": ["citizen", "media"]}))
    >>> account_filter_keys(ws, "7", workspace_salt(ws), False), account_filter_keys(ws, "7", "", True)
    ([], [(None, '7')])
    >>> account_filter_keys(ws, "kaltimtoday", workspace_salt(ws), False)
    [('x', '8')]
    """
    value = str(value).strip()
    if PSEUDONYM_RE.match(value):
        return resolve_pseudonym(ws, value, salt)
    if show_identities:
        return [(None, value)]
    acc = ws.store.table("accounts")
    pub = acc.filter(acc.account_type.isin(sorted(PUBLIC_TYPES)) & ((acc.account_id == value) | (acc.handle == value)))
    df = pub.select("platform", "account_id").execute()
    return [(p, str(a)) for p, a in zip(df["platform"], df["account_id"])]


_TOKEN = re.compile(r"(?<![\w.])@?([A-Za-z0-9_][A-Za-z0-9_.]{2,63})(?![\w])")


def scrub_text(ws, texts: list, salt: str, mentions_only: bool = False) -> list:
    """Free texts (case notes, reasons) with every citizen's handle or account id that the
    workspace knows replaced by its pseudonym; public accounts stay named. With
    ``mentions_only`` only ``@handle`` mentions count (post texts: a word is not a handle).

    Example
    -------
    >>> import suara, tempfile, pandas as pd
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> _ = ws.store.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["99887"],
    ...     "handle": ["budi_smd"], "account_type": ["citizen"]}))
    >>> out = scrub_text(ws, ["@budi_smd and 99887 again"], workspace_salt(ws))[0]
    >>> "budi_smd" in out or "99887" in out, out.count("warga-")
    (False, 2)
    """
    tokens = sorted({m.group(1) for t in texts if isinstance(t, str) for m in _TOKEN.finditer(t)
                     if not mentions_only or m.group(0).startswith("@")})
    if not tokens:
        return list(texts)
    acc = ws.store.table("accounts")
    hit = acc.filter((acc.handle.isin(tokens) | acc.account_id.isin(tokens))
                     & ~acc.account_type.fill_null("unknown").isin(sorted(PUBLIC_TYPES)))
    df = hit.select("platform", "account_id", "handle").execute()
    alias = {}
    for p, a, h in zip(df["platform"], df["account_id"], df["handle"]):
        ps = pseudonym(p, str(a), salt)
        alias[str(a)] = ps
        if isinstance(h, str) and h:
            alias[h] = ps
    if not alias:
        return list(texts)

    def sub(m):
        tok = m.group(1)
        if tok not in alias or (mentions_only and not m.group(0).startswith("@")):
            return m.group(0)
        return ("@" if m.group(0).startswith("@") else "") + alias[tok]
    return [_TOKEN.sub(sub, t) if isinstance(t, str) else t for t in texts]


_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9_][A-Za-z0-9_.]{1,63})(?![\w])")


class MentionScrubber:
    """@mentions in post texts as a viewer may see them: a mention of a public account (by
    its resolved type, or listed in the election's official and tracked accounts) stays named;
    any other mention becomes a pseudonym — the account's own when the workspace knows it,
    else a stable one of the handle (a citizen who never posted is still a citizen).

    ``profiles`` is a frame of resolved accounts (platform, account_id, handle, type), e.g.
    :func:`suara.analyse.accounts.account_profiles`.

    Example
    -------
    >>> import pandas as pd
    >>> prof = pd.DataFrame({"platform": ["x", "x"], "account_id": ["1", "2"], "handle": ["kompascom", "budi"],
    ...                      "type": ["media", "citizen"]})
    >>> s = MentionScrubber(prof, "key")
    >>> out = s(["kata @kompascom dan @budi, juga @siti_99"], ["x"])[0]
    >>> "@kompascom" in out, "budi" in out, "siti_99" in out, out.count("@warga-")
    (True, False, False, 2)
    """

    def __init__(self, profiles, salt: str, election=None):
        self.salt = salt
        self.public: set[str] = set()
        self.known: dict[tuple[str, str], str] = {}
        self.any: dict[str, tuple[str, str]] = {}
        for p, a, h, t in zip(profiles["platform"], profiles["account_id"], profiles["handle"], profiles["type"]):
            if not isinstance(h, str) or not h:
                continue
            h = h.lower().lstrip("@")
            if t in PUBLIC_TYPES:
                self.public.add(h)
            else:
                self.known[(str(p), h)] = str(a)
                self.any.setdefault(h, (str(p), str(a)))
        if election is not None:
            self.public |= {h.lower().lstrip("@") for c in election.candidates
                            for hs in c.official_accounts.values() for h in hs}
            self.public |= {t.handle.lower().lstrip("@") for t in election.tracked_accounts
                            if is_public(t.account_type)}

    def alias(self, handle: str, platform: str) -> str | None:
        """The pseudonym a mention of ``handle`` shows; None when the handle is public."""
        h = handle.lower()
        if h in self.public:
            return None
        acc = self.known.get((platform, h))
        if acc is not None:
            return pseudonym(platform, acc, self.salt)
        if h in self.any:
            return pseudonym(*self.any[h], self.salt)
        return pseudonym(platform, "@" + h, self.salt)

    def __call__(self, texts: list, platforms: list) -> list:
        out = []
        for text, platform in zip(texts, platforms):
            if not isinstance(text, str) or "@" not in text:
                out.append(text)
                continue

            def sub(m, platform=str(platform)):
                a = self.alias(m.group(1), platform)
                return m.group(0) if a is None else "@" + a
            out.append(_MENTION.sub(sub, text))
        return out
