"""Pre-aggregated mention tables, kept up to date by the writers and read by analyse and the web.

Two tables hold the candidate mentions of the current enrichment version (the rows of
:func:`suara.analyse.base.candidate_mentions`) summed per election-local day:

* ``agg_daily`` — day × platform × candidate × region × sentiment × buzzer flag: mentions,
  distinct posts (``posts``: a post naming two pairs counts once, on its first pair), the
  score sum, the sentiment-weighted sum and engagement (likes, comments, shares, views).
* ``agg_account_daily`` — day × platform × account × candidate (with the account's region and
  flag): mentions, positive, negative, score sum, engagement, distinct posts. Figures over
  distinct accounts (unique accounts, favourable accounts, supporters) read this one.

``region`` is the author's exported region, else the inferred one (``account_regions``);
``flagged`` is whether ``account_scores`` flags the author as coordinated; ``day`` is the
local date in the election's zone (``tz_offset`` minutes east of UTC).

Maintenance is by day partitions. Every writer ends with :func:`refresh`, which finds the days
the writes touched and rebuilds only those:

* posts observed by imports finished since the last refresh (new posts, new engagement);
* posts enriched since the last refresh (new mentions of the current version);
* days of accounts whose region or coordination flag differs from what the tables hold;
* days of posts that no longer exist (erasure, retention), via :func:`rebuild_days`.

A new enrichment version, another time zone or another list of pairs rebuilds everything.
The state (config, watermarks and a signature of the inputs) lives in ``meta``; a reader asks
:func:`ready`, which is true only when the signature still matches the store, so a write
that bypassed :func:`refresh` can never make a section read stale figures (the section reads
the canonical tables instead, or :func:`ensure` rebuilds when the store is writable).

Example
-------
>>> from suara.store import Store
>>> s = Store()
>>> build(s, tz_offset=480, ballots=["1", "2"])
0
>>> ready(s, 480, ["1", "2"]), ready(s, 420, ["1", "2"])
(True, False)
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Iterable

from suara.store.schema import ENRICH_VERSION_KEY

__all__ = ["TABLES", "STATE_KEY", "signature_once", "build", "refresh", "rebuild_days", "ready", "ensure", "state",
           "signature", "drop_state", "days_of_account", "config_of"]

TABLES = ("agg_daily", "agg_account_daily")
#: meta key of the aggregates' state (JSON: config, watermarks, signature)
STATE_KEY = "aggregates.state"
#: meta key that switches the aggregates off for a workspace ("off"), e.g. to compare
DISABLE_KEY = "aggregates.disabled"


def config_of(election) -> tuple[int, list[str]]:
    """(UTC offset in minutes of the election's zone at the campaign start, ballots): what the
    aggregates are built for (the same offset as ``suara.analyse.base.tz_offset_minutes``).

    >>> from suara.config import load_election
    >>> config_of(load_election("kaltim-2024"))
    (480, ['1', '2'])
    """
    from zoneinfo import ZoneInfo
    d = election.dates.campaign_start
    off = ZoneInfo(election.timezone).utcoffset(dt.datetime(d.year, d.month, d.day, 12))
    return int(off.total_seconds() // 60), [str(b) for b in election.ballots]


def _duckdb(store) -> bool:
    return getattr(store, "engine", "duckdb") == "duckdb" and hasattr(store, "con")


def state(store) -> dict | None:
    """The stored state, or None when the aggregates were never built (or another engine)."""
    if not _duckdb(store):
        return None
    raw = store.meta(STATE_KEY)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _version(store) -> str:
    return store.meta(ENRICH_VERSION_KEY) or ""


@contextlib.contextmanager
def signature_once(store):
    """Inside the block :func:`signature` is computed once and reused: for steps that write
    none of the tables it reads (the radar, live sessions and these tables themselves, run
    one after the other by `suara analyse`).

    >>> from suara.store import Store
    >>> s = Store()
    >>> with signature_once(s):
    ...     signature(s) is signature(s)
    True
    """
    held = store.__dict__.get("_signature_once")
    if held is None:
        store.__dict__["_signature_once"] = {}
    try:
        yield store
    finally:
        if held is None:
            store.__dict__.pop("_signature_once", None)


def signature(store, fresh: bool = False) -> str:
    """What the aggregates' inputs look like now (one query): row counts and newest
    timestamps of every table they read, and the enrichment version. ``fresh``: read now,
    even inside :func:`signature_once`."""
    once = getattr(store, "__dict__", {}).get("_signature_once")
    if once is not None and not fresh:
        if "sig" not in once:
            once["sig"] = _signature(store)
        return once["sig"]
    return _signature(store)


def _signature(store) -> str:
    # one row from a cross join of one-row aggregates: the same values as eleven scalar
    # subqueries, which DuckDB took ~45 ms to plan and run against ~7 ms for this (a store of
    # 400,000 posts; every `suara analyse` and radar run asks)
    row = store.execute(
        "SELECT * FROM (SELECT count(*), max(ingested_at) FROM posts), "
        "(SELECT count(*) FROM accounts), "
        "(SELECT count(*) FROM mentions), "
        "(SELECT count(*) FILTER (WHERE flagged), max(scored_at) FROM account_scores), "
        "(SELECT count(*), max(inferred_at) FROM account_regions), "
        "(SELECT count(*), max(finished_at) FROM imports), "
        "(SELECT max(enriched_at) FROM enrichments)").fetchall()[0]
    return "|".join(str(x) for x in row) + "|" + _version(store)


def _watermarks(store) -> dict:
    """The newest import and enrichment the aggregates hold, with what shares that second
    (imports by id, enrichments by count), so that the next refresh takes exactly the rest."""
    imp, enr = store.execute("SELECT (SELECT max(finished_at) FROM imports), "
                             "(SELECT max(enriched_at) FROM enrichments)").fetchall()[0]
    ids = [r[0] for r in store.execute("SELECT import_id FROM imports WHERE finished_at = ?", [imp]).fetchall()] \
        if imp is not None else []
    n_enr = store.execute("SELECT count(*) FROM enrichments WHERE enriched_at = ?", [enr]).fetchall()[0][0] \
        if enr is not None else 0
    return {"imports": None if imp is None else str(imp), "imports_at": sorted(ids),
            "enriched": None if enr is None else str(enr), "enriched_at": n_enr}


def _source_sql(cfg: dict, where: str = "") -> str:
    """One row per candidate mention of the current version, with every grain column."""
    off = int(cfg["tz_offset"])
    ballots = ", ".join("'" + str(b).replace("'", "''") + "'" for b in cfg["ballots"]) or "NULL"
    return f"""
        SELECT m.platform, m.candidate, m.sentiment, p.account_id,
               CAST(p.created_at + INTERVAL '{off} minutes' AS DATE) AS day,
               coalesce(a.region, r.region) AS region,
               (f.account_id IS NOT NULL) AS flagged,
               (m.sentiment = 'positive')::BIGINT AS pos, (m.sentiment = 'negative')::BIGINT AS neg,
               coalesce(m.score, ((m.sentiment = 'positive')::BIGINT - (m.sentiment = 'negative')::BIGINT)::DOUBLE) AS s,
               coalesce(p.likes, 0) + coalesce(p.comments, 0) + coalesce(p.shares, 0) AS eng,
               coalesce(p.likes, 0) AS likes, coalesce(p.comments, 0) AS comments,
               coalesce(p.shares, 0) AS shares, coalesce(p.views, 0) AS views,
               (m.candidate = min(m.candidate) OVER (PARTITION BY m.platform, m.post_id))::BIGINT AS lead
        FROM mentions m
        JOIN posts p ON p.platform = m.platform AND p.post_id = m.post_id
        LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
        LEFT JOIN account_regions r ON r.platform = a.platform AND r.account_id = a.account_id
        LEFT JOIN (SELECT DISTINCT platform, account_id FROM account_scores WHERE flagged) f
               ON f.platform = p.platform AND f.account_id = p.account_id
        WHERE m.version = $version AND m.candidate IN ({ballots}) {where}"""


def _insert(store, cfg: dict, where: str = "", params: dict | None = None) -> None:
    src = _source_sql(cfg, where)
    params = {"version": cfg["version"], **(params or {})}
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE _agg_src AS {src}""", params)
    store.execute("""
        INSERT INTO agg_daily
        SELECT day, platform, candidate, region, sentiment, flagged,
               count(*), sum(lead), sum(s), sum((s + 1) / 2), sum(eng),
               sum(likes), sum(comments), sum(shares), sum(views)
        FROM _agg_src GROUP BY ALL""")
    store.execute("""
        INSERT INTO agg_account_daily
        SELECT day, platform, account_id, candidate, any_value(region), bool_or(flagged),
               count(*), sum(pos), sum(neg), sum(s), sum((s + 1) / 2), sum(eng), sum(lead)
        FROM _agg_src GROUP BY day, platform, account_id, candidate""")
    store.execute("DROP TABLE _agg_src")


def _finish(store, cfg: dict) -> None:
    st = {"config": {k: cfg[k] for k in ("tz_offset", "ballots")}, "version": cfg["version"],
          "watermarks": _watermarks(store), "signature": signature(store)}
    store.set_meta(STATE_KEY, json.dumps(st, sort_keys=True))


def _config(store, tz_offset: int | None, ballots: Iterable[str] | None) -> dict | None:
    st = state(store)
    if tz_offset is None or ballots is None:
        if st is None:
            return None
        tz_offset, ballots = st["config"]["tz_offset"], st["config"]["ballots"]
    return {"tz_offset": int(tz_offset), "ballots": [str(b) for b in ballots], "version": _version(store)}


def build(store, tz_offset: int, ballots: Iterable[str]) -> int:
    """Rebuild both tables from the canonical ones (one transaction); returns the rows of
    ``agg_daily``. No-op (0) on engines other than DuckDB."""
    if not _duckdb(store):
        return 0
    cfg = _config(store, tz_offset, ballots)
    with store.transaction():
        store.execute("DELETE FROM agg_daily")
        store.execute("DELETE FROM agg_account_daily")
        _insert(store, cfg)
        _finish(store, cfg)
    return store.count("agg_daily")


def rebuild_days(store, days: Iterable, include_null: bool = False) -> None:
    """Recompute the given local days (``include_null``: mentions of posts without a time too)
    from the canonical tables; nothing when the aggregates were never built."""
    cfg = _config(store, None, None)
    if cfg is None:
        return
    days = sorted({d for d in days if d is not None})
    if not days and not include_null:
        _finish(store, cfg)
        return
    with store.transaction():
        store.execute("CREATE OR REPLACE TEMP TABLE _agg_days AS SELECT unnest($d::DATE[]) AS day", {"d": days})
        cond = "day IN (SELECT day FROM _agg_days)" + (" OR day IS NULL" if include_null else "")
        for t in TABLES:
            store.execute(f"DELETE FROM {t} WHERE {cond}")
        off = int(cfg["tz_offset"])
        local = f"CAST(p.created_at + INTERVAL '{off} minutes' AS DATE)"
        where = f"AND ({local} IN (SELECT day FROM _agg_days)" + (
            " OR p.created_at IS NULL)" if include_null else ")")
        _insert(store, cfg, where)
        store.execute("DROP TABLE _agg_days")
        _finish(store, cfg)


def days_of_account(store, platform: str, account_id: str) -> tuple[list, bool]:
    """(local days, has posts without a time) of an account's mentions in the aggregates:
    what :func:`rebuild_days` must redo after the account's posts are deleted."""
    if state(store) is None:
        return [], False
    rows = store.execute("SELECT DISTINCT day FROM agg_account_daily WHERE platform = ? AND account_id = ?",
                         [platform, account_id]).fetchall()
    return [r[0] for r in rows if r[0] is not None], any(r[0] is None for r in rows)


def refresh(store, tz_offset: int | None = None, ballots: Iterable[str] | None = None) -> str:
    """Bring the aggregates up to date after a write, rebuilding only the days it touched.

    With ``tz_offset`` and ``ballots`` (the enrich stage knows the election) a store without
    aggregates gets them built; without, a store that never had them is left alone.
    Returns what was done: ``"none"``, ``"full"`` or ``"days:N"``.
    """
    if not _duckdb(store) or getattr(store, "read_only", False):
        return "none"
    st = state(store)
    cfg = _config(store, tz_offset, ballots)
    if cfg is None:
        return "none"
    if st is None or st.get("version") != cfg["version"] or st.get("config") != {
            "tz_offset": cfg["tz_offset"], "ballots": cfg["ballots"]}:
        build(store, cfg["tz_offset"], cfg["ballots"])
        return "full"
    if st.get("signature") == signature(store):
        return "days:0"
    off = int(cfg["tz_offset"])
    wm = st.get("watermarks") or {}
    local = f"CAST(p.created_at + INTERVAL '{off} minutes' AS DATE)"
    parts = []
    params: dict = {"version": cfg["version"]}
    # posts that imports since the last refresh observed (new posts, new engagement)
    imp = "" if wm.get("imports") is None else \
        "WHERE finished_at > $wi OR (finished_at = $wi AND NOT list_contains($ids, import_id))"
    if wm.get("imports") is not None:
        params["wi"] = dt.datetime.fromisoformat(wm["imports"])
        params["ids"] = list(wm.get("imports_at") or []) or [""]
    parts.append(f"""SELECT {local} AS day FROM posts p JOIN (
            SELECT DISTINCT platform, post_id FROM metric_observations WHERE import_id IN
            (SELECT import_id FROM imports {imp})) o USING (platform, post_id)""")
    # posts enriched since (their mentions are new)
    enr = ""
    if wm.get("enriched") is not None:   # posts enriched in the watermark's second count when it grew
        params["we"] = dt.datetime.fromisoformat(wm["enriched"])
        same = store.execute("SELECT count(*) FROM enrichments WHERE enriched_at = ?", [params["we"]]).fetchall()[0][0]
        enr = "AND enriched_at " + (">= $we" if same != wm.get("enriched_at") else "> $we")
    parts.append(f"""SELECT {local} AS day FROM posts p JOIN (
            SELECT platform, post_id FROM enrichments WHERE version = $version {enr}) e USING (platform, post_id)""")
    # accounts whose region or flag changed since
    parts.append("""SELECT g.day FROM agg_account_daily g
            LEFT JOIN accounts a ON a.platform = g.platform AND a.account_id = g.account_id
            LEFT JOIN account_regions r ON r.platform = a.platform AND r.account_id = a.account_id
            LEFT JOIN (SELECT DISTINCT platform, account_id FROM account_scores WHERE flagged) f
                   ON f.platform = g.platform AND f.account_id = g.account_id
            WHERE coalesce(a.region, r.region) IS DISTINCT FROM g.region
               OR (f.account_id IS NOT NULL) IS DISTINCT FROM g.flagged""")
    rows = store.execute("SELECT DISTINCT day FROM (" + " UNION ALL ".join(parts) + ")", params).fetchall()
    days = [r[0] for r in rows if r[0] is not None]
    null = any(r[0] is None for r in rows)
    rebuild_days(store, days, include_null=null)
    if state(store).get("signature") != signature(store):   # e.g. posts deleted by a purge
        build(store, cfg["tz_offset"], cfg["ballots"])
        return "full"
    return f"days:{len(days) + int(null)}"


def ready(store, tz_offset: int, ballots: Iterable[str]) -> bool:
    """True when the aggregates exist for this zone and these pairs and match the store now."""
    st = state(store)
    if st is None or store.meta(DISABLE_KEY) == "on":
        return False
    return (st.get("config") == {"tz_offset": int(tz_offset), "ballots": [str(b) for b in ballots]}
            and st.get("version") == _version(store) and st.get("signature") == signature(store))


def ensure(store, tz_offset: int, ballots: Iterable[str]) -> bool:
    """:func:`ready`, after bringing the aggregates up to date when the store is writable."""
    if not _duckdb(store) or store.meta(DISABLE_KEY) == "on":
        return False
    if ready(store, tz_offset, ballots):
        return True
    if getattr(store, "read_only", False):
        return False
    try:
        refresh(store, tz_offset, ballots)
    except Exception as e:  # noqa: BLE001 - e.g. a store locked by a writer: read the canonical tables
        import logging
        logging.getLogger("suara.store").warning("pre-aggregated tables not refreshed (%s); reading the "
                                                 "canonical tables", e)
        return False
    return ready(store, tz_offset, ballots)


def drop_state(store) -> None:
    """Forget the aggregates (the next :func:`refresh` with a config rebuilds them)."""
    if _duckdb(store):
        store.execute("DELETE FROM meta WHERE key = ?", [STATE_KEY])
