"""Image and brand awareness: share of voice, reach and engagement, influencers, exposure.

Every section returns plain JSON-able data and every figure twice: ``all`` accounts and
``filtered`` (accounts flagged as coordinated removed). Definitions of each number are in
docs/analytics.md. Relational work is Ibis over the store (DuckDB or Spark); the small
results are finished in pandas.

Sections (registered in :mod:`suara.analyse.run`):

* :func:`share_of_voice_section` — per pair: mentions, share, unique accounts, share of
  citizens, net sentiment, sentiment-weighted share, trust; by day, week and region.
* :func:`engagement_section` — engagement rate by platform and format, by hour of day and
  day of week (election time zone), best times to post, top posts and why they worked.
* :func:`influencers_section` — who moves the conversation: engagement, estimated reach,
  PageRank in the reply/mention/share network, stance toward each pair, account type,
  rising voices.
* :func:`exposure_section` — share of each pair's volume by author follower band and from
  accounts created during the campaign.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> share_of_voice_section(ws)["all"]["1"]["mentions"]
0
"""
from __future__ import annotations

import contextlib
import datetime as dt
import math
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import numpy as np
import pandas as pd

from suara.analyse import base
from suara.analyse.privacy import Pseudonymiser, is_public

__all__ = [
    "share_of_voice", "share_of_voice_section", "engagement_section", "influencers_section",
    "exposure_section", "candidate_mentions", "account_stances", "account_profiles",
    "local_time", "tz_offset_minutes", "wilson_lower", "FOLLOWER_BANDS", "ORGANIC_REACH",
    "STANCE_THRESHOLD", "ACTIVITY_LEVELS", "objcols", "safe_float", "pair_label", "region_names",
    "data_signature", "drop_flagged", "rt", "html_table", "pct", "share_of_voice_report",
    "engagement_report", "influencers_report", "exposure_report",
]

#: follower bands of the exposure profile: (label, lowest, highest inclusive)
FOLLOWER_BANDS = [("0-3", 0, 3), ("4-25", 4, 25), ("26-100", 26, 100), ("101-1k", 101, 1000),
                  ("1k-10k", 1001, 10000), ("10k+", 10001, None)]
#: share of an author's followers assumed to see a post when the export has no view count
#: (organic reach on Instagram/Facebook/X is commonly reported at 2-10%; 10% is the upper end,
#: so reach estimated this way is generous rather than understated)
ORGANIC_REACH = 0.10
#: mean targeted sentiment toward a pair at or above which an account is a supporter, and at
#: or below minus which it is an opponent; in between it is persuadable
STANCE_THRESHOLD = 0.2
#: activity level by number of posts/comments about the pairs: (label, lowest count)
ACTIVITY_LEVELS = [("occasional", 1), ("regular", 3), ("heavy", 10)]
_BASIC = ("all", "filtered")


# --------------------------------------------------------------------------------------
# helpers
def objcols(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python objects: iterating Arrow-backed strings element by element
    costs ~1 µs per value, which dominates per-account loops at 100k accounts.

    Example
    -------
    >>> objcols(pd.DataFrame({"a": ["x"]})).a.dtype
    dtype('O')
    """
    for c in df.columns:
        if pd.api.types.is_string_dtype(df[c].dtype) and df[c].dtype != object:
            df[c] = df[c].astype(object)
    return df


def safe_float(x, nd: int = 4):
    """A JSON-safe rounded float (None for NaN/None).

    Example
    -------
    >>> safe_float(float("nan")) is None, safe_float(0.123456)
    (True, 0.1235)
    """
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return round(f, nd)


def wilson_lower(pos: float, n: float, z: float = 1.96) -> float | None:
    """Lower bound of the 95% Wilson interval of a proportion ``pos / n`` (None when n = 0).

    Example
    -------
    >>> round(wilson_lower(8, 10), 3)
    0.49
    """
    if not n:
        return None
    p = pos / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    r = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (c - r) / d)


@lru_cache(maxsize=32)
def _offset(tz: str, when: dt.date) -> int:
    off = ZoneInfo(tz).utcoffset(dt.datetime(when.year, when.month, when.day, 12))
    return int(off.total_seconds() // 60)


def tz_offset_minutes(election) -> int:
    """UTC offset of the election's time zone in minutes (at the campaign start; Indonesian
    zones have no daylight saving time), e.g. 480 for WITA.

    Example
    -------
    >>> from suara.config import load_election
    >>> tz_offset_minutes(load_election("kaltim-2024"))
    480
    """
    return _offset(election.timezone, election.dates.campaign_start)


def local_time(ws, col):
    """An Ibis timestamp column (naive UTC) shifted to the election's local time.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> p = ws.store.table("posts")
    >>> local_time(ws, p.created_at).hour().name("h").execute().tolist()
    []
    """
    return col + ibis.interval(minutes=tz_offset_minutes(ws.election))


def pair_label(election, ballot: str) -> str:
    """"1 Isran-Hadi" for ballot "1".

    Example
    -------
    >>> from suara.config import load_election
    >>> pair_label(load_election("kaltim-2024"), "2")
    '2 Rudy-Seno'
    """
    try:
        return f"{ballot} {election.candidate(ballot).short}"
    except KeyError:
        return str(ballot)


def region_names(election) -> dict[str, str]:
    """BPS code -> region name.

    Example
    -------
    >>> from suara.config import load_election
    >>> region_names(load_election("kaltim-2024"))["6472"]
    'Samarinda'
    """
    return {r.code: r.name for r in election.regions}


def data_signature(ws) -> tuple:
    """What the analyses' inputs look like now: (posts/accounts signature, enrichment version,
    coordination scores). Any import, enrichment or coordination run changes it.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> data_signature(ws)[0]
    'kaltim-2024|0|0|None'
    """
    s = ws.store
    p = s.table("posts")
    a = s.table("accounts")
    sc = s.table("account_scores")
    row = (p.aggregate(n_posts=p.count(), last=p.ingested_at.max())
           .cross_join(a.aggregate(n_acc=a.count()))
           .cross_join(sc.aggregate(n_sc=sc.count(), last_sc=sc.scored_at.max()))).execute().iloc[0]
    n_posts = int(row["n_posts"])
    last = row["last"] if n_posts else None
    return (f"{ws.election.id}|{int(row['n_acc'])}|{n_posts}|{last}", base.current_version(ws),
            int(row["n_sc"]), str(row["last_sc"]))


def _memo(ws, key, fn, copy: bool = True, sig: tuple | None = None):
    """Cache a derived table for one workspace while its inputs do not change (keyed by
    :func:`data_signature`), so the sections of one `suara analyse` run share it."""
    sig = sig or data_signature(ws)
    cache = ws.__dict__.setdefault("_suara_analysis_cache", {})
    if cache.get("__sig__") != sig:
        for k, v in list(cache.items()):
            if k != "__sig__" and hasattr(v, "release"):
                _release(v)
        cache.clear()
        cache["__sig__"] = sig
    if key not in cache:
        cache[key] = fn()
    val = cache[key]
    return val.copy() if copy and isinstance(val, pd.DataFrame) else val


def _candidate_mentions(ws, filtered: bool) -> ibis.Table:
    t = base.mentions(ws)
    t = t.filter(t.candidate.isin(list(ws.election.ballots)))
    if filtered:
        t = base.without_flagged(t, ws)
    pos = (t.sentiment == "positive").ifelse(1, 0)
    neg = (t.sentiment == "negative").ifelse(1, 0)
    return t.mutate(
        pos=pos, neg=neg,
        s=ibis.coalesce(t.score, (pos - neg).cast("float64")),
        eng=(ibis.coalesce(t.likes, 0) + ibis.coalesce(t.comments, 0) + ibis.coalesce(t.shares, 0)),
        acct=t.platform.concat(":", t.account_id.cast("string")))


def candidate_mentions(ws, filtered: bool = False) -> ibis.Table:
    """:func:`suara.analyse.base.mentions` restricted to the election's ballots, with
    derived columns ``pos``/``neg`` (0/1), ``s`` (score, or +1/-1/0 from the label when the
    score is missing), ``eng`` (likes + comments + shares) and ``acct`` (platform:account_id);
    ``filtered=True`` removes coordinated accounts.

    The expression is materialised once (Ibis ``cache``: a temp table on DuckDB, a cached
    DataFrame on Spark) and shared by every section until the data changes; region inference
    runs first when accounts or posts changed.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> "eng" in candidate_mentions(ws).columns
    True
    """
    from suara.analyse.audience import ensure_regions
    sig = data_signature(ws)
    ensure_regions(ws, sig)

    def build():
        if filtered:   # from the materialised unfiltered view: no second pass over the joins
            t = base.without_flagged(candidate_mentions(ws, False), ws)
        else:
            t = _candidate_mentions(ws, False).select(
                "platform", "post_id", "candidate", "sentiment", "account_id", "created_at", "kind",
                "media_type", "views", "region", "region_confidence", "pos", "neg", "s", "eng", "acct")
        try:
            c = t.cache()
        except Exception:  # noqa: BLE001 - e.g. read-only store: use the plain expression
            return t
        _track(c)
        return c
    return _memo(ws, ("candidate_mentions", filtered), build, copy=False, sig=sig)


_LIVE: list = []


def _release(c) -> None:
    with contextlib.suppress(Exception):
        c.release()
    with contextlib.suppress(ValueError):
        _LIVE.remove(c)


def _release_all() -> None:
    for c in list(_LIVE):
        _release(c)


def _track(c) -> None:
    """Remember a cached table so that it is released before Ibis' own exit-time finalizer
    runs (that one fails loudly once the workspace closed its connection). atexit runs
    handlers last-registered-first, so registering after Ibis' first cache suffices."""
    import atexit
    if not _LIVE and not getattr(_track, "registered", False):
        atexit.register(_release_all)
        _track.registered = True
    _LIVE.append(c)


# --------------------------------------------------------------------------------------
# share of voice
def _sov_frames(t: ibis.Table, keys: list[str]) -> pd.DataFrame:
    g = t.group_by([*keys, "candidate"]).aggregate(
        mentions=t.count(), unique_accounts=t.acct.nunique(), positive=t.pos.sum(),
        negative=t.neg.sum(), weighted=((t.s + 1) / 2).sum(), engagement=t.eng.sum())
    a = t.group_by([*keys, "candidate", "acct"]).aggregate(ms=t.s.mean())
    a = a.group_by([*keys, "candidate"]).aggregate(
        favourable=(a.ms > 0.05).ifelse(1, 0).sum(), unfavourable=(a.ms < -0.05).ifelse(1, 0).sum())
    df = g.execute()
    if not len(df):
        return df
    return df.merge(a.execute(), on=[*keys, "candidate"], how="left")


def _sov_block(df: pd.DataFrame, ballots: list[str]) -> dict[str, dict[str, Any]]:
    """Per-ballot metrics for one group (rows of one key value)."""
    rows = {str(r.candidate): r for r in df.itertuples(index=False)}
    tot_m = float(df.mentions.sum()) if len(df) else 0.0
    tot_u = float(df.unique_accounts.sum()) if len(df) else 0.0
    tot_w = float(df.weighted.sum()) if len(df) else 0.0
    out = {}
    for b in ballots:
        r = rows.get(b)
        if r is None:
            out[b] = {"mentions": 0, "share": 0.0, "unique_accounts": 0, "share_of_citizens": 0.0,
                      "net_sentiment": None, "sentiment_weighted_share": 0.0, "positive": 0,
                      "negative": 0, "neutral": 0, "favourable_accounts": 0,
                      "unfavourable_accounts": 0, "trust": None, "engagement": 0}
            continue
        n = int(r.mentions)
        pos, neg = int(r.positive), int(r.negative)
        fav, unf = int(r.favourable or 0), int(r.unfavourable or 0)
        out[b] = {
            "mentions": n,
            "share": safe_float(n / tot_m if tot_m else 0.0),
            "unique_accounts": int(r.unique_accounts),
            "share_of_citizens": safe_float(r.unique_accounts / tot_u if tot_u else 0.0),
            "net_sentiment": safe_float((pos - neg) / n if n else None),
            "sentiment_weighted_share": safe_float(r.weighted / tot_w if tot_w else 0.0),
            "positive": pos, "negative": neg, "neutral": n - pos - neg,
            "favourable_accounts": fav, "unfavourable_accounts": unf,
            "trust": safe_float(wilson_lower(fav, fav + unf)),
            "engagement": int(r.engagement or 0),
        }
    return out


def _sov_by(df: pd.DataFrame, key: str, ballots: list[str]) -> dict[str, Any]:
    if not len(df):
        return {}
    out = {}
    for k, sub in df.groupby(key, sort=True, dropna=False):
        if k is None or (isinstance(k, float) and math.isnan(k)):
            name = "unknown"
        elif isinstance(k, (pd.Timestamp, dt.datetime)):
            name = k.date().isoformat()
        else:
            name = k.isoformat() if hasattr(k, "isoformat") else str(k)
        out[name] = _sov_block(sub, ballots)
    return out


def share_of_voice(ws, filtered: bool = False) -> dict[str, Any]:
    """Share of voice of one view (all accounts, or coordinated accounts removed).

    Returns ``{"total": {...per ballot...}, "by_day": {date: {...}}, "by_week": {monday:
    {...}}, "by_region": {bps_code|"unknown": {...}}}``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> share_of_voice(ws)["total"]["2"]["share"]
    0.0
    """
    ballots = list(ws.election.ballots)
    t = candidate_mentions(ws, filtered)
    lt = local_time(ws, t.created_at)
    t = t.mutate(day=lt.date(), week=lt.truncate("W").date(),
                 region_key=ibis.coalesce(t.region, "unknown"))
    t = t.select("candidate", "acct", "pos", "neg", "s", "eng", "day", "week", "region_key")
    total = _sov_frames(t, [])
    by_day = _sov_frames(t, ["day"])
    by_week = _sov_frames(t, ["week"])
    by_region = _sov_frames(t, ["region_key"])
    return {"total": _sov_block(total, ballots), "by_day": _sov_by(by_day, "day", ballots),
            "by_week": _sov_by(by_week, "week", ballots),
            "by_region": _sov_by(by_region, "region_key", ballots)}


def share_of_voice_section(ws) -> dict[str, Any]:
    """The ``share_of_voice`` section of `suara analyse`.

    ``{"all": {ballot: metrics}, "filtered": {...}, "by_day": {"all": ..., "filtered": ...},
    "by_week": {...}, "by_region": {...}}`` — ``share`` is the fraction of all candidate
    mentions; see docs/analytics.md for every metric.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> sorted(share_of_voice_section(ws))
    ['all', 'by_day', 'by_region', 'by_week', 'filtered']
    """
    from suara.analyse.audience import ensure_regions
    ensure_regions(ws)
    views = {v: share_of_voice(ws, v == "filtered") for v in _BASIC}
    out: dict[str, Any] = {v: views[v]["total"] for v in _BASIC}
    for k in ("by_day", "by_week", "by_region"):
        out[k] = {v: views[v][k] for v in _BASIC}
    return out


# --------------------------------------------------------------------------------------
# accounts: profiles, types, stances
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
    return _memo(ws, "account_profiles", lambda: _account_profiles(ws))


def _account_profiles(ws) -> pd.DataFrame:
    a = ws.store.table("accounts").select(
        "platform", "account_id", "handle", "display_name", "followers", "created_at",
        "account_type", "verified").execute()
    a = objcols(a)
    el = ws.election
    tracked = {(t.platform.lower(), t.handle.lower().lstrip("@")): t.account_type
               for t in el.tracked_accounts}
    official = {(p.lower(), h.lower().lstrip("@")) for c in el.candidates
                for p, hs in c.official_accounts.items() for h in hs}
    from suara.store.admin import account_type_overrides
    decided = account_type_overrides(ws.store)   # an admin's decision wins over everything
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
        elif (f is not None and f == f and f >= 10000) or v is True:
            types.append("influencer")
        else:
            types.append("citizen")
    a["type"] = types
    ps = Pseudonymiser(ws)
    a["display"] = [ps(t, p, i, h) for t, p, i, h in zip(a.type, a.platform, a.account_id, a.handle)]
    a["account_id"] = a.account_id.astype(str).astype(object)
    return a


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
        return _memo(ws, ("account_stances", True), lambda: drop_flagged(ws, account_stances(ws, False)))
    return _memo(ws, ("account_stances", False), lambda: _account_stances(ws, False))


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
    fl = objcols(base.flagged(ws).execute())
    if not len(fl) or not len(df):
        return df.copy()
    bad = set(zip(fl.platform.tolist(), fl.account_id.astype(str).tolist()))
    keep = [k not in bad for k in zip(df.platform.tolist(), df.account_id.astype(str).tolist())]
    return df[keep].reset_index(drop=True)


def _account_stances(ws, filtered: bool) -> pd.DataFrame:
    t = candidate_mentions(ws, filtered)
    g = t.group_by(["platform", "account_id", "candidate"]).aggregate(n=t.count(), ms=t.s.mean())
    df = objcols(g.execute())
    df["account_id"] = df.account_id.astype(str).astype(object)
    ms = df.ms.to_numpy(dtype=float, na_value=np.nan)
    df["stance"] = np.select([ms >= STANCE_THRESHOLD, ms <= -STANCE_THRESHOLD],
                             ["supporter", "opponent"], "persuadable")
    return df


# --------------------------------------------------------------------------------------
# engagement and reach
def _reach_expr(views, followers):
    return ibis.ifelse(ibis.coalesce(views, 0) > 0, views.cast("float64"),
                       ibis.coalesce(followers, 0).cast("float64") * ORGANIC_REACH)


def _top_posts(ws) -> ibis.Table:
    """Top-level posts (kind post or share, or no parent) with author followers, reach,
    interactions and local time."""
    p = ws.store.table("posts")
    p = p.filter(p.parent_id.isnull() | (p.kind == "post"))
    a = ws.store.table("accounts").select("platform", "account_id", "followers")
    j = p.left_join(a, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    lt = local_time(ws, j.created_at)
    return j.mutate(
        inter=(ibis.coalesce(j.likes, 0) + ibis.coalesce(j.comments, 0) + ibis.coalesce(j.shares, 0)),
        reach=_reach_expr(j.views, j.followers),
        hour=lt.hour(), dow=lt.day_of_week.index(), fmt=ibis.coalesce(j.media_type, "text"))


_DOW = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _engagement_view(ws, filtered: bool, min_posts: int) -> dict[str, Any]:
    p = _top_posts(ws)
    if filtered:
        p = base.without_flagged(p, ws)
    by_fmt = p.group_by(["platform", "fmt"]).aggregate(
        posts=p.count(), interactions=p.inter.sum(), reach=p.reach.sum(),
        mean_interactions=p.inter.mean()).execute()
    fmt = {}
    for r in by_fmt.itertuples(index=False):
        fmt.setdefault(r.platform, {})[r.fmt] = {
            "posts": int(r.posts), "interactions": int(r.interactions),
            "estimated_reach": int(r.reach or 0),
            "engagement_rate": safe_float(r.interactions / r.reach if r.reach else None),
            "mean_interactions": safe_float(r.mean_interactions, 2)}
    by_f = p.group_by("fmt").aggregate(posts=p.count(), interactions=p.inter.sum(),
                                       reach=p.reach.sum()).execute()
    formats = {r.fmt: {"posts": int(r.posts),
                       "engagement_rate": safe_float(r.interactions / r.reach if r.reach else None),
                       "mean_interactions": safe_float(r.interactions / r.posts, 2)}
               for r in by_f.itertuples(index=False)}
    hd = p.group_by(["dow", "hour"]).aggregate(posts=p.count(), inter=p.inter.sum()).execute()
    hours = hd.groupby("hour")[["posts", "inter"]].sum()
    dows = hd.groupby("dow")[["posts", "inter"]].sum()
    by_hour = {str(int(h)): {"posts": int(r.posts), "mean_interactions": safe_float(r.inter / r.posts, 2)}
               for h, r in hours.iterrows()}
    by_dow = {_DOW[int(d)]: {"posts": int(r.posts), "mean_interactions": safe_float(r.inter / r.posts, 2)}
              for d, r in dows.iterrows()}
    hd = hd[hd.posts >= min_posts].copy()
    hd["mean"] = hd.inter / hd.posts
    best = hd.sort_values(["mean", "posts"], ascending=False).head(5)
    best_times = [{"day": _DOW[int(r.dow)], "hour": int(r.hour), "posts": int(r.posts),
                   "mean_interactions": safe_float(r.mean, 2)} for r in best.itertuples(index=False)]
    return {"by_platform_format": fmt, "by_format": formats, "by_hour": by_hour,
            "by_day_of_week": by_dow, "best_times": best_times}


def _top_posts_per_candidate(ws, filtered: bool, n: int, profiles: pd.DataFrame) -> dict[str, list]:
    t = candidate_mentions(ws, filtered)
    t = t.filter(t.kind.isnull() | (t.kind == "post") | (t.kind == "share"))
    w = ibis.window(group_by=t.candidate, order_by=ibis.desc(t.eng))
    r = t.mutate(rk=ibis.row_number().over(w))
    r = r.filter(r.rk < n)
    meds = t.group_by("candidate").aggregate(med=t.eng.median()).execute()
    med = {str(c): float(m) for c, m in zip(meds.candidate, meds.med)}
    e = ws.store.table("enrichments")
    e = e.filter(e.version == (base.current_version(ws) or "")).select(
        ep=e.platform, epost=e.post_id, issues=e.issues)
    r = r.left_join(e, [r.platform == e.ep, r.post_id == e.epost])
    p = ws.store.table("posts").select(pp=ibis._.platform, ppost=ibis._.post_id,
                                       text=ibis._.text, url=ibis._.url)
    r = r.left_join(p, [r.platform == p.pp, r.post_id == p.ppost])
    df = r.select("candidate", "platform", "post_id", "account_id", "eng", "sentiment",
                  "media_type", "issues", "text", "url", "views", "created_at").execute()
    prof = profiles.set_index(["platform", "account_id"])
    out: dict[str, list] = {b: [] for b in ws.election.ballots}
    for row in df.sort_values("eng", ascending=False).itertuples(index=False):
        key = (row.platform, str(row.account_id))
        typ = prof.type.get(key, "citizen") if len(prof) else "citizen"
        disp = prof.display.get(key) if len(prof) else None
        public = is_public(typ)
        issues = [str(i) for i in (row.issues if row.issues is not None else [])]
        m = med.get(str(row.candidate))
        lift = row.eng / m if m else None
        why = [f"format {row.media_type or 'text'}"]
        if issues:
            why.append("issues " + ", ".join(issues))
        why.append(f"author {typ}")
        if lift:
            why.append(f"{lift:.1f}x the pair's median engagement")
        out.setdefault(str(row.candidate), []).append({
            "platform": row.platform, "post_id": str(row.post_id),
            "author": disp or Pseudonymiser(ws)(typ, row.platform, row.account_id, None),
            "author_type": typ, "interactions": int(row.eng), "views": safe_float(row.views, 0),
            "lift_vs_median": safe_float(lift, 2), "sentiment": row.sentiment,
            "format": row.media_type or "text", "issues": issues,
            "created_at": str(row.created_at),
            "text": (row.text or "")[:280] if public else None,
            "url": row.url if public else None,
            "why": "; ".join(why)})
    return out


def engagement_section(ws, min_posts: int = 5, top_n: int = 5) -> dict[str, Any]:
    """The ``engagement`` section: engagement rate by platform and format (interactions /
    estimated reach), mean interactions per post by hour of day and day of week in the
    election's time zone, the best posting times (cells with at least ``min_posts`` posts),
    and the top posts per pair with why they worked. Twice: all and filtered.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> engagement_section(ws)["all"]["best_times"]
    []
    """
    profiles = account_profiles(ws)
    out = {}
    for v in _BASIC:
        d = _engagement_view(ws, v == "filtered", min_posts)
        d["top_posts"] = _top_posts_per_candidate(ws, v == "filtered", top_n, profiles)
        out[v] = d
    out["timezone"] = ws.election.timezone
    out["utc_offset_minutes"] = tz_offset_minutes(ws.election)
    return out


# --------------------------------------------------------------------------------------
# influencers
def _pagerank(edges: pd.DataFrame) -> dict[tuple[str, str], float]:
    """PageRank of each (platform, account_id) in the directed, weighted edge list
    (platform, src, dst, n); scaled so that 1.0 is an average node."""
    import igraph as ig
    if not len(edges):
        return {}
    e = edges
    if "kind" in e.columns:
        e = e.groupby(["platform", "src", "dst"], as_index=False)["n"].sum()
    e = e[e.src != e.dst]
    if not len(e):
        return {}
    plat = e.platform.to_numpy().astype(str)
    # numpy string keys: ~5x faster to build and factorise than tuples at 250k edges
    keys = np.char.add(np.char.add(np.concatenate([plat, plat]), "\x1f"),
                       np.concatenate([e.src.to_numpy(), e.dst.to_numpy()]).astype(str))
    codes, names = pd.factorize(keys)
    m = len(e)
    g = ig.Graph(n=len(names), edges=np.column_stack([codes[:m], codes[m:]]).tolist(), directed=True)
    pr = g.pagerank(weights=e.n.astype(float).tolist(), directed=True)
    n = len(names)
    return {tuple(k.split("\x1f", 1)): v * n for k, v in zip(names.tolist(), pr)}


def _rank_pct(s: pd.Series) -> pd.Series:
    return s.rank(pct=True, method="average") if len(s) else s


def _influencers_view(ws, filtered: bool, profiles: pd.DataFrame, top: int,
                      edges: pd.DataFrame) -> dict[str, Any]:
    t = candidate_mentions(ws, filtered)
    a = ws.store.table("accounts").select("platform", "account_id", "followers")
    t2 = t.left_join(a, ["platform", "account_id"])
    t2 = t2.mutate(reach=_reach_expr(t2.views, t2.followers))
    per_post = t2.group_by(["platform", "account_id", "post_id"]).aggregate(
        eng=t2.eng.max(), reach=t2.reach.max(), created_at=t2.created_at.max())
    last = t.created_at.max().execute() if int(t.count().execute()) else None
    if last is None or last != last:
        return {"top": [], "rising": [], "by_type": {}}
    last = pd.Timestamp(last)
    lo7, lo14 = last - pd.Timedelta(days=7), last - pd.Timedelta(days=14)
    acc = per_post.group_by(["platform", "account_id"]).aggregate(
        posts=per_post.count(), engagement=per_post.eng.sum(), reach=per_post.reach.sum(),
        eng_last7=(per_post.created_at > lo7).ifelse(per_post.eng, 0).sum(),
        eng_prev7=((per_post.created_at > lo14) & (per_post.created_at <= lo7)).ifelse(per_post.eng, 0).sum(),
        posts_last7=(per_post.created_at > lo7).ifelse(1, 0).sum()).execute()
    acc = objcols(acc)
    if not len(acc):
        return {"top": [], "rising": [], "by_type": {}}
    acc["account_id"] = acc.account_id.astype(str).astype(object)
    if filtered and len(edges):
        fl = objcols(base.flagged(ws).execute())
        bad = set(zip(fl.platform.tolist(), fl.account_id.astype(str).tolist()))
        if bad:
            keep = [(p, s) not in bad and (p, d) not in bad
                    for p, s, d in zip(edges.platform.tolist(), edges.src.tolist(), edges.dst.tolist())]
            edges = edges[keep]
    pr = _pagerank(edges)
    acc["pagerank"] = [pr.get((p, i), 0.0) for p, i in zip(acc.platform.tolist(), acc.account_id.tolist())]
    acc["influence"] = (0.4 * _rank_pct(acc.engagement) + 0.3 * _rank_pct(acc.reach)
                        + 0.3 * _rank_pct(acc.pagerank))
    topdf = acc.sort_values(["influence", "engagement"], ascending=False).head(top)
    ris = acc[(acc.posts_last7 >= 2) & (acc.eng_last7 >= 10)].copy()
    ris["growth"] = (ris.eng_last7 + 1) / (ris.eng_prev7 + 1)
    ris = ris[ris.growth >= 2].copy()
    ris["rise"] = ris.growth.clip(upper=50) * np.log1p(ris.eng_last7)
    ris = ris.sort_values("rise", ascending=False).head(10)
    # profiles and stances only for the accounts shown
    shown = set(zip(topdf.platform, topdf.account_id)) | set(zip(ris.platform, ris.account_id))
    st = account_stances(ws, filtered)
    st = st[[k in shown for k in zip(st.platform.tolist(), st.account_id.tolist())]]
    stance: dict = {}
    for r in st.itertuples(index=False):
        stance.setdefault((r.platform, r.account_id), {})[str(r.candidate)] = {
            "mentions": int(r.n), "sentiment": safe_float(r.ms, 3), "stance": r.stance}
    prof = profiles[["platform", "account_id", "type", "display", "followers"]]
    ps = Pseudonymiser(ws)

    def decorate(df):
        df = df.merge(prof, on=["platform", "account_id"], how="left")
        df["type"] = df["type"].fillna("citizen")
        df["display"] = [d if isinstance(d, str) else ps("citizen", p, i, None)
                         for d, p, i in zip(df.display, df.platform, df.account_id)]
        return df

    def rec(r):
        return {"account": r.display, "platform": r.platform, "type": r.type,
                "named": is_public(r.type),
                "followers": None if r.followers is None or r.followers != r.followers else int(r.followers),
                "posts": int(r.posts), "engagement": int(r.engagement),
                "estimated_reach": int(r.reach or 0), "pagerank": safe_float(r.pagerank, 3),
                "influence": safe_float(r.influence, 3),
                "toward": stance.get((r.platform, r.account_id), {})}
    rising = []
    for r in decorate(ris).itertuples(index=False):
        d = rec(r)
        d.update({"engagement_last7": int(r.eng_last7), "engagement_prev7": int(r.eng_prev7),
                  "growth": safe_float(r.growth, 2)})
        rising.append(d)
    types = profiles.set_index(["platform", "account_id"])["type"]
    acc["type"] = types.reindex(pd.MultiIndex.from_arrays([acc.platform, acc.account_id])).fillna(
        "citizen").to_numpy()
    by_type = acc.groupby("type").agg(accounts=("account_id", "size"), engagement=("engagement", "sum"))
    tot = by_type.engagement.sum()
    return {"top": [rec(r) for r in decorate(topdf).itertuples(index=False)], "rising": rising,
            "by_type": {k: {"accounts": int(r.accounts), "engagement": int(r.engagement),
                            "engagement_share": safe_float(r.engagement / tot if tot else 0)}
                        for k, r in by_type.iterrows()}}


def influencers_section(ws, top: int = 25) -> dict[str, Any]:
    """The ``influencers`` section: top accounts by influence (0.4 x engagement percentile +
    0.3 x estimated reach percentile + 0.3 x PageRank percentile in the reply/mention/share
    network), their stance and mean sentiment toward each pair, type, and rising voices
    (engagement in the last 7 days at least twice the 7 days before). Citizens are
    pseudonymised. Twice: all and filtered (flagged accounts and their edges removed).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> influencers_section(ws)["all"]["top"]
    []
    """
    from suara.analyse.audience import interaction_edges
    profiles = account_profiles(ws)
    ie = interaction_edges(ws)
    edges = objcols(ie.group_by(["platform", "src", "dst"]).aggregate(n=ie.n.sum()).execute())
    edges["src"] = edges.src.astype(str).astype(object)
    edges["dst"] = edges.dst.astype(str).astype(object)
    return {v: _influencers_view(ws, v == "filtered", profiles, top, edges) for v in _BASIC}


# --------------------------------------------------------------------------------------
# exposure
def _band_expr(f):
    cases = [(f.isnull(), "unknown")]
    for label, lo, hi in FOLLOWER_BANDS:
        cases.append(((f >= lo) if hi is None else ((f >= lo) & (f <= hi)), label))
    return ibis.cases(*cases, else_="unknown")


def exposure_section(ws) -> dict[str, Any]:
    """The ``exposure`` section: per pair, the share of mentions from authors in each
    follower band (0-3, 4-25, 26-100, 101-1k, 1k-10k, 10k+, unknown) and from accounts
    created on or after the campaign start ("new_accounts"). Twice: all and filtered.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> exposure_section(ws)["all"]["1"]["mentions"]
    0
    """
    start = dt.datetime.combine(ws.election.dates.campaign_start, dt.time())
    # campaign start at local midnight, in UTC
    start = start - dt.timedelta(minutes=tz_offset_minutes(ws.election))
    labels = [b[0] for b in FOLLOWER_BANDS] + ["unknown"]
    out: dict[str, Any] = {"bands": labels, "campaign_start": ws.election.dates.campaign_start.isoformat()}
    for v in _BASIC:
        t = candidate_mentions(ws, v == "filtered")
        a = ws.store.table("accounts").select("platform", "account_id", "followers",
                                              acreated=ibis._.created_at)
        j = t.left_join(a, ["platform", "account_id"])
        j = j.mutate(band=_band_expr(j.followers),
                     new=(j.acreated.notnull() & (j.acreated >= start)).ifelse(1, 0),
                     known=j.acreated.notnull().ifelse(1, 0))
        df = j.group_by(["candidate", "band"]).aggregate(
            n=j.count(), new=j.new.sum(), known=j.known.sum(), acc=j.acct.nunique()).execute()
        res = {}
        for b in ws.election.ballots:
            sub = df[df.candidate == b]
            n = int(sub.n.sum())
            bands = {lab: {"mentions": int(sub[sub.band == lab].n.sum()),
                           "share": safe_float(sub[sub.band == lab].n.sum() / n if n else 0.0),
                           "accounts": int(sub[sub.band == lab].acc.sum())} for lab in labels}
            known = int(sub.known.sum())
            new = int(sub.new.sum())
            small = sum(bands[k]["mentions"] for k in ("0-3", "4-25"))
            res[b] = {"mentions": n, "bands": bands,
                      "new_accounts": {"mentions": new,
                                       "share": safe_float(new / n if n else 0.0),
                                       "share_of_known_age": safe_float(new / known if known else None)},
                      "tiny_accounts_share": safe_float(small / n if n else 0.0)}
        out[v] = res
    return out


# --------------------------------------------------------------------------------------
# daily report sections: (ws, doc, lang) -> {"title", "explain", "html"}
RT = {
    "id": {
        "sov": "Pangsa suara (share of voice)",
        "sov_explain": "Porsi setiap paslon dari seluruh penyebutan paslon. 'Pangsa warga' = porsi akun unik; "
                       "'berbobot sentimen' memberi bobot (skor+1)/2 tiap penyebutan; 'kepercayaan' = batas bawah "
                       "95% porsi akun yang bersikap positif di antara akun yang bersikap. Kolom 'tanpa buzzer' "
                       "menghapus akun yang ditandai terkoordinasi.",
        "pair": "Paslon", "mentions": "Penyebutan", "share": "Pangsa", "citizens": "Pangsa warga",
        "net": "Sentimen bersih", "weighted": "Berbobot sentimen", "trust": "Kepercayaan",
        "nobuzz": "tanpa buzzer", "daily": "Pangsa harian (semua akun)", "all": "semua akun",
        "eng": "Jangkauan & keterlibatan",
        "eng_explain": "Tingkat keterlibatan = interaksi (suka+komentar+bagikan) / jangkauan perkiraan "
                       "(tayangan, atau 10% pengikut bila tayangan tidak ada). Jam dalam zona waktu pemilu.",
        "format": "Format", "rate": "Tingkat keterlibatan", "hour": "Jam", "mean_inter": "Rata-rata interaksi per unggahan",
        "best": "Waktu terbaik mengunggah", "top_posts": "Unggahan teratas", "why": "Mengapa berhasil",
        "author": "Penulis", "inter": "Interaksi",
        "inf": "Pemengaruh & tokoh publik",
        "inf_explain": "Pengaruh = 0,4×persentil keterlibatan + 0,3×persentil jangkauan + 0,3×persentil PageRank "
                       "dalam jaringan balasan/sebutan/bagikan. Akun warga biasa disamarkan (warga-xxxxxx).",
        "account": "Akun", "type": "Jenis", "influence": "Pengaruh", "toward": "Sikap per paslon",
        "rising": "Suara yang sedang naik", "growth": "Pertumbuhan 7 hari",
        "exp": "Profil paparan",
        "exp_explain": "Porsi penyebutan tiap paslon menurut jumlah pengikut penulis, dan dari akun yang dibuat "
                       "selama masa kampanye. Kerumunan akun kecil dan baru adalah ciri buzzer.",
        "new": "Dari akun baru", "tiny": "Dari akun 0–25 pengikut",
    },
    "en": {
        "sov": "Share of voice",
        "sov_explain": "Each pair's portion of all pair mentions. 'Share of citizens' = portion of unique accounts; "
                       "'sentiment-weighted' weights each mention by (score+1)/2; 'trust' = 95% lower bound of the "
                       "favourable share among accounts that take a side. 'Buzzers removed' drops accounts "
                       "flagged as coordinated.",
        "pair": "Pair", "mentions": "Mentions", "share": "Share", "citizens": "Share of citizens",
        "net": "Net sentiment", "weighted": "Sentiment-weighted", "trust": "Trust",
        "nobuzz": "buzzers removed", "daily": "Daily share (all accounts)", "all": "all accounts",
        "eng": "Reach & engagement",
        "eng_explain": "Engagement rate = interactions (likes+comments+shares) / estimated reach (views, or 10% "
                       "of followers when views are missing). Hours are in the election's time zone.",
        "format": "Format", "rate": "Engagement rate", "hour": "Hour", "mean_inter": "Mean interactions per post",
        "best": "Best times to post", "top_posts": "Top posts", "why": "Why it worked",
        "author": "Author", "inter": "Interactions",
        "inf": "Influencers & public figures",
        "inf_explain": "Influence = 0.4×engagement percentile + 0.3×reach percentile + 0.3×PageRank percentile in "
                       "the reply/mention/share network. Ordinary citizens are pseudonymised (warga-xxxxxx).",
        "account": "Account", "type": "Type", "influence": "Influence", "toward": "Stance per pair",
        "rising": "Rising voices", "growth": "7-day growth",
        "exp": "Exposure profile",
        "exp_explain": "Share of each pair's mentions by the author's follower count, and from accounts created "
                       "during the campaign. A crowd of tiny, new accounts is the mark of buzzers.",
        "new": "From new accounts", "tiny": "From 0–25 follower accounts",
    },
}


def rt(lang: str) -> dict:
    """Report texts for ``lang`` (Indonesian default).

    Example
    -------
    >>> rt("en")["sov"]
    'Share of voice'
    """
    return RT.get(lang, RT["id"])


def html_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A small escaped HTML table.

    Example
    -------
    >>> html_table(["a"], [["<b>"]])
    '<table><tr><th>a</th></tr><tr><td>&lt;b&gt;</td></tr></table>'
    """
    import html as h
    head = "".join(f"<th>{h.escape(str(x))}</th>" for x in headers)
    body = "".join("<tr>" + "".join(f"<td>{h.escape('' if v is None else str(v))}</td>" for v in r) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def pct(x) -> str:
    """0.456 -> '45.6%' ('–' for None).

    Example
    -------
    >>> pct(0.456), pct(None)
    ('45.6%', '–')
    """
    return "–" if x is None else f"{x * 100:.1f}%"


def _num(x, nd=2) -> str:
    return "–" if x is None else f"{x:+.{nd}f}"


def _usable(doc: dict, key: str) -> dict | None:
    d = doc.get(key)
    return d if isinstance(d, dict) and "error" not in d else None


def share_of_voice_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: share of voice table (all vs buzzers removed) and daily share chart.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> share_of_voice_report(ws, {"share_of_voice": share_of_voice_section(ws)}, "en")["title"]
    'Share of voice'
    """
    import plotly.graph_objects as go
    from suara.report.charts import candidate_colours, figure_div
    sov = _usable(doc, "share_of_voice")
    if not sov:
        return None
    t = rt(lang)
    col = candidate_colours(ws.election)
    rows = []
    for b in ws.election.ballots:
        a, f = sov["all"].get(b, {}), sov["filtered"].get(b, {})
        rows.append([pair_label(ws.election, b), f"{a.get('mentions', 0):,}", pct(a.get("share")),
                     pct(f.get("share")), pct(a.get("share_of_citizens")), _num(a.get("net_sentiment")),
                     pct(a.get("sentiment_weighted_share")), pct(a.get("trust"))])
    tbl = html_table([t["pair"], t["mentions"], t["share"], f"{t['share']} ({t['nobuzz']})", t["citizens"],
                      t["net"], t["weighted"], t["trust"]], rows)
    fig = go.Figure()
    for view, pattern in (("all", ""), ("filtered", "/")):
        fig.add_bar(x=[pair_label(ws.election, b) for b in ws.election.ballots],
                    y=[sov[view].get(b, {}).get("share", 0) for b in ws.election.ballots],
                    name=t["all"] if view == "all" else t["nobuzz"],
                    marker=dict(color=[col.get(b) for b in ws.election.ballots], pattern_shape=pattern))
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", title=t["share"])
    days = sov.get("by_day", {}).get("all", {})
    line = go.Figure()
    xs = sorted(days)
    for b in ws.election.ballots:
        line.add_scatter(x=xs, y=[days[d].get(b, {}).get("share") for d in xs], mode="lines",
                         name=pair_label(ws.election, b), line=dict(color=col.get(b)))
    line.update_layout(yaxis_tickformat=".0%", title=t["daily"])
    return {"title": t["sov"], "explain": t["sov_explain"],
            "html": tbl + figure_div(fig) + (figure_div(line) if xs else "")}


def engagement_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: engagement rate by format, interactions by hour, best times, top posts.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> engagement_report(ws, {"engagement": engagement_section(ws)}, "en")["title"]
    'Reach & engagement'
    """
    import plotly.graph_objects as go
    from suara.report.charts import figure_div
    en = _usable(doc, "engagement")
    if not en:
        return None
    t = rt(lang)
    a = en["all"]
    fm = a.get("by_format", {})
    fig = go.Figure(go.Bar(x=list(fm), y=[v.get("engagement_rate") or 0 for v in fm.values()],
                           marker_color="#123b5d"))
    fig.update_layout(title=t["rate"], yaxis_tickformat=".1%")
    hrs = a.get("by_hour", {})
    hx = sorted(hrs, key=int)
    hf = go.Figure(go.Bar(x=[int(h) for h in hx], y=[hrs[h]["mean_interactions"] for h in hx],
                          marker_color="#4fa3e0"))
    hf.update_layout(title=f"{t['mean_inter']} / {t['hour']} ({ws.election.timezone})")
    best = html_table([t["best"], t["hour"], "n", t["mean_inter"]],
                      [[b["day"], f"{b['hour']:02d}:00", b["posts"], b["mean_interactions"]]
                       for b in a.get("best_times", [])])
    rows = []
    for b, posts in a.get("top_posts", {}).items():
        for p in posts[:3]:
            rows.append([pair_label(ws.election, b), p["author"], p["platform"], p["format"],
                         f"{p['interactions']:,}", p["why"]])
    top = html_table([t["pair"], t["author"], "platform", t["format"], t["inter"], t["why"]], rows)
    return {"title": t["eng"], "explain": t["eng_explain"],
            "html": figure_div(fig) + figure_div(hf) + f"<h3>{t['best']}</h3>" + best
            + f"<h3>{t['top_posts']}</h3>" + top}


def _toward(ws, d: dict) -> str:
    return ", ".join(f"{b}: {v['stance']} ({v['sentiment']:+.2f})" for b, v in d.items()
                     if v.get("sentiment") is not None)


def influencers_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: top influencers (buzzers removed), rising voices, engagement by type.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> influencers_report(ws, {"influencers": influencers_section(ws)}, "en")["title"]
    'Influencers & public figures'
    """
    import plotly.graph_objects as go
    from suara.report.charts import figure_div
    inf = _usable(doc, "influencers")
    if not inf:
        return None
    t = rt(lang)
    f = inf["filtered"]
    rows = [[r["account"], r["platform"], r["type"], f"{r['engagement']:,}", f"{r['estimated_reach']:,}",
             r["pagerank"], r["influence"], _toward(ws, r["toward"])] for r in f.get("top", [])[:15]]
    tbl = html_table([t["account"], "platform", t["type"], t["inter"], "reach", "PageRank", t["influence"],
                      t["toward"]], rows)
    ris = html_table([t["account"], t["type"], t["inter"], t["growth"]],
                     [[r["account"], r["type"], f"{r['engagement_last7']:,}", f"{r['growth']}x"]
                      for r in f.get("rising", [])])
    bt = inf["all"].get("by_type", {})
    fig = go.Figure(go.Pie(labels=list(bt), values=[v["engagement"] for v in bt.values()], hole=0.45))
    fig.update_layout(title=f"{t['inter']} / {t['type']} ({t['all']})")
    return {"title": t["inf"], "explain": t["inf_explain"],
            "html": f"<p>({t['nobuzz']})</p>" + tbl + f"<h3>{t['rising']}</h3>" + ris + figure_div(fig)}


def exposure_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section: stacked follower-band shares per pair, all vs buzzers removed.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> exposure_report(ws, {"exposure": exposure_section(ws)}, "en")["title"]
    'Exposure profile'
    """
    import plotly.graph_objects as go
    from suara.report.charts import figure_div
    ex = _usable(doc, "exposure")
    if not ex:
        return None
    t = rt(lang)
    xs, keys = [], []
    for b in ws.election.ballots:
        for v in ("all", "filtered"):
            xs.append(f"{pair_label(ws.election, b)}<br>{t['all'] if v == 'all' else t['nobuzz']}")
            keys.append((v, b))
    fig = go.Figure()
    for band in ex.get("bands", []):
        fig.add_bar(x=xs, y=[ex[v][b]["bands"][band]["share"] for v, b in keys], name=band)
    fig.update_layout(barmode="stack", yaxis_tickformat=".0%")
    rows = [[pair_label(ws.election, b), pct(ex["all"][b]["new_accounts"]["share"]),
             pct(ex["filtered"][b]["new_accounts"]["share"]), pct(ex["all"][b]["tiny_accounts_share"]),
             pct(ex["filtered"][b]["tiny_accounts_share"])] for b in ws.election.ballots]
    tbl = html_table([t["pair"], t["new"], f"{t['new']} ({t['nobuzz']})", t["tiny"],
                      f"{t['tiny']} ({t['nobuzz']})"], rows)
    return {"title": t["exp"], "explain": t["exp_explain"], "html": figure_div(fig) + tbl}
