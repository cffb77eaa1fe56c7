"""Audience segments: accounts grouped by region x stance toward each pair x interests x
activity x platform; segment sizes, weekly trends, and the persuadables.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> segments_section(ws)["all"]["accounts"]
0
"""
from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.accounts import ACTIVITY_LEVELS, account_profiles, account_stances, drop_flagged
from suara.analyse.base import (candidate_mentions, local_time, memo, objcols, pair_label, pct, region_names,
                                safe_float)
from suara.analyse.privacy import Pseudonymiser
from suara.analyse.section import Section, figure, generic_table, posts_link, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.audience.labels import group_label, issue_label
from suara.store.views import current_enrichments

__all__ = ["account_segments", "persuadables", "segments_section", "Segments"]


def account_segments(ws, filtered: bool = False) -> pd.DataFrame:
    """One row per account that mentions a pair: region, stance toward each pair
    (``stance_<ballot>``), audience ``group`` (``supporter:<b>``, ``opponent:<b>``,
    ``persuadable`` = neutral or mixed, ``critical_of_all``), ``mentions``, ``activity``
    (occasional 1-2, regular 3-9, heavy 10+), ``daypart`` of most posts (local time),
    ``top_issue`` and ``issues`` engaged, ``platform``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> len(account_segments(ws))
    0
    """
    if filtered:
        # an unflagged account's own rows are the same in both views: drop flagged ones
        return memo(ws, ("account_segments", True),
                     lambda: drop_flagged(ws, account_segments(ws, False)))
    return memo(ws, ("account_segments", False), lambda: _account_segments(ws, False))


def account_issue_counts(ws) -> pd.DataFrame:
    """Posts per (platform, account_id, issue) over every enriched post with issues (columns
    ``platform``, ``account_id``, ``issue``, ``n``): one query per run, shared by the
    segments (each account's five most frequent issues) and the demographics (every issue of
    an account). The filtered views drop flagged accounts from it: an account's issues are
    its own.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> list(account_issue_counts(ws).columns)
    ['platform', 'account_id', 'issue', 'n']
    """
    def build() -> pd.DataFrame:
        # the issues unnested before the join: the posts meet a few thousand (post, issue)
        # rows, not every enriched post with its list (a quarter of the CPU time on 400,000 posts)
        e = current_enrichments(ws.store)
        e = e.filter(e.issues.notnull())
        iss = e.select("platform", "post_id", issue=e.issues.unnest())
        p = ws.store.table("posts").select("platform", "post_id", "account_id")
        j = iss.inner_join(p, ["platform", "post_id"])
        df = j.group_by(["platform", "account_id", "issue"]).aggregate(n=j.count()).execute()
        return df[["platform", "account_id", "issue", "n"]]
    return memo(ws, ("account_issue_counts",), build, copy=False)


def _account_segments(ws, filtered: bool) -> pd.DataFrame:
    ballots = list(ws.election.ballots)
    st = account_stances(ws, filtered)
    cols = ["platform", "account_id", "region", "region_confidence", "group", "mentions",
            "activity", "daypart", "top_issue", "issues", *[f"stance_{b}" for b in ballots]]
    if not len(st):
        return pd.DataFrame(columns=cols)
    t = candidate_mentions(ws, filtered)
    lt = local_time(ws, t.created_at)
    per = t.group_by(["platform", "account_id"]).aggregate(
        mentions=t.post_id.nunique(), region=t.region.arbitrary(),
        region_confidence=t.region_confidence.max())
    hrs = t.mutate(h=lt.hour()).group_by(["platform", "account_id", "h"]).aggregate(n=ibis._.count())
    acc = per.execute()
    hd = hrs.execute()
    idf = account_issue_counts(ws).copy()   # shared by the run: converted on a copy
    if filtered:
        idf = drop_flagged(ws, idf)
    for d in (acc, hd, idf, st):
        d["account_id"] = d.account_id.astype(str).astype(object)
        d["platform"] = d.platform.astype(object)
    keys = ["platform", "account_id"]
    # vectorised: per-row Python over Arrow-backed columns costs seconds at 100k accounts
    hd = hd.sort_values(["n", "h"], ascending=[False, True]).drop_duplicates(keys).set_index(keys)
    h = hd.h.to_numpy()
    hd["daypart"] = np.select([h < 5, h < 11, h < 17, h < 22], ["night", "morning", "afternoon", "evening"],
                              "night")
    # the five most frequent issues of each account (ties by name)
    idf["issue"] = idf.issue.astype(str).astype(object)
    idf = idf.sort_values(["n", "issue"], ascending=[False, True]).groupby(keys, sort=False, dropna=False).head(5)
    lists: dict[tuple, list] = {}
    for p, a, i in zip(idf.platform.tolist(), idf.account_id.tolist(), idf.issue.tolist()):
        lists.setdefault((p, a), []).append(i)
    il = pd.Series(list(lists.values()), dtype=object, name="issues",
                   index=pd.MultiIndex.from_tuples(list(lists), names=keys) if lists else
                   pd.MultiIndex.from_arrays([[], []], names=keys))
    piv = st.pivot_table(index=keys, columns="candidate", values="stance", aggfunc="first")
    piv = piv.reindex(columns=ballots).fillna("silent")
    sup = (piv == "supporter")
    opp = (piv == "opponent")
    ns, no = sup.sum(axis=1), opp.sum(axis=1)
    first_sup = sup.idxmax(axis=1)
    first_opp = opp.idxmax(axis=1)
    grp = np.select([ns == 1, (ns == 0) & (no == 1), (ns == 0) & (no >= 2)],
                    ["supporter:" + first_sup.astype(str), "opponent:" + first_opp.astype(str),
                     "critical_of_all"], "persuadable")
    piv.columns = [f"stance_{b}" for b in piv.columns]
    piv["group"] = grp
    out = acc.set_index(keys).join(piv, how="left").join(hd[["daypart"]], how="left").join(il, how="left")
    out = out.reset_index()
    out["region"] = out.region.astype(object).where(out.region.notnull(), None)
    out["region_confidence"] = out.region_confidence.astype(float).round(3)
    out["mentions"] = out.mentions.astype(int)
    lv = [lo for _, lo in ACTIVITY_LEVELS]
    out["activity"] = pd.cut(out.mentions, bins=[*lv, np.inf], right=False,
                             labels=[n for n, _ in ACTIVITY_LEVELS]).astype(object)
    out["daypart"] = out.daypart.fillna("unknown")
    out["issues"] = [x if isinstance(x, list) else [] for x in out.issues]
    out["top_issue"] = [x[0] if x else None for x in out.issues]
    out["group"] = out.group.fillna("persuadable")
    for b in ballots:
        out[f"stance_{b}"] = out[f"stance_{b}"].fillna("silent")
    return out[cols]


def persuadables(ws, filtered: bool = True, top: int = 20, seg: pd.DataFrame | None = None) -> dict[str, Any]:
    """Persuadable accounts (neutral or mixed toward the pairs): how many, where, and the
    issues they respond to — ``lift`` = share of persuadables engaging an issue / share of
    all accounts engaging it (above 1: an issue that speaks to the undecided). Accounts are
    listed pseudonymised (citizens) and only with aggregate attributes.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> persuadables(ws)["accounts"]
    0
    """
    seg = account_segments(ws, filtered) if seg is None else seg
    per = seg[seg.group == "persuadable"]
    n_all, n_p = len(seg), len(per)
    names = region_names(ws.election)

    def issue_share(df):
        c: dict[str, int] = {}
        for il in df.issues:
            for i in set(il):
                c[i] = c.get(i, 0) + 1
        return c
    ia, ip = issue_share(seg), issue_share(per)
    issues = []
    # ties by name: the counts come out of sets, whose order changes from run to run
    for i, k in sorted(ip.items(), key=lambda x: (-x[1], x[0])):
        sa = ia.get(i, 0) / n_all if n_all else 0
        sp = k / n_p if n_p else 0
        issues.append({"issue": i, "accounts": k, "share": safe_float(sp),
                       "lift": safe_float(sp / sa if sa else None, 2)})
    by_region = {}
    for code, sub in per.groupby(per.region.fillna("unknown")):
        tot = int((seg.region.fillna("unknown") == code).sum())
        by_region[code] = {"name": names.get(code, code), "accounts": len(sub),
                           "share_of_region": safe_float(len(sub) / tot if tot else None)}
    prof = account_profiles(ws).set_index(["platform", "account_id"])
    ps = Pseudonymiser(ws)
    lst = []
    # ties in mentions in a fixed order (platform, account), whatever order the engine returned
    per = per.sort_values(["mentions", "platform", "account_id"], ascending=[False, True, True])
    for r in per.head(top).itertuples(index=False):
        typ = prof.type.get((r.platform, r.account_id), "citizen") if len(prof) else "citizen"
        handle = prof.handle.get((r.platform, r.account_id)) if len(prof) else None
        lst.append({"account": ps(typ, r.platform, r.account_id, handle if isinstance(handle, str) and handle else None),
                    "type": typ, "platform": r.platform, "region": r.region,
                    "mentions": int(r.mentions), "issues": list(r.issues)[:3]})
    return {"accounts": n_p, "share_of_accounts": safe_float(n_p / n_all if n_all else 0.0),
            "issues": issues, "by_region": by_region, "top_accounts": lst}


def _weekly_groups(ws, filtered: bool, seg: pd.DataFrame) -> dict[str, dict[str, int]]:
    t = candidate_mentions(ws, filtered)
    w = t.mutate(week=local_time(ws, t.created_at).truncate("W").date())
    aw = objcols(w.group_by(["platform", "account_id", "week"]).aggregate(n=w.count()).execute())
    if not len(aw):
        return {}
    aw["account_id"] = aw.account_id.astype(str).astype(object)
    aw = aw.merge(seg[["platform", "account_id", "group"]], on=["platform", "account_id"], how="left")
    out: dict[str, dict[str, int]] = {}
    for (wk, g), sub in aw.groupby(["week", "group"]):
        out.setdefault(pd.Timestamp(wk).date().isoformat(), {})[g] = int(len(sub))
    return out


def segments_section(ws, top: int = 30) -> dict[str, Any]:
    """The ``segments`` section: per view (all, filtered) the size of each audience group,
    stance toward each pair by region, the largest segments (region x group x top issue x
    activity x platform), marginal sizes per dimension, weekly active accounts per group
    (trend), and :func:`persuadables`.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> segments_section(ws)["all"]["accounts"]
    0
    """
    names = region_names(ws.election)
    out: dict[str, Any] = {"dimensions": ["region", "group", "top_issue", "activity", "platform"]}
    for v in ("all", "filtered"):
        seg = account_segments(ws, v == "filtered")
        if not len(seg):
            out[v] = {"accounts": 0, "groups": {}, "stance_by_region": {}, "segments": [],
                      "marginals": {}, "weekly": {}, "persuadables": persuadables(ws, v == "filtered", seg=seg)}
            continue
        seg["region_key"] = seg.region.fillna("unknown")
        seg["issue_key"] = seg.top_issue.fillna("none")
        groups = seg.group.value_counts().to_dict()
        sbr: dict[str, Any] = {}
        for b in ws.election.ballots:
            ct = seg.groupby(["region_key", f"stance_{b}"]).size()
            d: dict[str, dict[str, int]] = {}
            for (rk, s), n in ct.items():
                d.setdefault(rk, {})[s] = int(n)
            sbr[b] = d
        keys = ["region_key", "group", "issue_key", "activity", "platform"]
        sz = seg.groupby(keys).agg(accounts=("account_id", "size"), mentions=("mentions", "sum"))
        sz = sz.sort_values(["accounts", "mentions"], ascending=False).head(top).reset_index()
        segments = [{"region": r.region_key, "region_name": names.get(r.region_key, r.region_key),
                     "group": r.group, "issue": r.issue_key, "activity": r.activity,
                     "platform": r.platform, "accounts": int(r.accounts), "mentions": int(r.mentions)}
                    for r in sz.itertuples(index=False)]
        marg = {k: {str(a): int(n) for a, n in seg[k].value_counts().items()}
                for k in ("region_key", "group", "issue_key", "activity", "platform", "daypart")}
        marg["region"] = marg.pop("region_key")
        marg["issue"] = marg.pop("issue_key")
        out[v] = {"accounts": int(len(seg)), "groups": {k: int(n) for k, n in groups.items()},
                  "stance_by_region": sbr, "segments": segments, "marginals": marg,
                  "weekly": _weekly_groups(ws, v == "filtered", seg),
                  "persuadables": persuadables(ws, v == "filtered", seg=seg)}
    return out



_num = formats.number
_p = formats.percent_cell
_signed = formats.signed


@register
class Segments(Section):
    """Audience groups, segments, weekly trends and persuadables."""

    id = "segments"
    title = "audience.seg"
    explain = "audience.seg_explain"
    requires = ("posts", "accounts", "account_regions", "mentions", "enrichments", "account_scores")
    options = {"top": 30}
    pages = ("wilayah", "influencer")

    def compute(self, ws, top: int = 30) -> dict[str, Any]:
        return segments_section(ws, top=top)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("audience", lang), texts("ui", lang)
        e = election
        f = result["filtered"]
        names = region_names(e)
        rep = ("report",)
        blocks: list[dict] = []
        groups = list(f.get("groups", {}))
        if groups:
            weeks = sorted(f.get("weekly", {}))
            fig = go.Figure()
            for g in groups:
                fig.add_scatter(x=weeks, y=[f["weekly"][w].get(g, 0) for w in weeks], mode="lines+markers",
                                name=group_label(e, g, lang))
            fig.update_layout(title=t["accounts"] + " / week")
            blocks.append({"type": "chart", "faces": rep, "figure": figure(fig)})
        blocks.append({"type": "table", "faces": rep,
                       "columns": [t["region"], t["group"], t["issue"], t["activity"], "platform", t["accounts"]],
                       "rows": [[names.get(s["region"], s["region"]), group_label(e, s["group"], lang),
                                 issue_label(e, s["issue"], lang), s["activity"], s["platform"], s["accounts"]]
                                for s in f.get("segments", [])[:15]]})
        pp = f.get("persuadables", {})
        blocks.append({"type": "table", "faces": rep,
                       "title": f"{t['pers']}: {formats.integer(pp.get('accounts', 0))} ({pct(pp.get('share_of_accounts'))})",
                       "columns": [t["issue"], t["accounts"], t["lift"]],
                       "rows": [[issue_label(e, i["issue"], lang), i["accounts"], i["lift"]]
                                for i in pp.get("issues", [])[:10]]})
        return blocks + _web(result, ui, e)


def _web(result: dict, t: dict, e) -> list[dict]:
    """Regions page: stance by region; influencers page: groups and persuadables."""
    seg = result.get("all") or {}
    names = region_names(e)
    blocks: list[dict] = []
    sbr = seg.get("stance_by_region") or {}
    if sbr:
        rows = []
        for ballot, by in sbr.items():
            for code, st in by.items():
                rows.append([pair_label(e, ballot), {"text": names.get(code, code),
                                                      "href": posts_link(region=code, candidate=ballot)},
                             _num(st.get("supporter")), _num(st.get("opponent")), _num(st.get("persuadable")),
                             _num(st.get("silent"))])
        blocks.append({"type": "table", "id": "audience-region", "title": t["audience_region"],
                       "explain": t["audience_explain"], "faces": ("web",), "pages": ("wilayah",),
                       "columns": [t["candidate"], t["region"], *[label("st", s) for s in ("supporter", "opponent", "persuadable", "silent")]],
                       "rows": rows})
    web = {"faces": ("web",), "pages": ("influencer",)}
    groups = seg.get("groups") or {}
    if groups:
        names = [group_label(e, g, formats.current()) for g in groups]
        fig = go.Figure(go.Bar(x=names, y=list(groups.values())))
        fig.update_layout(title=t["segments"], height=320)
        blocks += [{"type": "chart", "id": "segments", "title": t["segments"], "explain": t["segments_explain"],
                    "figure": figure(fig), **web},
                   {"type": "table", "columns": [t["segment"], t["accounts"]],
                    "rows": [[n, _num(v)] for n, v in zip(names, groups.values())], **web}]
    pers = seg.get("persuadables")
    tab = generic_table(pers) if pers else None
    if tab:
        blocks.append({**tab, "id": "persuadables", "title": texts("audience", formats.current())["pers"], "explain": t["segments_explain"], **web})
    return blocks
