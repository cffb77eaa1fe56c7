"""Regions and regional gaps: per region (BPS code) its DPT weight, located accounts,
mentions and share of voice per pair, and the voice index (is a pair under-heard where its
voters are?). Account regions come from the ``regions`` enrich step.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> regions_section(ws)["inference"]["accounts"]
0
"""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

import numpy as np
import pandas as pd

from suara.analyse.audience.region_map import map_block
from suara.analyse.base import account_codes, account_daily, pair_label, pct, region_names, safe_float
from suara.analyse.section import Section, colours, figure, posts_link, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["regions_section", "Regions"]


def regions_section(ws) -> dict[str, Any]:
    """The ``regions`` section: region inference summary, and per region (BPS code) its DPT
    weight, located accounts, mentions and share of voice per pair, and the regional gap.

    ``voice_index`` of a pair in a region = (share of the pair's located mentions that come
    from the region) / (the region's share of the DPT): below 1 the pair is under-heard there
    relative to its voters. ``conversation_index`` is the same for all mentions together (how
    loud the region is online). ``gaps`` lists, per pair, regions from most under-heard.
    Twice: all and filtered.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> regions_section(ws)["inference"]["accounts"]
    0
    """
    el = ws.election
    s = ws.store
    ar = s.table("account_regions")
    inf = ar.group_by("method").aggregate(n=ar.count(), conf=ar.confidence.mean()).execute()
    n_acc = int(s.table("accounts").count().execute())
    located = int(inf.n.sum()) if len(inf) else 0
    inference = {"accounts": n_acc, "located": located,
                 "coverage": safe_float(located / n_acc if n_acc else 0.0),
                 "by_method": {r.method: {"accounts": int(r.n), "mean_confidence": safe_float(r.conf, 3)}
                               for r in inf.itertuples(index=False)}}
    total_dpt = el.total_dpt or 0
    names = region_names(el)
    ballots = list(el.ballots)
    out: dict[str, Any] = {"inference": inference, "names": names}
    frame = account_daily(ws)   # the run's shared per-account daily mentions
    # regions, pairs and accounts as whole numbers (the account's is shared by the run), summed
    # by bincount: the same figures as group-bys over the text, several times faster
    acct = account_codes(ws)
    reg, reg_values = pd.factorize(frame.region.to_numpy(dtype=object))   # -1: no region
    cand, cand_values = pd.factorize(frame.candidate.to_numpy(dtype=object), use_na_sentinel=False)
    n_reg, n_cand = len(reg_values) + 1, max(len(cand_values), 1)
    cell = (reg + 1) * n_cand + cand            # (region, pair); region 0: none
    region_of = np.r_[None, np.asarray(reg_values, dtype=object)]
    cols = {c: pd.to_numeric(frame[c]).fillna(0).to_numpy(dtype="float64")
            for c in ("mentions", "positive", "negative", "posts")}
    flagged = frame.flagged.to_numpy(dtype=bool)
    span = int(acct.max(initial=0)) + 1

    def sums(m, key, col, size):   # the rows ``m``'s ``col`` summed per ``key``
        return np.bincount(key, weights=cols[col][m], minlength=size).astype("int64")

    def distinct_accounts(m, key, size):   # the rows ``m``'s distinct accounts per ``key``
        a = acct[m]
        return np.bincount(np.unique(key[a >= 0] * span + a[a >= 0]) // span, minlength=size)

    code_of = {region_of[k]: k for k in range(1, n_reg)}   # a region's number by its code
    cand_index = {str(b): k for k, b in enumerate(cand_values)}
    located = np.zeros(n_reg, dtype=bool)   # the election's regions (not "none", not unknown codes)
    located[[k for name, k in code_of.items() if name in names]] = True
    cell_located = np.repeat(located, n_cand)
    for v in ("all", "filtered"):
        m = ~flagged if v == "filtered" else np.ones(len(frame), dtype=bool)
        c_m, r_m = cell[m], reg[m] + 1
        n, pos, neg = (sums(m, c_m, c, n_reg * n_cand) for c in ("mentions", "positive", "negative"))
        # distinct accounts and posts per region (a post naming both pairs is two mentions, one post)
        acc_r, posts_r = distinct_accounts(m, r_m, n_reg), sums(m, r_m, "posts", n_reg)
        acc_by = {name: int(acc_r[k]) for name, k in code_of.items()}
        posts_by = {name: int(posts_r[k]) for name, k in code_of.items()}
        cand_tot = {cand_values[k]: int(n.reshape(n_reg, n_cand)[located, k].sum()) for k in range(len(cand_values))}
        all_tot = float(n[cell_located].sum())
        regions = {}
        for r in el.regions:
            k = code_of.get(r.code)
            rt = float(n[k * n_cand:(k + 1) * n_cand].sum()) if k is not None else 0.0
            w = (r.dpt or 0) / total_dpt if total_dpt else None
            row = {"name": r.name, "dpt": r.dpt, "dpt_weight": safe_float(w),
                   "accounts": acc_by.get(r.code, 0), "mentions": int(rt),
                   "posts": posts_by.get(r.code, 0),
                   "conversation_index": safe_float((rt / all_tot) / w if all_tot and w else None, 3),
                   "pairs": {}}
            for b in ballots:
                j = cand_index.get(b)
                at = k * n_cand + j if k is not None and j is not None else None
                nb, pb, ng = (int(n[at]), int(pos[at]), int(neg[at])) if at is not None else (0, 0, 0)
                ct = cand_tot.get(b, 0)
                row["pairs"][b] = {
                    "mentions": nb, "share": safe_float(nb / rt if rt else 0.0),
                    "net_sentiment": safe_float((pb - ng) / nb if nb else None),
                    "voice_index": safe_float((nb / ct) / w if ct and w else None, 3),
                    "official_result_share": safe_float(
                        r.result.get(b, 0) / sum(r.result.values()) if r.result else None)}
            regions[r.code] = row
        unknown = int(n[~cell_located].sum())
        gaps = {}
        for b in ballots:
            lst = [(c, d["pairs"][b]["voice_index"]) for c, d in regions.items()
                   if d["pairs"][b]["voice_index"] is not None]
            lst.sort(key=lambda x: x[1])
            gaps[b] = [{"region": c, "name": names[c], "voice_index": vi,
                        "dpt_weight": regions[c]["dpt_weight"]} for c, vi in lst]
        out[v] = {"regions": regions, "unlocated_mentions": unknown, "gaps": gaps}
    return out



_num = formats.number
_p = formats.percent_cell
_signed = formats.signed


@register
class Regions(Section):
    """Share of voice and voice index per region, and how many accounts have a region."""

    id = "regions"
    title = "audience.reg"
    explain = "audience.reg_explain"
    requires = ("posts", "accounts", "account_regions", "mentions", "enrichments", "account_scores")
    pages = ("wilayah",)

    def compute(self, ws, **options) -> dict[str, Any]:
        return regions_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("audience", lang), texts("ui", lang)
        e = election
        col = colours(e)
        f = result["filtered"]["regions"]
        codes = list(f)
        fig = go.Figure()
        for b in e.ballots:
            fig.add_bar(x=[f[c]["name"] for c in codes], y=[f[c]["pairs"][b]["voice_index"] for c in codes],
                        name=pair_label(e, b), marker_color=col.get(b))
        fig.add_hline(y=1, line_dash="dot")
        fig.update_layout(barmode="group", title=t["index"])
        inf = result["inference"]
        rep = ("report",)
        blocks = [
            {"type": "text", "faces": rep,
             "text": f"{t['coverage']}: {formats.integer(inf['located'])} / {formats.integer(inf['accounts'])} ({pct(inf['coverage'])})"},
            {"type": "chart", "faces": rep, "figure": figure(fig)},
            {"type": "table", "faces": rep,
             "columns": [t["region"], t["dpt"], ui["mentions"], *[pair_label(e, b) for b in e.ballots],
                         *[f"{t['index']} {b}" for b in e.ballots]],
             "rows": [[f[c]["name"], pct(f[c]["dpt_weight"]), formats.integer(f[c]['mentions']),
                       *[pct(f[c]["pairs"][b]["share"]) for b in e.ballots],
                       *[formats.decimal(f[c]["pairs"][b]["voice_index"], lang) for b in e.ballots]] for c in codes]}]
        return blocks + [map_block(result, e, lang)] + _web(result, ui, e)


def _web(result: dict, t: dict, e) -> list[dict]:
    """The regions page: table per region, DPT gaps per pair (the map is :func:`map_block`)."""
    web = {"faces": ("web",)}
    regs = (result.get("all") or {}).get("regions") or {}
    regs_f = (result.get("filtered") or {}).get("regions") or {}
    blocks: list[dict] = []
    if regs:
        rows = []
        for code, r in sorted(regs.items(), key=lambda kv: -(kv[1].get("mentions") or 0)):
            row = [{"text": r.get("name") or code, "href": posts_link(region=code)}, _num(r.get("dpt")),
                   _p(r.get("dpt_weight")), _num(r.get("mentions")),
                   {"text": _num(r.get("posts")), "href": posts_link(region=code, candidate="any")},
                   _num(r.get("accounts"))]
            for c in e.candidates:
                pr = (r.get("pairs") or {}).get(c.ballot) or {}
                row += [{"text": _p(pr.get("share")), "href": posts_link(region=code, candidate=c.ballot)},
                        _p((((regs_f.get(code) or {}).get("pairs") or {}).get(c.ballot) or {}).get("share")),
                        _signed(pr.get("net_sentiment")), _num(pr.get("voice_index"))]
            rows.append(row)
        cols = [t["region"], "DPT", t["dpt_weight"], t["mentions"], t["n_posts"], t["accounts"]]
        for c in e.candidates:
            cols += [f"{c.ballot} {t['share']}", f"{c.ballot} {t['share']} · {t['filtered_short']}",
                     f"{c.ballot} {t['net_sentiment']}", f"{c.ballot} {t['voice_index']}"]
        blocks.append({"type": "table", "id": "region-table", "title": t["regions"],
                       "explain": t["regions_table_explain"], "columns": cols, "rows": rows,
                       "csv": "/api/v1/analysis/regions.csv?part=all&sub=regions", **web})
    for ballot, items in ((result.get("all") or {}).get("gaps") or {}).items():
        if items:
            blocks.append({"type": "table", "id": f"gaps-{ballot}", "title": f"{t['dpt_gaps']} · {pair_label(e, ballot)}",
                           "explain": t["gaps_explain"], "columns": [t["region"], t["voice_index"], t["dpt_weight"]],
                           "rows": [[{"text": g.get("name"), "href": posts_link(region=g.get("region"), candidate=ballot)},
                                     _num(g.get("voice_index")), _p(g.get("dpt_weight"))] for g in items], **web})
    return blocks
