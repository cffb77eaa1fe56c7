"""Message resonance and recommendations: per region and audience, which issues and formats
get above-baseline non-negative replies, as ranked, explainable sentences (id and en).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> recommendations_section(ws)["recommendations"]
[]
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import ibis
import pandas as pd

from suara.analyse.base import flagged, memo, objcols, region_names, safe_float
from suara.analyse.section import Section, posts_link, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.audience.labels import group_label, issue_label
from suara.analyse.audience.segments import account_segments
from suara.store.views import current_enrichments

__all__ = ["message_resonance", "recommendation_text", "recommendations_section", "Recommendations"]


def recommendation_text(rec: dict, election, lang: str = "en") -> str:
    """One explainable sentence for a resonance cell.

    Example
    -------
    >>> from suara.config import load_election
    >>> r = {"region": "6403", "group": "persuadable", "issue": "jalan_infrastruktur",
    ...      "format": "video", "lift": 2.3, "posts": 12, "responses": 40, "basis": "replies"}
    >>> recommendation_text(r, load_election("kaltim-2024"))[:60]
    'In Kutai Kartanegara, posts on Roads & infrastructure in vid'
    """
    names = region_names(election)
    where = names.get(rec["region"], rec["region"]) if rec["region"] != "all" else None
    issue = issue_label(election, rec["issue"], lang)
    grp = group_label(election, rec["group"], lang)
    lift = rec["lift"]
    if lang == "en":
        what = ("non-negative replies from " + grp) if rec["basis"] == "replies" else \
            ("interactions on posts by " + grp)
        head = f"In {where}, p" if where else "P"
        return (f"{head}osts on {issue} in {rec['format']} format get {lift:.1f}x the usual "
                f"{what} ({rec['posts']} posts, {rec['responses']} {'replies' if rec['basis'] == 'replies' else 'interactions'}).")
    what = ("balasan non-negatif dari " + grp) if rec["basis"] == "replies" else \
        ("interaksi pada unggahan " + grp)
    head = f"Di {where}, u" if where else "U"
    lifts = f"{lift:.1f}".replace(".", ",")
    return (f"{head}nggahan tentang {issue} berformat {label('f', rec['format'], 'id')} mendapat {lifts}x "
            f"{what} dibanding biasanya ({rec['posts']} unggahan, {rec['responses']} "
            f"{'balasan' if rec['basis'] == 'replies' else 'interaksi'}).")


def _cells(resp: pd.DataFrame, posts: pd.DataFrame, base_n: pd.Series, min_posts: int,
           min_resp: int, prior: float, basis: str) -> list[dict]:
    """Lift of (region, group, issue, format) cells over the (region, group) baseline.

    ``resp``: responses per (region, group, issue, fmt) with column ``resp``;
    ``posts``: number of posts per cell (``n``, indexed like ``resp`` or by (issue, fmt));
    ``base_n``: (region, group) -> (total responses, number of posts in the universe).
    Shrinkage: ``(responses + prior * baseline) / (posts + prior)``, an empirical-Bayes mean
    that pulls a cell with few posts toward the baseline.
    """
    if not len(resp):
        return []
    d = resp.join(base_n, on=["region", "group"])
    d = d.join(posts, on=list(posts.index.names))
    d = d[(d.n >= min_posts) & (d.resp >= min_resp) & (d.base_posts > 0) & (d.base_resp > 0)]
    out = []
    for r in d.itertuples(index=False):
        base_mean = r.base_resp / r.base_posts
        mean = r.resp / r.n
        shr = (r.resp + prior * base_mean) / (r.n + prior)
        out.append({"region": r.region, "group": r.group, "issue": str(r.issue), "format": str(r.fmt),
                    "posts": int(r.n), "responses": int(r.resp),
                    "per_post": safe_float(mean, 3), "baseline_per_post": safe_float(base_mean, 3),
                    "lift": safe_float(mean / base_mean, 2),
                    "lift_shrunk": safe_float(shr / base_mean, 2), "basis": basis})
    return out


def _with_pooled(df: pd.DataFrame) -> pd.DataFrame:
    pooled = df.copy()
    pooled["region"] = "all"
    return pd.concat([df, pooled], ignore_index=True)


def _resonance_frames(ws) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(replies per parent post and replier, interactions and posts per author, post x issue)
    for all accounts; both views of :func:`message_resonance` filter these in memory.

    Every top-level post with issues counts in its author's baseline, but only the posts
    that carry an issue are cells: the baseline is summed per author by the engine, so only
    the (post, issue) rows come back as rows (on a 340,000-post store, 12,000 rows instead
    of 340,000 posts turned into pandas)."""
    # the enrichments are cut down before they meet the posts (only those with issues; the
    # issues unnested; only the sentiment of replies): joining every post with its whole
    # enrichment was most of these three queries' time
    p = ws.store.table("posts")
    ce = current_enrichments(ws.store)
    issued = ce.filter(ce.issues.notnull())
    toplevel = p.filter(p.parent_id.isnull() | (p.kind == "post"))
    toplevel = toplevel.mutate(inter=(ibis.coalesce(toplevel.likes, 0) + ibis.coalesce(toplevel.comments, 0)
                                      + ibis.coalesce(toplevel.shares, 0)).cast("int64"))
    top = toplevel.semi_join(issued.select("platform", "post_id"), ["platform", "post_id"])
    # "platform:post_id" keys are concatenated by the engine (a pandas string concatenation
    # over every post cost more than the queries)
    parents = top.select(pplat=top.platform, ppost=top.post_id, pauthor=top.account_id.cast("string"))
    authors = top.select(pplat=top.platform, author=top.account_id.cast("string"), inter=top.inter)
    authors = authors.group_by(["pplat", "author"]).aggregate(
        inter=authors.inter.sum().cast("int64"), posts=authors.count())
    # (post, issue) rows: the unnested issues meet the top-level posts (every post they name has issues)
    iss = issued.select(ip=issued.platform, ipost=issued.post_id, issue=issued.issues.unnest())
    tl = toplevel.inner_join(iss, [toplevel.platform == iss.ip, toplevel.post_id == iss.ipost])
    plong = tl.select(pplat=tl.platform, ppost=tl.post_id, fmt=ibis.coalesce(tl.media_type, "text"),
                      issue=tl.issue, post_key=tl.platform + ":" + tl.post_id,
                      author=tl.account_id.cast("string"), inter=tl.inter)
    r = p.filter(p.parent_id.notnull() & (p.kind != "share"))
    sent = ce.select(sp=ce.platform, spost=ce.post_id, sentiment=ce.sentiment)
    r = r.left_join(sent, [r.platform == sent.sp, r.post_id == sent.spost])
    replies = r.select("platform", "account_id", "parent_id",
                       ok=ibis.coalesce(r.sentiment, "neutral") != "negative")
    j = replies.inner_join(parents, [replies.platform == parents.pplat, replies.parent_id == parents.ppost])
    rep = j.group_by(["platform", "parent_id", "account_id", "pauthor"]).aggregate(ok=j.ok.ifelse(1, 0).sum())
    rep = objcols(rep.mutate(post_key=rep.platform + ":" + rep.parent_id).execute())
    au = objcols(authors.execute())
    pl = objcols(plong.execute())
    rep["account_id"] = rep.account_id.astype(str).astype(object)
    # the post keys as whole numbers shared by both frames (``pk``): the joins and distinct
    # counts below run on them instead of hashing "platform:post_id" text again per view
    codes, _ = pd.factorize(pd.concat([rep.post_key, pl.post_key], ignore_index=True))
    rep["pk"], pl["pk"] = codes[:len(rep)], codes[len(rep):]
    return rep, au, pl


def message_resonance(ws, filtered: bool = True, min_posts: int = 5, min_responses: int = 5,
                      prior: float = 5.0, seg: pd.DataFrame | None = None) -> list[dict]:
    """Resonance cells: for each (region, audience group), which (issue, format) of posts
    gets above-baseline responses.

    Two bases: ``replies`` — non-negative replies/comments written by accounts of the group
    in the region, per commented post with that issue and format, against the same per any
    commented post; ``authors`` — interactions (likes + comments + shares) of posts written
    by the group in the region with that issue and format against all their posts. Cells
    need ``min_posts`` posts and ``min_responses`` responses; lifts are also given shrunk
    toward 1 (``lift_shrunk``) and cells are ranked by it. Region ``"all"`` pools regions.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> message_resonance(ws)
    []
    """
    seg = account_segments(ws, filtered) if seg is None else seg
    if not len(seg):
        return []
    who = seg[["platform", "account_id", "region", "group"]].copy()
    who["region"] = who.region.fillna("unknown")
    rep, au, pl = memo(ws, "resonance_frames", lambda: _resonance_frames(ws), copy=False)
    if not len(au):
        return []
    if filtered:
        # posts by flagged accounts leave the universe; flagged repliers and authors are not
        # in `who` (segments of the filtered view) and drop out in the merges below
        fl = objcols(flagged(ws).execute())
        bad = set(zip(fl.platform.tolist(), fl.account_id.astype(str).tolist()))
        if bad:
            au = au[[k not in bad for k in zip(au.pplat.tolist(), au.author.tolist())]]
            pl = pl[[k not in bad for k in zip(pl.pplat.tolist(), pl.author.tolist())]]
            rep = rep[[k not in bad for k in zip(rep.platform.tolist(), rep.pauthor.tolist())]]
    recs: list[dict] = []
    if len(rep):
        rep = rep.merge(who, on=["platform", "account_id"], how="inner")
        commented = pd.Index(rep.pk.unique())
        cl = pl[pl.pk.isin(commented)]
        cell_posts = cl.groupby(["issue", "fmt"]).pk.nunique().rename("n").to_frame()
        r2 = _with_pooled(rep[["pk", "region", "group", "ok"]])
        base_n = r2.groupby(["region", "group"]).ok.sum().rename("base_resp").to_frame()
        base_n["base_posts"] = len(commented)
        cells = r2.merge(cl[["pk", "issue", "fmt"]], on="pk")
        cells = cells.groupby(["region", "group", "issue", "fmt"], as_index=False).ok.sum().rename(
            columns={"ok": "resp"})
        recs += _cells(cells, cell_posts, base_n, min_posts, min_responses, prior, "replies")
    au = au.merge(who, left_on=["pplat", "author"], right_on=["platform", "account_id"], how="inner")
    if len(au):
        # an author's posts are distinct posts, so summing per-author counts counts each once
        au = _with_pooled(au[["region", "group", "inter", "posts"]])
        base_n = au.groupby(["region", "group"]).agg(base_resp=("inter", "sum"), base_posts=("posts", "sum"))
        cells = pl.merge(who, left_on=["pplat", "author"], right_on=["platform", "account_id"], how="inner")
        cells = _with_pooled(cells[["pk", "region", "group", "inter", "issue", "fmt"]])
        g = cells.groupby(["region", "group", "issue", "fmt"])
        cells = g.agg(resp=("inter", "sum"), n=("pk", "nunique")).reset_index()
        posts = cells.set_index(["region", "group", "issue", "fmt"])[["n"]]
        recs += _cells(cells.drop(columns="n"), posts, base_n, min_posts, min_responses, prior, "authors")
    recs = [r for r in recs if r["lift_shrunk"] and r["lift_shrunk"] > 1.0]
    recs.sort(key=lambda r: (-r["lift_shrunk"], -r["responses"]))
    return recs


def recommendations_section(ws, top: int = 20, per_segment: int = 3) -> dict[str, Any]:
    """The ``recommendations`` section: the best-ranked resonance cells (see
    :func:`message_resonance`) as explainable sentences in Indonesian and English, with
    persuadable audiences first, at most ``per_segment`` per (region, audience), accounts of
    unknown region only in the province-wide cells. Computed on the filtered view
    (coordinated accounts removed, so buzzers cannot fake resonance); the same for all
    accounts is under ``all``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> recommendations_section(ws)["recommendations"]
    []
    """
    el = ws.election
    out: dict[str, Any] = {}
    for v in ("filtered", "all"):
        cells = message_resonance(ws, filtered=v == "filtered")
        # a region nobody could be placed in is not a target; the pooled "all" covers them
        usable = [c for c in cells if c["region"] != "unknown"]
        picked, per_seg = [], defaultdict(int)
        for c in usable:   # already best first; at most `per_segment` per (region, group)
            k = (c["region"], c["group"])
            if per_seg[k] < per_segment:
                per_seg[k] += 1
                picked.append(c)
        pers = [c for c in picked if c["group"] == "persuadable"]
        rest = [c for c in picked if c["group"] != "persuadable"]
        ranked = (pers[: top // 2] + rest)[:top] if pers else rest[:top]
        ranked.sort(key=lambda r: (r["group"] != "persuadable", -r["lift_shrunk"]))
        for i, c in enumerate(ranked, 1):
            c["rank"] = i
            c["text_en"] = recommendation_text(c, el, "en")
            c["text_id"] = recommendation_text(c, el, "id")
        out[v] = {"recommendations": ranked, "cells": len(cells)}
    out["recommendations"] = out["filtered"]["recommendations"]
    return out



_num = formats.number
_p = formats.percent_cell
_signed = formats.signed


@register
class Recommendations(Section):
    """Ranked, explainable message recommendations per segment."""

    id = "recommendations"
    title = "audience.rec"
    explain = "audience.rec_explain"
    requires = ("posts", "accounts", "account_regions", "mentions", "enrichments", "account_scores")
    options = {"top": 20, "per_segment": 3}
    pages = ("isu",)

    def compute(self, ws, top: int = 20, per_segment: int = 3) -> dict[str, Any]:
        return recommendations_section(ws, top=top, per_segment=per_segment)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("audience", lang), texts("ui", lang)
        items = result.get("recommendations", [])
        key = "text_en" if lang == "en" else "text_id"
        rep = ("report",)
        blocks: list[dict] = [
            {"type": "text", "style": "olist", "faces": rep,
             "items": [f"{r[key]} (" + ui["lift_note"].format(x=formats.decimal(r.get("lift"), lang),
                                                                y=formats.decimal(r.get("lift_shrunk"), lang)) + ")"
                       for r in items[:12]]}
            if items else {"type": "text", "text": t["none"], "faces": rep}]
        recs = ((result.get("filtered") or {}).get("recommendations")) or []
        if recs:
            labels = {i.id: (i.label_id if lang == "id" else i.label_en) for i in election.issues}
            blocks.append({"type": "table", "id": "recommendations", "title": ui["recommendations"],
                           "explain": ui["recommendations_explain"], "faces": ("web",),
                           "csv": "/api/v1/analysis/recommendations.csv?part=filtered&sub=recommendations",
                           "columns": [ui["issue"], ui["segment"], ui["format"], ui["lift_col"], ui["text"]],
                           "rows": [[{"text": labels.get(r.get("issue"), r.get("issue")),
                                      "href": posts_link(issue=r.get("issue"))},
                                     group_label(election, r.get("group"), lang), label("f", r.get("format"), lang), _num(r.get("lift_shrunk")),
                                     r.get(key)]
                                    for r in recs[:20]]})
        return blocks
