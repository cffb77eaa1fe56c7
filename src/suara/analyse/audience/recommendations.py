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
import numpy as np
import pandas as pd

from suara.analyse.base import memo, objcols, region_names, safe_float
from suara.analyse.section import Section, posts_link, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.audience.labels import group_label, issue_label
from suara.analyse.accounts import flagged_accounts
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


def _lookup(idx: pd.Index, values) -> np.ndarray:
    """Positions of ``values`` in ``idx`` (-1 where absent); a missing value (None or NaN)
    finds a missing one, as pandas' joins match them."""
    pos = idx.get_indexer(values)
    na = pd.isna(np.asarray(values, dtype=object))
    if na.any():
        pos[na] = idx.get_indexer([np.nan])[0]
    return pos


class _Keys:
    """Whole-number keys of the resonance frames, made once per run: the accounts
    (platform, account) of the repliers (``rep_r``), the authors of the replied posts
    (``rep_a``), the authors (``au_a``) and the authors of the (post, issue) rows (``pl_a``),
    one number per account across them; and the issue and format of each (post, issue) row
    as their rank by name (-1: none). An audience's accounts then meet these by number, not
    by joining their text."""

    def __init__(self, rep: pd.DataFrame, au: pd.DataFrame, pl: pd.DataFrame):
        plat = pd.concat([rep.platform, rep.platform, au.pplat, pl.pplat], ignore_index=True)
        acct = pd.concat([rep.account_id, rep.pauthor, au.author, pl.author], ignore_index=True)
        pc, pu = pd.factorize(plat, use_na_sentinel=False)
        ac, acu = pd.factorize(acct, use_na_sentinel=False)
        self.width = len(acu) + 1
        kc, ku = pd.factorize(pc.astype(np.int64) * self.width + ac)
        self.plat, self.acct, self.keys = pd.Index(pu), pd.Index(acu), pd.Index(ku)
        cut = np.cumsum([0, len(rep), len(rep), len(au), len(pl)])
        self.rep_r, self.rep_a, self.au_a, self.pl_a = (kc[lo:hi] for lo, hi in zip(cut[:-1], cut[1:]))
        self.issue, self.issues = pd.factorize(pl.issue, sort=True)
        self.fmt, self.fmts = pd.factorize(pl.fmt, sort=True)
        self.issues, self.fmts = self.issues.tolist(), self.fmts.tolist()

    def accounts(self, platform, account_id) -> np.ndarray:
        """The number of each (platform, account) (-1: not in the frames)."""
        p, a = _lookup(self.plat, platform), _lookup(self.acct, account_id)
        comb = np.where((p >= 0) & (a >= 0), p.astype(np.int64) * self.width + a, -1)
        return self.keys.get_indexer(comb)


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (left, right) positions of every equal pair of keys (an inner join of two arrays of
    whole numbers; a negative key meets nothing)."""
    if len(left) and len(right):
        valid = np.flatnonzero(right >= 0)
        at = np.full(int(max(left.max(), right.max())) + 1, -1, dtype=np.int64)
        at[right[valid]] = valid
        if (at >= 0).sum() == len(valid):
            # every key once on the right (an audience's accounts): a look-up, no search
            li = np.flatnonzero(left >= 0)
            li = li[at[left[li]] >= 0]
            return li, at[left[li]]
    order = np.argsort(right, kind="stable")
    rv = right[order]
    lo, hi = np.searchsorted(rv, left, "left"), np.searchsorted(rv, left, "right")
    cnt = np.where(left >= 0, hi - lo, 0)
    li = np.repeat(np.arange(len(left)), cnt)
    offs = np.arange(len(li)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    return li, order[np.repeat(lo, cnt) + offs]


def _dense(key: np.ndarray) -> bool:
    """Whether the whole numbers ``key`` (none negative) span a range small enough to count
    them in an array as long as the range (np.bincount) instead of sorting them."""
    return bool(len(key)) and int(key.min()) >= 0 and int(key.max()) < max(1 << 20, 4 * len(key))


def _distinct(x: np.ndarray) -> np.ndarray:
    """The distinct values of ``x`` in order: counted over their range where it is small,
    else by sorting (numpy's hashing ``unique`` was several times slower on these whole
    numbers)."""
    if _dense(x):
        return np.flatnonzero(np.bincount(x)).astype(x.dtype, copy=False)
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def _sum_by(key: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys in order, the sum of ``values`` per key); whole numbers stay exact."""
    values = values.astype(np.int64)
    if _dense(key) and int(np.abs(values).sum()) < 1 << 53:
        # summed over the keys' range (float64 holds every partial sum exactly below 2**53):
        # no sort, and none of np.add.at's per-element cost
        u = np.flatnonzero(np.bincount(key)).astype(key.dtype, copy=False)
        return u, np.bincount(key, weights=values)[u].astype(np.int64)
    u, inv = np.unique(key, return_inverse=True)
    s = np.zeros(len(u), dtype=np.int64)
    np.add.at(s, inv, values)
    return u, s


def _distinct_by(key: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys in order, the number of distinct ``items`` per key)."""
    if not len(key):
        return key, key
    span = int(items.max()) + 1
    if items.min() >= 0 and int(key.max()) < np.iinfo(np.int64).max // span:
        # (key, item) pairs as one whole number: one sort of numbers, not of two columns
        pairs = _distinct(key * span + items)
        return np.unique(pairs // span, return_counts=True)
    o = np.lexsort((items, key))
    k, i = key[o], items[o]
    new = np.r_[True, (k[1:] != k[:-1]) | (i[1:] != i[:-1])]
    return np.unique(k[new], return_counts=True)


def _at(u: np.ndarray, vals: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The value of each key of ``at`` among the sorted keys ``u`` and their ``vals`` (-1 where
    absent: no cell has a negative count)."""
    if not len(u):
        return np.full(len(at), -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(u, at), len(u) - 1)
    return np.where(u[pos] == at, vals[pos], -1)


def _cells(names: tuple, key: np.ndarray, resp: np.ndarray, n: np.ndarray, base_resp: np.ndarray,
           base_posts: np.ndarray, min_posts: int, min_resp: int, prior: float, basis: str) -> list[dict]:
    """Lift of (region, group, issue, format) cells over the (region, group) baseline, in the
    order of their names; only cells whose shrunk lift is above 1.

    ``key``: the cells' codes in ascending order (see ``_cell_key``), with their responses
    ``resp``, numbers of posts ``n`` and their (region, group)'s total responses
    ``base_resp`` and number of posts ``base_posts`` in the universe.
    Shrinkage: ``(responses + prior * baseline) / (posts + prior)``, an empirical-Bayes mean
    that pulls a cell with few posts toward the baseline.
    """
    ok = (n >= min_posts) & (resp >= min_resp) & (base_posts > 0) & (base_resp > 0)
    regions, groups, issues, fmts = names
    ni, nf, ng = len(issues), len(fmts), len(groups)
    out = []
    for k, rs, nn, br, bp in zip(key[ok].tolist(), resp[ok].tolist(), n[ok].tolist(),
                                 base_resp[ok].tolist(), base_posts[ok].tolist()):
        f, k = k % nf, k // nf
        i, k = k % ni, k // ni
        g, r = k % ng, k // ng
        base_mean = br / bp
        mean = rs / nn
        shrunk = safe_float(((rs + prior * base_mean) / (nn + prior)) / base_mean, 2)
        if not (shrunk and shrunk > 1.0):
            continue   # only above-baseline cells are kept
        out.append({"region": regions[r], "group": groups[g], "issue": str(issues[i]), "format": str(fmts[f]),
                    "posts": int(nn), "responses": int(rs),
                    "per_post": safe_float(mean, 3), "baseline_per_post": safe_float(base_mean, 3),
                    "lift": safe_float(mean / base_mean, 2), "lift_shrunk": shrunk, "basis": basis})
    return out


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
    rep = rep.mutate(post_key=rep.platform + ":" + rep.parent_id).execute()
    au = objcols(authors.execute())
    pl = plong.execute()
    # the text the audiences' look-ups read element by element as Python objects; the post
    # keys and ids only become whole numbers here (converting them too was a quarter of
    # these frames' time)
    rep["platform"] = rep.platform.astype(object)
    rep["account_id"] = rep.account_id.astype(str).astype(object)
    for c in ("pplat", "fmt", "issue", "author"):
        pl[c] = pl[c].astype(object)
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
    rep, au, pl = memo(ws, "resonance_frames", lambda: _resonance_frames(ws), copy=False)
    if not len(au):
        return []
    keys = memo(ws, ("resonance_keys",), lambda: _Keys(rep, au, pl), copy=False)
    # the audience: its accounts' numbers, regions and groups as ranks by name ("all" pools
    # the regions; an account without a group is in no cell, as pandas' grouping dropped it)
    who = keys.accounts(seg.platform, seg.account_id)
    region, regions = pd.factorize(pd.concat([seg.region.fillna("unknown"), pd.Series(["all"])],
                                             ignore_index=True), sort=True)
    pooled, region = region[-1], region[:-1]
    group, groups = pd.factorize(seg.group, sort=True)
    names = (regions.tolist(), groups.tolist(), keys.issues, keys.fmts)
    ng, ni, nf = len(groups), len(keys.issues), len(keys.fmts)
    rep_in = au_in = pl_in = None
    if filtered:
        # posts by flagged accounts leave the universe; flagged repliers and authors are not
        # in the audience (segments of the filtered view) and drop out below
        fl = flagged_accounts(ws)
        bad = keys.accounts(fl.platform, fl.account_id.astype(str))
        bad = bad[bad >= 0]
        if len(fl):
            rep_in, au_in, pl_in = (~np.isin(k, bad) for k in (keys.rep_a, keys.au_a, keys.pl_a))
    rep_rows = np.flatnonzero(rep_in) if rep_in is not None else np.arange(len(rep))
    pl_rows = np.flatnonzero(pl_in) if pl_in is not None else np.arange(len(pl))
    au_rows = np.flatnonzero(au_in) if au_in is not None else np.arange(len(au))

    def rg(w: np.ndarray, pool: bool) -> np.ndarray:
        # (region, group) of the audience rows ``w`` (-1 without a group), or ("all", group)
        g = group[w]
        return np.where(g >= 0, (pooled if pool else region[w]) * ng + g, -1)

    def cell_key(base: np.ndarray, rows: np.ndarray) -> np.ndarray:
        # (region, group, issue, format) of rows of ``pl`` (-1 where one is missing)
        i, f = keys.issue[rows], keys.fmt[rows]
        return np.where((base >= 0) & (i >= 0) & (f >= 0), (base * ni + i) * nf + f, -1)

    recs: list[dict] = []
    if len(rep_rows):
        ri, wi = _pairs(keys.rep_r[rep_rows], who)
        r = rep_rows[ri]
        pk, ok = rep.pk.to_numpy()[r], rep.ok.to_numpy()[r]
        commented = _distinct(pk)
        cl = pl_rows[np.isin(pl.pk.to_numpy()[pl_rows], commented)]
        cpk = pl.pk.to_numpy()[cl]
        ifk = np.where((keys.issue[cl] >= 0) & (keys.fmt[cl] >= 0), keys.issue[cl] * nf + keys.fmt[cl], -1)
        m = ifk >= 0
        if_u, if_n = _distinct_by(ifk[m], cpk[m])
        bases = np.r_[rg(wi, False), rg(wi, True)]
        m = bases >= 0
        b_u, b_resp = _sum_by(bases[m], np.r_[ok, ok][m])
        li, ci = _pairs(pk, cpk)
        ck = np.r_[cell_key(rg(wi[li], False), cl[ci]), cell_key(rg(wi[li], True), cl[ci])]
        m = ck >= 0
        key, resp = _sum_by(ck[m], np.r_[ok[li], ok[li]][m])
        n = _at(if_u, if_n, key % (ni * nf))
        br = _at(b_u, b_resp, key // (ni * nf))
        bp = np.full(len(key), len(commented), dtype=np.int64)
        recs += _cells(names, key, resp, n, br, bp, min_posts, min_responses, prior, "replies")
    ai, wi = _pairs(keys.au_a[au_rows], who)
    if len(ai):
        a = au_rows[ai]
        # an author's posts are distinct posts, so summing per-author counts counts each once
        bases = np.r_[rg(wi, False), rg(wi, True)]
        m = bases >= 0
        inter, posts = au.inter.to_numpy()[a], au.posts.to_numpy()[a]
        b_u, b_resp = _sum_by(bases[m], np.r_[inter, inter][m])
        _, b_posts = _sum_by(bases[m], np.r_[posts, posts][m])
        pi, wi = _pairs(keys.pl_a[pl_rows], who)
        rows = pl_rows[pi]
        ck = np.r_[cell_key(rg(wi, False), rows), cell_key(rg(wi, True), rows)]
        m = ck >= 0
        both = np.r_[rows, rows][m]
        key, resp = _sum_by(ck[m], pl.inter.to_numpy()[both])
        _, n = _distinct_by(ck[m], pl.pk.to_numpy()[both])
        br, bp = _at(b_u, b_resp, key // (ni * nf)), _at(b_u, b_posts, key // (ni * nf))
        recs += _cells(names, key, resp, n, br, bp, min_posts, min_responses, prior, "authors")
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
