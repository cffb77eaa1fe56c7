"""Who the accounts are and how they interact: resolved type and display name (citizens
pseudonymised), stance toward each pair, and the reply/mention/share edges between them.
Shared by the brand and audience sections.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> len(account_stances(ws)), interaction_edges(ws).count().execute()
(0, 0)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from suara.analyse.base import candidate_mentions, flagged, memo, objcols
from suara.analyse.privacy import Pseudonymiser
from suara.enrich.regions import interaction_edges

__all__ = ["account_profiles", "read_profiles", "resolve_types", "read_overrides", "account_stances", "drop_flagged", "flagged_accounts", "flagged_keys", "interaction_edges", "STANCE_THRESHOLD",
           "ACTIVITY_LEVELS"]

#: mean targeted sentiment toward a pair at or above which an account is a supporter, and at
#: or below minus which it is an opponent; in between it is persuadable
STANCE_THRESHOLD = 0.2
#: activity level by number of posts/comments about the pairs: (label, lowest count)
ACTIVITY_LEVELS = [("occasional", 1), ("regular", 3), ("heavy", 10)]


def account_profiles(ws) -> pd.DataFrame:
    """Accounts with a resolved ``type`` (official|party|media|city|influencer|citizen) and
    the ``display`` name outputs may show (citizens pseudonymised).

    Type resolution: the election's tracked accounts and candidates' official accounts
    first, then the exported ``account_type``, then 10k+ followers or verified =
    influencer, else citizen.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> list(account_profiles(ws).columns)[:3]
    ['platform', 'account_id', 'handle']
    """
    return memo(ws, "account_profiles", lambda: _account_profiles(ws))


_READ_PROFILES: dict[tuple, pd.DataFrame] = {}


def read_profiles(ws, reader, data_key: tuple) -> pd.DataFrame:
    """:func:`account_profiles` read through a read pool (:mod:`suara.store.reads`), without
    the store's lock, kept while ``data_key`` (the store's change key) stays the same: the
    web's reads never wait for a writer. Do not modify the frame it returns."""
    key = (str(getattr(ws, "path", "")), id(ws.store.con), tuple(data_key))
    val = _READ_PROFILES.get(key)
    if val is None:
        val = _account_profiles(ws, reader)
        for k in [k for k in _READ_PROFILES if k[:2] == key[:2]]:
            _READ_PROFILES.pop(k, None)
        _READ_PROFILES[key] = val
    return val


_PROFILE_COLUMNS = ("platform", "account_id", "handle", "display_name", "followers", "created_at",
                    "account_type", "verified")


def _account_profiles(ws, reader=None) -> pd.DataFrame:
    from suara.store.admin import account_type_overrides
    if reader is None:
        a = ws.store.table("accounts").select(*_PROFILE_COLUMNS).execute()
        decided = account_type_overrides(ws.store)   # an admin's decision wins over everything
    else:
        a = reader.sql("SELECT " + ", ".join(_PROFILE_COLUMNS) + " FROM accounts")
        decided = read_overrides(reader)
    a = objcols(a)
    a["type"] = resolve_types(a, ws.election, decided)
    ps = Pseudonymiser(ws)
    # a missing handle is NaN in the frame: pass None so a public account shows its id
    a["display"] = ps.many(a.type, a.platform, a.account_id,
                           [h if isinstance(h, str) and h else None for h in a.handle.tolist()])
    a["account_id"] = a.account_id.astype(str).astype(object)
    return a


def read_overrides(db) -> dict[tuple[str, str], str]:
    """The admin's account-type decisions read through ``db`` (a store or a read pool)."""
    import json

    from suara.store.admin import ACCOUNT_TYPE_OVERRIDES, account_type_overrides
    if hasattr(db, "meta"):   # the store: its cached meta values, under its lock
        return account_type_overrides(db)
    raw = db.execute("SELECT value FROM meta WHERE key = ?", [ACCOUNT_TYPE_OVERRIDES]).fetchall()
    return {tuple(k.split(":", 1)): v for k, v in json.loads(raw[0][0]).items()} if raw and raw[0][0] else {}


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v) or bool(pd.isna(v))


def resolve_types(a: pd.DataFrame, election, decided: dict | None = None) -> list[str]:
    """The resolved type of each account row (platform, account_id, handle, account_type,
    followers, verified): the admin's decision, then the election's official and tracked
    accounts, then the exported type, then 10k+ followers or verified = influencer, else
    citizen. The one rule every output names accounts by."""
    decided = decided or {}
    el = election
    tracked = {(t.platform.lower(), t.handle.lower().lstrip("@")): t.account_type
               for t in el.tracked_accounts}
    official = {(p.lower(), h.lower().lstrip("@")) for c in el.candidates
                for p, hs in c.official_accounts.items() for h in hs}
    fast = _types_by_column(a, official, tracked, decided)
    if fast is not None:
        return fast
    types = []
    for p, i, h, t, f, v in zip(a.platform, a.account_id, a.handle, a.account_type, a.followers,
                                a.verified):
        key = (str(p).lower(), str(h or "").lower().lstrip("@"))
        if (str(p), str(i)) in decided:
            types.append(decided[(str(p), str(i))])
        elif key in official:
            types.append("official")
        elif key in tracked:
            types.append(tracked[key])
        elif isinstance(t, str) and t not in ("", "unknown"):
            types.append(t)
        elif (not _missing(f) and f >= 10000) or (not _missing(v) and bool(v)):
            types.append("influencer")
        else:
            types.append("citizen")
    return types


def _types_by_column(a: pd.DataFrame, official: set, tracked: dict, decided: dict) -> list[str] | None:
    """:func:`resolve_types` a column at a time (every account is resolved twice per run, and
    row by row that cost ~0.15 s at 40,000 accounts), for the columns the store gives: text
    platforms, numeric followers, boolean ``verified``; None for anything else (the row
    loop then decides, with its exact rules)."""
    import numpy as np
    fol, ver = a["followers"], a["verified"]
    if not pd.api.types.is_numeric_dtype(fol.dtype):
        return None
    if pd.api.types.is_bool_dtype(ver.dtype):
        verified = ver.fillna(False).to_numpy(dtype=bool)
    elif ver.dtype == object:   # a nullable flag read as Python objects (True, False, None): the row rule per value
        verified = np.fromiter((not _missing(v) and bool(v) for v in ver.tolist()), dtype=bool, count=len(ver))
    else:
        return None
    plat = a["platform"].tolist()
    if not all(isinstance(p, str) for p in plat):
        return None
    hand = a["handle"].tolist()
    if any(h is pd.NA for h in hand):   # the row loop's ``h or ""`` refuses it
        return None
    out = np.full(len(a), "citizen", dtype=object)
    # lowest rule first, each later (higher) rule overwriting: 10k+ followers or verified
    big = fol.ge(10000).fillna(False).to_numpy(dtype=bool) | verified
    out[big] = "influencer"
    exported = [isinstance(t, str) and t not in ("", "unknown") for t in a["account_type"].tolist()]
    at = np.asarray(exported, dtype=bool)
    out[at] = a["account_type"].to_numpy(dtype=object)[at]
    if official or tracked:
        keys = [(p.lower(), str(h or "").lower().lstrip("@")) for p, h in zip(plat, hand)]
        for i, k in enumerate(keys):
            if k in official:
                out[i] = "official"
            elif k in tracked:
                out[i] = tracked[k]
    if decided:
        for i, (p, x) in enumerate(zip(plat, a["account_id"].tolist())):
            if (p, str(x)) in decided:
                out[i] = decided[(p, str(x))]
    return out.tolist()


def account_stances(ws, filtered: bool = False) -> pd.DataFrame:
    """One row per (platform, account_id, candidate): ``n`` mentions, mean targeted
    sentiment ``ms`` and ``stance`` (supporter if ms >= 0.2, opponent if <= -0.2, else
    persuadable).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> len(account_stances(ws))
    0
    """
    if filtered:
        return memo(ws, ("account_stances", True), lambda: drop_flagged(ws, account_stances(ws, False)))
    return memo(ws, ("account_stances", False), lambda: _account_stances(ws, False))


def drop_flagged(ws, df: pd.DataFrame) -> pd.DataFrame:
    """Rows of a per-account DataFrame (platform, account_id) whose account is not flagged as
    coordinated. Per-account figures of an unflagged account are the same in both views, so
    the filtered view of such a table is the unfiltered one minus flagged accounts.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> len(drop_flagged(ws, pd.DataFrame({"platform": ["x"], "account_id": ["1"]})))
    1
    """
    bad = flagged_keys(ws)
    if not bad or not len(df):
        return df.copy()
    keep = [k not in bad for k in zip(df.platform.tolist(), df.account_id.astype(str).tolist())]
    return df[keep].reset_index(drop=True)


def flagged_accounts(ws) -> pd.DataFrame:
    """(platform, account_id) of the accounts flagged as coordinated: one query per run, shared
    by every section (do not modify the frame it returns).

    Example
    -------
    >>> import suara, tempfile
    >>> len(flagged_accounts(suara.init(tempfile.mkdtemp())))
    0
    """
    return memo(ws, ("flagged_accounts",), lambda: objcols(flagged(ws).execute()), copy=False)


def flagged_keys(ws) -> set[tuple[str, str]]:
    """(platform, account id as text) of :func:`flagged_accounts`, as a set made once per run.

    Example
    -------
    >>> import suara, tempfile
    >>> flagged_keys(suara.init(tempfile.mkdtemp()))
    set()
    """
    def build() -> set:
        fl = flagged_accounts(ws)
        return set(zip(fl.platform.tolist(), fl.account_id.astype(str).tolist()))
    return memo(ws, ("flagged_keys",), build, copy=False)


def _account_stances(ws, filtered: bool) -> pd.DataFrame:
    # the mean score straight from the mentions (the stance threshold is compared exactly)
    t = candidate_mentions(ws, filtered)
    g = t.group_by(["platform", "account_id", "candidate"]).aggregate(n=t.count(), ms=t.s.mean())
    df = objcols(g.execute())
    df["account_id"] = df.account_id.astype(str).astype(object)
    ms = df.ms.to_numpy(dtype=float, na_value=np.nan)
    df["stance"] = np.select([ms >= STANCE_THRESHOLD, ms <= -STANCE_THRESHOLD],
                             ["supporter", "opponent"], "persuadable")
    return df
