"""The morning brief (section ``brief``): what a campaign team reads first each morning, on
the overview page and at the top of the daily report.

- the data period and the last update (newest post, last import);
- the sentiment trend per pair: net sentiment of the last 7 days against the 7 before, and
  the daily line of the last four weeks;
- the top rising issues (last 7 days against the 7 before), the top incidents of the radar's
  triage inbox (:mod:`suara.analyse.triage`), the top influencers;
- per pair, what its conversation carried in the last 7 days: hashtags, terms (Indonesian stop
  words, the pairs' own names and the issues' seed terms left out), linked sites and media
  formats;
- **3 hal untuk hari ini** (three things to do today), each derived from the data and linked
  to the posts behind it: the highest open incident of the inbox (its posts), the largest
  region whose voters a pair's conversation under-reaches (the region's posts about that
  pair), and the issue rising fastest (its posts of the last 7 days). When one of them has
  nothing to say, the pair whose sentiment fell most takes its place (its negative posts).

Every linked count opens exactly the posts it counts. Inside ``suara analyse`` the brief
reads the results of share of voice, regions and influencers computed in the same run
(:func:`suara.analyse.run.computed`) instead of computing them again.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> r = brief_section(ws)
>>> r["things"], r["period"]["first_post"]
([], None)
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import ibis
import pandas as pd
import plotly.graph_objects as go

from suara.analyse import base
from suara.analyse.section import Section, colours, figure, posts_link, register
from suara.analyse.wording import label
from suara.config.i18n import texts
from suara.store.views import current_enrichments

__all__ = ["brief_section", "Brief", "things_to_do"]

_TERM = re.compile(r"[a-z][a-z]{3,}")
_URL_HOST = re.compile(r"^[a-z]+://(?:www\.)?([^/?#:]+)", re.I)


def _iso(v) -> str | None:
    return None if v is None or (isinstance(v, float) and v != v) or v is pd.NaT else pd.Timestamp(v).isoformat()


def _result(ws, sid: str, **options) -> Any:
    """A section's result: from the running analysis when there, else computed now."""
    from suara.analyse.run import computed
    from suara.analyse.section import get
    res = computed(sid)
    if res is None:
        try:
            res = get(sid).run(ws, **options)
        except Exception:  # noqa: BLE001 - the brief shows what it has; the section's own card shows the error
            return None
    return res


def _stopwords(election) -> set[str]:
    from suara.enrich.discover import STOPWORDS
    stop = set(STOPWORDS) | {"yang", "aja", "gak", "nggak", "ga", "kalo", "kalau", "sama", "buat", "udah", "banget",
                             "bgt", "juga", "lagi", "jadi", "karena", "tapi", "http", "https", "com"}
    for c in election.candidates:
        for w in c.persons + c.aliases + c.nicknames + c.hashtags + [c.short, c.name]:
            stop |= set(re.findall(r"[a-z]+", w.lower()))
    for w in (election.province or "").lower().split() + [election.id.split("-")[0]]:
        stop.add(w)
    for iss in election.issues:
        for s in iss.seeds:
            stop |= set(re.findall(r"[a-z]+", s.lower()))
    return stop


def _pair_trend(sov: dict | None, ballots: list[str], last_day: str | None) -> dict:
    """Per pair: net sentiment of the last 7 days and the 7 before (from the daily counts),
    and the daily net sentiment of the last 28 days."""
    days = ((sov or {}).get("by_day") or {}).get("all") or {}
    if not days or not last_day:
        return {}
    end = dt.date.fromisoformat(last_day[:10])
    out: dict[str, dict] = {}
    for b in ballots:
        def window(lo: int, hi: int) -> float | None:
            pos = neg = n = 0
            for d, per in days.items():
                age = (end - dt.date.fromisoformat(d[:10])).days
                if lo <= age < hi and b in per:
                    pos += per[b].get("positive") or 0
                    neg += per[b].get("negative") or 0
                    n += per[b].get("mentions") or 0
            return round((pos - neg) / n, 3) if n else None
        last7, prev7 = window(0, 7), window(7, 14)
        series = [{"day": d[:10], "net": per.get(b, {}).get("net_sentiment"), "mentions": per.get(b, {}).get("mentions", 0)}
                  for d, per in sorted(days.items()) if (end - dt.date.fromisoformat(d[:10])).days < 28]
        out[b] = {"last7": last7, "prev7": prev7,
                  "change": None if last7 is None or prev7 is None else round(last7 - prev7, 3), "daily": series}
    return out


def _top(counts: Counter, n: int) -> list[tuple[str, int]]:
    """The ``n`` most common, ties in alphabetical order (the same in every run).

    >>> _top(Counter({"b": 2, "a": 2, "c": 3}), 2)
    [('c', 3), ('a', 2)]
    """
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _conversation(ws, cut, stop: set[str], top: int = 8) -> dict[str, dict]:
    """Per pair, over posts since ``cut`` (a time, or an Ibis scalar expression of one):
    mentions (posts), top hashtags, terms, linked sites and media formats."""
    m = base.candidate_mentions(ws, False)   # the run's materialised mentions
    m = m.filter(m.created_at > cut).select("platform", "post_id", "candidate")
    # the few mentions meet their posts, then those posts' normalised text (not every post
    # joined with its enrichment first)
    p = ws.store.table("posts").select("platform", "post_id", "hashtags", "links", "media_type", "likes",
                                       "comments", "shares")
    ce = current_enrichments(ws.store)
    j = m.inner_join(p, ["platform", "post_id"])
    t = ce.select(tp=ce.platform, tpost=ce.post_id, text_norm=ce.text_norm)
    j = j.left_join(t, [j.platform == t.tp, j.post_id == t.tpost])
    tab = j.select("platform", "post_id", "candidate", "text_norm", "hashtags", "links", "media_type", "likes",
                   "comments", "shares").to_pyarrow()
    out: dict[str, dict] = {}
    if not tab.num_rows:
        return out
    # the lists and texts straight from Arrow as Python values; a frame of them (each value
    # converted once more) took a third of the section at 300,000 posts
    df = tab.select(["post_id", "candidate", "media_type", "likes", "comments", "shares"]).to_pandas()
    hashtags, links, texts = (tab.column(c).to_pylist() for c in ("hashtags", "links", "text_norm"))
    for b, g in df.groupby("candidate"):
        tags: Counter = Counter()
        hosts: Counter = Counter()
        terms: Counter = Counter()
        at = g.index.tolist()
        for hs in (hashtags[i] for i in at):
            for h in (hs if hs is not None else []):
                if h:
                    tags[str(h).lstrip("#").lower()] += 1
        for ls in (links[i] for i in at):
            for url in (ls if ls is not None else []):
                mm = _URL_HOST.match(str(url))
                if mm:
                    hosts[mm.group(1).lower()] += 1
        for t in (texts[i] for i in at):
            if isinstance(t, str):
                terms.update({w for w in _TERM.findall(t.lower()) if w not in stop})
        inter = g["likes"].fillna(0) + g["comments"].fillna(0) + g["shares"].fillna(0)
        media = (g.assign(inter=inter).groupby(g["media_type"].fillna("text"))
                 .agg(posts=("post_id", "size"), mean_interactions=("inter", "mean"))
                 .sort_values("posts", ascending=False))
        out[str(b)] = {
            "posts": int(len(g)),
            "hashtags": [{"tag": k, "n": n} for k, n in _top(tags, top)],
            "terms": [{"term": k, "n": n} for k, n in _top(terms, top)],
            "sites": [{"site": k, "n": n} for k, n in _top(hosts, top)],
            "media": [{"media": str(k), "posts": int(r.posts), "mean_interactions": round(float(r.mean_interactions), 1)}
                      for k, r in media.head(top).iterrows()]}
    return out


def things_to_do(result: dict) -> list[dict]:
    """Up to three things to do today from a brief's parts (see the module docstring); each
    ``{"kind", "href", ...facts}``."""
    out: list[dict] = []
    inc = next((g for g in result.get("incidents") or [] if g.get("status") != "resolved"), None)
    if inc:
        out.append({"kind": "incident", "type": inc["type"], "candidate": inc.get("candidate"),
                    "severity": inc["severity"], "posts": inc["top_posts"], "alerts": inc["count"],
                    "playbook": inc.get("playbook"), "href": posts_link(alert=inc["top_alert"]),
                    "alert": inc["top_alert"]})
    gap = result.get("region_gap")
    if gap:
        out.append({"kind": "region", **gap, "href": posts_link(region=gap["region"], candidate=gap["candidate"])})
    rising = (result.get("rising_issues") or [])[:1]
    if rising:
        r = rising[0]
        out.append({"kind": "issue", **r, "href": posts_link(issue=r["issue"], candidate=r["candidate"],
                                                             since=r["since"])})
    if len(out) < 3:
        trend = result.get("trend") or {}
        falls = sorted(((v["change"], b) for b, v in trend.items() if v.get("change") is not None))
        if falls and falls[0][0] < 0:
            b = falls[0][1]
            out.append({"kind": "sentiment", "candidate": b, "change": falls[0][0], "last7": trend[b]["last7"],
                        "href": posts_link(candidate=b, sentiment="negative", since=result.get("since"))})
    return out[:3]


def brief_section(ws, incidents: int = 5, issues: int = 5, influencers: int = 5) -> dict[str, Any]:
    """The brief's facts (read-only); see the module docstring."""
    el = ws.election
    p = base.posts(ws)
    rng = p.aggregate(first=p.created_at.min(), last=p.created_at.max(),
                      updated=p.ingested_at.max()).execute().iloc[0]
    last = rng["last"]
    result: dict[str, Any] = {
        "period": {"first_post": _iso(rng["first"]), "last_post": _iso(last), "updated": _iso(rng["updated"])},
        "trend": {}, "rising_issues": [], "incidents": [], "influencers": [], "conversation": {},
        "region_gap": None, "since": None, "things": []}
    if last is None or pd.isna(last):
        return result
    last = pd.Timestamp(last).to_pydatetime()
    cut = last - dt.timedelta(days=7)
    # the explorer's `since` is inclusive: the first instant after the cut opens exactly the
    # posts counted here (created_at > cut)
    result["since"] = (pd.Timestamp(cut) + pd.Timedelta(microseconds=1)).isoformat(sep=" ")
    ballots = list(el.ballots)
    sov = _result(ws, "share_of_voice")
    result["trend"] = _pair_trend(sov, ballots, result["period"]["last_post"])

    from suara.analyse.issue_series import emerging_issues
    em = emerging_issues(ws)
    labels = {i.id: (i.label_id, i.label_en) for i in el.issues}
    result["rising_issues"] = [
        {"issue": r["issue"], "label_id": labels.get(r["issue"], (r["issue"],) * 2)[0],
         "label_en": labels.get(r["issue"], (r["issue"],) * 2)[1], "candidate": str(r["candidate"]),
         "last7": int(r["last7"]), "prev7": int(r["prev7"]), "growth": round(float(r["growth"]), 3),
         "since": r["since"]}
        for r in em if r["growth"] > 0][:issues]

    from suara.analyse.cases import suggest_playbook
    from suara.analyse.triage import inbox
    box = inbox(ws, show_identities=False, salt=getattr(ws, "salt", ""), with_samples=False)   # none shown
    for g in box["groups"][:incidents]:
        top = next((a for a in g["alerts"] if a["alert_id"] == g["top_alert"]), g["alerts"][0])
        result["incidents"].append({
            "group_id": g["group_id"], "type": g["type"], "candidate": g.get("candidate"), "issue": g.get("issue"),
            "severity": g["severity"], "count": g["count"], "posts": g["posts"], "top_alert": g["top_alert"],
            "top_posts": int(top.get("posts") or 0), "status": g["status"], "priority": g["priority"],
            "last_detected": g.get("last_detected_local"),
            "playbook": suggest_playbook(g["type"], g["severity"])["id"]})

    inf = _result(ws, "influencers") or {}
    for r in ((inf.get("all") or {}).get("top") or [])[:influencers]:
        result["influencers"].append({k: r.get(k) for k in ("account", "platform", "type", "named", "ref", "followers",
                                                           "posts", "engagement", "influence")})

    regions = _result(ws, "regions") or {}
    best = None
    per_region = (regions.get("all") or {}).get("regions") or {}
    for b, gaps in ((regions.get("all") or {}).get("gaps") or {}).items():
        for g in gaps:
            vi, w = g.get("voice_index"), g.get("dpt_weight") or 0
            n = (((per_region.get(g["region"]) or {}).get("pairs") or {}).get(b) or {}).get("mentions") or 0
            if vi is None or vi >= 1 or not w or not n:   # a region without posts is a coverage gap, not a weak pair
                continue
            score = w * (1 - vi)
            if best is None or score > best[0]:
                best = (score, {"region": g["region"], "name": g["name"], "candidate": str(b),
                                "voice_index": vi, "dpt_weight": w, "mentions": int(n)})
    result["region_gap"] = best[1] if best else None
    # the cut as the newest post's time less 7 days inside the query (a subquery), not as a
    # literal: the same SQL after every import, compiled once and read ahead by the next run
    result["conversation"] = _conversation(ws, p.created_at.max() - ibis.interval(days=7), _stopwords(el))
    result["things"] = things_to_do(result)
    return result


def _f(v: float | None, lang: str, pct: bool = False, signed: bool = False) -> str:
    """A number in the page's locale (Babel): ``+0,12`` / ``54,1%`` in Indonesian."""
    if v is None:
        return "–"
    from babel.numbers import format_decimal, format_percent
    loc = "id_ID" if lang == "id" else "en_US"
    if pct:
        s = format_percent(v, "#,##0%", locale=loc)
        return ("+" if signed and v > 0 else "") + s
    s = format_decimal(v, "#,##0.00", locale=loc)
    return ("+" if signed and v > 0 else "") + s


def _n(v: Any, lang: str) -> str:
    from babel.numbers import format_decimal
    return format_decimal(int(v or 0), locale="id_ID" if lang == "id" else "en_US")


def thing_text(t: dict, lang: str, election) -> str:
    """One of the three things as a sentence in ``lang``."""
    tb, ui = texts("brief", lang), texts("ui", lang)
    pair = base.pair_label(election, t["candidate"]) if t.get("candidate") else tb["all_pairs"]
    if t["kind"] == "incident":
        return tb["do_incident"].format(type=ui.get("enum_" + t["type"], t["type"]), pair=pair,
                                        severity=ui.get("enum_" + t["severity"], t["severity"]).lower(),
                                        posts=_n(t["posts"], lang), alerts=_n(t["alerts"], lang),
                                        playbook=tb.get("pb_" + str(t.get("playbook")), t.get("playbook") or ""))
    if t["kind"] == "region":
        return tb["do_region"].format(region=t["name"], pair=pair, vi=_f(t["voice_index"], lang),
                                      dpt=_f(t["dpt_weight"], lang, pct=True))
    if t["kind"] == "issue":
        return tb["do_issue"].format(issue=t["label_id"] if lang == "id" else t["label_en"], pair=pair,
                                     last7=_n(t["last7"], lang), prev7=_n(t["prev7"], lang),
                                     growth=_f(t["growth"], lang, pct=True, signed=True))
    return tb["do_sentiment"].format(pair=pair, change=_f(t["change"], lang, signed=True),
                                     last7=_f(t["last7"], lang, signed=True))


@register
class Brief(Section):
    """The morning brief: period, trend per pair, rising issues, top incidents and influencers,
    the conversation per pair, and three things to do today."""

    id = "brief"
    title = "brief.title"
    explain = "brief.explain"
    requires = ("posts", "mentions", "enrichments", "alerts", "cases", "accounts")
    options = {"incidents": 5, "issues": 5, "influencers": 5}
    pages = ("overview",)
    lead = True   # first on its page and in the report

    def compute(self, ws, **options) -> dict[str, Any]:
        return brief_section(ws, **options)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        tb, ui = texts("brief", lang), texts("ui", lang)
        el = election
        per = result.get("period") or {}
        blocks: list[dict] = []
        things = result.get("things") or []
        if not per.get("last_post"):
            return [{"type": "text", "text": tb["none"]}]
        blocks.append({"type": "table", "id": "brief-things", "title": tb["things"], "explain": tb["things_explain"],
                       "columns": ["#", tb["todo"], ""],
                       "rows": [[str(i + 1), thing_text(t, lang, el), {"text": tb["see_posts"], "href": t["href"]}]
                                for i, t in enumerate(things)]}
                      if things else {"type": "text", "id": "brief-things", "title": tb["things"], "text": tb["nothing"]})
        tzl = _tz(el)
        blocks.append({"type": "text", "style": "small", "text": tb["period_line"].format(
            first=_day(per.get("first_post"), el), last=_when(per.get("last_post"), el), updated=_when(per.get("updated"), el),
            tz=tzl)})
        # sentiment trend per pair
        trend = result.get("trend") or {}
        if trend:
            kp = []
            for b, v in trend.items():
                kp.append({"value": _f(v.get("last7"), lang, signed=True),
                           "label": tb["trend_label"].format(pair=base.pair_label(el, b),
                                                             change=_f(v.get("change"), lang, signed=True)),
                           "href": posts_link(candidate=b, since=result.get("since"))})
            blocks.append({"type": "kpis", "id": "brief-trend", "title": tb["trend"], "explain": tb["trend_explain"],
                           "items": kp})
            fig = go.Figure()
            col = colours(el)
            for b, v in trend.items():
                fig.add_scatter(x=[d["day"] for d in v["daily"]], y=[d["net"] for d in v["daily"]], mode="lines+markers",
                                name=base.pair_label(el, b), line=dict(color=col.get(b)))
            fig.update_layout(height=300, yaxis_range=[-1, 1], title=tb["trend_chart"],
                              separators=",." if lang == "id" else ".,", margin=dict(t=40, b=30))
            blocks.append({"type": "chart", "id": "brief-trend-chart", "figure": figure(fig)})
        ri = result.get("rising_issues") or []
        if ri:
            blocks.append({"type": "table", "id": "brief-issues", "title": tb["rising"], "explain": tb["rising_explain"],
                           "columns": [ui["issue"], ui["candidate"], tb["last7"], tb["prev7"], tb["growth"]],
                           "rows": [[r["label_id"] if lang == "id" else r["label_en"], base.pair_label(el, r["candidate"]),
                                     {"text": _n(r["last7"], lang),
                                      "href": posts_link(issue=r["issue"], candidate=r["candidate"], since=r["since"])},
                                     _n(r["prev7"], lang), _f(r["growth"], lang, pct=True, signed=True)] for r in ri]})
        inc = result.get("incidents") or []
        if inc:
            blocks.append({"type": "table", "id": "brief-alerts", "title": tb["incidents"],
                           "explain": tb["incidents_explain"],
                           "columns": [ui["severity"], ui["type"], ui["candidate"], tb["alerts"], tb["top_posts"],
                                       tb["status"]],
                           "rows": [[ui.get("enum_" + g["severity"], g["severity"]),
                                     {"text": ui.get("enum_" + g["type"], g["type"]), "href": "/radar"},
                                     base.pair_label(el, g["candidate"]) if g.get("candidate") else tb["all_pairs"],
                                     _n(g["count"], lang),
                                     {"text": _n(g["top_posts"], lang), "href": posts_link(alert=g["top_alert"])},
                                     tb.get("st_" + g["status"], g["status"])] for g in inc]})
        infl = result.get("influencers") or []
        if infl:
            blocks.append({"type": "table", "id": "brief-influencers", "title": tb["influencers"],
                           "explain": tb["influencers_explain"],
                           "columns": [ui["author"], ui["platform"], tb["type"], tb["followers"], ui["n_posts"],
                                       tb["engagement"]],
                           # the posts figure opens exactly the account's posts about the pairs
                           "rows": [[r["account"], r["platform"], ui.get("enum_" + str(r.get("type")), r.get("type") or ""),
                                     _n(r["followers"], lang) if r.get("followers") is not None else "–",
                                     {"text": _n(r["posts"], lang), "href": posts_link(
                                         platform=r["platform"], account=r.get("ref") or r["account"], candidate="any")},
                                     _n(r["engagement"], lang)] for r in infl]})
        conv = result.get("conversation") or {}
        since = result.get("since")
        for b in (el.ballots if el is not None else sorted(conv)):
            c = conv.get(b)
            if not c:
                continue
            n = max(len(c["hashtags"]), len(c["terms"]), len(c["sites"]), len(c["media"]))
            rows = []
            for i in range(n):
                row: list = []
                h = c["hashtags"][i] if i < len(c["hashtags"]) else None
                row.append({"text": f"#{h['tag']} ({_n(h['n'], lang)})", "href": posts_link(
                    candidate=b, q="#" + h["tag"], since=since)} if h else "")
                t = c["terms"][i] if i < len(c["terms"]) else None
                row.append({"text": f"{t['term']} ({_n(t['n'], lang)})", "href": posts_link(
                    candidate=b, q=t["term"], since=since)} if t else "")
                s = c["sites"][i] if i < len(c["sites"]) else None
                row.append({"text": f"{s['site']} ({_n(s['n'], lang)})", "href": posts_link(
                    candidate=b, q=s["site"], since=since)} if s else "")
                m = c["media"][i] if i < len(c["media"]) else None
                row.append(f"{tb.get('m_' + m['media']) or label('f', m['media'], lang)} ({_n(m['posts'], lang)} · "
                           f"{_f(m['mean_interactions'], lang)})" if m else "")
                rows.append(row)
            blocks.append({"type": "table", "id": f"brief-conv-{b}",
                           "title": tb["conversation"].format(pair=base.pair_label(el, b), posts=_n(c["posts"], lang)),
                           "explain": tb["conversation_explain"],
                           "columns": [tb["hashtags"], tb["terms"], tb["sites"], tb["media"]], "rows": rows})
        return blocks


def _tz(election) -> str:
    from suara.analyse.section import tzname
    return tzname(election) if election is not None else "UTC"


def _local(v: str | None, election) -> dt.datetime | None:
    if not v:
        return None
    from suara.analyse.explorer import local_offset
    t = pd.Timestamp(v).to_pydatetime()
    return t + local_offset(election) if election is not None else t


def _day(v: str | None, election) -> str:
    t = _local(v, election)
    return t.strftime("%Y-%m-%d") if t else "–"


def _when(v: str | None, election) -> str:
    t = _local(v, election)
    return t.strftime("%Y-%m-%d %H:%M") if t else "–"
