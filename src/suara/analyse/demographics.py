"""Who is talking, in aggregate only: share of voice, net sentiment, issues and stance per pair
by gender x age band x walk of life x region.

Every figure is an aggregate over at least ``k`` accounts (workspace setting
``demographics.min_cell``, default 10): smaller cells, and per-pair figures resting on fewer
than ``k`` accounts, are suppressed and only counted; a listed cell is suppressed too when a
coarser table minus the listed cells would leave 1 to k-1 accounts (differencing). Nothing here
returns, renders or links one account's estimated attributes (UU PDP 27/2022: that would be profiling of an identifiable
citizen); cells do not link to the posts behind them for the same reason. Estimates below
``demographics.min_confidence`` (default 0.5) count as unknown. See docs/demographics.md.

Intervals are 95 %: share of voice and net sentiment are ratios over accounts' mentions, so
their interval treats accounts as clusters (linearised ratio variance); shares of accounts
(stance, issues, audience groups) use Wilson intervals.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> demographics_section(ws)["filtered"]["accounts"]
0
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from suara.analyse.base import memo, pair_label, region_names, safe_float
from suara.analyse import demographic_cells as dc
from suara.analyse.demographic_cells import ratio_interval, wilson
from suara.analyse.demographic_frames import _frames, _numbering
from suara.analyse.section import Section, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts
from suara.enrich.demographics import AGE_BANDS, GENDERS, OCCUPATIONS, UNKNOWN

__all__ = ["demographics_section", "Demographics", "headline_gap", "gap_text", "DIMENSIONS", "CROSSES",
           "value_label", "wilson", "ratio_interval"]

DIMENSIONS = ("gender", "age_band", "occupation", "region")
#: the groupings reported; one-dimension marginals include "unknown" as a value
CROSSES: tuple[tuple[str, ...], ...] = (
    ("gender",), ("age_band",), ("occupation",),
    ("gender", "age_band"), ("gender", "region"), ("age_band", "region"), ("occupation", "region"),
    ("gender", "age_band", "region"), ("gender", "age_band", "occupation", "region"))

_LABELS = {
    "id": {"f": "perempuan", "m": "laki-laki", "<25": "< 25", "25-44": "25–44", "45+": "45+",
           "unknown": "tak diketahui"},
    "en": {"f": "women", "m": "men", "<25": "under 25", "25-44": "25–44", "45+": "45+",
           "unknown": "unknown"},
}


def value_label(election, dim: str, value: str, lang: str = "id") -> str:
    """Human label of one dimension value (region codes become names).

    Example
    -------
    >>> value_label(None, "gender", "f"), value_label(None, "occupation", "ojol", "en")
    ('perempuan', 'ride-hailing drivers')
    """
    lab = _LABELS.get(lang, _LABELS["id"])
    if dim == "region" and election is not None:
        return region_names(election).get(value, lab.get(value, value))
    if dim == "occupation" and value in OCCUPATIONS:
        return OCCUPATIONS[value][0 if lang != "en" else 1]
    return lab.get(value, value)


# --------------------------------------------------------------------------------------
# inputs
def _settings(ws) -> tuple[int, float]:
    d = getattr(ws.config, "demographics", None)
    k = int(getattr(d, "min_cell", 10) or 10)
    return max(k, 2), float(getattr(d, "min_confidence", 0.5))


def _coverage(acc: pd.DataFrame, counts: dict) -> dict[str, Any]:
    n = len(acc)
    out = {"accounts": counts["accounts"], "organisations": counts["organisations"], "persons_or_unknown": n}
    for d in ("gender", "age_band", "occupation", "region"):
        known = int((acc[d] != UNKNOWN).sum()) if n else 0
        out[d] = {"known": known, "share": safe_float(known / n if n else 0.0)}
    return out


def _view(ws, filtered: bool, k: int, frames: tuple) -> dict[str, Any]:
    ballots = list(ws.election.ballots)
    m, acc, counts = frames
    if not len(acc):
        return {"accounts": 0, "coverage": _coverage(acc, counts) if len(acc) else
                {"accounts": counts["accounts"], "organisations": counts["organisations"]},
                "overall": {}, "cells": {}, "suppressed": {"cells": 0, "accounts": 0}}
    va = dc.ViewArrays(m, acc, ballots)
    overall = dc.pair_figures(va, ballots, k)
    cells: dict[str, list] = {}
    sup = {"cells": 0, "accounts": 0}
    for dims in CROSSES:
        c, s = dc.cells(va, dims, ballots, k, len(dims) == 1)
        extra = dc.secondary_suppression(c, acc, dims, k, va)
        cells["x".join(dims)] = c
        sup["cells"] += s["cells"] + extra["cells"]
        sup["accounts"] += s["accounts"] + extra["accounts"]
    return {"accounts": int(len(acc)), "coverage": _coverage(acc, counts), "overall": overall,
            "cells": cells, "suppressed": sup, "messages": _messages(ws, acc, filtered, k)}


def _messages(ws, acc: pd.DataFrame, filtered: bool, k: int, top: int = 15) -> list[dict]:
    """Message resonance (:func:`suara.analyse.audience.recommendations.message_resonance`) with
    demographic groups (gender, with the age band when known) as the audience: which issues and
    formats get above-baseline responses from, say, women 25-44 in Balikpapan. A (region,
    group) needs k accounts, and a cell's responses must come from k distinct accounts."""
    from suara.analyse.audience.recommendations import _resonance_frames, message_resonance
    seg = _audience(acc)
    if not len(seg):
        return []
    ok_groups = _sizable(seg.region.fillna("unknown").to_numpy(dtype=object), seg.group.to_numpy(dtype=object), k)
    if not ok_groups:
        return []
    cells = message_resonance(ws, filtered=filtered, seg=seg)
    def sets() -> _ResponderSets:
        rep, _, pl = memo(ws, "resonance_frames", lambda: _resonance_frames(ws), copy=False)
        return _ResponderSets(rep, pl)
    responders = _Responders(memo(ws, ("demographics_responders",), sets, copy=False), seg)
    out = []
    for c in cells:
        if (c["region"], c["group"]) not in ok_groups or c["region"] == "unknown":
            continue
        if responders.count(c) < k:
            continue   # a few loud accounts are not a group's taste, and could be singled out
        g, _, a = c["group"].partition("|")
        c = {**c, "gender": g, "age_band": a or UNKNOWN}
        c.pop("group")
        c["text_id"] = _message_text(ws.election, c, "id")
        c["text_en"] = _message_text(ws.election, c, "en")
        out.append(c)
        if len(out) >= top:
            break
    return out


def _audience(acc: pd.DataFrame) -> pd.DataFrame:
    """The accounts of known gender as the resonance's audience: ``platform``,
    ``account_id``, ``region`` (None: unknown) and ``group`` (the gender, with the age band
    when known: ``f|25-44``); rows keep their labels in ``acc``."""
    gender = acc["gender"].to_numpy(dtype=object)
    has = np.flatnonzero(gender != UNKNOWN)
    g, a = gender[has], acc["age_band"].to_numpy(dtype=object)[has]
    region = acc["region"].to_numpy(dtype=object)[has]
    cols = {"platform": acc["platform"].to_numpy(dtype=object)[has],
            "account_id": acc["account_id"].to_numpy(dtype=object)[has],
            "region": np.where(region != UNKNOWN, region, None),
            "group": np.where(a == UNKNOWN, g, g + "|" + a)}   # object arrays: text joined per element
    return pd.DataFrame({c: pd.Series(v, index=acc.index[has], dtype=object) for c, v in cols.items()})


def _sizable(region: np.ndarray, group: np.ndarray, k: int) -> set[tuple[str, str]]:
    """The (region, group)s and ("all", group)s with at least ``k`` of the accounts."""
    rc, regions = pd.factorize(region)
    gc, groups = pd.factorize(group)
    n = np.bincount(rc * len(groups) + gc, minlength=len(regions) * len(groups))
    pooled = np.bincount(gc, minlength=len(groups))
    out = {(regions[i // len(groups)], groups[i % len(groups)]) for i in np.flatnonzero(n >= k).tolist()}
    return out | {("all", groups[j]) for j in np.flatnonzero(pooled >= k).tolist()}


class _Responders:
    """The distinct accounts of a group (in a region, or in all) behind a resonance cell:
    for ``replies``, the group's accounts that replied to posts with the cell's issue and
    format; for ``authors``, the group's accounts that wrote such posts. Counted from
    look-ups built once per run and shared by both views (:class:`_ResponderSets`: the
    accounts behind each issue and format, as numbers), not by joining every reply and post
    with the accounts (the joins took most of the section's time at 300,000 posts); the same
    count as those joins. The audience's group and region are arrays over those numbers, so a
    cell's count is one comparison over its accounts."""

    def __init__(self, sets: "_ResponderSets", seg: pd.DataFrame):
        self.sets = sets
        num = sets.index.find(seg.platform, seg.account_id)
        ok = num >= 0
        group, groups = pd.factorize(seg.group.to_numpy(dtype=object))
        region, regions = pd.factorize(seg.region.fillna("unknown").to_numpy(dtype=object))
        self.group_of = np.full(len(sets.index.keys), -1, dtype=np.int64)   # -1: not in the audience
        self.region_of = np.full(len(sets.index.keys), -1, dtype=np.int64)
        self.group_of[num[ok]], self.region_of[num[ok]] = group[ok], region[ok]
        self.group_code = {v: i for i, v in enumerate(groups.tolist())}
        self.region_code = {v: i for i, v in enumerate(regions.tolist())}

    def count(self, c: dict) -> int:
        g = self.group_code.get(c["group"])
        if g is None:
            return 0
        nums = self.sets.accounts(c["basis"], c["issue"], c["format"])
        hit = self.group_of[nums] == g
        if c["region"] != "all":
            hit &= self.region_of[nums] == self.region_code.get(c["region"], -2)
        return int(hit.sum())


class _ResponderSets:
    """Per (issue, format): the accounts that replied to such posts and those that wrote
    them, from the resonance frames (replies ``rep``, posts ``pl``), as their numbers in one
    numbering of the frames' accounts (``index``: (platform, id) to number); each made when
    a cell first asks for it and kept for the run."""

    def __init__(self, rep: pd.DataFrame, pl: pd.DataFrame):
        plat = np.concatenate([rep.platform.to_numpy(dtype=object), pl.pplat.to_numpy(dtype=object)])
        ids = np.concatenate([rep.account_id.to_numpy(dtype=object), pl.author.to_numpy(dtype=object)])
        self.index, num = _numbering(plat, ids)
        self.rep_num, pl_num = num[:len(rep)], num[len(rep):]
        self.posts: dict[tuple, list] = {}
        self.authors: dict[tuple, list] = {}
        for pk, i, f, au in zip(pl.pk.tolist(), pl.issue.tolist(), pl.fmt.tolist(), pl_num.tolist()):
            self.posts.setdefault((i, f), []).append(pk)
            self.authors.setdefault((i, f), []).append(au)
        # the replies as arrays: a key's repliers are found by one isin over them when a cell
        # asks (a look-up per reply built for every reply cost more than all the cells)
        self.rep_pk = rep.pk.to_numpy()
        self._made: dict[tuple, np.ndarray] = {}

    def accounts(self, basis: str, issue, fmt) -> np.ndarray:
        """The distinct numbers of the accounts behind posts with ``issue`` and ``fmt``:
        their repliers (``basis`` "replies") or their authors."""
        key = (basis == "replies", issue, fmt)
        out = self._made.get(key)
        if out is None:
            if not key[0]:
                out = np.asarray(self.authors.get((issue, fmt), []), dtype=np.int64)
            else:
                pks = self.posts.get((issue, fmt))
                out = self.rep_num[np.isin(self.rep_pk, np.asarray(pks, dtype=self.rep_pk.dtype))] if pks else \
                    np.zeros(0, dtype=np.int64)
            out = np.unique(out[out >= 0])   # an account without a platform or an id is nobody's
            self._made[key] = out
        return out


def _message_text(election, c: dict, lang: str) -> str:
    """"perempuan 25–44 di Balikpapan: unggahan tentang Jalan berformat video mendapat 2,3x ..."."""
    from suara.analyse.audience.labels import issue_label
    who = value_label(election, "gender", c["gender"], lang)
    if c.get("age_band") not in (None, UNKNOWN):
        who += " " + value_label(election, "age_band", c["age_band"], lang)
    where = value_label(election, "region", c["region"], lang) if c["region"] != "all" else None
    issue = issue_label(election, c["issue"], lang)
    if lang == "en":
        what = "non-negative replies" if c["basis"] == "replies" else "interactions on their own posts"
        return (f"{who}{' in ' + where if where else ''}: posts on {issue} in {c['format']} format get "
                f"{c['lift']:.1f}x the usual {what} ({c['posts']} posts).")
    what = "balasan non-negatif" if c["basis"] == "replies" else "interaksi pada unggahan mereka"
    return (f"{who}{' di ' + where if where else ''}: unggahan tentang {issue} berformat {label('f', c['format'], 'id')} mendapat "
            f"{c['lift']:.1f}x".replace(".", ",") + f" {what} dibanding biasanya ({c['posts']} unggahan).")


def demographics_section(ws) -> dict[str, Any]:
    """The ``demographics`` section: per view (``filtered`` = coordinated accounts removed,
    ``all``) the coverage of each estimate, the overall figures per pair, and one list of
    cells per grouping in :data:`CROSSES` (key ``"genderxage_bandxregion"`` etc.), each cell
    with ``accounts``, ``mentions``, per-pair ``share``/``net_sentiment`` with intervals and
    stance shares, and the issues most of its accounts engage. Cells under ``k`` accounts
    are counted under ``suppressed``, never listed. ``headline`` is :func:`headline_gap`.
    Reads the estimates `suara enrich` keeps in ``account_demographics``; writes nothing.
    """
    k, min_conf = _settings(ws)
    out: dict[str, Any] = {"k": k, "min_confidence": min_conf, "dimensions": list(DIMENSIONS),
                           "values": {"gender": list(GENDERS), "age_band": list(AGE_BANDS),
                                      "occupation": list(OCCUPATIONS)},
                           "crosses": ["x".join(c) for c in CROSSES]}
    frames = _frames(ws, min_conf)
    for v in ("filtered", "all"):
        if v == "all" and frames["all"] is frames["filtered"]:
            # nobody is flagged (:func:`_frames`): the unfiltered view is the filtered one
            out[v] = _copied(out["filtered"])
        else:
            out[v] = _view(ws, v == "filtered", k, frames[v])
    _guard_views(out["all"], out["filtered"], k)
    out["headline"] = headline_gap(ws, out)
    return out


def _copied(x: Any) -> Any:
    """A copy of nested dicts and lists (their leaves are numbers, text or None, shared)."""
    if isinstance(x, dict):
        return {k: _copied(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_copied(v) for v in x]
    return x


def _guard_views(all_: dict, filt: dict, k: int) -> None:
    """A cell listed in both views differs by its coordinated accounts; when that is 1 to k-1
    accounts the ``all`` view's cell is suppressed (the difference would single them out)."""
    for name, cells in (all_.get("cells") or {}).items():
        f = {tuple(sorted((d, c[d]) for d in name.split("x"))): c["accounts"]
             for c in (filt.get("cells") or {}).get(name, [])}
        keep = []
        for c in cells:
            n = f.get(tuple(sorted((d, c[d]) for d in name.split("x"))))
            if n is not None and 0 < c["accounts"] - n < k:
                all_["suppressed"]["cells"] += 1
                all_["suppressed"]["accounts"] += c["accounts"]
                continue
            keep.append(c)
        cells[:] = keep


# --------------------------------------------------------------------------------------
# the gap that matters most
def headline_gap(ws, sec: dict, view: str = "filtered") -> dict | None:
    """The demographic cell (with a region) whose net sentiment toward a pair departs most
    from the pair's overall net sentiment, counting only cells whose interval excludes the
    overall figure; weighted by the square root of the cell's accounts. None when none does.
    """
    v = sec.get(view) or {}
    overall = (v.get("overall") or {}).get("pairs", {})
    best, best_score = None, 0.0
    for name, cells in (v.get("cells") or {}).items():
        dims = name.split("x")
        if "region" not in dims or len(dims) < 2:
            continue
        for c in cells:
            for b, f in c.get("pairs", {}).items():
                o = (overall.get(b) or {}).get("net_sentiment")
                x = f.get("net_sentiment")
                lo, hi = (f.get("net_interval") or [None, None])
                if o is None or x is None or lo is None or hi is None or lo <= o <= hi:
                    continue
                score = abs(x - o) * math.sqrt(f["accounts"])
                if score > best_score:
                    best_score = score
                    best = {"cell": {d: c[d] for d in dims}, "pair": b, "net_sentiment": x,
                            "net_interval": [lo, hi], "overall": o, "gap": round(x - o, 4),
                            "accounts": f["accounts"]}
    if best:
        best["text_id"] = gap_text(ws.election, best, "id")
        best["text_en"] = gap_text(ws.election, best, "en")
    return best


def gap_text(election, gap: dict, lang: str = "id") -> str:
    """"perempuan 25–44 di Balikpapan: net sentiment −0.21 untuk 02 (semua akun +0.05; 34 akun)".

    Example
    -------
    >>> from suara.config import load_election
    >>> gap_text(load_election("kaltim-2024"), {"cell": {"gender": "f", "age_band": "25-44", "region": "6471"}, "pair": "2",
    ...                "net_sentiment": -0.21, "overall": 0.05, "accounts": 34})
    'perempuan 25–44 di Balikpapan: sentimen bersih −0,21 untuk 02 (semua akun +0,05; 34 akun)'
    """
    c = gap["cell"]
    who = " ".join(value_label(election, d, c[d], lang) for d in ("gender", "age_band", "occupation") if d in c)
    where = value_label(election, "region", c["region"], lang) if "region" in c else ""
    pair = str(gap["pair"]).zfill(2)

    def sg(x):
        return formats.signed(x, lang).replace("-", "−")
    if lang == "en":
        return (f"{who} in {where}: net sentiment {sg(gap['net_sentiment'])} for {pair} "
                f"(all accounts {sg(gap['overall'])}; {gap['accounts']} accounts)")
    return (f"{who} di {where}: sentimen bersih {sg(gap['net_sentiment'])} untuk {pair} "
            f"(semua akun {sg(gap['overall'])}; {gap['accounts']} akun)")


# --------------------------------------------------------------------------------------
# presentation
def _fmt_iv(x, iv, signed=False) -> str:
    if x is None:
        return "–"
    f = (lambda v: formats.signed(v)) if signed else (lambda v: formats.percent(v))
    lo, hi = iv or (None, None)
    return f(x) + (f" ({f(lo)}…{f(hi)})" if lo is not None and hi is not None else "")


#: the tables shown (web and report); every other grouping is in the JSON and CSV
SHOWN = ("gender", "age_band", "occupation", "genderxage_bandxregion", "occupationxregion", "genderxregion")


@register
class Demographics(Section):
    """Audience demographics in aggregate (never per account; cells do not link to posts)."""

    id = "demographics"
    title = "demographics.title"
    explain = "demographics.explain"
    requires = ("posts", "accounts", "account_regions", "account_demographics", "mentions", "enrichments",
                "account_scores")
    options: dict[str, Any] = {}
    pages = ("wilayah",)

    def compute(self, ws) -> dict[str, Any]:
        return demographics_section(ws)

    def heading(self, result: Any, lang: str = "id") -> tuple[str, str]:
        t = texts("demographics", lang)
        k = result.get("k", 10) if isinstance(result, dict) else 10
        return t["title"], t["explain"].format(k=k)

    def render(self, result: dict, lang: str = "id", election=None, view: str = "filtered",
               max_rows: int = 40) -> list[dict]:
        t = texts("demographics", lang)
        k = result.get("k", 10)
        v = result.get(view) or {}
        cov = v.get("coverage") or {}
        items = [{"value": formats.percent((cov.get(d) or {}).get('share') or 0, digits=0), "label": f"{t[d]} · {t['known']}"}
                 for d in ("gender", "age_band", "occupation")]
        items.append({"value": formats.integer((v.get('suppressed') or {}).get('cells', 0)),
                      "label": t["suppressed"].format(k=k)})
        items.append({"value": formats.integer(cov.get('organisations', 0)), "label": t["organisations"]})
        blocks: list[dict] = [{"type": "kpis", "id": "demographics-kpis", "title": t["title"],
                               "explain": t["explain"].format(k=k), "faces": ("web",), "items": items},
                              {"type": "kpis", "faces": ("report",), "items": items}]
        head = result.get("headline")
        blocks.append({"type": "text", "id": "demographics-gap", "title": t["gap"],
                       "text": head["text_en" if lang == "en" else "text_id"] if head else t["no_gap"]})
        ballots = list(election.ballots) if election is not None else []
        for name in SHOWN:
            cells = (v.get("cells") or {}).get(name) or []
            if not cells:
                continue
            dims = name.split("x")
            cols = [t["group"], t["accounts"]]
            for b in ballots:
                cols += [f"{pair_label(election, b)} · {t['share']}", f"{b} · {t['net']}"]
            cols.append(t["issues"])
            rows = []
            for c in sorted(cells, key=lambda c: -c["accounts"])[:max_rows]:
                row = [" · ".join(value_label(election, d, c[d], lang) for d in dims), formats.integer(c['accounts'])]
                for b in ballots:
                    f = c["pairs"].get(b) or {}
                    row += [_fmt_iv(f.get("share"), f.get("share_interval")),
                            _fmt_iv(f.get("net_sentiment"), f.get("net_interval"), signed=True)]
                row.append(", ".join(i["issue"] for i in c.get("issues", [])[:3]))
                rows.append(row)
            blocks.append({"type": "table", "id": f"demographics-{name}",
                           "title": " × ".join(t[d] for d in dims), "columns": cols, "rows": rows,
                           "csv": "/api/v1/analysis/demographics.csv"})
        msgs = v.get("messages") or []
        if msgs:
            blocks.append({"type": "text", "id": "demographics-messages", "title": t["messages"], "style": "list",
                           "text": "", "items": [m["text_en" if lang == "en" else "text_id"] for m in msgs[:10]]})
        if len(blocks) <= 3:
            blocks.append({"type": "text", "text": t["none"]})
        return blocks
