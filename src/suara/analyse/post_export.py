"""The posts explorer's export: every post matching a filter (or the newest ``limit``), with
the pairs each mentions, the targeted sentiment toward each, the author's region, issues and
buzzer flag, in :data:`EXPORT_COLUMNS` order; authors pseudonymised exactly as in the explorer
(:mod:`suara.analyse.explorer`). The CSV and Excel downloads of the web app stream it.

Example
-------
>>> import suara, tempfile
>>> from suara.analyse.explorer import PostFilter
>>> list(export_posts(suara.init(tempfile.mkdtemp()), PostFilter()))
[]
"""
from __future__ import annotations

import contextlib
import threading

import ibis

from suara.analyse import base
from suara.analyse.explorer import PostFilter, _post_rows, _posts_expr, _resolved, kept_sql

__all__ = ["EXPORT_COLUMNS", "export_posts"]


#: columns of a posts export (CSV/XLSX), in order
EXPORT_COLUMNS = ["created_at", "created_at_local", "platform", "post_id", "kind", "handle", "display_name",
                  "account_type", "followers", "region", "text", "url", "candidates", "candidate_sentiment",
                  "sentiment", "sentiment_score", "issues", "hate_speech", "hoax_claim_id", "buzzer",
                  "likes", "comments", "shares", "views"]


def export_posts(ws, f: PostFilter, show_identities: bool = False, salt: str = "", lock=None,
                 reader=None, batch: int = 5000, limit: int | None = None):
    """Every post matching the filter (the first ``limit`` only when given), newest first, as batches of rows in
    :data:`EXPORT_COLUMNS` order: with the pairs each post mentions, the targeted sentiment
    toward each (``1:positive; 2:negative``), the author's region, issues and buzzer flag.
    Authors are pseudonymised exactly as in the explorer. A generator: the caller streams.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> list(export_posts(ws, PostFilter()))
    []
    """
    import pandas as pd
    lock = lock or getattr(ws.store, "_lock", None) or threading.RLock()
    with lock:
        f2 = _resolved(ws, f, salt, show_identities)
        # compiled once per filter, data version and limit (as the explorer's pages are):
        # building and compiling the expression costs ~0.2 s, more than running it
        ekey = ("export", tuple(sorted((k, str(v)) for k, v in f2.items())), base.current_version(ws), salt,
                str(getattr(ws, "path", "")), id(ws.store.con), limit)
        sql = kept_sql(ekey, lambda: _export_sql(ws, f2, salt, limit))
    cm = reader.cursor() if reader is not None and hasattr(reader, "cursor") else contextlib.nullcontext(None)
    with cm as cur:
        if cur is None:
            with lock:
                cur = ws.store.con.cursor()
        res = cur.execute(sql)
        cols = [d[0] for d in res.description]
        while True:
            chunk = res.fetchmany(batch)
            if not chunk:
                break
            df = pd.DataFrame(chunk, columns=cols)
            out = []
            for r in _post_rows(ws, df, 0, 0, 0, show_identities, salt, lock)["posts"]:
                if isinstance(r.get("issues"), (list, tuple)):
                    r["issues"] = "; ".join(map(str, r["issues"]))
                out.append([r.get(c) for c in EXPORT_COLUMNS])
            yield out


def _export_sql(ws, f: PostFilter, salt: str, limit: int | None) -> str:
    """The SQL of :func:`export_posts` for a resolved filter (the newest ``limit`` posts
    when given), newest first."""
    t = _posts_expr(ws, f, salt)
    m = base.mentions(ws)
    m = m.filter(m.candidate.isin(list(ws.election.ballots)))
    if limit is not None:   # the newest posts, then their pairs and regions (the joins keep every row)
        t = t.order_by([ibis.desc(t.created_at), t.platform, t.post_id]).limit(int(limit))
        m = m.semi_join(t.select("platform", "post_id"), ["platform", "post_id"])
    ms = m.group_by(["platform", "post_id"]).aggregate(
        candidates=m.candidate.collect(order_by=m.candidate).join("; "),
        candidate_sentiment=m.candidate.concat(":", m.sentiment.fill_null("")).collect(
            order_by=m.candidate).join("; "))
    ar = base.account_region(ws).select("platform", "account_id", "region")
    for right, keys in ((ms, ["platform", "post_id"]), (ar, ["platform", "account_id"])):
        t = t.left_join(right, keys)
        t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    return ibis.to_sql(t, dialect="duckdb") + " ORDER BY created_at DESC, platform, post_id"
