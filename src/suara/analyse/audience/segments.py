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

from collections import Counter
from itertools import chain
from typing import Any

import ibis
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.accounts import ACTIVITY_LEVELS, account_profiles, account_stances, drop_flagged
from suara.analyse.base import candidate_mentions, local_time, memo, pair_label, pct, region_names, safe_float
from suara.analyse.privacy import Pseudonymiser
from suara.analyse.section import Section, figure, generic_table, posts_link, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.audience.labels import group_label, issue_label
from suara.store.arrowframe import frame
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
    return memo(ws, ("account_segments", False), lambda: _segments(ws)[0])


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


def _segments(ws) -> tuple[pd.DataFrame, tuple, tuple | None]:
    # the unfiltered frame with its accounts' weeks and issues, once per run (see _segment_frame)
    return memo(ws, ("segments_frame",), lambda: _segment_frame(ws, False), copy=False)


def _segment_frame(ws, filtered: bool) -> tuple[pd.DataFrame, tuple, tuple | None]:
    """The segments frame; the weeks in which its accounts mention a pair (the row of the
    account and the week, one pair per active week) for the weekly trend; and the issues in
    its lists (the row, the issue's number, the issues' names; None when an issue is missing)
    for the persuadables' shares.

    The per-account figures come from one query; the stances, issues and rows are matched by
    whole-number keys, not by joining frames on (platform, account_id) text (most of the
    time of this frame at 30,000 accounts)."""
    ballots = list(ws.election.ballots)
    st = account_stances(ws, filtered)
    cols = ["platform", "account_id", "region", "region_confidence", "group", "mentions",
            "activity", "daypart", "top_issue", "issues", *[f"stance_{b}" for b in ballots]]
    empty = pd.DataFrame(columns=cols), (np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[D]")), None
    if not len(st):
        return empty
    acc, weeks = _account_rows(ws, filtered)
    if not len(acc):
        return empty
    n = len(acc)
    idf = account_issue_counts(ws)
    if filtered:
        idf = drop_flagged(ws, idf)
    acc_k, idf_k, st_k = _key_codes([(acc.platform, acc.account_id), (idf.platform, idf.account_id),
                                     (st.platform, st.account_id)])
    row = np.full(1 + max(int(k.max(initial=-1)) for k in (acc_k, idf_k, st_k)), -1, dtype=np.int64)
    row[acc_k] = np.arange(n)
    out = pd.DataFrame({"platform": acc.platform.astype(str), "account_id": acc.account_id.astype(str)})
    out["region"] = acc.region.astype(object).where(acc.region.notnull(), None)
    out["region_confidence"] = acc.region_confidence.astype(float).round(3)
    stances = _stances(st, row[st_k], n, ballots)
    out["group"] = _groups(stances, ballots, n)
    out["mentions"] = acc.mentions.astype(int)
    lv = [lo for _, lo in ACTIVITY_LEVELS]
    out["activity"] = pd.cut(out.mentions, bins=[*lv, np.inf], right=False,
                             labels=[nm for nm, _ in ACTIVITY_LEVELS]).astype(object)
    # the hour of most posts: ties go to the earliest hour, an unknown hour (24) comes last
    h = 31 - acc.top.to_numpy() % 32
    out["daypart"] = np.select([h < 5, h < 11, h < 17, h < 22], ["night", "morning", "afternoon", "evening"],
                               "night")
    issues, listed = _top_issues(idf, row[idf_k], n)
    out["issues"] = issues
    out["top_issue"] = [x[0] if x else None for x in issues]
    for b, s in zip(ballots, stances):
        out[f"stance_{b}"] = s
    return out[cols], weeks, listed


def _account_rows(ws, filtered: bool) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
    """Per account of the view: ``mentions`` (distinct posts), ``region``,
    ``region_confidence`` and ``top`` (32 x the mentions of its busiest hour + 31 - that hour:
    the largest is the busiest hour, the earliest of a tie); and the weeks in which each
    mentions a pair, as (row, week) arrays. One query: its accounts' hours are counted and
    their weeks listed by the engine, not brought back as rows."""
    t = candidate_mentions(ws, filtered)
    t = t.mutate(week=local_time(ws, t.created_at).truncate("W").date())
    per = t.group_by(["platform", "account_id"]).aggregate(
        mentions=t.post_id.nunique(), region=t.region.arbitrary(),
        region_confidence=t.region_confidence.max(), weeks=t.week.collect(distinct=True))
    hrs = t.mutate(h=ibis.coalesce(local_time(ws, t.created_at).hour(), 24))
    hrs = hrs.group_by(["platform", "account_id", "h"]).aggregate(n=hrs.count())
    top = hrs.group_by(["platform", "account_id"]).aggregate(top=(hrs.n * 32 + 31 - hrs.h).max().cast("int64"))
    # a missing key meets the same missing key, as the frames' joins matched them
    j = per.join(top, [per.platform.identical_to(top.platform), per.account_id.identical_to(top.account_id)])
    j = j.select(per, top.top)
    # as Arrow: the lists of weeks become two flat arrays, not a Python list per account
    tb = j.to_pyarrow()
    wk = tb.column("weeks").combine_chunks()
    weeks = (wk.value_parent_indices().to_numpy(zero_copy_only=False).astype(np.int64),
             wk.flatten().to_numpy(zero_copy_only=False))
    rest = j.drop("weeks")
    return frame(tb.drop_columns(["weeks"]), rest.schema(), table_result=True), weeks


def _key_codes(pairs: list[tuple[pd.Series, pd.Series]]) -> list[np.ndarray]:
    """(platform, account_id) of several frames as whole numbers shared by them: equal keys get
    equal numbers, and a missing value matches a missing value (as pandas' joins match them)."""
    lens = np.cumsum([0, *[len(p) for p, _ in pairs]])
    plat = pd.factorize(pd.concat([p.astype(str) for p, _ in pairs], ignore_index=True), use_na_sentinel=False)[0]
    acct, uniq = pd.factorize(pd.concat([a.astype(str) for _, a in pairs], ignore_index=True),
                              use_na_sentinel=False)
    key = pd.factorize(plat.astype(np.int64) * (len(uniq) + 1) + acct)[0]
    return [key[lo:hi] for lo, hi in zip(lens[:-1], lens[1:])]


def _stances(st: pd.DataFrame, pos: np.ndarray, n: int, ballots: list) -> list:
    """Each account's stance toward each pair (``silent`` where it has none), from the stance
    rows and the row of the account each belongs to (``pos``, -1 for none). As the pivot of
    the stance rows did, a row with a missing key belongs to no account, and the first row of
    an (account, pair) counts."""
    keyed = st.platform.notna().to_numpy() & st.account_id.notna().to_numpy()
    stance = np.asarray(st.stance, dtype=object)
    out = []
    for b in ballots:
        of_b = keyed & (st.candidate == b).to_numpy()
        m = of_b & (pos >= 0)
        p, v = pos[m], stance[m]
        first = ~pd.Series(p).duplicated().to_numpy()
        a = np.full(n, "silent", dtype=object)
        a[p[first]] = v[first]
        # a pair nobody took a stance toward was a column the pivot added: Python objects
        out.append(a if of_b.any() else pd.Series(a, dtype=object))
    return out


def _groups(stances: list, ballots: list, n: int) -> np.ndarray:
    """The audience group of each account from its stances (in ballot order)."""
    if not ballots:
        return np.full(n, "persuadable", dtype=object)
    sup = np.array([np.asarray(s) == "supporter" for s in stances])
    opp = np.array([np.asarray(s) == "opponent" for s in stances])
    ns, no = sup.sum(axis=0), opp.sum(axis=0)
    bal = np.array([str(b) for b in ballots], dtype=object)
    return np.select([ns == 1, (ns == 0) & (no == 1), (ns == 0) & (no >= 2)],
                     ["supporter:" + bal[sup.argmax(axis=0)], "opponent:" + bal[opp.argmax(axis=0)],
                      "critical_of_all"], "persuadable")


def _top_issues(idf: pd.DataFrame, pos: np.ndarray, n: int) -> tuple[list[list], tuple | None]:
    """The five most frequent issues of each account (ties by name), a list per account row,
    from the (account, issue, n) rows and the row of the account each belongs to (``pos``);
    and the same as (row, issue number, issue names), None when an issue is missing."""
    lists: list[list] = [[] for _ in range(n)]
    keep = pos >= 0
    if not keep.any():
        return lists, (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [])
    iss = np.asarray(idf.issue.astype(str).astype(object), dtype=object)[keep]
    cnt, p = idf.n.to_numpy()[keep], pos[keep]
    name, uniq = pd.factorize(iss, sort=True)
    name = np.where(name < 0, len(uniq), name)   # a missing issue sorts last, as it did
    o = np.lexsort((name, -cnt, p))
    p, iss = p[o], iss[o]
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    within = np.arange(len(p)) - np.repeat(starts, np.diff(np.r_[starts, len(p)]))
    sel = within < 5
    rows, names = p[sel], name[o][sel]
    # the numbers stand for the lists only when no issue is missing and none is listed twice
    pairs = rows * (len(uniq) + 1) + names
    listed = (rows, names, uniq.tolist()) \
        if (names < len(uniq)).all() and len(np.unique(pairs)) == len(pairs) else None
    p, iss = p[sel], iss[sel].tolist()
    bounds = np.flatnonzero(np.r_[True, p[1:] != p[:-1], True]).tolist()
    p = p.tolist()
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        lists[p[lo]] = iss[lo:hi]
    return lists, listed


def _counts(values: pd.Series) -> dict:
    """Accounts per value, most first; ties by value (a count's order of first appearance
    follows the rows, which the engine returns in any order)."""
    return {k: int(n) for k, n in sorted(values.value_counts().items(), key=lambda kv: (-kv[1], str(kv[0])))}


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
    return _persuadables(ws, seg, top)


def _issue_share(issues) -> Counter:
    # accounts per issue (an account counts once per issue)
    return Counter(chain.from_iterable(map(set, issues)))


def _persuadables(ws, seg: pd.DataFrame, top: int, shares: tuple | None = None) -> dict[str, Any]:
    """:func:`persuadables` of ``seg``; ``shares``: the accounts per issue of all of ``seg`` and
    of its persuadables when already counted (see :func:`_view_shares`)."""
    per = seg[seg.group == "persuadable"]
    n_all, n_p = len(seg), len(per)
    names = region_names(ws.election)
    ia, ip = shares or (_issue_share(seg.issues), _issue_share(per.issues))
    issues = []
    # ties by name: the counts come out of sets, whose order changes from run to run
    for i, k in sorted(ip.items(), key=lambda x: (-x[1], x[0])):
        sa = ia.get(i, 0) / n_all if n_all else 0
        sp = k / n_p if n_p else 0
        issues.append({"issue": i, "accounts": k, "share": safe_float(sp),
                       "lift": safe_float(sp / sa if sa else None, 2)})
    by_region = {}
    in_region = per.region.fillna("unknown").value_counts()
    of_region = seg.region.fillna("unknown").value_counts()
    for code in sorted(in_region.index):
        k, tot = int(in_region[code]), int(of_region.get(code, 0))
        by_region[code] = {"name": names.get(code, code), "accounts": k,
                           "share_of_region": safe_float(k / tot if tot else None)}
    # ties in mentions in a fixed order (platform, account), whatever order the engine returned
    per = per.sort_values(["mentions", "platform", "account_id"], ascending=[False, True, True])
    shown = per.head(top)
    prof = account_profiles(ws)
    if len(prof):
        # only the listed accounts' profiles are looked up: indexing all of them cost more
        mine = prof.platform.isin(shown.platform.unique()) & prof.account_id.isin(shown.account_id.unique())
        prof = prof[mine] if mine.any() else prof.iloc[:0]
    prof = prof.set_index(["platform", "account_id"])
    ps = Pseudonymiser(ws)
    lst = []
    for r in shown.itertuples(index=False):
        typ = prof.type.get((r.platform, r.account_id), "citizen") if len(prof) else "citizen"
        handle = prof.handle.get((r.platform, r.account_id)) if len(prof) else None
        lst.append({"account": ps(typ, r.platform, r.account_id, handle if isinstance(handle, str) and handle else None),
                    "type": typ, "platform": r.platform, "region": r.region,
                    "mentions": int(r.mentions), "issues": list(r.issues)[:3]})
    return {"accounts": n_p, "share_of_accounts": safe_float(n_p / n_all if n_all else 0.0),
            "issues": issues, "by_region": by_region, "top_accounts": lst}


def _view_shares(seg: pd.DataFrame, rows: np.ndarray, n: int, listed: tuple | None) -> tuple | None:
    """Accounts per issue among ``seg``'s accounts and among its persuadables, counted from
    the frame's issue numbers (``listed``, see :func:`_segment_frame`; ``seg`` holds the rows
    ``rows`` of that frame of ``n`` rows) instead of one set per account: None when the
    numbers cannot stand for the lists."""
    if listed is None:
        return None
    at, issue, names = listed

    def count(r: np.ndarray) -> dict:
        mine = np.zeros(n, dtype=bool)
        mine[r] = True
        c = np.bincount(issue[mine[at]], minlength=len(names))
        return {names[i]: int(c[i]) for i in np.flatnonzero(c).tolist()}
    return count(rows), count(rows[(seg.group == "persuadable").to_numpy()])


def _weekly_groups(seg: pd.DataFrame, rows: np.ndarray, weeks: tuple[np.ndarray, np.ndarray]) -> dict[str, dict[str, int]]:
    """Active accounts per (week, group): ``seg``'s accounts, the rows ``rows`` of the frame
    whose weeks are ``weeks`` (see :func:`_segment_frame`), counted in each week in which they
    mention a pair; weeks and groups in order."""
    at, week = weeks
    if not len(at) or not len(seg):
        return {}
    gcode, gnames = pd.factorize(seg.group, sort=True)
    of_row = np.full(int(max(at.max(), rows.max())) + 1, -1, dtype=np.int64)
    of_row[rows] = gcode
    g = of_row[at]
    wcode, wnames = pd.factorize(week, sort=True)
    keep = (g >= 0) & (wcode >= 0)
    key, n = np.unique(wcode[keep] * len(gnames) + g[keep], return_counts=True)
    out: dict[str, dict[str, int]] = {}
    for k, c in zip(key.tolist(), n.tolist()):
        out.setdefault(pd.Timestamp(wnames[k // len(gnames)]).date().isoformat(), {})[gnames[k % len(gnames)]] = c
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
    full, weeks, listed = _segments(ws)
    for v in ("all", "filtered"):
        seg = account_segments(ws, v == "filtered")
        rows = np.arange(len(full))
        if v == "filtered" and len(seg):
            # the filtered rows are the unfiltered ones less the flagged accounts, in order (a
            # flagged account's weeks count in no group)
            rows = drop_flagged(ws, pd.DataFrame({"platform": full.platform, "account_id": full.account_id,
                                                  "row": rows})).row.to_numpy()
        if not len(seg):
            out[v] = {"accounts": 0, "groups": {}, "stance_by_region": {}, "segments": [],
                      "marginals": {}, "weekly": {}, "persuadables": persuadables(ws, v == "filtered", seg=seg)}
            continue
        seg["region_key"] = seg.region.fillna("unknown")
        seg["issue_key"] = seg.top_issue.fillna("none")
        groups = _counts(seg.group)
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
        marg = {k: {str(a): n for a, n in _counts(seg[k]).items()}
                for k in ("region_key", "group", "issue_key", "activity", "platform", "daypart")}
        marg["region"] = marg.pop("region_key")
        marg["issue"] = marg.pop("issue_key")
        out[v] = {"accounts": int(len(seg)), "groups": {k: int(n) for k, n in groups.items()},
                  "stance_by_region": sbr, "segments": segments, "marginals": marg,
                  "weekly": _weekly_groups(seg, rows, weeks),
                  "persuadables": _persuadables(ws, seg, 20, _view_shares(seg, rows, len(full), listed))}
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
