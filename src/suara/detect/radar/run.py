"""The radar run (the detect stage's writer): incremental from a watermark, alerts upserted
with stable ids, stale ones removed, in one transaction.

Example
-------
>>> import suara, tempfile
>>> run_radar(suara.init(tempfile.mkdtemp()))["alerts"]
0
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from suara.analyse.base import current_version
from suara.detect.radar.detector import RadarSettings
from suara.detect.radar.evidence import _WindowPosts, _finish, _official_accounts, _span
from suara.detect.radar.narratives import _host_for, _narrative_alert, _narrative_span, emerging_narratives
from suara.detect.radar.series import _absorb, _bin_time, _episodes, _merge, build_series


WATERMARK_KEY = "radar.watermark"
VERSION_KEY = "radar.enrich_version"
INPUTS_KEY = "radar.inputs"      # what the last run read (see _inputs) and what it returned
FLAGS_KEY = "radar.flags"        # the coordination flags the last run typed its alerts with


def _flags_seen(st) -> str:
    """The coordination results as the radar reads them (accounts flagged, newest score):
    when they change, every alert is typed again (a full rescan), because an alert found
    before the accounts behind it were flagged is typed as organic criticism."""
    row = st.sql("SELECT count(CASE WHEN flagged THEN 1 END) AS n, max(scored_at) AS t "
                 "FROM account_scores").iloc[0]
    return f"{int(row['n'])}|{'' if pd.isna(row['t']) else pd.Timestamp(row['t']).isoformat()}"


def _inputs(ws, s: RadarSettings) -> str | None:
    """What a run reads, in one query: the pre-aggregated tables' signature of the canonical
    tables (row counts and newest timestamps of posts, accounts, mentions, scores, imports,
    enrichments, the enrichment version), the alerts it left, the election and the settings.
    None on an engine without it (every run then scans)."""
    from suara.store import aggregates
    st = ws.store
    if not aggregates._duckdb(st):
        return None
    n_alerts = st.execute("SELECT count(*) FROM alerts").fetchall()[0][0]
    return "|".join([aggregates.signature(st), str(n_alerts), ws.election.model_dump_json(), repr(s)])


def run_radar(ws, settings: RadarSettings | None = None, full: bool = False,
              now: dt.datetime | None = None) -> dict[str, Any]:
    """Update the ``alerts`` table from data newer than the watermark (all data with
    ``full=True`` or after the enrichment version changed).

    Returns ``{"alerts": n written, "new": n not seen before, "from": .., "to": ..}``.

    Example
    -------
    >>> import suara, tempfile
    >>> run_radar(suara.init(tempfile.mkdtemp()))["alerts"]
    0
    """
    s = settings or RadarSettings()
    st = ws.store
    if not full and now is None:
        # nothing it reads changed since the last run: that run's alerts are current
        last_run = st.meta(INPUTS_KEY)
        if last_run:
            seen, summary = json.loads(last_run)
            if seen == _inputs(ws, s):
                return {**summary, "new": 0}
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rng = st.sql("SELECT min(created_at) AS a, max(created_at) AS b FROM posts").iloc[0]
    if rng["a"] is None or pd.isna(rng["a"]):
        return {"alerts": 0, "new": 0, "from": None, "to": None}
    first, last = pd.Timestamp(rng["a"]).to_pydatetime(), pd.Timestamp(rng["b"]).to_pydatetime()
    width = s.bin_minutes * 60
    version = current_version(ws) or ""
    wm = st.meta(WATERMARK_KEY)
    flags = _flags_seen(st)
    seen_flags = st.meta(FLAGS_KEY)
    full_scan = (full or wm is None or st.meta(VERSION_KEY) != version
                 or (seen_flags is not None and seen_flags != flags))
    if full_scan:
        start_bin = int((first - dt.datetime(1970, 1, 1)).total_seconds() // width)
    else:
        start_bin = int(wm)
        # late data: posts ingested since the last run but dated before the watermark
        late = st.sql("SELECT min(created_at) AS a FROM posts WHERE ingested_at > ?",
                      [pd.Timestamp(st.meta("radar.last_run") or "1970-01-01").to_pydatetime()]).iloc[0, 0]
        if late is not None and not pd.isna(late):
            lb = int((pd.Timestamp(late).to_pydatetime() - dt.datetime(1970, 1, 1)).total_seconds() // width)
            start_bin = min(start_bin, lb)
    end_bin = int((last - dt.datetime(1970, 1, 1)).total_seconds() // width) + 1
    # baseline context (+1 day so windows and the +/- bin are filled) before the new data
    ctx = (s.baseline_days + 1) * s.bins_per_day
    b0 = start_bin - ctx
    df = build_series(ws, since=_bin_time(b0, s), until=_bin_time(end_bin, s), settings=s)
    first_bin = int((first - dt.datetime(1970, 1, 1)).total_seconds() // width)
    eps = _episodes(df, b0, end_bin, start_bin, s, first_bin=first_bin)
    incidents = _absorb(_merge(eps))
    official = _official_accounts(ws)
    nar = emerging_narratives(ws, _bin_time(start_bin, s) - dt.timedelta(hours=24), last + dt.timedelta(seconds=1))
    cache = _WindowPosts(ws, [_span(i, s) for i in incidents] + [_narrative_span(n) for n in nar])
    rows = [r for r in (_finish(cache, inc, s, last, now, official) for inc in incidents) if r]
    for n in nar:
        nr = _narrative_alert(cache, n, now, official)
        host = _host_for(nr, rows)
        if host is None:
            rows.append(nr)
        else:   # the same story already has an anomaly alert: attach the narrative there
            ev = json.loads(host["evidence"])
            ev.setdefault("narratives", []).append(
                {"cluster": n["cluster"], "posts": n["posts"], "ready_at": n["ready_at"],
                 "first_posts": n["first_posts"]})
            host["evidence"] = json.dumps(ev, default=str, ensure_ascii=False)
    new = 0
    with st.transaction():   # readers (the web app) see the alerts before or after, never between
        if full_scan:
            # a full rescan replaces alerts nobody acted on (status 'new') that no longer fire
            keep = [r["alert_id"] for r in rows] or [""]
            st.execute("DELETE FROM alerts WHERE status = 'new' AND alert_id NOT IN (SELECT unnest(?))",
                       [keep])
        if rows:
            df_rows = pd.DataFrame(rows)
            existing = set(st.sql("SELECT alert_id FROM alerts")["alert_id"])
            new = int((~df_rows["alert_id"].isin(existing)).sum())
            st.upsert("alerts", df_rows, overwrite=["severity", "severity_score", "posts", "value",
                                                    "baseline", "top_accounts", "evidence", "type",
                                                    "metric"])
        st.set_meta(WATERMARK_KEY, str(end_bin - 1))   # the last (maybe partial) bin is redone
        st.set_meta(VERSION_KEY, version)
        st.set_meta(FLAGS_KEY, flags)
        st.set_meta("radar.last_run", now.isoformat())
        summary = {"alerts": len(rows), "new": new, "from": str(_bin_time(start_bin, s)), "to": str(last)}
        seen = _inputs(ws, s)
        if seen is not None:
            st.set_meta(INPUTS_KEY, json.dumps([seen, summary]))
    return summary
