"""Data access for the web app: a cached analysis document, the posts explorer query, and
pseudonymisation of ordinary citizens for roles that may not see them.

The store allows one writer; the server owns it and serialises writes with one lock, so
background imports and page requests never corrupt each other. Reads go through
:class:`Reader`: one DuckDB cursor per worker thread (cursors of one connection may query at
the same time and see committed data only), so requests no longer wait for each other.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import queue
import re
import threading
from typing import Any

import ibis

from suara.analyse import base

__all__ = ["AnalysisCache", "Reader", "PostFilter", "query_posts", "pseudonym", "PUBLIC_TYPES", "local_offset",
           "issue_series", "network_data", "scrub_doc"]

#: account types whose names are public (named in outputs); others are pseudonymised
PUBLIC_TYPES = {"official", "party", "media", "city", "influencer"}
MAX_PAGE = 200


def pseudonym(platform: str, account_id: str, salt: str) -> str:
    """Stable pseudonym of an ordinary account, e.g. ``warga-3fa2c1`` (same as :mod:`suara.analyse.privacy`)."""
    from suara.analyse import privacy
    return privacy.pseudonym(platform, account_id, salt)


def local_offset(election) -> dt.timedelta:
    """UTC offset of the election's zone (WITA = +8h) at vote day."""
    from zoneinfo import ZoneInfo
    d = dt.datetime.combine(election.dates.vote_day, dt.time(12), ZoneInfo(election.timezone))
    return d.utcoffset() or dt.timedelta(0)


class Reader:
    """Read-only queries on a pool of cursors of the store's connection, without the store lock.

    DuckDB runs queries from cursors of one connection concurrently; each cursor sees the
    committed state (an import's open transaction stays invisible until it commits). A query
    borrows a cursor, fetches its whole (bounded) result and gives the cursor back; with all
    ``size`` cursors busy, the next query waits. Writes keep going through the store and its
    lock.

    >>> from suara.store.store import Store
    >>> r = Reader(Store(":memory:"), threading.RLock(), size=2)
    >>> r.execute("SELECT count(*) FROM posts").fetchall()
    [(0,)]
    """

    def __init__(self, store, lock: threading.RLock, size: int | None = None):
        self.store, self.lock = store, lock
        self._pool: queue.SimpleQueue = queue.SimpleQueue()
        self._cursors: list = []
        self.closed = False
        # as many queries at once as the machine runs well: DuckDB parallelises each query,
        # and every running query holds its hash tables in memory (40 at once took 3 GB)
        self.size = size or max(4, min(8, 2 * (os.cpu_count() or 2)))
        with lock:
            for _ in range(self.size):
                self._pool.put(self._new())

    def _new(self):
        with self.lock:  # creating a cursor touches the connection
            if self.closed:
                raise RuntimeError("the store is closed")
            cur = self.store.con.cursor()
            self._cursors.append(cur)
            return cur

    @contextlib.contextmanager
    def cursor(self):
        cur = self._pool.get()   # waits while ``size`` queries run
        try:
            yield cur
        finally:
            self._pool.put(cur)

    def execute(self, query: str, params: list | None = None) -> "_Rows":
        """The query's rows, fetched (``.fetchall()``), like ``store.execute(...).fetchall()``."""
        with self.cursor() as cur:
            return _Rows(cur.execute(query, params or []).fetchall())

    def sql(self, query: str, params: list | None = None):
        """The query's result as a pandas DataFrame."""
        with self.cursor() as cur:
            return cur.execute(query, params or []).df()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            for c in self._cursors:
                try:
                    c.close()
                except Exception:  # noqa: BLE001 - closing at shutdown
                    pass
            self._cursors.clear()


class _Rows(list):
    def fetchall(self) -> list:
        return list(self)


class AnalysisCache:
    """The `analyse` document, recomputed only when the data changed (new import,
    enrichment, coordination run or alerts)."""

    def __init__(self, ws, lock: threading.RLock, reader: Reader | None = None):
        self.ws, self.lock, self.reader = ws, lock, reader
        self._key: tuple | None = None
        self._doc: dict | None = None
        self._version = 0  # bumped by invalidate(): writes the counts below cannot see

    def data_key(self) -> tuple:
        """What the cached views depend on: counts and times of the tables that change, and
        the data version (bumped by the server's imports and case actions)."""
        if self.reader is not None:
            r = self.reader.execute(self._KEY_SQL, [base.ENRICH_VERSION_KEY]).fetchall()[0]
        else:
            with self.lock:
                r = self.ws.store.execute(self._KEY_SQL, [base.ENRICH_VERSION_KEY]).fetchall()[0]
        return (*r, self._version)

    _KEY_SQL = """SELECT (SELECT count(*) FROM imports), (SELECT max(finished_at) FROM imports),
                (SELECT value FROM meta WHERE key = ?), (SELECT max(scored_at) FROM account_scores),
                (SELECT count(*) FROM alerts), (SELECT count(*) FROM cases), (SELECT count(*) FROM actions),
                (SELECT count(*) FROM posts)"""

    def get(self) -> dict:
        key = self.data_key()
        if self._doc is not None and key == self._key:
            return self._doc
        with self.lock:
            if self._doc is not None and key == self._key:
                return self._doc
            self._doc = self.ws.analyse()
            self._key = key
            return self._doc

    def invalidate(self) -> None:
        self._version += 1
        self._key = None


class PostFilter(dict):
    """Filters of the posts explorer (all optional): q, candidate, platform, region,
    sentiment, issue, since, until, buzzer ('only'|'exclude'), account, cluster, post_ids."""

    KEYS = ("q", "candidate", "platform", "region", "sentiment", "issue", "since", "until", "buzzer",
            "account", "kind", "dup_cluster")

    @classmethod
    def from_params(cls, params) -> "PostFilter":
        """Filters from query parameters; malformed dates are a 400, not a server error."""
        from fastapi import HTTPException
        f = cls({k: params.get(k) for k in cls.KEYS if params.get(k) not in (None, "")})
        for k in ("since", "until"):
            if k in f:
                try:
                    dt.datetime.fromisoformat(str(f[k]))
                except ValueError:
                    raise HTTPException(400, f"{k}: expected a date like 2024-11-01, got {str(f[k])[:40]!r}") from None
        return f


def query_posts(ws, f: PostFilter, limit: int = 50, offset: int = 0, lock=None,
                show_identities: bool = False, salt: str = "", reader: Reader | None = None,
                data_key: tuple | None = None) -> dict[str, Any]:
    """Posts matching the filter, newest first, with author (pseudonymised unless allowed),
    enrichment and buzzer flag. Returns ``{"total", "posts", "limit", "offset"}``; at most
    200 rows per call so no request can scan-and-ship the whole store.

    With a ``reader`` the queries run on its cursor (no lock), and with a ``data_key`` (what
    :meth:`AnalysisCache.data_key` returns) the matching-row count is cached per filter until
    the data changes: paging through a filter scans the posts once per page, not twice."""
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    # the store's own lock by default: DuckDB refuses a second call on a busy connection
    lock = lock or getattr(ws.store, "_lock", None) or threading.RLock()
    if f.get("account"):
        # pseudonym, public account, or (roles that see identities only) a raw id -> the accounts
        from suara.analyse.privacy import account_filter_keys
        with lock:  # Ibis on the store's connection
            keys = account_filter_keys(ws, f["account"], salt, show_identities)
        f = PostFilter({**f, "account": tuple(keys)})
    fkey = tuple(sorted((k, str(v)) for k, v in f.items()))
    if reader is None or data_key is None:
        with lock:
            key = (fkey, base.current_version(ws), salt, id(ws.store.con))
            sql = _compiled(ws, f, salt, key)
            total = int(ws.store.con.execute(f"SELECT count(*) FROM ({sql}) AS q").fetchall()[0][0])
            df = ws.store.sql(f"SELECT * FROM ({sql}) AS q ORDER BY created_at DESC LIMIT {limit} OFFSET {offset}")
        return _post_rows(ws, df, total, limit, offset, show_identities, salt, lock)
    # data_key carries the enrichment version; the path and connection tell workspaces apart
    key = (fkey, data_key, salt, str(getattr(ws, "path", "")), id(ws.store.con))
    sql = _SQL_CACHE.get(key)
    if sql is None:
        with lock:  # building Ibis expressions touches the one DuckDB connection
            sql = _compiled(ws, f, salt, key)
    total = _TOTAL_CACHE.get(key)
    if total is None:
        total = int(reader.execute(f"SELECT count(*) FROM ({sql}) AS q").fetchall()[0][0])
        if len(_TOTAL_CACHE) > 4096:
            _TOTAL_CACHE.clear()
        _TOTAL_CACHE[key] = total
    pkey = (*key, "page")
    if pkey not in _SQL_CACHE:
        with lock:
            if pkey not in _SQL_CACHE:
                _SQL_CACHE[pkey] = _page_sql(ws, f, salt) or ""
    page = _SQL_CACHE.get(pkey)
    if page:
        page = re.sub(rf"\bLIMIT\s+{_LIM}\b", f"LIMIT {limit}", page)
        page = re.sub(rf"\bOFFSET\s+{_OFF}\b", f"OFFSET {offset}", page)
        df = reader.sql(f"SELECT * FROM ({page}) AS q ORDER BY created_at DESC LIMIT {limit}")
    else:
        df = reader.sql(f"SELECT * FROM ({sql}) AS q ORDER BY created_at DESC LIMIT {limit} OFFSET {offset}")
    return _post_rows(ws, df, total, limit, offset, show_identities, salt, lock)


def _compiled(ws, f: PostFilter, salt: str, key: tuple) -> str:
    sql = _SQL_CACHE.get(key)
    if sql is None:
        # Compiling the Ibis expression costs far more than running it (~0.2 s vs a few ms),
        # so the compiled SQL is kept per filter and enrichment version.
        sql = ibis.to_sql(_posts_expr(ws, f, salt), dialect="duckdb")
        if len(_SQL_CACHE) > 512:
            _SQL_CACHE.clear()
        _SQL_CACHE[key] = sql
    return sql


_SQL_CACHE: dict[tuple, str] = {}
_TOTAL_CACHE: dict[tuple, int] = {}


#: filters on columns of the posts table alone: the page can be cut before the joins
_POSTS_ONLY = frozenset({"q", "platform", "kind", "since", "until", "account"})
_LIM, _OFF = 987654321, 123456789   # placeholders in the compiled SQL of such a page


def _posts_filters(t: ibis.Table, f: PostFilter, salt: str) -> ibis.Table:
    if f.get("q"):
        t = t.filter(t.text.ilike(f"%{f['q'][:200]}%"))
    for col in ("platform", "kind"):
        if f.get(col):
            t = t.filter(t[col] == f[col])
    if "account" in f:
        keys = f["account"]  # resolved by query_posts: [(platform or None, account_id), ...]
        if isinstance(keys, str):
            keys = [(None, keys)]
        cond = ibis.literal(False)
        for p, a in keys:
            cond = cond | ((t.account_id == a) if p is None else ((t.platform == p) & (t.account_id == a)))
        t = t.filter(cond)
    if f.get("since"):
        t = t.filter(t.created_at >= dt.datetime.fromisoformat(str(f["since"])))
    if f.get("until"):
        t = t.filter(t.created_at < dt.datetime.fromisoformat(str(f["until"])))
    return t


def _page_sql(ws, f: PostFilter, salt: str) -> str | None:
    """For filters on posts columns only: SQL that takes the page of newest posts first and
    joins enrichment, author and buzzer flag to those rows only (``_LIM``/``_OFF`` stand for
    the page). Ordering half a million joined rows for 50 cost ~0.2 s; this costs ~0.01 s.
    None when the filter needs the joined columns."""
    if not set(f) <= _POSTS_ONLY:
        return None
    sql = ibis.to_sql(_posts_expr(ws, f, salt, top=True), dialect="duckdb")
    if len(re.findall(rf"\bLIMIT\s+{_LIM}\b", sql)) != 1 or len(re.findall(rf"\bOFFSET\s+{_OFF}\b", sql)) != 1:
        return None  # an Ibis that renders the page differently: take the general query
    return sql


def _posts_expr(ws, f: PostFilter, salt: str, top: bool = False) -> ibis.Table:
    """The posts explorer as one Ibis expression (engine-neutral; compiled for DuckDB above).
    With ``top`` (filters on posts columns only), the posts are filtered, ordered and cut to
    the page (placeholders ``_LIM``/``_OFF``) before the joins: the left joins on unique keys
    keep one row per post, so the result is the same."""
    p = base.posts(ws)
    pre = top and set(f) <= _POSTS_ONLY
    if pre:
        p = _posts_filters(p, f, salt).order_by(ibis.desc("created_at")).limit(_LIM, offset=_OFF)
    en = ws.store.table("enrichments")
    en = en.filter(en.version == (base.current_version(ws) or "")).drop("version", "enriched_at", "models")
    e = p.left_join(en, [p.platform == en.platform, p.post_id == en.post_id]).drop(
        "platform_right", "post_id_right")   # base.enriched(), on the (cut) posts
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "display_name",
                                             "account_type", "followers")
    t = e.left_join(acc, ["platform", "account_id"])
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    fl = base.flagged(ws).mutate(buzzer=ibis.literal(True))
    t = t.left_join(fl, ["platform", "account_id"])
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    t = t.mutate(buzzer=t.buzzer.fill_null(False))
    if not pre:
        t = _posts_filters(t, f, salt)
    for col in ("sentiment", "dup_cluster"):
        if col == "sentiment" and f.get("candidate"):
            continue  # with a candidate, sentiment means the targeted sentiment toward it
        if f.get(col):
            t = t.filter(t[col] == f[col])
    if f.get("candidate"):
        m = base.mentions(ws)
        m = m.filter(m.candidate == str(f["candidate"]))
        if f.get("sentiment"):
            t = t.drop("sentiment").inner_join(
                m.filter(m.sentiment == f["sentiment"]).select("platform", "post_id", "sentiment"),
                ["platform", "post_id"])
        else:
            t = t.semi_join(m.select("platform", "post_id"), ["platform", "post_id"])
    if f.get("region"):
        ar = base.account_region(ws)
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
               lock=None) -> dict[str, Any]:
    off = local_offset(ws.election)
    rows = []
    if not show_identities and len(df) and "text" in df and df["text"].astype(str).str.contains("@").any():
        # citizens @mentioned in a post's text are pseudonymised like its author
        from suara.analyse.privacy import scrub_text
        with (lock or getattr(ws.store, "_lock", None) or threading.RLock()):
            df = df.copy()
            df["text"] = scrub_text(ws, df["text"].tolist(), salt, mentions_only=True)
    for r in df.to_dict("records"):
        public = (r.get("account_type") or "unknown") in PUBLIC_TYPES
        if not (public or show_identities):
            alias = pseudonym(r["platform"], str(r.get("account_id")), salt)
            r["handle"], r["display_name"], r["account_id"] = alias, None, alias
            r["url"] = None  # a URL would reveal the author
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


# ------------------------------------------------------------------------------ web extras
def issue_series(ws) -> dict[str, Any]:
    """Issues over time per candidate (weekly, election-local weeks), emerging issues (last 7
    days vs the 7 before, per candidate) and resonance (posts, mean interactions, share of
    positive posts per issue). Ibis over the enriched posts and mentions.

    Example
    -------
    >>> import suara, tempfile
    >>> issue_series(suara.init(tempfile.mkdtemp()))["weekly"]
    []
    """
    off = local_offset(ws.election)
    hours = int(off.total_seconds() // 3600)
    m = base.mentions(ws).select("platform", "post_id", "candidate", "created_at")
    e = base.enriched(ws)
    e = e.select("platform", "post_id", "issues", "sentiment",
                 inter=(e.likes.fill_null(0) + e.comments.fill_null(0) + e.shares.fill_null(0)))
    j = m.inner_join(e.select("platform", "post_id", "issues"), ["platform", "post_id"])
    u = j.mutate(issue=j.issues.unnest()).drop("issues")
    u = u.mutate(local=u.created_at + ibis.interval(hours=hours))
    weekly = (u.mutate(week=u.local.truncate("W").date())
              .group_by(["week", "candidate", "issue"]).agg(mentions=ibis._.count()).order_by("week").execute())
    out: dict[str, Any] = {"weekly": [], "emerging": [], "resonance": []}
    weekly["week"] = weekly["week"].astype(str)
    out["weekly"] = weekly.to_dict("records")
    last = u.created_at.max().execute()
    if last is not None and last == last:
        cut, cut2 = last - dt.timedelta(days=7), last - dt.timedelta(days=14)
        g = (u.filter(u.created_at > cut2)
             .group_by(["issue", "candidate"])
             .agg(last7=(u.created_at > cut).sum(), prev7=(u.created_at <= cut).sum()).execute())
        g = g[g.last7 >= 5]
        g["growth"] = (g.last7 - g.prev7) / g.prev7.clip(lower=1)
        g["since"] = cut.date().isoformat()
        out["emerging"] = g.sort_values("growth", ascending=False).head(15).to_dict("records")
    r = e.mutate(issue=e.issues.unnest())
    res = (r.group_by("issue").agg(posts=r.count(), mean_interactions=r.inter.mean(),
                                   positive_share=(r.sentiment == "positive").mean())
           .order_by(ibis.desc("mean_interactions")).execute())
    out["resonance"] = res.to_dict("records")
    return out


def network_data(ws, show_identities: bool, salt: str, max_accounts: int = 300) -> dict[str, Any]:
    """The coordinated-networks graph with a server-side igraph layout, the networks and the
    flagged accounts with reasons; citizens pseudonymised unless ``show_identities``.

    Edges come from the detector's stored results (``<workspace>/coordination/edges.csv``,
    written by ``suara detect`` / the demo); without them the graph shows members only.

    Example
    -------
    >>> import suara, tempfile
    >>> network_data(suara.init(tempfile.mkdtemp()), False, "s")["nodes"]
    []
    """
    import pandas as pd

    from suara.analyse.privacy import display_handle
    st = ws.store
    scores = st.sql("""SELECT s.platform, s.account_id, s.cluster, s.buzzer_score AS score, s.flagged, s.reasons,
                              a.handle, a.account_type
                       FROM account_scores s LEFT JOIN accounts a USING (platform, account_id)
                       WHERE s.flagged OR s.cluster IS NOT NULL ORDER BY s.buzzer_score DESC""")
    nets = st.sql("SELECT * FROM networks ORDER BY size DESC")
    for c in ("first_activity", "last_activity"):  # shown in the election's time zone
        if c in nets:
            nets[c] = (pd.to_datetime(nets[c]) + local_offset(ws.election)).dt.strftime("%Y-%m-%d %H:%M")

    def label(r) -> str:
        if show_identities:
            return r.get("handle") or str(r["account_id"])
        return display_handle(r.get("account_type"), r["platform"], str(r["account_id"]), r.get("handle"), salt)

    info = {(r["platform"], str(r["account_id"])): r for r in scores.to_dict("records")}
    edges_df = pd.DataFrame()
    f = ws.path / "coordination" / "edges.csv"
    if f.exists():
        try:
            edges_df = pd.read_csv(f, dtype=str)
        except Exception:  # noqa: BLE001 - a broken results file leaves the graph without edges
            edges_df = pd.DataFrame()
    keys: list[tuple[str, str]] = []
    idx: dict[tuple[str, str], int] = {}

    def node(k):
        if k not in idx:
            idx[k] = len(keys)
            keys.append(k)
        return idx[k]

    from suara.analyse.privacy import PSEUDONYM_RE, resolve_pseudonym

    def real(p, a):  # the detector writes citizens' ids as pseudonyms: back to the account
        if isinstance(a, str) and PSEUDONYM_RE.match(a):
            hit = [k for k in resolve_pseudonym(ws, a, salt) if k[0] == p]
            return hit[0] if hit else (p, a)
        return (p, a)

    pairs = []
    if not edges_df.empty:
        for r in edges_df.to_dict("records"):
            a = node(real(r["source_platform"], r["source_account"]))
            b = node(real(r["target_platform"], r["target_account"]))
            pairs.append((a, b, float(r.get("Weight") or r.get("weight") or 1)))
    for k, r in info.items():
        if r.get("flagged") and r.get("cluster"):
            node(k)
    nodes, edges = [], []
    if keys:
        import igraph as ig
        g = ig.Graph(n=len(keys), edges=[(a, b) for a, b, _ in pairs])
        g.es["weight"] = [w for _, _, w in pairs] if pairs else []
        lay = g.layout_fruchterman_reingold(weights="weight" if pairs else None, niter=500, seed=None) \
            if pairs else g.layout_circle()
        for i, (p, a) in enumerate(keys):
            r = info.get((p, a), {"platform": p, "account_id": a})
            nodes.append({"id": i, "x": round(lay[i][0], 3), "y": round(lay[i][1], 3), "platform": p,
                          "label": label({**r, "platform": p, "account_id": a}),
                          "cluster": r["cluster"] if isinstance(r.get("cluster"), str) and r["cluster"] else "?",
                          "score": float(r["score"]) if r.get("score") == r.get("score") and r.get("score") is not None else None})
        edges = [{"source": a, "target": b, "weight": w} for a, b, w in pairs]
        if not edges_df.empty and "cluster" in edges_df:
            cl = {}
            for (a, b, _), c in zip(pairs, edges_df["cluster"].tolist()):
                cl.setdefault(a, c)
                cl.setdefault(b, c)
            for n in nodes:
                if n["cluster"] == "?" and isinstance(cl.get(n["id"]), str):
                    n["cluster"] = cl[n["id"]]
    accounts = []
    for r in scores[scores.flagged.fillna(False)].head(max_accounts).to_dict("records"):
        lab = label(r)
        accounts.append({"label": lab, "platform": r["platform"],
                         "cluster": r["cluster"] if isinstance(r.get("cluster"), str) else None,
                         "score": r.get("score"), "reasons": r.get("reasons"),
                         "account_ref": str(r["account_id"]) if show_identities else lab})
    note = None if pairs else "Edges of the coordination graph are not stored in this workspace; run `suara detect`."
    return {"nodes": nodes, "edges": edges, "networks": nets.to_dict("records"), "accounts": accounts, "note": note}


def scrub_doc(doc: dict, ws, salt: str) -> dict:
    """A copy of the analysis document with account handles that the analyses name (alert top
    accounts, law-watch findings, live-stream hosts) pseudonymised unless public.

    Example
    -------
    >>> scrub_doc({"alerts": {"alerts": []}}, None, "s")
    {'alerts': {'alerts': []}}
    """
    import copy

    from suara.analyse.privacy import PSEUDONYM_RE, display_handle
    out = copy.copy(doc)
    types: dict[tuple[str, str], str] = {}
    if ws is not None:
        try:
            df = ws.store.sql("SELECT platform, account_id, handle, account_type FROM accounts "
                              "WHERE account_type IN ('official','party','media','city','influencer')")
            for r in df.itertuples():
                types[(r.platform, str(r.handle))] = r.account_type
                types[(r.platform, str(r.account_id))] = r.account_type
        except Exception:  # noqa: BLE001
            pass

    def ref(s: str) -> str:
        p, _, a = str(s).partition(":")
        if (p, a) in types or PSEUDONYM_RE.match(a):  # named, or already a pseudonym (radar labels)
            return s
        return display_handle(None, p, a, a, salt)

    al = doc.get("alerts")
    if isinstance(al, dict) and isinstance(al.get("alerts"), list):
        al = dict(al)
        al["alerts"] = [{**a, "top_accounts": [ref(x) for x in a.get("top_accounts") or []]} for a in al["alerts"]]
        out["alerts"] = al
    lw = doc.get("law_watch")
    if isinstance(lw, dict) and isinstance(lw.get("findings"), list):
        lw = dict(lw)
        fs = []
        for f in lw["findings"]:
            f = dict(f)
            p, a = f.get("platform"), f.get("account_id")
            if a is not None and (p, str(a)) not in types:
                alias = display_handle(None, p, str(a), None, salt)
                f["account_id"], f["handle"] = alias, alias
                f["posts"] = [{**x, "account_id": alias, "url": None} for x in f.get("posts") or []]
            fs.append(f)
        lw["findings"] = fs
        out["law_watch"] = lw
    lv = doc.get("live")
    if isinstance(lv, dict) and isinstance(lv.get("sessions"), list):
        lv = dict(lv)
        lv["sessions"] = [{**s, "host": s["host"] if (s.get("platform"), str(s.get("host"))) in types
                           else display_handle(None, s.get("platform"), str(s.get("host")), None, salt)}
                          for s in lv["sessions"]]
        out["live"] = lv
    return out
