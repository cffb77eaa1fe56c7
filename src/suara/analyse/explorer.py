"""The posts explorer: every post behind a number, filtered (text, candidate, platform,
region, sentiment, issue, time, buzzer flag, account, near-duplicate cluster), newest first,
with its enrichment and author; ordinary citizens pseudonymised unless the caller may see them.

Compiled SQL and the matching posts' order are kept per filter and data version, so a filter
costs one pass over the joined posts and each page after it a lookup of its own rows (see
`query_posts`). Reads may run on a `suara.store.reads.ReadPool`.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> query_posts(ws, PostFilter(platform="x"))["total"]
0
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import ibis

from suara.analyse import base

__all__ = ["PostFilter", "query_posts", "export_posts", "EXPORT_COLUMNS", "alert_filter", "platforms", "pseudonym", "local_offset", "PUBLIC_TYPES",
           "MAX_PAGE"]

#: account types whose names are public (named in outputs); others are pseudonymised
PUBLIC_TYPES = {"official", "party", "media", "city", "influencer"}
MAX_PAGE = 200


def pseudonym(platform: str, account_id: str, salt: str) -> str:
    """Stable pseudonym of an ordinary account, e.g. ``warga-3fa2c1`` (the one of
    :mod:`suara.analyse.privacy`, as in reports and exports)."""
    from suara.analyse import privacy
    return privacy.pseudonym(platform, account_id, salt)


def local_offset(election) -> dt.timedelta:
    """UTC offset of the election's zone (WITA = +8h) at vote day."""
    from zoneinfo import ZoneInfo
    d = dt.datetime.combine(election.dates.vote_day, dt.time(12), ZoneInfo(election.timezone))
    return d.utcoffset() or dt.timedelta(0)


class PostFilter(dict):
    """Filters of the posts explorer (all optional): q, candidate, platform, region,
    sentiment, issue, since, until, buzzer ('only'|'exclude'), account, cluster, post_ids."""

    KEYS = ("q", "candidate", "platform", "region", "sentiment", "issue", "since", "until", "buzzer",
            "account", "kind", "dup_cluster", "hoax", "alert", "post")

    @classmethod
    def from_params(cls, params) -> "PostFilter":
        """Filters from a mapping such as query parameters (empty values dropped); a
        malformed date raises `ValueError` naming the parameter.

        Example
        -------
        >>> PostFilter.from_params({"platform": "x", "q": "", "since": "2024-11-01"})
        {'platform': 'x', 'since': '2024-11-01'}
        """
        f = cls({k: params.get(k) for k in cls.KEYS if params.get(k) not in (None, "")})
        for k in ("since", "until"):
            if k in f:
                try:
                    dt.datetime.fromisoformat(str(f[k]))
                except ValueError:
                    raise ValueError(f"{k}: expected a date like 2024-11-01, got {str(f[k])[:40]!r}") from None
        return f


def query_posts(ws, f: PostFilter, limit: int = 50, offset: int = 0, lock=None,
                show_identities: bool = False, salt: str = "", reader=None,
                data_key: tuple | None = None) -> dict[str, Any]:
    """Posts matching the filter, newest first, with author (pseudonymised unless allowed),
    enrichment and buzzer flag. Returns ``{"total", "posts", "limit", "offset"}``; at most
    200 rows per call so no request can scan-and-ship the whole store.

    With a ``reader`` the queries run on its cursors (no lock), and with a ``data_key`` (what
    :func:`suara.store.reads.change_key` returns) a filter costs one pass over the joined
    posts per data version: it keeps the matching posts' times (and keys, for up to
    `KEYS_MAX` posts) in the explorer's order, the count is their number, and each page is
    then looked up by its keys or its time window (`_page`), not joined and sorted again."""
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    # the store's own lock by default: DuckDB refuses a second call on a busy connection
    lock = lock or getattr(ws.store, "_lock", None) or threading.RLock()
    if f.get("alert") or f.get("account"):
        rkey = (tuple(sorted((k, str(v)) for k, v in f.items())), data_key, salt, show_identities,
                str(getattr(ws, "path", "")), id(ws.store.con))
        res = _RESOLVED.get(rkey) if data_key is not None else None
        if res is None:
            with lock:  # Ibis on the store's connection
                res = _resolved(ws, f, salt, show_identities)
            if data_key is not None:
                if len(_RESOLVED) > 1024:
                    _RESOLVED.clear()
                _RESOLVED[rkey] = res
        f = res
    fkey = tuple(sorted((k, str(v)) for k, v in f.items()))
    if reader is None or data_key is None:
        with lock:
            key = (fkey, base.current_version(ws), salt, id(ws.store.con))
            sql = _compiled(ws, f, salt, key)
            total = int(ws.store.con.execute(f"SELECT count(*) FROM ({sql}) AS q").fetchall()[0][0])
            df = ws.store.sql(f"SELECT * FROM ({sql}) AS q ORDER BY created_at DESC, platform, post_id "
                              f"LIMIT {limit} OFFSET {offset}")
        return _post_rows(ws, df, total, limit, offset, show_identities, salt, lock)
    # data_key carries the enrichment version; the path and connection tell workspaces apart
    key = (fkey, data_key, salt, str(getattr(ws, "path", "")), id(ws.store.con))
    rk = (key, bool(show_identities), limit, offset)
    res = _RESULTS.get(rk)
    if res is None:
        res = _query_page(ws, f, salt, key, reader, lock, limit, offset, show_identities, data_key)
        with _index_lock:
            if len(_RESULTS) >= 512:
                _RESULTS.clear()
            _RESULTS[rk] = res
    # a copy per caller: the kept answer is never changed by one
    return {**res, "posts": [dict(r) for r in res["posts"]]}


#: answers per (filter, data version, role kind, page): the same page asked again costs nothing
_RESULTS: dict[tuple, dict] = {}


def _query_page(ws, f, salt, key, reader, lock, limit, offset, show_identities, data_key) -> dict[str, Any]:
    """One page of the filter (its `_Index` and the chunks that hold the page)."""
    idx = _index(ws, f, salt, key, reader, lock)
    if HEAD > 0:   # pages from the chunks of HEAD posts that hold them, each read once
        import pandas as pd
        first, last = offset // HEAD, max(offset, min(offset + limit, len(idx.ts)) - 1) // HEAD
        parts = [_chunk(ws, f, salt, key, reader, lock, idx, c) for c in range(first, last + 1)]
        df = pd.concat(parts) if len(parts) > 1 else parts[0]
        df = df.iloc[offset - first * HEAD:offset - first * HEAD + limit]
    else:
        df = _page(ws, f, salt, key, reader, lock, idx, limit, offset)
    return _post_rows(ws, df, len(idx.ts), limit, offset, show_identities, salt, lock, reader, data_key)


def _compiled(ws, f: PostFilter, salt: str, key: tuple, page: bool = False) -> str:
    """The filter's SQL (``page``: every table cut to the page's placeholder keys), compiled
    once per filter and data version: compiling the Ibis expression costs far more (~0.2 s)
    than running the cut query."""
    ck = (*key, "page") if page else key
    return kept_sql(ck, lambda: ibis.to_sql(_posts_expr(ws, f, salt, page=page), dialect="duckdb"))


def kept_sql(key: tuple, build) -> str:
    """The SQL kept under ``key`` (a filter, its data version and what else shapes the
    query), built by ``build()`` the first time; at most 512 kept.

    >>> kept_sql(("doc",), lambda: "SELECT 1"), kept_sql(("doc",), lambda: "SELECT 2")
    ('SELECT 1', 'SELECT 1')
    """
    sql = _SQL_CACHE.get(key)
    if sql is None:
        sql = build()
        if len(_SQL_CACHE) > 512:
            _SQL_CACHE.clear()
        _SQL_CACHE[key] = sql
    return sql


_SQL_CACHE: dict[tuple, str] = {}
#: alert and account filters resolved per data version (an account's resolution reads profiles)
_RESOLVED: dict[tuple, PostFilter] = {}
#: the placeholders of the page's post and account ids in the compiled page SQL
_PH_POSTS, _PH_ACCOUNTS = "__suara_page_posts__", "__suara_page_accounts__"
#: a filter with at most this many posts keeps their keys (else only their times)
KEYS_MAX = 50_000
#: the page is cut through a time window only while the window holds at most this many posts
WINDOW_MAX = 20_000
#: a filter's posts are read in chunks of this many (20 pages) by one lookup each, kept with
#: its index: paging costs a lookup per chunk, not per page
HEAD = 1000
CHUNKS_KEPT = 4


class _Index:
    """The posts a filter matches, in the explorer's order (newest first, then platform and
    post id): their times (``ts``, numpy, 8 bytes a post), for at most `KEYS_MAX` posts their
    (platform, post_id, account_id) keys, and the rows of the chunks of `HEAD` posts read."""

    __slots__ = ("ts", "keys", "chunks")

    def __init__(self, ts, keys):
        self.ts, self.keys, self.chunks = ts, keys, {}


#: (filter, data key, salt, workspace, connection) -> _Index; bounded by rows held
_INDEX: dict[tuple, _Index] = {}
_INDEX_ROWS_MAX = 5_000_000
_INDEX_MAX = 64
_index_lock = threading.Lock()


def _index(ws, f: PostFilter, salt: str, key: tuple, reader, lock) -> _Index:
    """The filter's `_Index`, built once per filter and data version: the one pass over the
    joined posts that a filter costs (the count is its length; every page is then cut by
    time or by keys, see `_page`)."""
    idx = _INDEX.get(key)
    if idx is not None:
        return idx
    sql = _SQL_CACHE.get(key)
    if sql is None:
        with lock:  # building Ibis expressions touches the one DuckDB connection
            sql = _compiled(ws, f, salt, key)
    tab = reader.arrow(f"SELECT created_at, platform, post_id, account_id FROM ({sql}) AS q "
                       "ORDER BY created_at DESC, platform, post_id")
    ts = tab.column("created_at").to_numpy().astype("datetime64[us]")
    cols = [tab.column(c).to_pylist() for c in ("platform", "post_id", "account_id")] if tab.num_rows <= KEYS_MAX else None
    idx = _Index(ts, list(zip(*cols)) if cols is not None else None)
    with _index_lock:
        # same filter on older data: gone; then the oldest entries while too many rows are held
        for k in [k for k in _INDEX if k[0] == key[0] and k[2:] == key[2:] and k != key]:
            _INDEX.pop(k, None)
        while _INDEX and (len(_INDEX) >= _INDEX_MAX or
                          sum(len(v.ts) for v in _INDEX.values()) + len(ts) > _INDEX_ROWS_MAX):
            _INDEX.pop(next(iter(_INDEX)))
        _INDEX[key] = idx
    return idx


def _chunk(ws, f, salt, key, reader, lock, idx: "_Index", c: int):
    """Rows ``c * HEAD`` to ``(c + 1) * HEAD`` of the filter, looked up once and kept with its
    index (the last `CHUNKS_KEPT` chunks read)."""
    df = idx.chunks.get(c)
    if df is None:
        df = _page(ws, f, salt, key, reader, lock, idx, HEAD, c * HEAD)
        with _index_lock:
            while len(idx.chunks) >= CHUNKS_KEPT:
                idx.chunks.pop(next(iter(idx.chunks)))
            idx.chunks[c] = df
    return df


def _sql_list(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _page(ws, f: PostFilter, salt: str, key: tuple, reader, lock, idx: _Index, limit: int, offset: int):
    """The page's rows, from the filter's SQL with every table cut to the page's posts and
    authors (a lookup, not a join over every post): the keys of the page when the index keeps
    them, else the posts inside the page's time window (those newer than it are skipped)."""
    import pandas as pd
    n = len(idx.ts)
    if offset >= n:
        return pd.DataFrame(columns=["platform", "post_id", "account_id", "created_at"])
    if idx.keys is not None:
        keys = idx.keys[offset:offset + limit]
        skip, window = 0, None
    else:
        hi, lo = idx.ts[offset], idx.ts[min(offset + limit, n) - 1]
        skip = int((idx.ts > hi).sum())   # matching posts newer than the window
        window = [lo.item(), hi.item()]
        keys = [] if lo != lo or hi != hi else reader.execute(   # NaT: posts without a time
            "SELECT platform, post_id, account_id FROM posts WHERE created_at >= ? AND created_at <= ?",
            window).fetchall()
        if len(keys) > WINDOW_MAX or lo != lo or hi != hi:   # many posts at the same times: the whole filter
            with lock:
                sql = _compiled(ws, f, salt, key)
            return reader.sql(f"SELECT * FROM ({sql}) AS q ORDER BY created_at DESC, platform, post_id "
                              f"LIMIT {limit} OFFSET {offset}")
    pk = (*key, "page")
    page = _SQL_CACHE.get(pk)
    if page is None:
        with lock:
            page = _compiled(ws, f, salt, key, page=True)
    posts = sorted({k[1] for k in keys})
    accounts = sorted({k[2] for k in keys if k[2] is not None}) or [""]
    page = (page.replace(f"'{_PH_POSTS}'", _sql_list(posts))
            .replace(f"'{_PH_ACCOUNTS}'", _sql_list(accounts)))
    where = " WHERE created_at >= ? AND created_at <= ?" if window else ""
    return reader.sql(f"SELECT * FROM ({page}) AS q{where} ORDER BY created_at DESC, platform, post_id "
                      f"LIMIT {limit} OFFSET {offset - skip if window else 0}", window)


def _posts_filters(t: ibis.Table, f: PostFilter, salt: str) -> ibis.Table:
    if f.get("q"):
        t = t.filter(t.text.ilike(f"%{f['q'][:200]}%"))
    for col in ("platform", "kind"):
        if f.get(col):
            t = t.filter(t[col] == f[col])
    if f.get("post"):   # one post (a link from a post's figure)
        t = t.filter(t.post_id == str(f["post"]))
    if "account" in f:
        keys = f["account"]  # resolved by query_posts: [(platform or None, account_id), ...]
        if isinstance(keys, str):
            keys = [(None, keys)]
        cond = ibis.literal(False)
        for p, a in keys:
            cond = cond | ((t.account_id == a) if p is None else ((t.platform == p) & (t.account_id == a)))
        t = t.filter(cond)
    if f.get("since"):
        t = t.filter(t.created_at >= _utc(f["since"]))
    if f.get("until"):
        t = t.filter(t.created_at < _utc(f["until"]))
    return t


def _utc(value) -> dt.datetime:
    """A filter's date or time as naive UTC (how posts are stored): a time with an offset, such
    as a chart's local day ``2024-11-01T00:00:00+08:00``, is converted; a plain one is UTC.

    >>> _utc("2024-11-01T00:00:00+08:00")
    datetime.datetime(2024, 10, 31, 16, 0)
    """
    d = dt.datetime.fromisoformat(str(value))
    return d.astimezone(dt.timezone.utc).replace(tzinfo=None) if d.tzinfo else d


def _posts_expr(ws, f: PostFilter, salt: str, page: bool = False) -> ibis.Table:
    """The posts explorer as one Ibis expression (engine-neutral; compiled for DuckDB above).
    With ``page``, every table is first cut to the page's posts and authors (the placeholders
    `_PH_POSTS` and `_PH_ACCOUNTS`, replaced by `_page`): the joins are on those keys, so the
    rows of those posts are the same as without the cut."""
    p = base.posts(ws)
    if page:
        p = p.filter(p.post_id.isin([_PH_POSTS]))
    en = ws.store.table("enrichments")
    en = en.filter(en.version == (base.current_version(ws) or "")).drop("version", "enriched_at", "models")
    if page:
        en = en.filter(en.post_id.isin([_PH_POSTS]))
    e = p.left_join(en, [p.platform == en.platform, p.post_id == en.post_id]).drop(
        "platform_right", "post_id_right")   # base.enriched()
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "display_name",
                                             "account_type", "followers")
    if page:
        acc = acc.filter(acc.account_id.isin([_PH_ACCOUNTS]))
    t = e.left_join(acc, ["platform", "account_id"])
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    fl = base.flagged(ws)
    if page:
        fl = fl.filter(fl.account_id.isin([_PH_ACCOUNTS]))
    fl = fl.mutate(buzzer=ibis.literal(True))
    t = t.left_join(fl, ["platform", "account_id"])
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    t = t.mutate(buzzer=t.buzzer.fill_null(False))
    t = _posts_filters(t, f, salt)
    for col in ("sentiment", "dup_cluster"):
        if col == "sentiment" and f.get("candidate"):
            continue  # with a candidate, sentiment means the targeted sentiment toward it
        if f.get(col):
            t = t.filter(t[col] == f[col])
    if f.get("post_ids") == "-":          # an unknown alert: no posts
        t = t.filter(ibis.literal(False))
    if f.get("hoax") == "only":
        t = t.filter(t.hoax_claim_id.notnull())
    if f.get("candidate"):
        # the mentions of the current version (a semi-join on the post's keys needs none of the
        # columns base.mentions joins to them)
        m = ws.store.table("mentions")
        m = m.filter(m.version == (base.current_version(ws) or ""))
        if page:
            m = m.filter(m.post_id.isin([_PH_POSTS]))
        # "any": posts that mention one of the election's pairs (what per-account counts count)
        m = (m.filter(m.candidate.isin(list(ws.election.ballots))) if str(f["candidate"]) == "any"
             else m.filter(m.candidate == str(f["candidate"])))
        if f.get("sentiment"):
            t = t.drop("sentiment").inner_join(
                m.filter(m.sentiment == f["sentiment"]).select("platform", "post_id", "sentiment"),
                ["platform", "post_id"])
        else:
            t = t.semi_join(m.select("platform", "post_id"), ["platform", "post_id"])
    if f.get("region"):
        ar = base.account_region(ws)
        if page:
            ar = ar.filter(ar.account_id.isin([_PH_ACCOUNTS]))
        t = t.semi_join(ar.filter(ar.region == f["region"]).select("platform", "account_id"),
                        ["platform", "account_id"])
    if f.get("issue"):
        t = t.filter(t.issues.contains(f["issue"]))
    if f.get("buzzer") == "only":
        t = t.filter(t.buzzer)
    elif f.get("buzzer") == "exclude":
        t = t.filter(~t.buzzer)
    cols = ["platform", "post_id", "account_id", "handle", "display_name", "account_type", "followers",
            "created_at", "kind", "media_type", "text", "url", "likes", "comments", "shares", "views",
            "sentiment", "sentiment_score", "language", "issues", "hate_speech", "hoax_claim_id",
            "dup_cluster", "buzzer", "parent_id"]
    return t.select(*[c for c in cols if c in t.columns])


def _post_rows(ws, df, total: int, limit: int, offset: int, show_identities: bool, salt: str,
               lock=None, reader=None, data_key: tuple | None = None) -> dict[str, Any]:
    off = local_offset(ws.election)
    rows = []
    prof = None
    if len(df):
        if reader is not None and data_key is not None:   # the read pool: no wait for a writer
            prof = _profiles(ws, reader, data_key)
        else:
            with (lock or getattr(ws.store, "_lock", None) or threading.RLock()):   # Ibis on the one connection
                prof = _profiles(ws)
    types = _type_map(ws, prof) if prof is not None else {}
    if not show_identities and len(df) and "text" in df and df["text"].astype(str).str.contains("@").any():
        # citizens @mentioned in a post's text are pseudonymised like its author; public
        # accounts (by their resolved type) stay named
        df = df.copy()
        df["text"] = _mentions(ws, prof, salt, data_key)(df["text"].tolist(), df["platform"].astype(str).tolist())
    for r in df.to_dict("records"):
        for k in ("handle", "display_name"):
            if not isinstance(r.get(k), str) or not r[k].strip():
                r[k] = None
        if not isinstance(r.get("account_id"), str) or not r["account_id"]:
            # no author in the export (TikTok Research API comments): no name, type or pseudonym
            r["account_id"] = r["account_type"] = None
        else:  # the resolved type: configured official/tracked accounts, the exported type, 10k+ followers
            r["account_type"] = types.get((str(r["platform"]), str(r.get("account_id"))), r.get("account_type")) or "citizen"
        public = r["account_type"] in PUBLIC_TYPES
        if r["account_id"] is not None and not (public or show_identities):
            alias = pseudonym(r["platform"], str(r.get("account_id")), salt)
            r["handle"], r["display_name"], r["account_id"] = alias, None, alias
            r["url"] = None  # a URL would reveal the author
        # what pages show as the author: a handle, else the display name (Facebook, TikTok)
        r["author"] = r.get("handle") or r.get("display_name") or str(r.get("account_id") or "")
        ts = r.get("created_at")
        r["created_at_local"] = (ts + off).strftime("%Y-%m-%d %H:%M") if ts is not None and ts == ts else None
        r["created_at"] = ts.isoformat() if ts is not None and ts == ts else None
        for k, v in list(r.items()):
            if hasattr(v, "tolist"):
                r[k] = v.tolist()
            elif isinstance(v, float) and v != v:
                r[k] = None
        rows.append(r)
    return {"total": total, "limit": limit, "offset": offset, "posts": rows}


def alert_filter(alert: dict) -> dict[str, str]:
    """The posts-explorer filter that selects exactly the posts an alert counts (its
    ``posts``): the pair, issue and window of an anomaly (only the posts matching a hoax claim
    for a hoax alert), or the near-duplicate cluster and window of a narrative.

    Example
    -------
    >>> alert_filter({"kind": "anomaly", "candidate": "1", "issue": None, "metric": "volume",
    ...               "evidence": '{"window": ["2024-11-01 00:00:00", "2024-11-01 06:00:00"]}'})
    {'candidate': '1', 'since': '2024-11-01 00:00:00', 'until': '2024-11-01 06:00:00'}
    """
    ev = alert.get("evidence") or {}
    if isinstance(ev, str):
        try:
            ev = json.loads(ev)
        except ValueError:
            ev = {}
    win = ev.get("window") or [None, None]
    alert = {k: (v if isinstance(v, str) and v else None) for k, v in alert.items()}   # NaN/None -> None
    out: dict[str, str] = {}
    if alert.get("kind") == "narrative" and ev.get("cluster"):
        out["dup_cluster"] = str(ev["cluster"])
    else:
        if alert.get("candidate"):
            out["candidate"] = str(alert["candidate"])
        if alert.get("issue"):
            out["issue"] = str(alert["issue"])
        if alert.get("metric") == "hoax":
            out["hoax"] = "only"
    if win[0]:
        out["since"] = str(win[0])
    if len(win) > 1 and win[1]:
        out["until"] = str(win[1])
    return out


def _resolved(ws, f: PostFilter, salt: str, show_identities: bool) -> PostFilter:
    """The filter with ``alert`` (see :func:`alert_filter`) and ``account`` (a pseudonym, a
    public account's id or handle, or for roles that see identities a raw id) resolved."""
    if f.get("alert"):
        al = ws.store.table("alerts")
        row = al.filter(al.alert_id == str(f["alert"])).limit(1).execute().to_dict("records")
        f = PostFilter({**{k: v for k, v in f.items() if k != "alert"},
                        **(alert_filter(row[0]) if row else {"post_ids": "-"})})
    if f.get("account") and isinstance(f["account"], str):
        from suara.analyse.privacy import account_filter_keys
        value = f["account"].strip()
        # a public account by its resolved type (configured official/tracked, exported type,
        # 10k+ followers) may be named by id or handle; otherwise the privacy rules decide
        prof = _profiles(ws)
        pub = prof[prof["public"] & ((prof.account_id == value) | (prof.handle.astype(str) == value))]
        keys = [(p, str(a)) for p, a in zip(pub.platform, pub.account_id)]
        f = PostFilter({**f, "account": tuple(keys or account_filter_keys(ws, value, salt, show_identities))})
    return f


def _profiles(ws, reader=None, data_key: tuple | None = None):
    """Accounts with their resolved type (:func:`suara.analyse.accounts.account_profiles`)
    and whether they are public (named for every role); through ``reader`` (a read pool,
    no store lock) when given with the store's ``data_key``."""
    from suara.analyse.accounts import account_profiles, read_profiles
    if reader is not None and data_key is not None:
        key = ("profiles", str(getattr(ws, "path", "")), id(ws.store.con), tuple(data_key))
        if key not in _DERIVED:
            prof = read_profiles(ws, reader, data_key)
            _keep(key, prof.assign(public=prof["type"].isin(sorted(PUBLIC_TYPES))))
        return _DERIVED[key]
    prof = account_profiles(ws)
    return prof.assign(public=prof["type"].isin(sorted(PUBLIC_TYPES)))


#: values derived from the resolved profiles per data version (type map, mention scrubber)
_DERIVED: dict[tuple, Any] = {}


def _keep(key: tuple, val: Any) -> Any:
    for k in [k for k in _DERIVED if k[0] == key[0] and k[1:3] == key[1:3] and k != key]:
        _DERIVED.pop(k, None)
    _DERIVED[key] = val
    return val


def _type_map(ws, prof=None) -> dict:
    """(platform, account_id) -> resolved account type."""
    prof = _profiles(ws) if prof is None else prof
    key = ("types", str(getattr(ws, "path", "")), id(ws.store.con), id(prof))
    if key in _DERIVED and _DERIVED[key][0] is prof:
        return _DERIVED[key][1]
    val = dict(zip(zip(prof.platform.astype(str), prof.account_id.astype(str)), prof["type"]))
    _keep(key, (prof, val))
    return val


def _mentions(ws, prof, salt: str, data_key: tuple | None):
    """The @mention scrubber of the resolved profiles (kept per data version and salt)."""
    from suara.analyse.privacy import MentionScrubber
    if prof is None:
        return MentionScrubber(_profiles(ws).iloc[0:0], salt, ws.election)
    key = ("mentions", str(getattr(ws, "path", "")), id(ws.store.con), id(prof), salt)
    if key in _DERIVED and _DERIVED[key][0] is prof:
        return _DERIVED[key][1]
    val = MentionScrubber(prof, salt, ws.election)
    _keep(key, (prof, val))
    return val

def platforms(db) -> list[str]:
    """The platforms that have posts, sorted (``db``: a store or a read pool).

    Example
    -------
    >>> from suara.store import Store
    >>> platforms(Store())
    []
    """
    return db.sql("SELECT DISTINCT platform FROM posts ORDER BY 1").platform.tolist()
