"""Shared helpers of every analysis section.

* Ibis building blocks: the current enrichment, mentions with their post and author (and
  :func:`candidate_mentions`, materialised once per run and shared by the sections), the
  coordinated-account filter. They return Ibis expressions, so each section composes them
  and runs unchanged on DuckDB or Spark.
* The per-run cache (:func:`memo`, keyed by :func:`data_signature`).
* Small conversions: election-local time, pair and region labels, JSON-safe numbers,
  percentages for the sections' blocks.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> mentions(ws).count().execute()
0
"""
from __future__ import annotations

import contextlib
import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

import ibis
import numpy as np
import pandas as pd

from suara.store import views
from suara.store.schema import ENRICH_VERSION_KEY

__all__ = ["current_version", "posts", "enriched", "mentions", "flagged", "without_flagged",
           "account_region", "ENRICH_VERSION_KEY", "objcols", "safe_float", "wilson_lower", "tz_offset_minutes",
           "local_time", "pair_label", "region_names", "data_signature", "memo", "release", "candidate_mentions",
           "account_codes",
           "reach_expr", "pct", "signed", "ORGANIC_REACH", "VIEWS", "account_daily", "daily", "uses_aggregates",
           "import_igraph"]

#: share of an author's followers assumed to see a post when the export has no view count
#: (organic reach on Instagram/Facebook/X is commonly reported at 2-10%; 10% is the upper end,
#: so reach estimated this way is generous rather than understated)
ORGANIC_REACH = 0.10
#: every figure twice: all accounts, and accounts flagged as coordinated removed
VIEWS = ("all", "filtered")


def import_igraph():
    """The ``igraph`` module, imported without its matplotlib drawing backend when matplotlib
    is not loaded yet (nothing here draws with igraph; matplotlib's import costs ~0.5 s of a
    `suara analyse` run). Other threads wait on the import lock meanwhile, so none of them
    sees matplotlib blocked.

    >>> import_igraph().Graph(n=2, edges=[(0, 1)]).ecount()
    1
    """
    import sys
    mod = sys.modules.get("igraph")
    if mod is not None:
        return mod
    import _imp
    _imp.acquire_lock()
    try:
        blocked = "matplotlib" not in sys.modules
        if blocked:
            sys.modules["matplotlib"] = None   # igraph then falls back to its stand-in module
        try:
            import igraph
        finally:
            if blocked and sys.modules.get("matplotlib", 0) is None:
                del sys.modules["matplotlib"]
    finally:
        _imp.release_lock()
    return igraph


def current_version(ws) -> str | None:
    """The enrichment version analyses use (set by the last `suara enrich`)."""
    return views.current_version(ws.store)


def posts(ws) -> ibis.Table:
    return ws.store.table("posts")


def enriched(ws) -> ibis.Table:
    """Posts left-joined with their current enrichment (one row per post)."""
    return views.enriched(ws.store)


def _scoped(ws, key, fn):
    """``fn()`` once per read scope of the store (:meth:`suara.store.Store.scoped`): Ibis
    expressions are immutable, so the sections of one run share one copy of the common ones
    instead of building (and validating) the same joins again."""
    scoped = getattr(ws.store, "scoped", None)
    return fn() if scoped is None else scoped(("expr",) + key, fn)


def account_region(ws) -> ibis.Table:
    """(platform, account_id, region, region_confidence): the exported region when present,
    else the inferred one."""
    return _scoped(ws, ("account_region",), lambda: _account_region(ws))


def _account_region(ws) -> ibis.Table:
    a = ws.store.table("accounts").select("platform", "account_id", "region")
    r = ws.store.table("account_regions").select(
        "platform", "account_id", inferred=ibis._.region, region_confidence=ibis._.confidence)
    j = a.left_join(r, ["platform", "account_id"])
    return j.select(
        "platform", "account_id",
        region=ibis.coalesce(j.region, j.inferred),
        region_confidence=ibis.ifelse(j.region.notnull(), 1.0, j.region_confidence))


def mentions(ws) -> ibis.Table:
    """One row per (post, candidate mentioned) for the current enrichment version, with the
    post's time, platform, kind, media type, engagement, author and author region."""
    return _scoped(ws, ("mentions",), lambda: _mentions(ws))


def _mentions(ws) -> ibis.Table:
    m = ws.store.table("mentions")
    v = current_version(ws)
    m = m.filter(m.version == (v or "")).drop("version")
    p = posts(ws).select("platform", "post_id", "account_id", "created_at", "kind", "media_type",
                         "likes", "comments", "shares", "views", "is_paid")
    j = m.inner_join(p, ["platform", "post_id"])
    j = j.left_join(account_region(ws), ["platform", "account_id"])
    return j.drop(*[c for c in ("platform_right", "account_id_right") if c in j.columns])


def flagged(ws) -> ibis.Table:
    """(platform, account_id) of accounts flagged as coordinated (buzzer_score >= 0.5)."""
    s = ws.store.table("account_scores")
    return s.filter(s.flagged).select("platform", "account_id")


def without_flagged(t: ibis.Table, ws) -> ibis.Table:
    """Rows of ``t`` (which has platform and account_id) whose account is not flagged."""
    return t.anti_join(flagged(ws), ["platform", "account_id"])


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
    return ws.store.scoped(("data_signature", ws.election.id), lambda: _data_signature(ws))


def _data_signature(ws) -> tuple:
    s = ws.store
    p = s.table("posts")
    a = s.table("accounts")
    sc = s.table("account_scores")
    row = (p.aggregate(n_posts=p.count(), last=p.ingested_at.max())
           .cross_join(a.aggregate(n_acc=a.count()))
           .cross_join(sc.aggregate(n_sc=sc.count(), last_sc=sc.scored_at.max()))).execute().iloc[0]
    n_posts = int(row["n_posts"])
    last = row["last"] if n_posts else None
    return (f"{ws.election.id}|{int(row['n_acc'])}|{n_posts}|{last}", current_version(ws),
            int(row["n_sc"]), str(row["last_sc"]))


def memo(ws, key, fn, copy: bool = True, sig: tuple | None = None):
    """Cache a derived table for one workspace while its inputs do not change (keyed by
    :func:`data_signature`), so the sections of one `suara analyse` run share it."""
    sig = sig or data_signature(ws)
    cache = ws.__dict__.setdefault("_suara_analysis_cache", {})
    if cache.get("__sig__") != sig:
        for k, v in list(cache.items()):
            if k != "__sig__" and hasattr(v, "release"):
                release(v)
        cache.clear()
        cache["__sig__"] = sig
    if key not in cache:
        cache[key] = fn()
    val = cache[key]
    return val.copy() if copy and isinstance(val, pd.DataFrame) else val


def _candidate_mentions(ws, filtered: bool) -> ibis.Table:
    t = mentions(ws)
    t = t.filter(t.candidate.isin(list(ws.election.ballots)))
    if filtered:
        t = without_flagged(t, ws)
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
    DataFrame on Spark) and shared by every section until the data changes. Author regions
    come from ``account_regions``, written by the ``regions`` enrich step.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> "eng" in candidate_mentions(ws).columns
    True
    """
    sig = data_signature(ws)

    def build():
        if filtered:   # from the materialised unfiltered view: no second pass over the joins
            t = without_flagged(candidate_mentions(ws, False), ws)
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
    return memo(ws, ("candidate_mentions", filtered), build, copy=False, sig=sig)


#: grain and figures of :func:`account_daily` (the columns of ``agg_account_daily``)
ACCOUNT_DAILY = ("day", "platform", "account_id", "candidate", "region", "flagged", "mentions", "positive",
                 "negative", "score_sum", "weighted", "engagement", "posts")
#: grain and figures of :func:`daily` (the columns of ``agg_daily``)
DAILY = ("day", "platform", "candidate", "region", "sentiment", "flagged", "mentions", "posts", "score_sum",
         "weighted", "engagement", "likes", "comments", "shares", "views")


def uses_aggregates(ws) -> bool:
    """Whether this run reads the pre-aggregated tables (``suara.store.aggregates``): they
    exist for this election's zone and pairs and match the store; otherwise the same frames
    are computed from the canonical tables (any engine)."""
    from suara.store import aggregates
    return ws.store.scoped(("aggregates_ready", ws.election.id), lambda: aggregates.ready(
        ws.store, tz_offset_minutes(ws.election), ws.election.ballots))


def _flag_grain(ws) -> ibis.Table:
    """:func:`candidate_mentions` (all accounts) with the local ``day``, the author's
    ``flagged`` state and ``lead`` (1 on a post's first pair: summed, distinct posts)."""
    t = candidate_mentions(ws, False)
    fl = flagged(ws).distinct().mutate(_fl=ibis.literal(1))
    j = t.left_join(fl, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    first = j.candidate.min().over(ibis.window(group_by=[j.platform, j.post_id]))
    return j.mutate(day=local_time(ws, j.created_at).date(), flagged=j._fl.notnull(),
                    lead=(j.candidate == first).ifelse(1, 0), w=(j.s + 1) / 2)


def _frame(df: pd.DataFrame, cols) -> pd.DataFrame:
    df = objcols(df[list(cols)].copy())
    # local days as datetime.date (None when the post has no time), as Ibis' date() gives them
    day = pd.to_datetime(df["day"])
    df["day"] = pd.Series(day.dt.date.to_numpy(dtype=object), index=df.index, dtype=object).where(day.notna(), None)
    df["flagged"] = df["flagged"].fillna(False).astype(bool)
    return df


def _frame_from_arrow(table, cols) -> pd.DataFrame:
    """:func:`_frame` of an aggregate table read as Arrow (``Store.arrow``), built in one step:
    each text column through its distinct values (a few hundred regions and pairs, one code
    per account) instead of DuckDB's DataFrame and a second conversion to Python objects.
    Equal to ``_frame(store.sql(...), cols)`` in values and dtypes, nulls included (NaN in a
    text column, None for a missing day): tests/test_aggregates.py compares them."""
    import pyarrow.types as pat
    if table.num_rows == 0:
        return _frame(pd.DataFrame({c: table.column(c).to_pandas() for c in cols}), cols)
    out = {}
    for c in cols:
        col = table.column(c)
        if pat.is_string(col.type) or pat.is_large_string(col.type):
            enc = col.combine_chunks().dictionary_encode()
            values = np.asarray(enc.dictionary.to_pylist() + [np.nan], dtype=object)
            out[c] = values[enc.indices.fill_null(len(enc.dictionary)).to_numpy()]
        elif pat.is_boolean(col.type) and c == "flagged":
            out[c] = col.fill_null(False).to_numpy()
        elif pat.is_date(col.type):   # datetime.date objects and None, made by Arrow in C
            out[c] = col.to_pandas(date_as_object=True).to_numpy(dtype=object)
        else:
            out[c] = col.to_pandas()
    # object columns as Series of dtype object: pandas would infer its text dtype from them
    return pd.DataFrame({c: (v if isinstance(v, pd.Series) else pd.Series(v, dtype=v.dtype, copy=False))
                         for c, v in out.items()})


def account_daily(ws) -> pd.DataFrame:
    """Candidate mentions per (local day, platform, account, pair) with the account's region
    and coordination flag: mentions, positive, negative, score_sum, weighted (sum of
    (score+1)/2), engagement, posts (distinct posts, each counted on its first pair).

    Read from ``agg_account_daily`` when :func:`uses_aggregates`, else computed from the
    canonical tables; the two are equal (tests/test_aggregates.py). One frame per run,
    shared by every section that counts distinct accounts.

    Example
    -------
    >>> import suara, tempfile
    >>> list(account_daily(suara.init(tempfile.mkdtemp())).columns)[:4]
    ['day', 'platform', 'account_id', 'candidate']
    """
    def build() -> pd.DataFrame:
        if uses_aggregates(ws):
            return _frame_from_arrow(ws.store.arrow("SELECT * FROM agg_account_daily"), ACCOUNT_DAILY)
        else:
            j = _flag_grain(ws)
            grain = ["day", "platform", "account_id", "candidate"]
            # ordered by the grain: the engine hands groups back in any order, and the sections
            # sum floats over these rows in row order (two runs differed in the last digits)
            df = j.group_by(grain).aggregate(
                region=j.region.max(), flagged=j.flagged.any(), mentions=j.count(), positive=j.pos.sum(),
                negative=j.neg.sum(), score_sum=j.s.sum(), weighted=j.w.sum(), engagement=j.eng.sum(),
                posts=j.lead.sum()).order_by(grain).execute()
        return _frame(df, ACCOUNT_DAILY)
    return memo(ws, ("account_daily",), build, copy=False)


def account_codes(ws) -> np.ndarray:
    """Each row's account (platform and id) of :func:`account_daily` as a whole number (one
    per account; -1 when the row has none). Made once per run: group-bys and distinct counts
    over these are several times faster than over "platform:id" text, and a group-by in
    order of first appearance gives the same groups in the same order.

    Example
    -------
    >>> import suara, tempfile
    >>> len(account_codes(suara.init(tempfile.mkdtemp())))
    0
    """
    def build() -> np.ndarray:
        df = account_daily(ws)
        # the (platform, id) pair as one number: two factorisations, no "platform:id" strings
        p, _ = pd.factorize(df.platform.to_numpy(dtype=object))
        i, _ = pd.factorize(df.account_id.to_numpy(dtype=object))
        return np.where((p < 0) | (i < 0), -1, p.astype("int64") * (int(i.max(initial=0)) + 1) + i)
    return memo(ws, ("account_codes",), build, copy=False)


def daily(ws) -> pd.DataFrame:
    """Candidate mentions per (local day, platform, pair, region, sentiment, flag):
    mentions, posts, score_sum, weighted, engagement, likes, comments, shares, views — from
    ``agg_daily`` when :func:`uses_aggregates`, else from the canonical tables.

    Example
    -------
    >>> import suara, tempfile
    >>> int(daily(suara.init(tempfile.mkdtemp())).mentions.sum())
    0
    """
    def build() -> pd.DataFrame:
        if uses_aggregates(ws):
            return _frame_from_arrow(ws.store.arrow("SELECT * FROM agg_daily"), DAILY)
        else:
            j = _flag_grain(ws)
            p = ws.store.table("posts").select("platform", "post_id", "likes", "comments", "shares", "views")
            j = j.left_join(p, ["platform", "post_id"])
            j = j.drop(*[c for c in j.columns if c.endswith("_right")])
            grain = ["day", "platform", "candidate", "region", "sentiment", "flagged"]
            df = j.group_by(grain).aggregate(
                mentions=j.count(), posts=j.lead.sum(), score_sum=j.s.sum(), weighted=j.w.sum(),
                engagement=j.eng.sum(), likes=ibis.coalesce(j.likes, 0).sum(),
                comments=ibis.coalesce(j.comments, 0).sum(), shares=ibis.coalesce(j.shares, 0).sum(),
                views=ibis.coalesce(j.views, 0).sum()).order_by(grain).execute()   # see account_daily
        return _frame(df, DAILY)
    return memo(ws, ("daily",), build, copy=False)


_LIVE: list = []


def release(c) -> None:
    """Drop a table materialised by Ibis ``cache`` (a no-op when dropped already).

    Some SQLGlot releases (30.x) render Ibis' ``DROP TABLE`` without the table's name, so
    Ibis' own release forgets the table but leaves it in DuckDB (a long-running server kept
    one copy of the shared mentions per data change); the temporary table is then dropped
    here by its name."""
    name = getattr(getattr(c, "op", lambda: None)(), "name", None)
    backend = None
    with contextlib.suppress(Exception):
        backend = c._find_backend()
    with contextlib.suppress(Exception):
        c.release()
    if name and getattr(backend, "name", None) == "duckdb":
        with contextlib.suppress(Exception):
            backend.con.execute(f'DROP TABLE IF EXISTS "temp"."main"."{name}"')
    with contextlib.suppress(ValueError):
        _LIVE.remove(c)


def _release_all() -> None:
    for c in list(_LIVE):
        release(c)


def _track(c) -> None:
    """Remember a cached table so that it is released before Ibis' own exit-time finalizer
    runs (that one fails loudly once the workspace closed its connection). atexit runs
    handlers last-registered-first, so registering after Ibis' first cache suffices."""
    import atexit
    if not _LIVE and not getattr(_track, "registered", False):
        atexit.register(_release_all)
        _track.registered = True
    _LIVE.append(c)



def reach_expr(views, followers):
    """Estimated reach of a post: its views, else :data:`ORGANIC_REACH` of the author's followers."""
    return ibis.ifelse(ibis.coalesce(views, 0) > 0, views.cast("float64"),
                       ibis.coalesce(followers, 0).cast("float64") * ORGANIC_REACH)


def pct(x) -> str:
    """0.456 -> '45,6%' in Indonesian, '45.6%' in English ('–' for None or NaN), in the
    language being rendered (:mod:`suara.config.formats`).

    Example
    -------
    >>> pct(0.456), pct(None)
    ('45,6%', '–')
    """
    from suara.config.formats import percent
    return percent(x)


def signed(x, nd: int = 2) -> str:
    """+0,25 style ('–' for None), in the language being rendered.

    >>> signed(0.25), signed(None)
    ('+0,25', '–')
    """
    from suara.config.formats import signed as _signed
    return _signed(x, digits=nd)
