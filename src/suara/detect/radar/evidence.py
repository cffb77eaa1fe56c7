"""What an alert holds: the posts in its window, its type (hoax, black campaign, SARA/hate,
opponent attack, organic criticism, positive surge), its severity from reach, speed and
toxicity, and the cascade trace (who started it, who carried it).

Example
-------
>>> import pandas as pd
>>> trace_cascade(pd.DataFrame(columns=["platform", "post_id", "account_id", "created_at"]))["posts"]
0
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import ibis
import numpy as np
import pandas as pd

from suara.analyse.base import current_version, enriched, flagged
from suara.detect.radar.detector import RadarSettings
from suara.detect.radar.series import _bin_time


def _posts_query(ws, pred) -> ibis.Table:
    """Posts with enrichment flags, author handle/type/followers and coordinated flag."""
    e = enriched(ws)
    e = e.filter(pred(e))
    a = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type",
                                          "followers")
    fl = flagged(ws).mutate(coordinated=ibis.literal(True))
    j = e.left_join(a, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    j = j.left_join(fl, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    return j.select("platform", "post_id", "account_id", "handle", "account_type", "followers",
                    "created_at", "kind", "root_id", "text", "url", "likes", "comments", "shares", "views",
                    "sentiment", "hate_speech", "abusive", "sara", "hoax_claim_id", "hoax_score",
                    "dup_cluster", "issues", coordinated=j.coordinated.fill_null(False))


def alert_posts(ws, candidate: str | None, issue: str | None, start: dt.datetime,
                end: dt.datetime, limit: int | None = None) -> pd.DataFrame:
    """Posts inside an alert's window matching its candidate/issue, oldest first, with the
    enrichment flags, author type and whether the author is flagged as coordinated.

    Example
    -------
    >>> import suara, tempfile, datetime as dt
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> alert_posts(ws, "1", None, dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)).empty
    True
    """
    j = _posts_query(ws, lambda e: (e.created_at >= start) & (e.created_at < end)
                     & (e.issues.contains(issue) if issue else ibis.literal(True)))
    if candidate:
        m = ws.store.table("mentions")
        m = m.filter((m.version == (current_version(ws) or "")) & (m.candidate == candidate))
        j = j.semi_join(m, ["platform", "post_id"])
    j = j.order_by(["created_at", "platform", "post_id"])
    if limit:
        j = j.limit(limit)
    return j.execute()


class _WindowPosts:
    """All posts of a run's alert windows, fetched in one query, then sliced per alert in
    pandas (one query per alert was the radar's main cost)."""

    def __init__(self, ws, windows: list[tuple[dt.datetime, dt.datetime]]):
        self.label = _labeller(ws)
        #: per column, each value's posts (see :meth:`_mask`), built on first use
        self._masks: dict[str, dict[Any, np.ndarray]] = {}
        ranges: list[list[dt.datetime]] = []
        for a, b in sorted(windows):
            if ranges and a <= ranges[-1][1]:
                ranges[-1][1] = max(ranges[-1][1], b)
            else:
                ranges.append([a, b])
        if len(ranges) > 64:                      # keep the predicate small
            ranges = [[ranges[0][0], max(r[1] for r in ranges)]]
        if not ranges:
            self.df = pd.DataFrame(columns=["platform", "post_id", "created_at", "candidates"])
            return

        def pred(e):
            cond = ibis.literal(False)
            for a, b in ranges:
                cond = cond | ((e.created_at >= a) & (e.created_at < b))
            return cond
        q = _posts_query(ws, pred)
        df = q.order_by(["created_at", "platform", "post_id"]).execute()
        m = ws.store.table("mentions")
        m = m.filter(m.version == (current_version(ws) or "")).select("platform", "post_id", "candidate")
        mk = q.select("platform", "post_id").inner_join(m, ["platform", "post_id"]).select(
            "platform", "post_id", "candidate").execute()
        # each post's pairs by dictionary (a look-up per post in a grouped Series took
        # seconds on a whole campaign)
        cands: dict[tuple, set] = {}
        for p, i, c in zip(mk["platform"].tolist(), mk["post_id"].tolist(), mk["candidate"].astype(str).tolist()):
            cands.setdefault((p, i), set()).add(c)
        df["candidates"] = [cands.get((p, i), set()) for p, i in zip(df["platform"].tolist(), df["post_id"].tolist())]
        df["created_at"] = pd.to_datetime(df["created_at"])
        self.df = df
        # the posts are in time order (the query's): a window is a slice found by bisection
        self._at = df["created_at"].to_numpy()

    def get(self, candidate: str | None, issue: str | None, start, end) -> pd.DataFrame:
        d = self.df
        if d.empty:
            return d
        lo, hi = np.searchsorted(self._at, np.array([pd.Timestamp(start), pd.Timestamp(end)],
                                                    dtype=self._at.dtype), side="left")
        keep = None
        if candidate:
            keep = self._mask("candidates", candidate)[lo:hi]
        if issue:
            m = self._mask("issues", issue)[lo:hi]
            keep = m if keep is None else keep & m
        d = d.iloc[lo:hi]
        return d if keep is None else d[keep]

    def _mask(self, column: str, value: str) -> np.ndarray:
        """Which posts name the pair (``candidates``) or carry the issue (``issues``): every
        value's posts found in one pass over the column for the whole run, not per alert."""
        masks = self._masks
        if column not in masks:
            col = self.df[column].tolist()
            by: dict[Any, np.ndarray] = {}
            for i, v in enumerate(col):
                if v is None or isinstance(v, float):   # no list (NULL)
                    continue
                for x in v:
                    m = by.get(x)
                    if m is None:
                        m = by[x] = np.zeros(len(col), dtype=bool)
                    m[i] = True
            masks[column] = by
        m = masks[column].get(value)
        return m if m is not None else np.zeros(len(self.df), dtype=bool)


def _official_accounts(ws) -> dict[str, str]:
    """(platform:handle lower) -> ballot of every official account in the election config."""
    out = {}
    for c in ws.election.candidates:
        for plat, handles in (c.official_accounts or {}).items():
            for h in handles:
                out[f"{plat}:{h.lstrip('@').lower()}"] = c.ballot
    return out


def _shares(p: pd.DataFrame, candidate: str | None, official: dict[str, str]) -> dict[str, float]:
    n = max(len(p), 1)
    sara = p["sara"].fillna("none").astype(str)
    toxic = (p["hate_speech"].fillna(False).astype(bool) | p["abusive"].fillna(False).astype(bool)
             | ~sara.isin(["none", ""]))
    handles = (p["platform"].astype(str) + ":" + p["handle"].fillna("").astype(str)
               .str.lstrip("@").str.lower())
    owner = handles.map(official)
    opp = owner.notna() & (owner != candidate) if candidate else owner.notna()
    return {
        "negative": float((p["sentiment"] == "negative").sum() / n),
        "positive": float((p["sentiment"] == "positive").sum() / n),
        "toxic": float(toxic.sum() / n),
        "sara": float((~sara.isin(["none", ""])).sum() / n),
        "hoax": float(p["hoax_claim_id"].notna().sum() / n),
        "coordinated": float(p["coordinated"].astype(bool).sum() / n),
        "opponent_official": float(opp.sum() / n),
    }


def _classify(sh: dict[str, float], metric: str) -> tuple[str, str]:
    """Alert type and the reason, from the shares of the posts inside the alert."""
    if metric == "hoax" or sh["hoax"] >= 0.2:
        return "hoax", f"{sh['hoax']:.0%} of posts match a known hoax claim"
    if metric == "toxic" or sh["toxic"] >= 0.3:
        return "sara_hate", f"{sh['toxic']:.0%} of posts are hate speech, abusive or SARA"
    neg = sh["negative"] >= max(sh["positive"], 0.25) or metric in ("negative", "neg_share")
    if neg and sh["opponent_official"] >= 0.05:
        return "opponent_attack", f"{sh['opponent_official']:.0%} of posts come from the opponent's official accounts"
    if neg and sh["coordinated"] >= 0.25:
        return "black_campaign", f"{sh['coordinated']:.0%} of posts come from coordinated accounts"
    if neg:
        return "organic_criticism", f"{sh['negative']:.0%} negative, {sh['coordinated']:.0%} coordinated"
    if sh["positive"] >= 0.4:
        return "positive_surge", f"{sh['positive']:.0%} of posts are positive"
    return "volume_spike", "volume above the usual level for this time of day"


def _severity(p: pd.DataFrame, sh: dict, hours: float, ratio: float, kind: str) -> tuple[float, str]:
    """Severity in 0..1 from reach (log views+engagement, accounts), speed (posts/h and the
    ratio to baseline) and toxicity; positive surges are capped at medium."""
    eng = float(p[["likes", "comments", "shares"]].fillna(0).sum().sum())
    views = float(p["views"].fillna(0).sum())
    followers = float(p.drop_duplicates(["platform", "account_id"])["followers"].fillna(0).sum())
    reach = np.log10(1 + max(views, followers) + 10 * eng) / 7.0          # 10M -> 1.0
    accts = np.log10(1 + p["account_id"].nunique()) / 3.0                   # 1000 accounts -> 1
    speed = np.log10(1 + len(p) / max(hours, 0.25)) / 3.0                   # 1000 posts/h -> 1
    surge = min(np.log2(1 + max(ratio, 0)) / 5.0, 1.0)
    harm = max(sh["toxic"], sh["hoax"] * 1.5, sh["coordinated"], sh["negative"] * 0.6)
    score = float(np.clip(0.3 * min(reach, 1) + 0.15 * min(accts, 1) + 0.2 * min(speed, 1)
                          + 0.1 * surge + 0.25 * min(harm, 1), 0, 1))
    if kind == "hoax":
        score = max(score, 0.4)
    label = "critical" if score >= 0.7 else "high" if score >= 0.5 else "medium" if score >= 0.3 else "low"
    if kind in ("positive_surge", "volume_spike") and label in ("high", "critical"):
        label = "medium"
    return round(score, 3), label


def _account_label(r) -> str:
    h = r.get("handle")
    return f"{r['platform']}:{h if isinstance(h, str) and h else r['account_id']}"


def _public(label, r) -> bool:
    return getattr(label, "public", lambda r: True)(r)


def _labeller(ws):
    """Account label for alert outputs: citizens become stable pseudonyms when the workspace
    pseudonymises (the default); public accounts keep their handle. Evidence exports of a
    case keep the real accounts (they go to platforms and Bawaslu)."""
    if not getattr(ws.config, "pseudonymise", True):
        return _account_label
    from suara.analyse.accounts import account_profiles
    from suara.analyse.privacy import display_handle, is_public, workspace_salt
    salt = workspace_salt(ws)
    # the resolved type (configured official and tracked accounts, 10k+ followers...), as
    # every other output names accounts
    prof = account_profiles(ws)
    resolved = dict(zip(zip(prof.platform.astype(str), prof.account_id.astype(str)), prof["type"]))

    def kind(r) -> str | None:
        at = resolved.get((str(r["platform"]), str(r["account_id"])), r.get("account_type"))
        return at if isinstance(at, str) else None

    def label(r) -> str:
        h = r.get("handle")
        shown = display_handle(kind(r), r["platform"], str(r["account_id"]),
                               h if isinstance(h, str) and h else str(r["account_id"]), salt=salt)
        return f"{r['platform']}:{shown}"
    label.public = lambda r: is_public(kind(r))
    return label


def trace_cascade(posts: pd.DataFrame, max_items: int = 5, label=None) -> dict[str, Any]:
    """Where a story came from and how it spread, from its posts (oldest first).

    Returns origin accounts (first posts), posts in the first hour, amplifiers (accounts by
    posts and engagement), the share of coordinated accounts, the platforms it hopped across
    with the first time seen on each, and reach over time (hourly posts and cumulative
    engagement).

    Example
    -------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"platform": ["x", "tiktok"], "account_id": ["a", "b"], "handle": ["a", "b"],
    ...     "post_id": ["1", "2"], "created_at": pd.to_datetime(["2024-11-01 09:00", "2024-11-01 10:30"]),
    ...     "likes": [1, 5], "comments": [0, 1], "shares": [0, 2], "views": [10, 100],
    ...     "coordinated": [False, True], "url": [None, None]})
    >>> trace_cascade(p)["platforms"][1]["platform"]
    'tiktok'
    """
    if posts is None or len(posts) == 0:
        return {"posts": 0}
    label = label or _account_label
    public = getattr(label, "public", lambda r: True)
    p = posts.sort_values("created_at").reset_index(drop=True)
    t0 = pd.Timestamp(p["created_at"].iloc[0])
    eng = p[["likes", "comments", "shares"]].fillna(0).sum(axis=1)
    p = p.assign(_eng=eng)
    origin = []
    for _, r in p.head(max_items).iterrows():
        # a citizen's post URL names the citizen: only public accounts keep it here
        url = r.get("url") if isinstance(r.get("url"), str) and public(r) else None
        origin.append({"account": label(r), "post_id": str(r["post_id"]),
                       "at": str(r["created_at"]), "url": url})
    amp = (p.groupby(["platform", "account_id"], dropna=False)
           .agg(posts=("post_id", "count"), engagement=("_eng", "sum"),
                handle=("handle", "first"), coordinated=("coordinated", "max"),
                **({"account_type": ("account_type", "first")} if "account_type" in p.columns else {}))
           .reset_index().sort_values(["posts", "engagement"], ascending=False).head(max_items))
    plats = (p.groupby("platform")["created_at"].agg(["min", "count"]).reset_index()
             .sort_values("min"))
    hourly = p.assign(h=p["created_at"].dt.floor("h")).groupby("h").agg(
        posts=("post_id", "count"), engagement=("_eng", "sum"), views=("views", "sum")).reset_index()
    hourly["cum_engagement"] = hourly["engagement"].cumsum()
    accounts = p.drop_duplicates(["platform", "account_id"])
    return {
        "posts": int(len(p)),
        "accounts": int(len(accounts)),
        "first_at": str(t0),
        "origin": origin,
        "first_hour_posts": int((p["created_at"] < t0 + pd.Timedelta(hours=1)).sum()),
        "amplifiers": [{"account": label(r), "posts": int(r["posts"]),
                        "engagement": int(r["engagement"]), "coordinated": bool(r["coordinated"])}
                       for _, r in amp.iterrows()],
        "coordinated_share": float(accounts["coordinated"].astype(bool).mean()),
        "platforms": [{"platform": r["platform"], "first_at": str(r["min"]), "posts": int(r["count"])}
                      for _, r in plats.iterrows()],
        "reach_over_time": [{"hour": str(r["h"]), "posts": int(r["posts"]),
                             "cum_engagement": int(r["cum_engagement"]),
                             "views": int(r["views"]) if r["views"] == r["views"] else 0}
                            for _, r in hourly.head(72).iterrows()],
    }


def _alert_id(key: str, onset: dt.datetime) -> str:
    return "al-" + hashlib.sha256(f"{key}|{onset:%Y-%m-%dT%H:%M}".encode()).hexdigest()[:12]


def _span(inc: dict, s: RadarSettings) -> tuple[dt.datetime, dt.datetime]:
    return (_bin_time(inc["onset_bin"], s),
            _bin_time(inc["end_bin"], s) + dt.timedelta(minutes=s.bin_minutes))


def _finish(cache: _WindowPosts, inc: dict, s: RadarSettings, data_end: dt.datetime,
            now: dt.datetime, official: dict) -> dict | None:
    width = dt.timedelta(minutes=s.bin_minutes)
    onset, end = _span(inc, s)
    detected = min(_bin_time(inc["detected_bin"], s) + width, data_end)
    posts = cache.get(inc["candidate"], inc["issue"], onset, end)
    metric = inc["metric"]
    # hoax/toxic alerts are about those posts, not about everything on the candidate
    focus = posts
    if metric == "hoax" and len(posts):
        focus = posts[posts["hoax_claim_id"].notna()]
    roots = focus["root_id"].where(focus["root_id"].notna(), focus["post_id"]) if len(focus) else []
    if len(set(roots)) < s.min_threads:
        return None
    sh = _shares(focus if len(focus) else posts, inc["candidate"], official)
    typ, why = _classify(sh, metric)
    hours = max((end - onset).total_seconds() / 3600, s.bin_minutes / 60)
    ratio = inc["value"] / max(inc["baseline"], 1e-9) if metric != "neg_share" else \
        inc["value"] / max(inc["baseline"], 0.02)
    score, sev = _severity(focus if len(focus) else posts, sh, hours, ratio, typ)
    key = f"{inc['candidate'] or '*'}|{inc['issue'] or '*'}"
    trace = trace_cascade(focus, label=cache.label)
    evidence = {
        "reason": why, "shares": {k: round(v, 3) for k, v in sh.items()},
        "window": [str(onset), str(end)], "metrics": sorted({e["metric"] for e in inc["episodes"]}),
        "methods": sorted({e["method"] for e in inc["episodes"]}), "peak_z": round(inc["peak_z"], 2),
        "hoax_claims": sorted(focus["hoax_claim_id"].dropna().astype(str).unique().tolist())[:5]
        if len(focus) else [],
        "sample_posts": [{"platform": r["platform"], "post_id": str(r["post_id"]),
                          "at": str(r["created_at"]), "text": (r["text"] or "")[:280] if isinstance(r["text"], str) else "",
                          "url": r["url"] if isinstance(r["url"], str) and _public(cache.label, r) else None}
                         for _, r in focus.head(5).iterrows()],
        "trace": trace,
    }
    return {
        "alert_id": _alert_id(key, onset), "kind": "anomaly", "candidate": inc["candidate"],
        "issue": inc["issue"], "type": typ, "severity": sev, "severity_score": score,
        "onset_at": onset, "detected_at": detected, "metric": metric,
        "value": float(inc["value"]), "baseline": float(np.nan_to_num(inc["baseline"])),
        "posts": int(len(focus)), "top_accounts": json.dumps([a["account"] for a in trace.get("amplifiers", [])]),
        "evidence": json.dumps(evidence, default=str, ensure_ascii=False), "status": "new",
        "created_at": now,
    }

