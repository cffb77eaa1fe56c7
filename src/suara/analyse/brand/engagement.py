"""Reach and engagement: engagement rate by platform and format (interactions / estimated
reach), mean interactions by hour of day and day of week in the election's time zone, the
best posting times, and the top posts per pair with why they worked.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> engagement_section(ws)["all"]["best_times"]
[]
"""
from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.accounts import account_profiles
from suara.analyse.base import (ORGANIC_REACH, VIEWS, candidate_mentions, current_version, flagged, local_time,
                                memo, objcols, pair_label, reach_expr, safe_float, tz_offset_minutes)
from suara.analyse.privacy import Pseudonymiser, is_public
from suara.analyse.section import Section, figure, posts_link, register, tzname
from suara.analyse.wording import label, why_post
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["engagement_section", "Engagement"]


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
        reach=reach_expr(j.views, j.followers),
        hour=lt.hour(), dow=lt.day_of_week.index(), fmt=ibis.coalesce(j.media_type, "text"))


_DOW = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _cells(ws) -> pd.DataFrame:
    """Top-level posts per (author flagged, platform, format, local day of week, local hour):
    posts, interactions and estimated reach (views where counted, else
    :data:`~suara.analyse.base.ORGANIC_REACH` of the followers: both sums are integers, so
    the reach adds up exactly). One query for both views, shared by the run."""
    def build() -> pd.DataFrame:
        p = _top_posts(ws)
        fl = flagged(ws).distinct().mutate(_fl=ibis.literal(1))
        j = p.left_join(fl, ["platform", "account_id"])
        j = j.drop(*[c for c in j.columns if c.endswith("_right")])
        seen = ibis.coalesce(j.views, 0) > 0
        j = j.mutate(flagged=j._fl.notnull(), rv=seen.ifelse(j.views, 0),
                     rf=seen.ifelse(0, ibis.coalesce(j.followers, 0)))
        # ordered: the engine hands groups back in any order (two runs over the same store
        # listed the platforms and formats in different orders)
        keys = ["flagged", "platform", "fmt", "dow", "hour"]
        df = j.group_by(keys).aggregate(
            posts=j.count(), inter=j.inter.sum(), rv=j.rv.sum(), rf=j.rf.sum()).order_by(keys).execute()
        df["reach"] = df.rv.astype("float64") + df.rf.astype("float64") * ORGANIC_REACH
        return objcols(df)
    return memo(ws, ("engagement_cells",), build, copy=False)


def _engagement_view(ws, filtered: bool, min_posts: int) -> dict[str, Any]:
    cells = _cells(ws)
    if filtered:
        cells = cells[~cells.flagged.astype(bool)]
    # plain sums, not named aggregations: the same figures at a third of pandas' overhead
    # listed by platform and format name (whole-number sums: the order changes no figure)
    by_fmt = cells.groupby(["platform", "fmt"], sort=True)[["posts", "inter", "rv", "rf"]].sum().reset_index()
    by_fmt = by_fmt.rename(columns={"inter": "interactions"})
    by_fmt["reach"] = by_fmt.rv.astype("float64") + by_fmt.rf.astype("float64") * ORGANIC_REACH
    by_fmt["mean_interactions"] = by_fmt.interactions / by_fmt.posts
    fmt = {}
    for r in by_fmt.itertuples(index=False):
        fmt.setdefault(r.platform, {})[r.fmt] = {
            "posts": int(r.posts), "interactions": int(r.interactions),
            "estimated_reach": int(r.reach or 0),
            "engagement_rate": safe_float(r.interactions / r.reach if r.reach else None),
            "mean_interactions": safe_float(r.mean_interactions, 2)}
    by_f = by_fmt.groupby("fmt", sort=True)[["posts", "interactions", "rv", "rf"]].sum().reset_index()
    by_f["reach"] = by_f.rv.astype("float64") + by_f.rf.astype("float64") * ORGANIC_REACH
    formats = {r.fmt: {"posts": int(r.posts),
                       "engagement_rate": safe_float(r.interactions / r.reach if r.reach else None),
                       "mean_interactions": safe_float(r.interactions / r.posts, 2)}
               for r in by_f.itertuples(index=False)}
    hd = cells.groupby(["dow", "hour"])[["posts", "inter"]].sum().reset_index()
    hours = hd.groupby("hour")[["posts", "inter"]].sum()
    dows = hd.groupby("dow")[["posts", "inter"]].sum()
    by_hour = {str(int(h)): {"posts": int(r.posts), "mean_interactions": safe_float(r.inter / r.posts, 2)}
               for h, r in hours.iterrows()}
    by_dow = {_DOW[int(d)]: {"posts": int(r.posts), "mean_interactions": safe_float(r.inter / r.posts, 2)}
              for d, r in dows.iterrows()}
    hd = hd[hd.posts >= min_posts].copy()
    hd["mean"] = hd.inter / hd.posts
    best = hd.sort_values(["mean", "posts", "dow", "hour"], ascending=[False, False, True, True]).head(5)
    best_times = [{"day": _DOW[int(r.dow)], "hour": int(r.hour), "posts": int(r.posts),
                   "mean_interactions": safe_float(r.mean, 2)} for r in best.itertuples(index=False)]
    return {"by_platform_format": fmt, "by_format": formats, "by_hour": by_hour,
            "by_day_of_week": by_dow, "best_times": best_times}


def _top_rows(ws, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` most engaging top-level mentions per pair, for both views in one query: the
    rows ranked among all mentions (``rk_all``) or among those of unflagged authors
    (``rk_filtered``), with the post's issues, text and link; and each pair's median
    engagement per view (``candidate``, ``view``, ``med``)."""
    t = candidate_mentions(ws, False)
    t = t.filter(t.kind.isnull() | (t.kind == "post") | (t.kind == "share")).select(
        "candidate", "platform", "post_id", "account_id", "eng", "sentiment", "media_type", "views", "created_at")
    fl = flagged(ws).distinct().mutate(unflagged=ibis.literal(False))
    t = t.left_join(fl, ["platform", "account_id"])
    t = t.select(*[c for c in t.columns if not c.endswith("_right") and c != "unflagged"],
                 unflagged=t.unflagged.isnull())
    order = [ibis.desc(t.eng), t.platform, t.post_id]
    rk_all = ibis.row_number().over(ibis.window(group_by=t.candidate, order_by=order))
    # unflagged rows ranked among themselves (flagged ones sort into their own partition)
    rk_f = ibis.row_number().over(ibis.window(group_by=[t.candidate, t.unflagged], order_by=order))
    r = t.mutate(rk_all=rk_all, rk_filtered=rk_f)
    r = r.filter((r.rk_all < n) | (r.unflagged & (r.rk_filtered < n)))
    e = ws.store.table("enrichments")
    e = e.filter(e.version == (current_version(ws) or "")).select(
        ep=e.platform, epost=e.post_id, issues=e.issues)
    r = r.left_join(e, [r.platform == e.ep, r.post_id == e.epost])
    p = ws.store.table("posts").select(pp=ibis._.platform, ppost=ibis._.post_id,
                                       text=ibis._.text, url=ibis._.url)
    r = r.left_join(p, [r.platform == p.pp, r.post_id == p.ppost])
    rows = r.select("candidate", "platform", "post_id", "account_id", "eng", "sentiment", "media_type",
                    "issues", "text", "url", "views", "created_at", "unflagged", "rk_all", "rk_filtered").execute()
    u = t.filter(t.unflagged)   # (a median with a filter does not compile on Spark)
    meds = t.group_by("candidate").aggregate(med=t.eng.median(), view=ibis.literal("all")).union(
        u.group_by("candidate").aggregate(med=u.eng.median(), view=ibis.literal("filtered"))).execute()
    return rows, meds


def _top_posts_per_candidate(ws, filtered: bool, n: int, profiles: pd.DataFrame) -> dict[str, list]:
    rows, meds = memo(ws, ("engagement_top_rows", n), lambda: _top_rows(ws, n), copy=False)
    df = rows[rows.unflagged.astype(bool) & (rows.rk_filtered < n)] if filtered else rows[rows.rk_all < n]
    meds = meds[meds.view == ("filtered" if filtered else "all")]
    med = dict(zip(meds.candidate.astype(str), meds.med))
    # the type and shown name of the few authors shown, not an index over every account
    ids = set(df.account_id.astype(str).tolist())
    sub = profiles[profiles.account_id.isin(ids)] if len(profiles) else profiles
    prof = {(p, a): (t, d) for p, a, t, d in zip(sub.platform.tolist(), sub.account_id.tolist(),
                                                  sub.type.tolist(), sub.display.tolist())}
    out: dict[str, list] = {b: [] for b in ws.election.ballots}
    # ties in engagement in a fixed order (platform, post id), whatever order the engine returned
    for row in df.sort_values(["eng", "platform", "post_id"], ascending=[False, True, True]).itertuples(index=False):
        key = (row.platform, str(row.account_id))
        typ, disp = prof.get(key, ("citizen", None))
        public = is_public(typ)
        issues = [str(i) for i in (row.issues if row.issues is not None else [])]
        m = med.get(str(row.candidate))
        m = None if m is None or pd.isna(m) else float(m)
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
    for v in VIEWS:
        d = _engagement_view(ws, v == "filtered", min_posts)
        d["top_posts"] = _top_posts_per_candidate(ws, v == "filtered", top_n, profiles)
        out[v] = d
    out["timezone"] = ws.election.timezone
    out["utc_offset_minutes"] = tz_offset_minutes(ws.election)
    return out


@register
class Engagement(Section):
    """Reach and engagement by format, hour and day; best times; top posts."""

    id = "engagement"
    title = "brand.eng"
    explain = "brand.eng_explain"
    requires = ("posts", "accounts", "mentions", "enrichments", "account_scores")
    options = {"min_posts": 5, "top_n": 5}
    pages = ("kandidat",)

    def compute(self, ws, min_posts: int = 5, top_n: int = 5) -> dict[str, Any]:
        return engagement_section(ws, min_posts=min_posts, top_n=top_n)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t = texts("brand", lang)
        a = result["all"]
        fm = a.get("by_format", {})
        fig = go.Figure(go.Bar(x=[label("f", k, lang) for k in fm], y=[v.get("engagement_rate") or 0 for v in fm.values()],
                               marker_color="#123b5d"))
        fig.update_layout(title=t["rate"], yaxis_tickformat=".1%")
        hrs = a.get("by_hour", {})
        hx = sorted(hrs, key=int)
        hf = go.Figure(go.Bar(x=[int(h) for h in hx], y=[hrs[h]["mean_interactions"] for h in hx],
                              marker_color="#4fa3e0"))
        hf.update_layout(title=f"{t['mean_inter']} / {t['hour']} ({tzname(election)})")
        rows = []
        for b, posts in a.get("top_posts", {}).items():
            for p in posts[:3]:
                rows.append([pair_label(election, b), p["author"], p["platform"], label("f", p["format"], lang),
                             formats.integer(p['interactions']), why_post(_issue_names(p, election, lang), lang)])
        rep = ("report",)
        return [{"type": "chart", "figure": figure(fig), "faces": rep},
                {"type": "chart", "figure": figure(hf), "faces": rep},
                {"type": "table", "title": t["best"], "faces": rep, "columns": [t["best"], t["hour"], texts("ui", lang)["n_posts"], t["mean_inter"]],
                 "rows": [[label("d", b["day"], lang), f"{b['hour']:02d}:00", formats.integer(b["posts"]),
                           formats.number(b["mean_interactions"])]
                          for b in a.get("best_times", [])]},
                {"type": "table", "title": t["top_posts"], "faces": rep,
                 "columns": [t["pair"], t["author"], "platform", t["format"], t["inter"], t["why"]], "rows": rows},
                *_web(a, texts("ui", lang), election)]


def _issue_names(p: dict, election, lang: str) -> dict:
    """A top post with its issues' labels instead of their ids."""
    names = {i.id: (i.label_id if lang == "id" else i.label_en) for i in getattr(election, "issues", [])}
    return {**p, "issues": [names.get(i, i) for i in p.get("issues") or []]}


_num = formats.number


def _web(eng: dict, t: dict, e) -> list[dict]:
    """The candidates page: formats, hours and top posts."""
    web = {"faces": ("web",)}
    blocks: list[dict] = []
    fmt = eng.get("by_format") or {}
    if fmt:
        rows = sorted(fmt.items(), key=lambda kv: -(kv[1].get("mean_interactions") or 0))
        fig = go.Figure(go.Bar(x=[label("f", k) for k, _ in rows], y=[v.get("mean_interactions") for _, v in rows],
                               text=[formats.integer(v.get('posts', 0)) for _, v in rows]))
        fig.update_layout(title=t["formats_title"], height=320)
        blocks += [{"type": "chart", "id": "formats", "title": t["formats_title"], "explain": t["formats_explain"],
                    "figure": figure(fig), **web},
                   {"type": "table", **web, "csv": "/api/v1/analysis/engagement.csv?part=all&sub=by_format",
                    "columns": [t["format"], t["n_posts"], t["mean_interactions"], t["engagement_rate"]],
                    "rows": [[label("f", k), _num(v.get("posts")), _num(v.get("mean_interactions")),
                              formats.percent(v['engagement_rate']) if isinstance(v.get("engagement_rate"), (int, float)) else ""]
                             for k, v in rows]}]
    hours = eng.get("by_hour") or {}
    if hours:
        tz = tzname(e)
        hs = sorted(hours, key=lambda h: int(h))
        fig = go.Figure(go.Bar(x=[int(h) for h in hs], y=[hours[h].get("mean_interactions") for h in hs],
                               text=[formats.integer(hours[h].get('posts', 0)) for h in hs]))
        fig.update_layout(title=t["hours_title"].format(tz=tz), height=320,
                          xaxis=dict(title=t["hour_local"].format(tz=tz), dtick=1))
        blocks += [{"type": "chart", "id": "hours", "title": t["hours_title"].format(tz=tz),
                    "explain": t["hours_explain"], "figure": figure(fig), **web},
                   {"type": "table", **web,
                    "columns": [t["day"], t["hour_local"].format(tz=tz), t["n_posts"], t["mean_interactions"]],
                    "rows": [[label("d", b.get("day")), b.get("hour"), _num(b.get("posts")), _num(b.get("mean_interactions"))]
                             for b in eng.get("best_times") or []]}]
    rows = []
    for ballot, posts in (eng.get("top_posts") or {}).items():
        for p in posts or []:
            rows.append([pair_label(e, ballot), formats.local_datetime(p.get("created_at"), e.timezone),
                         p.get("author") or "", label("f", p.get("format") or "text"),
                         {"text": _num(p.get("interactions")),
                          "href": posts_link(platform=p.get("platform"), post=p.get("post_id"))},
                         why_post(_issue_names(p, e, formats.current()), formats.current())])
    if rows:
        blocks.append({"type": "table", "id": "top-posts", "title": t["top_posts"], "explain": t["top_posts_explain"],
                       "columns": [t["candidate"], t["time"], t["author"], t["format"], t["engagement"], t["why"]],
                       "rows": rows, **web})
    return blocks
