"""Calls to action: hashtag campaigns, posts to share, live streams and comment drives as
first-class objects in the ``actions`` table (add, list, delete), tracking who took part
(organic vs coordinated), reach, regions, sentiment, progress against the goal and the
cascade, and detection of hashtag actions started by official accounts; the ``actions``
section.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> a = add_action(ws, "hashtag", "Malam pawai", "KaltimMenang", "2024-11-20 20:00", "2024-11-21 02:00",
...                candidate="2", goal=500)
>>> track_action(ws, a["action_id"])["posts"]
0
"""
from __future__ import annotations

import re
import uuid
from itertools import accumulate
from typing import Any

import ibis
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.base import account_region, candidate_mentions, current_version, flagged, pair_label, pct
from suara.analyse.mobilise.cascade import _cascade
from suara.analyse.mobilise.common import _audit, _iso, _local, _now, to_utc
from suara.analyse.section import Section, figure, posts_link, register
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.mobilise.volunteers import consented_volunteers

__all__ = ["ACTION_KINDS", "GOAL_METRICS", "add_action", "list_actions", "get_action", "delete_action",
           "action_posts", "track_action", "track_actions", "detect_actions", "actions_section",
           "volunteer_leaderboard", "Actions"]

#: kinds of call to action and what ``target`` holds for each
ACTION_KINDS = {
    "hashtag": "a hashtag, with or without '#'",
    "share": "the post to share: its URL or post id",
    "live": "the live video: its URL or post id",
    "comment_drive": "the post(s) to comment on: URLs or post ids, comma-separated",
}
#: what a goal counts
GOAL_METRICS = ("posts", "accounts", "reach")


def _clean_targets(kind: str, target: str) -> list[str]:
    parts = [t.strip() for t in str(target or "").split(",") if t.strip()]
    if kind == "hashtag":
        parts = [p.lstrip("#").lower() for p in parts]
    return parts


def add_action(ws, kind: str, name: str, target: str, starts_at, ends_at, candidate: str | None = None,
               goal: int | None = None, goal_metric: str = "posts", action_id: str | None = None) -> dict:
    """Register (or update, with the same ``action_id``) a call to action.

    Times without a zone are local time in the election's timezone; they are stored as
    naive UTC.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> add_action(ws, "hashtag", "Pawai", "#Gratispol", "2024-11-20 20:00", "2024-11-21 02:00")["target"]
    'gratispol'
    """
    if kind not in ACTION_KINDS:
        raise ValueError(f"kind: unknown action kind {kind!r}; use one of {list(ACTION_KINDS)}")
    if goal_metric not in GOAL_METRICS:
        raise ValueError(f"goal_metric: {goal_metric!r} is not one of {list(GOAL_METRICS)}")
    targets = _clean_targets(kind, target)
    if not targets:
        raise ValueError(f"target: empty; expected {ACTION_KINDS[kind]}")
    tz = ws.election.timezone
    s, e = to_utc(starts_at, tz), to_utc(ends_at, tz)
    if s is None or e is None:
        raise ValueError("starts_at/ends_at: both are required")
    if e <= s:
        raise ValueError(f"ends_at: {e} is not after starts_at {s}")
    if candidate is not None and str(candidate) not in ws.election.ballots:
        raise ValueError(f"candidate: {candidate!r} is not a ballot number of {ws.election.id} "
                         f"({ws.election.ballots})")
    if goal is not None and int(goal) < 0:
        raise ValueError("goal: must be >= 0")
    row = {"action_id": action_id or "act-" + uuid.uuid4().hex[:8], "kind": kind, "name": name,
           "candidate": None if candidate is None else str(candidate), "target": ",".join(targets),
           "starts_at": s, "ends_at": e, "goal": None if goal is None else int(goal),
           "goal_metric": goal_metric, "created_at": _now()}
    ws.store.upsert("actions", pd.DataFrame([row]),
                    overwrite=[c for c in row if c not in ("action_id", "created_at")])
    _audit(ws, "action.add", row["action_id"], {"name": name, "kind": kind})
    return row


def list_actions(ws) -> pd.DataFrame:
    """All registered actions, newest window first.

    Example
    -------
    >>> import suara, tempfile
    >>> len(list_actions(suara.init(tempfile.mkdtemp())))
    0
    """
    t = ws.store.table("actions")
    return t.order_by(ibis.desc("starts_at")).execute()


def get_action(ws, action_id: str) -> dict:
    """One action as a dict; KeyError names the unknown id.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> a = add_action(ws, "live", "Live", "123", "2024-11-01 19:00", "2024-11-01 21:00", action_id="a1")
    >>> get_action(ws, "a1")["kind"]
    'live'
    """
    t = ws.store.table("actions")
    df = t.filter(t.action_id == action_id).execute()
    if df.empty:
        raise KeyError(f"no action {action_id!r}")
    r = df.iloc[0].to_dict()
    return {k: (None if (v is not None and not isinstance(v, (list, str)) and pd.isna(v)) else v)
            for k, v in r.items()}


def delete_action(ws, action_id: str) -> bool:
    """Remove an action; True when it existed.

    Example
    -------
    >>> import suara, tempfile
    >>> delete_action(suara.init(tempfile.mkdtemp()), "nope")
    False
    """
    n = ws.store.sql("SELECT count(*) AS n FROM actions WHERE action_id = ?", [action_id]).iloc[0, 0]
    ws.store.execute("DELETE FROM actions WHERE action_id = ?", [action_id])
    if n:
        _audit(ws, "action.delete", action_id)
    return bool(n)


def _resolve_posts(ws, refs: list[str]) -> list[tuple[str, str]]:
    """(platform, post_id) for each target given as a URL or a post id."""
    p = ws.store.table("posts")
    refs = [r for r in refs if r]
    if not refs:
        return []
    ids = [r.rstrip("/") for r in refs]
    hit = p.filter(p.url.isin(refs) | p.url.isin(ids) | p.post_id.isin(ids)).select("platform", "post_id")
    found = [tuple(x) for x in hit.execute().itertuples(index=False)]
    # a URL we have not imported still names its post: keep the last path segment as an id
    if not found:
        found = [(None, re.split(r"[/=]", r.rstrip("/"))[-1]) for r in refs]
    return found


def action_posts(ws, action: dict | str) -> ibis.Table:
    """Posts that take part in an action (an Ibis expression over ``posts``).

    hashtag: posts carrying the hashtag in the window; share/live/comment_drive: shares,
    comments, replies and live comments of the target post(s) in the window, plus posts that
    link to a target URL.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> a = add_action(ws, "hashtag", "x", "Gratispol", "2024-11-01", "2024-11-02")
    >>> action_posts(ws, a).count().execute()
    0
    """
    a = get_action(ws, action) if isinstance(action, str) else action
    p = ws.store.table("posts")
    return p.filter(_takes_part(p, a, _target_ids(ws, a)))


def _targets(a: dict) -> list[str]:
    """The action's targets as stored (comma-separated)."""
    return [t for t in str(a["target"]).split(",") if t]


def _target_ids(ws, a: dict) -> list[str] | None:
    """Post ids of the target post(s) of a share/live/comment action (None for a hashtag)."""
    if a["kind"] == "hashtag":
        return None
    # sorted, so that the queries holding them are the same text in every run
    return sorted({pid for _, pid in _resolve_posts(ws, _targets(a))})


def _takes_part(p: ibis.Table, a: dict, ids: list[str] | None) -> ibis.BooleanValue:
    """The condition a post of ``p`` meets to take part in action ``a`` (see
    :func:`action_posts`); ``ids``: the target post ids (:func:`_target_ids`)."""
    targets = _targets(a)
    win = (p.created_at >= a["starts_at"]) & (p.created_at <= a["ends_at"])
    if a["kind"] == "hashtag":
        cond = ibis.literal(False)
        for tag in targets:
            cond = cond | p.hashtags.contains(tag.lower())
        return win & cond
    urls = [t for t in targets if "://" in t]
    cond = p.root_id.isin(ids) | p.parent_id.isin(ids)
    for u in urls:
        cond = cond | p.links.contains(u)
    return win & cond & ~p.post_id.isin(ids)


def _drop_right(t: ibis.Table) -> ibis.Table:
    """Drop the duplicate key columns (``*_right``) a join leaves behind."""
    return t.drop(*[c for c in t.columns if c.endswith("_right")])


def _bucket(a: dict) -> str:
    span = (pd.Timestamp(a["ends_at"]) - pd.Timestamp(a["starts_at"])).total_seconds()
    return "h" if span <= 4 * 86400 else "D"


#: the columns of an action's posts that tracking reads: the post's own, its author's
#: coordination flag and region, its sentiment, and the author's handle, type and followers
_POST_OWN = ("platform", "post_id", "account_id", "created_at", "kind", "parent_id", "root_id",
             "likes", "comments", "shares", "views")
_POST_COLUMNS = _POST_OWN + ("coordinated", "region", "sentiment", "handle", "account_type", "followers")


def _tracked_posts(ws, actions: list[dict], ids: list[list[str] | None]) -> list[pd.DataFrame]:
    """The posts of each action (:func:`action_posts`) with the columns of
    :data:`_POST_COLUMNS`, read in one query: every post that takes part in any of the
    actions once, with one boolean column per action saying whether it takes part in it.
    ``ids``: each action's target post ids (:func:`_target_ids`)."""
    p = ws.store.table("posts")
    member = {f"in_{i}": _takes_part(p, a, x).fill_null(False) for i, (a, x) in enumerate(zip(actions, ids))}
    ap = p.select(*_POST_OWN, **member)
    ap = ap.filter(ibis.or_(*[ap[k] for k in member]))
    fl = flagged(ws).mutate(coordinated=ibis.literal(True))
    ar = account_region(ws).select("platform", "account_id", "region")
    e = ws.store.table("enrichments")
    e = e.filter(e.version == (current_version(ws) or "")).select("platform", "post_id", "sentiment")
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type", "followers")

    def author(t):
        return [ap.platform == t.platform, ap.account_id == t.account_id]

    j = (ap.left_join(fl, author(fl)).left_join(ar, author(ar))
         .left_join(e, [ap.platform == e.platform, ap.post_id == e.post_id]).left_join(acc, author(acc)))
    df = j.select(*[ap[c] for c in _POST_OWN], fl.coordinated, ar.region, e.sentiment, acc.handle,
                  acc.account_type, acc.followers, *[ap[k] for k in member]).execute()
    df["coordinated"] = df["coordinated"].fillna(False).astype(bool)
    return [df.loc[df[k].to_numpy(dtype=bool), list(_POST_COLUMNS)].reset_index(drop=True) for k in member]


def _participants(df: pd.DataFrame) -> pd.DataFrame:
    """Distinct participating accounts of an action's posts (first post first) with their
    coordination flag, region, handle, type and followers (0 when unknown)."""
    accts = df.dropna(subset=["account_id"]).drop_duplicates(["platform", "account_id"])
    accts = accts[["platform", "account_id", "coordinated", "region", "handle", "account_type",
                   "followers"]].reset_index(drop=True)
    accts["followers"] = pd.to_numeric(accts["followers"], errors="coerce").fillna(0)
    return accts


def track_action(ws, action_id: str | dict, top: int = 10) -> dict[str, Any]:
    """Everything about one action: participation, reach, regions, sentiment, progress,
    cascade and volunteers.

    Returns a dict; counts are over the action's posts (see :func:`action_posts`), ``reach``
    is the summed followers of distinct participating accounts (potential audience) and
    ``views`` the summed views the exports report. ``organic``/``coordinated`` split
    participating accounts by the coordination detector's flag.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> a = add_action(ws, "hashtag", "x", "Gratispol", "2024-11-01", "2024-11-02", goal=10)
    >>> r = track_action(ws, a["action_id"])
    >>> r["progress"]["goal"], r["progress"]["done"]
    (10, 0.0)
    """
    a = get_action(ws, action_id) if isinstance(action_id, str) else action_id
    return track_actions(ws, [a], top=top)[0]


def track_actions(ws, actions: list[dict], top: int = 10) -> list[dict[str, Any]]:
    """:func:`track_action` of each of ``actions`` (dicts), in order; their posts are read in
    one query and the volunteer roster once.

    Example
    -------
    >>> import suara, tempfile
    >>> track_actions(suara.init(tempfile.mkdtemp()), [])
    []
    """
    from suara.analyse.privacy import Pseudonymiser
    if not actions:
        return []
    ids = [_target_ids(ws, a) for a in actions]
    frames = _tracked_posts(ws, actions, ids)
    vol = consented_volunteers(ws).execute()
    pz = Pseudonymiser(ws)
    return [_track(ws, a, df, x, vol, pz, top) for a, df, x in zip(actions, frames, ids)]


def _track(ws, a: dict, df: pd.DataFrame, ids: list[str] | None, vol: pd.DataFrame, pz, top: int) -> dict[str, Any]:
    """:func:`track_action` of action ``a`` from its posts ``df`` (:func:`_tracked_posts`),
    its target post ids, the volunteer roster and the workspace's pseudonymiser."""
    tz = ws.election.timezone
    out: dict[str, Any] = {
        "action_id": a["action_id"], "name": a["name"], "kind": a["kind"], "candidate": a["candidate"],
        "target": a["target"], "starts_at": _iso(a["starts_at"]), "ends_at": _iso(a["ends_at"]),
        "starts_local": _local(a["starts_at"], tz), "ends_local": _local(a["ends_at"], tz),
        "posts": int(len(df)),
    }
    accts = _participants(df)
    n_coord = int(accts["coordinated"].sum())
    out["accounts"] = {"total": int(len(accts)), "organic": int(len(accts) - n_coord), "coordinated": n_coord,
                       "coordinated_share": round(n_coord / len(accts), 3) if len(accts) else 0.0}
    org_posts = df[~df["coordinated"]]
    out["posts_organic"] = int(len(org_posts))
    out["reach"] = int(accts["followers"].sum())
    out["reach_organic"] = int(accts.loc[~accts["coordinated"], "followers"].sum())
    out["views"] = int(pd.to_numeric(df["views"], errors="coerce").fillna(0).sum())
    out["engagement"] = int(sum(pd.to_numeric(df[c], errors="coerce").fillna(0).sum()
                                for c in ("likes", "comments", "shares")))
    reg = accts.dropna(subset=["region"]).groupby("region").size().sort_values(ascending=False)
    names = {r.code: r.name for r in ws.election.regions}
    out["regions"] = {str(k): {"name": names.get(str(k), str(k)), "accounts": int(v)} for k, v in reg.items()}
    out["regions_reached"] = int(len(reg))
    sent = df["sentiment"].fillna("unknown").value_counts()
    out["sentiment"] = {k: int(sent.get(k, 0)) for k in ("positive", "neutral", "negative", "unknown")}
    scored = out["sentiment"]["positive"] + out["sentiment"]["negative"] + out["sentiment"]["neutral"]
    out["net_sentiment"] = round((out["sentiment"]["positive"] - out["sentiment"]["negative"]) / scored, 3) \
        if scored else None
    out["progress"] = _progress(a, out, org_posts, accts, tz)
    out["cascade"] = _cascade(ws, df, accts, top)
    out["cascade"]["origin"] = _origin(ws, a, ids)
    out["volunteers"] = _volunteers(vol, accts)
    for key in ("origin", "started_by", "carried_by"):
        for r in out["cascade"][key]:
            r["handle"] = pz(r.pop("account_type"), r["platform"], r["account_id"], r.get("handle"))
            if r["handle"].startswith("warga-"):  # ordinary citizens leave only as pseudonyms
                r["account_id"] = r["handle"]
    return out


def _progress(a: dict, out: dict, org_posts: pd.DataFrame, accts: pd.DataFrame, tz: str) -> dict[str, Any]:
    """Progress against the goal over time (organic participation: coordinated accounts do
    not count); ``out``: the action's counts so far."""
    metric = a.get("goal_metric") or "posts"
    freq = _bucket(a)
    timeline = []
    if len(org_posts):
        per = _per_bucket(org_posts, accts, freq)
        values = per[{"posts": "posts", "accounts": "new_accounts", "reach": "new_reach"}[metric]]
        for b, n, new, cum in zip(per["bucket"], per["posts"], per["new_accounts"], accumulate(values)):
            timeline.append({"at": _iso(b), "local": _local(b, tz), "posts": int(n),
                             "new_accounts": int(new), "cumulative": int(cum)})
    done = {"posts": out["posts_organic"], "accounts": out["accounts"]["organic"],
            "reach": out["reach_organic"]}[metric]
    goal = a.get("goal")
    goal = None if goal is None or pd.isna(goal) else int(goal)
    frac = None if goal is None else (1.0 if goal == 0 else round(done / goal, 3))
    return {"metric": metric, "goal": goal, "value": int(done), "bucket": freq, "done": frac,
            "timeline": timeline}


def _per_bucket(posts: pd.DataFrame, accts: pd.DataFrame, freq: str) -> dict[str, list]:
    """Per time bucket (``freq``: "h" or "D"; in time order, only buckets with posts): the
    bucket's start, its posts, the accounts whose first post falls in it (posts without an
    author count as one account per platform) and those accounts' summed followers."""
    bucket = pd.to_datetime(posts["created_at"]).dt.floor(freq).to_numpy()
    starts, code, n = np.unique(bucket, return_inverse=True, return_counts=True)
    acct = posts["account_id"].astype(object).where(posts["account_id"].notna(), None).tolist()
    first: dict[tuple, int] = {}
    for k, c in zip(zip(posts["platform"].tolist(), acct), code.tolist()):
        if c < first.get(k, len(starts)):
            first[k] = c
    fol = dict(zip(zip(accts["platform"].tolist(), accts["account_id"].tolist()), accts["followers"].tolist()))
    new, reach = [0] * len(starts), [0] * len(starts)
    for k, c in first.items():
        new[c] += 1
        reach[c] += fol.get(k, 0)
    return {"bucket": list(pd.DatetimeIndex(starts)), "posts": n.tolist(), "new_accounts": new, "new_reach": reach}


def _volunteers(vol: pd.DataFrame, accts: pd.DataFrame) -> dict[str, int]:
    """Consenting volunteers (``vol``: :func:`consented_volunteers`) among an action's
    participating accounts, and their summed followers."""
    if vol.empty or accts.empty:
        return {"count": 0, "reach": 0}
    m = vol.merge(accts, on=["platform", "account_id"])
    return {"count": int(len(m)), "reach": int(m["followers"].sum())}


def _origin(ws, a: dict, ids: list[str] | None) -> list[dict]:
    """Authors of the target post(s) of a share/live/comment action (``ids``: their post
    ids): where the cascade starts."""
    if a["kind"] == "hashtag":
        return []
    p = ws.store.table("posts")
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type", "followers")
    j = p.filter(p.post_id.isin(ids)).select("platform", "post_id", "account_id", "created_at", "url")
    j = j.left_join(acc, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    return [{"platform": r.platform, "account_id": str(r.account_id), "handle": None if pd.isna(r.handle) else r.handle,
             "account_type": None if pd.isna(r.account_type) else r.account_type,
             "followers": 0 if pd.isna(r.followers) else int(r.followers), "post_id": str(r.post_id),
             "url": None if pd.isna(r.url) else r.url, "at": _iso(r.created_at)} for r in j.execute().itertuples()]


def detect_actions(ws, min_accounts: int = 10, max_days: int = 3, burst_accounts: int = 20,
                   burst_hours: int = 6) -> list[dict]:
    """Hashtag drives found in the data (not stored). A hashtag that is not one of a pair's
    standing hashtags counts when either

    * it was first used by an official/party/registered account and then taken up by at least
      ``min_accounts`` other accounts within ``max_days`` (an announced call to action), or
    * at least ``burst_accounts`` distinct accounts used it within one ``burst_hours`` bucket
      (a drive whose announcement we did not capture).

    The window runs from the first use to ``max_days`` later; the pair is the one the
    announcing account belongs to, else the pair the hashtag's posts mention most (>= 60 %).

    Example
    -------
    >>> import suara, tempfile
    >>> detect_actions(suara.init(tempfile.mkdtemp()))
    []
    """
    from suara.analyse.lawwatch import nullable, official_table
    p = ws.store.table("posts")
    tags = p.filter((p.hashtags.length() > 0) & p.created_at.notnull()).select(
        "platform", "post_id", "account_id", "created_at", tag=p.hashtags.unnest())
    standing = [h.lower() for c in ws.election.candidates for h in c.hashtags]
    if standing:
        tags = tags.filter(~tags.tag.isin(standing))
    first = tags.group_by("tag").aggregate(first_at=tags.created_at.min())
    # announced by an official account
    acc = ws.store.table("accounts")
    typed = acc.filter(acc.account_type.isin(["official", "party"])).select(
        "platform", "account_id", candidate=ibis.null("string"))
    off = official_table(ws).select("platform", "account_id", candidate=ibis._.candidate.cast("string"))
    off = nullable(off).union(nullable(typed)).group_by(["platform", "account_id"]).aggregate(
        candidate=ibis._.candidate.max())
    ot = tags.inner_join(off, ["platform", "account_id"])
    ofirst = ot.group_by("tag").aggregate(first_official=ot.created_at.min(), official_pair=ot.candidate.max())
    ann = first.inner_join(ofirst, "tag")
    ann = ann.filter(ann.first_official <= ann.first_at + ibis.interval(hours=1))
    tf = _drop_right(tags.inner_join(first, "tag"))
    tf = tf.filter(tf.created_at <= tf.first_at + ibis.interval(days=max_days))
    reach = tf.group_by("tag").aggregate(accounts=tf.account_id.nunique())
    announced = ann.inner_join(reach, "tag")
    announced = announced.filter(announced.accounts - 1 >= min_accounts).select(
        "tag", "first_at", "official_pair").execute()
    # bursts: many distinct accounts inside one time bucket
    b = tags.mutate(bucket=(tags.created_at.epoch_seconds() / (burst_hours * 3600)).floor().cast("int64"))
    per = b.group_by(["tag", "bucket"]).aggregate(n=b.account_id.nunique())
    bursts = per.group_by("tag").aggregate(peak=per.n.max())
    bursts = bursts.filter(bursts.peak >= burst_accounts).inner_join(first, "tag").select("tag", "first_at").execute()
    found = pd.concat([announced, bursts.assign(official_pair=None)]).drop_duplicates("tag")
    if found.empty:
        return []
    # the pair a hashtag's posts mention most
    m = candidate_mentions(ws, False).select("platform", "post_id", "candidate")
    # sorted (the engine returns them in any order): the same SQL text in every run
    tm = _drop_right(tf.filter(tf.tag.isin(sorted(set(found["tag"])))).inner_join(m, ["platform", "post_id"]))
    mc = tm.group_by(["tag", "candidate"]).aggregate(n=tm.post_id.nunique()).execute()
    out = []
    for r in found.sort_values("first_at").itertuples():
        cand = None if r.official_pair is None or pd.isna(r.official_pair) else str(r.official_pair)
        if cand is None and len(mc):
            g = mc[mc["tag"] == r.tag].sort_values("n", ascending=False)
            if len(g) and g["n"].iloc[0] >= 0.6 * g["n"].sum():
                cand = str(g["candidate"].iloc[0])
        start = pd.Timestamp(r.first_at)
        out.append({"action_id": f"auto-{r.tag}", "kind": "hashtag", "name": f"#{r.tag}", "candidate": cand,
                    "target": r.tag, "starts_at": start, "ends_at": start + pd.Timedelta(days=max_days),
                    "goal": None, "goal_metric": "accounts", "created_at": None, "detected": True,
                    "announced_by_official": cand is not None and r.official_pair is not None
                    and not pd.isna(r.official_pair)})
    return out


def actions_section(ws, top: int = 5) -> dict[str, Any]:
    """`suara analyse` section ``actions``: every registered action tracked, plus hashtag
    drives detected in the data.

    Example
    -------
    >>> import suara, tempfile
    >>> actions_section(suara.init(tempfile.mkdtemp()))["registered"]
    []
    """
    reg = [{k: (None if not isinstance(v, (list, str)) and v is not None and pd.isna(v) else v) for k, v in a.items()}
           for a in list_actions(ws).to_dict("records")]
    found = detect_actions(ws)
    tracked = track_actions(ws, reg + found, top=top)
    reg, det = tracked[:len(reg)], [dict(t, detected=True) for t in tracked[len(reg):]]
    return {"registered": reg, "detected": det,
            "definition": "participation = posts in the action's window that carry its hashtag or "
                          "respond to / share its target post; progress counts organic accounts only"}



def volunteer_leaderboard(ws, top: int = 20) -> pd.DataFrame:
    """Consenting volunteers ranked by the actions they joined, then posts in actions, then
    reach (followers) and engagement their posts drew. Withdrawn volunteers never appear.

    Example
    -------
    >>> import suara, tempfile
    >>> volunteer_leaderboard(suara.init(tempfile.mkdtemp())).empty
    True
    """
    vol = consented_volunteers(ws)
    cols = ["volunteer_id", "name", "handle", "platform", "actions", "action_posts", "posts", "reach", "engagement"]
    if vol.count().execute() == 0:
        return pd.DataFrame(columns=cols)
    p = ws.store.table("posts")
    vp = p.inner_join(vol, ["platform", "account_id"])
    base = vp.group_by(["volunteer_id"]).aggregate(
        posts=vp.post_id.count(),
        engagement=(vp.likes.fill_null(0) + vp.comments.fill_null(0) + vp.shares.fill_null(0)).sum()).execute()
    acc = ws.store.table("accounts").select("platform", "account_id", "followers")
    fol = vol.left_join(acc, ["platform", "account_id"]).select("volunteer_id", "followers").execute()
    parts = []
    volset = vol.select("platform", "account_id", "volunteer_id")
    acts = list_actions(ws).to_dict("records")
    for a in acts:
        ap = action_posts(ws, a).inner_join(volset, ["platform", "account_id"])
        g = ap.group_by("volunteer_id").aggregate(n=ap.post_id.count()).execute()
        g["action_id"] = a["action_id"]
        parts.append(g)
    part = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["volunteer_id", "n", "action_id"])
    agg = part.groupby("volunteer_id").agg(actions=("action_id", "nunique"), action_posts=("n", "sum"))
    roster = vol.execute()
    df = roster.merge(base, on="volunteer_id", how="left").merge(fol, on="volunteer_id", how="left")
    df = df.merge(agg, left_on="volunteer_id", right_index=True, how="left")
    for c in ("posts", "engagement", "followers", "actions", "action_posts"):
        df[c] = pd.to_numeric(df.get(c), errors="coerce").fillna(0).astype(int)
    df = df.rename(columns={"followers": "reach"})
    df = df.sort_values(["actions", "action_posts", "reach", "engagement"], ascending=False)
    return df[cols].head(top).reset_index(drop=True)


_num = formats.number
_p = formats.percent_cell


@register
class Actions(Section):
    """Registered and detected calls to action with their tracking."""

    id = "actions"
    title = "mobilise.actions"
    explain = "mobilise.actions_explain"
    requires = ("actions", "posts", "accounts", "mentions", "enrichments", "account_scores")
    options = {"top": 5}
    pages = ("mobilisasi",)

    def compute(self, ws, top: int = 5) -> dict[str, Any]:
        return actions_section(ws, top=top)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        acts = result.get("registered", []) + result.get("detected", [])
        if not acts:
            return []
        t, ui = texts("mobilise", lang), texts("ui", lang)
        rep = ("report",)
        fig = go.Figure()
        for a in acts[:8]:
            tl = a["progress"]["timeline"]
            if tl:
                fig.add_scatter(x=[x["local"] for x in tl], y=[x["cumulative"] for x in tl], mode="lines", name=a["name"])
        fig.update_layout(title=t["progress"])
        return [
            {"type": "chart", "faces": rep, "figure": figure(fig)},
            {"type": "table", "faces": rep,
             "columns": [t["name"], t["kind"], t["pair"], t["posts"], t["acc"], t["coord"],
                         t["reach"], t["regions"], t["net"], t["progress"]],
             "rows": [[a["name"], a["kind"], a["candidate"] or "–", formats.integer(a['posts']), formats.integer(a['accounts']['organic']),
                       formats.integer(a['accounts']['coordinated']), formats.integer(a['reach']), a["regions_reached"],
                       formats.signed(a["net_sentiment"]),
                       pct(a["progress"]["done"]) if a["progress"]["done"] is not None else "–"] for a in acts]},
            {"type": "table", "id": "actions", "title": ui["actions"], "explain": ui["actions_explain"],
             "faces": ("web",), "csv": "/api/v1/analysis/actions.csv?part=detected",
             "columns": [ui["name"], ui["candidate"], ui["from"], ui["to"], ui["n_posts"], ui["accounts"],
                         ui["coordinated_share"], ui["reach"]],
             "rows": [[a.get("name"), pair_label(election, a["candidate"]) if a.get("candidate") else "",
                       a.get("starts_local") or "", a.get("ends_local") or "",
                       {"text": _num(a.get("posts")),
                        "href": posts_link(q="#" + str(a.get("target") or "") if a.get("kind") == "hashtag" else None,
                                           since=(a.get("starts_at") or "")[:10])},
                       _num((a.get("accounts") or {}).get("total")), _p((a.get("accounts") or {}).get("coordinated_share")),
                       _num(a.get("reach"))] for a in acts]}]
