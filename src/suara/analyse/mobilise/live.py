"""Live streams: sessions detected from the data (live videos and the bursts of comments on
them) or registered by hand, and per session comments per minute, peak moments, sentiment,
questions asked and repeat attendees; the ``live`` section. Detected sessions are stored by
the detect stage (``ws.detect()``); the section computes them without writing.

Example
-------
>>> import suara, tempfile
>>> live_section(suara.init(tempfile.mkdtemp()))["sessions"]
[]
"""
from __future__ import annotations

import re
from typing import Any

import ibis
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.base import enriched, flagged
from suara.analyse.mobilise.common import _iso, _local, to_utc
from suara.analyse.section import Section, figure, register
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.mobilise.actions import _resolve_posts

__all__ = ["detect_live_sessions", "register_live", "live_stats", "live_section", "is_question", "Live"]

_Q_WORDS = ("apa", "apakah", "kapan", "bagaimana", "gimana", "gmn", "kenapa", "knp", "mengapa", "berapa",
            "brp", "siapa", "dimana", "di mana", "mana", "bisakah", "boleh", "kah")
_Q_RE = re.compile(r"\?|^\s*(" + "|".join(re.escape(w) for w in _Q_WORDS) + r")\b|\b\w+kah\b", re.I)


def is_question(text: str | None) -> bool:
    """True for a question: a '?' or an Indonesian question word at the start or a '-kah' word.

    Example
    -------
    >>> is_question("kapan jalan di Sangatta diperbaiki pak"), is_question("mantap pak!")
    (True, False)
    """
    return bool(text) and bool(_Q_RE.search(text))


def detect_live_sessions(ws, gap_minutes: int = 30, min_comments: int = 10, write: bool = True) -> pd.DataFrame:
    """Find live sessions: each live video (``media_type='live'``) or post that draws a burst
    of ``live_comment`` items, split where its comments pause longer than ``gap_minutes``.
    Detected rows replace earlier detected rows in ``live_sessions``; registered ones stay.

    Example
    -------
    >>> import suara, tempfile
    >>> len(detect_live_sessions(suara.init(tempfile.mkdtemp())))
    0
    """
    p = ws.store.table("posts")
    lives = p.filter(p.media_type == "live").select("platform", root=p.post_id, host=p.account_id,
                                                    live_at=p.created_at)
    lc_roots = p.filter(p.kind == "live_comment").select("platform", root=ibis.coalesce(p.root_id, p.parent_id))
    lc_roots = lc_roots.filter(lc_roots.root.notnull()).distinct()
    roots = lives.select("platform", root=lives.root.cast("string")).union(
        lc_roots.select("platform", root=lc_roots.root.cast("string"))).distinct()
    c = p.filter(p.kind.isin(["comment", "reply", "live_comment"]))
    c = c.mutate(root=ibis.coalesce(c.root_id, c.parent_id))
    c = c.inner_join(roots, ["platform", "root"]).select("platform", "root", "created_at")
    df = c.execute()
    hosts = lives.execute()
    rows = []
    if len(df):
        df = df.dropna(subset=["created_at"]).sort_values(["platform", "root", "created_at"])
        gap = pd.Timedelta(minutes=gap_minutes)
        for (plat, root), g in df.groupby(["platform", "root"], sort=False):
            t = pd.to_datetime(g["created_at"])
            seg = (t.diff() > gap).cumsum()
            h = hosts[(hosts.platform == plat) & (hosts.root == root)]
            host = None if h.empty else h.iloc[0]["host"]
            for k, s in t.groupby(seg):
                if len(s) < min_comments:
                    continue
                rows.append({"platform": plat, "session_id": f"{root}#{int(k) + 1}", "account_id": host,
                             "root_id": root, "started_at": s.min(), "ended_at": s.max(),
                             "comments": int(len(s)), "registered": False})
    out = pd.DataFrame(rows, columns=["platform", "session_id", "account_id", "root_id", "started_at",
                                      "ended_at", "comments", "registered"])
    if write and not getattr(ws.store, "read_only", False):
        with ws.store.transaction():
            ws.store.execute("DELETE FROM live_sessions WHERE NOT coalesce(registered, false)")
            ws.store.append("live_sessions", out)
    return out


def register_live(ws, platform: str, target: str, started_at, ended_at, account_id: str | None = None) -> dict:
    """Register a live session by hand (e.g. announced by a campaign); times local unless zoned.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> register_live(ws, "facebook", "123", "2024-11-01 19:00", "2024-11-01 20:00")["session_id"]
    'reg-123'
    """
    tz = ws.election.timezone
    refs = _resolve_posts(ws, [target])
    root = refs[0][1] if refs else target
    row = {"platform": platform, "session_id": f"reg-{root}", "account_id": account_id, "root_id": root,
           "started_at": to_utc(started_at, tz), "ended_at": to_utc(ended_at, tz), "comments": None,
           "registered": True}
    ws.store.upsert("live_sessions", pd.DataFrame([row]), overwrite=["started_at", "ended_at", "account_id"])
    return row


def live_stats(ws, top: int = 5, detect: bool = True) -> list[dict]:
    """Per live session: comments, comments per minute, peak minutes, sentiment, questions
    and attendees (repeat attendees came to an earlier session of the same host).

    Example
    -------
    >>> import suara, tempfile
    >>> live_stats(suara.init(tempfile.mkdtemp()))
    []
    """
    sess = ws.store.table("live_sessions").execute()
    if detect:  # the stored registered sessions plus the ones the data shows now
        found = detect_live_sessions(ws, write=False)
        sess = pd.concat([sess[sess.registered.fillna(False).astype(bool)], found], ignore_index=True) \
            if len(sess) else found
    if sess.empty:
        return []
    tz = ws.election.timezone
    e = enriched(ws)
    c = e.filter(e.kind.isin(["comment", "reply", "live_comment"]))
    c = c.mutate(root=ibis.coalesce(c.root_id, c.parent_id))
    keys = ibis.memtable(sess[["platform", "root_id"]].drop_duplicates().rename(columns={"root_id": "root"}))
    c = c.inner_join(keys, ["platform", "root"]).select("platform", "root", "post_id", "account_id", "created_at",
                                                        "text", "sentiment")
    com = c.execute()
    com["created_at"] = pd.to_datetime(com["created_at"])
    fl = flagged(ws).execute()
    flagged_set = set(zip(fl.platform, fl.account_id))
    sess = sess.sort_values("started_at")
    seen_by_host: dict[tuple, set] = {}
    out = []
    for s in sess.itertuples():
        g = com[(com.platform == s.platform) & (com.root == s.root_id)
                & (com.created_at >= s.started_at) & (com.created_at <= s.ended_at)]
        minutes = max((pd.Timestamp(s.ended_at) - pd.Timestamp(s.started_at)).total_seconds() / 60, 1.0)
        per_min = g.groupby(g.created_at.dt.floor("min")).size().sort_values(ascending=False)
        q = g[g.text.map(is_question)]
        att = set(g.account_id.dropna())
        host_key = (s.platform, s.account_id)
        seen = seen_by_host.setdefault(host_key, set())
        repeat = att & seen
        seen |= att
        sent = g.sentiment.fillna("unknown").value_counts()
        out.append({
            "platform": s.platform, "session_id": s.session_id, "root_id": s.root_id, "host": s.account_id,
            "registered": bool(s.registered), "started_at": _iso(s.started_at), "ended_at": _iso(s.ended_at),
            "started_local": _local(s.started_at, tz), "minutes": round(minutes, 1), "comments": int(len(g)),
            "comments_per_minute": round(len(g) / minutes, 2),
            "peaks": [{"at": _iso(t), "local": _local(t, tz), "comments": int(n)}
                      for t, n in per_min.head(top).items()],
            "sentiment": {k: int(sent.get(k, 0)) for k in ("positive", "neutral", "negative", "unknown")},
            "questions": int(len(q)),
            "top_questions": [{"post_id": r.post_id, "text": (r.text or "")[:200]} for r in q.head(top).itertuples()],
            "attendees": len(att), "repeat_attendees": len(repeat),
            "coordinated_attendees": sum((s.platform, a) in flagged_set for a in att),
        })
    return out


def live_section(ws) -> dict[str, Any]:
    """`suara analyse` section ``live``: all live sessions with their statistics.

    Example
    -------
    >>> import suara, tempfile
    >>> live_section(suara.init(tempfile.mkdtemp()))["sessions"]
    []
    """
    s = live_stats(ws)
    return {"sessions": s, "total_comments": sum(x["comments"] for x in s),
            "total_questions": sum(x["questions"] for x in s)}



_num = formats.number
_p = formats.percent_cell


@register
class Live(Section):
    """Live sessions with comments per minute, peaks, questions and attendees."""

    id = "live"
    title = "mobilise.live"
    explain = "mobilise.live_explain"
    requires = ("posts", "live_sessions", "enrichments", "account_scores")
    pages = ("mobilisasi",)

    def compute(self, ws, **options) -> dict[str, Any]:
        return live_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        ss = result.get("sessions") or []
        if not ss:
            return []
        t, ui = texts("mobilise", lang), texts("ui", lang)
        rep = ("report",)
        fig = go.Figure(go.Bar(x=[s["started_local"] for s in ss], y=[s["comments_per_minute"] for s in ss],
                               name=t["cpm"]))
        fig.update_layout(title=t["cpm"])
        return [
            {"type": "chart", "faces": rep, "figure": figure(fig)},
            {"type": "table", "faces": rep,
             "columns": [t["session"], t["start"], t["posts"], t["cpm"], t["peak"], t["q"], t["att"], t["rep"], "+/0/−"],
             "rows": [[s["session_id"], s["started_local"], s["comments"], s["comments_per_minute"],
                       (s["peaks"][0]["local"] + f" ({s['peaks'][0]['comments']})") if s["peaks"] else "–",
                       s["questions"], s["attendees"], s["repeat_attendees"],
                       f"{s['sentiment']['positive']}/{s['sentiment']['neutral']}/{s['sentiment']['negative']}"]
                      for s in ss]},
            {"type": "table", "id": "live", "title": ui["live"], "explain": ui["live_explain"], "faces": ("web",),
             "csv": "/api/v1/analysis/live.csv?part=sessions",
             "columns": [ui["platform"], ui["time"], ui["minutes"], ui["comments"], ui["comments_per_min"]],
             "rows": [[s.get("platform"), s.get("started_local"), _num(s.get("minutes")), _num(s.get("comments")),
                       _num(s.get("comments_per_minute"))] for s in ss[:50]]}]
