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
from typing import Any

import ibis
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.base import account_region, current_version, flagged, mentions, pair_label, pct
from suara.analyse.mobilise.common import _audit, _iso, _local, _now, to_utc
from suara.analyse.section import Section, figure, posts_link, register
from suara.config import formats
from suara.config.i18n import texts
from suara.analyse.mobilise.volunteers import _volunteer_participation, consented_volunteers

__all__ = ["ACTION_KINDS", "GOAL_METRICS", "add_action", "list_actions", "get_action", "delete_action",
           "action_posts", "track_action", "detect_actions", "actions_section", "volunteer_leaderboard", "Actions"]

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
    targets = [t for t in str(a["target"]).split(",") if t]
    win = (p.created_at >= a["starts_at"]) & (p.created_at <= a["ends_at"])
    if a["kind"] == "hashtag":
        cond = ibis.literal(False)
        for tag in targets:
            cond = cond | p.hashtags.contains(tag.lower())
        return p.filter(win & cond)
    refs = _resolve_posts(ws, targets)
    ids = [pid for _, pid in refs]
    urls = [t for t in targets if "://" in t]
    cond = p.root_id.isin(ids) | p.parent_id.isin(ids)
    for u in urls:
        cond = cond | p.links.contains(u)
    return p.filter(win & cond & ~p.post_id.isin(ids))


def _drop_right(t: ibis.Table) -> ibis.Table:
    """Drop the duplicate key columns (``*_right``) a join leaves behind."""
    return t.drop(*[c for c in t.columns if c.endswith("_right")])


def _bucket(a: dict) -> str:
    span = (pd.Timestamp(a["ends_at"]) - pd.Timestamp(a["starts_at"])).total_seconds()
    return "h" if span <= 4 * 86400 else "D"


def _account_info(ws, keys: pd.DataFrame) -> pd.DataFrame:
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type", "followers")
    if keys.empty:
        return keys.assign(handle=None, account_type=None, followers=0)
    k = ibis.memtable(keys[["platform", "account_id"]].drop_duplicates())
    return k.left_join(acc, ["platform", "account_id"]).select(
        k.platform, k.account_id, acc.handle, acc.account_type, acc.followers).execute()


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
    from suara.analyse.privacy import Pseudonymiser
    a = get_action(ws, action_id) if isinstance(action_id, str) else action_id
    tz = ws.election.timezone
    ap = action_posts(ws, a)
    fl = flagged(ws).mutate(coordinated=ibis.literal(True))
    ar = account_region(ws).select("platform", "account_id", "region")
    j = _drop_right(ap.left_join(fl, ["platform", "account_id"]))
    j = _drop_right(j.left_join(ar, ["platform", "account_id"]))
    e = ws.store.table("enrichments")
    e = e.filter(e.version == (current_version(ws) or "")).select("platform", "post_id", "sentiment")
    j = _drop_right(j.left_join(e, ["platform", "post_id"]))
    df = j.select("platform", "post_id", "account_id", "created_at", "kind", "parent_id", "root_id",
                  "likes", "comments", "shares", "views", "coordinated", "region", "sentiment").execute()
    df["coordinated"] = df["coordinated"].fillna(False).astype(bool)
    out: dict[str, Any] = {
        "action_id": a["action_id"], "name": a["name"], "kind": a["kind"], "candidate": a["candidate"],
        "target": a["target"], "starts_at": _iso(a["starts_at"]), "ends_at": _iso(a["ends_at"]),
        "starts_local": _local(a["starts_at"], tz), "ends_local": _local(a["ends_at"], tz),
        "posts": int(len(df)),
    }
    accts = df.dropna(subset=["account_id"]).drop_duplicates(["platform", "account_id"])
    info = _account_info(ws, accts[["platform", "account_id"]])
    accts = accts[["platform", "account_id", "coordinated", "region"]].merge(info, on=["platform", "account_id"],
                                                                            how="left")
    accts["followers"] = pd.to_numeric(accts["followers"], errors="coerce").fillna(0)
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
    # progress vs goal over time (organic participation: coordinated accounts do not count)
    metric = a.get("goal_metric") or "posts"
    freq = _bucket(a)
    timeline = []
    if len(org_posts):
        o = org_posts.sort_values("created_at").copy()
        o["bucket"] = pd.to_datetime(o["created_at"]).dt.floor(freq)
        first = o.drop_duplicates(["platform", "account_id"])
        # a dictionary look-up per account (a MultiIndex Series.get per account cost more than the rest)
        fol = dict(zip(zip(accts.platform.tolist(), accts.account_id.tolist()), accts.followers.tolist()))
        first = first.assign(f=[fol.get(k, 0) for k in zip(first.platform.tolist(), first.account_id.tolist())])
        per = pd.DataFrame({"posts": o.groupby("bucket").size(),
                            "new_accounts": first.groupby("bucket").size(),
                            "new_reach": first.groupby("bucket")["f"].sum()}).fillna(0)
        cum = per.cumsum()
        value_col = {"posts": "posts", "accounts": "new_accounts", "reach": "new_reach"}[metric]
        for b, r in per.iterrows():
            timeline.append({"at": _iso(b), "local": _local(b, tz), "posts": int(r.posts),
                             "new_accounts": int(r.new_accounts), "cumulative": int(cum.loc[b, value_col])})
    done = {"posts": out["posts_organic"], "accounts": out["accounts"]["organic"],
            "reach": out["reach_organic"]}[metric]
    goal = a.get("goal")
    goal = None if goal is None or pd.isna(goal) else int(goal)
    frac = None if goal is None else (1.0 if goal == 0 else round(done / goal, 3))
    out["progress"] = {"metric": metric, "goal": goal, "value": int(done), "bucket": freq, "done": frac,
                       "timeline": timeline}
    out["cascade"] = _cascade(ws, df, accts, top)
    out["cascade"]["origin"] = _origin(ws, a)
    out["volunteers"] = _volunteer_participation(ws, accts)
    pz = Pseudonymiser(ws)
    for key in ("origin", "started_by", "carried_by"):
        for r in out["cascade"][key]:
            r["handle"] = pz(r.pop("account_type"), r["platform"], r["account_id"], r.get("handle"))
            if r["handle"].startswith("warga-"):  # ordinary citizens leave only as pseudonyms
                r["account_id"] = r["handle"]
    return out


def _origin(ws, a: dict) -> list[dict]:
    """Authors of the target post(s) of a share/live/comment action: where the cascade starts."""
    if a["kind"] == "hashtag":
        return []
    ids = [pid for _, pid in _resolve_posts(ws, [t for t in str(a["target"]).split(",") if t])]
    p = ws.store.table("posts")
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type", "followers")
    j = p.filter(p.post_id.isin(ids)).select("platform", "post_id", "account_id", "created_at", "url")
    j = j.left_join(acc, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    return [{"platform": r.platform, "account_id": str(r.account_id), "handle": None if pd.isna(r.handle) else r.handle,
             "account_type": None if pd.isna(r.account_type) else r.account_type,
             "followers": 0 if pd.isna(r.followers) else int(r.followers), "post_id": str(r.post_id),
             "url": None if pd.isna(r.url) else r.url, "at": _iso(r.created_at)} for r in j.execute().itertuples()]


def _cascade(ws, df: pd.DataFrame, accts: pd.DataFrame, top: int) -> dict[str, Any]:
    """Who started the action (earliest posters) and who carried it (accounts whose action
    posts drew the most responses inside the action, then the most followers)."""
    if df.empty:
        return {"started_by": [], "carried_by": [], "depth": 0, "responses_inside": 0}
    # posts at the same second keep one order in every run (the rows come back from the
    # engine in any order, and a quicksort does not keep it)
    d = df.dropna(subset=["account_id"]).sort_values(["created_at", "platform", "account_id", "post_id"],
                                                     kind="mergesort")
    info = accts.set_index(["platform", "account_id"])
    # the columns as lists once: iterating a Series per value costs more than the look-ups
    plat, pid, parent_id = d.platform.tolist(), d.post_id.tolist(), d.parent_id.tolist()
    keys = list(zip(plat, pid))
    ids = set(keys)
    author = dict(zip(keys, d.account_id.tolist()))
    # a response inside the action: its parent is itself an action post
    inside = [(p, x) in ids for p, x in zip(plat, parent_id)]
    resp = d[inside]
    responses = pd.Series([author[(p, x)] for p, x, ok in zip(plat, parent_id, inside) if ok], dtype=object)
    resp_per = responses.value_counts().to_dict() if len(responses) else {}
    # depth of the longest reply chain inside the action
    parent = dict(zip(keys, zip(plat, parent_id)))
    depth = 0
    for k in list(parent)[:5000]:
        n, cur = 0, k
        while cur in parent and parent[cur] in ids and n < 50:
            cur, n = parent[cur], n + 1
        depth = max(depth, n)

    def row(p, i, **extra):
        r = info.loc[(p, i)] if (p, i) in info.index else None
        return {"platform": p, "account_id": str(i),
                "handle": None if r is None else r["handle"],
                "account_type": None if r is None else r["account_type"],
                "followers": 0 if r is None else int(r["followers"]),
                "coordinated": bool(False if r is None else r["coordinated"]), **extra}

    starters = d.drop_duplicates(["platform", "account_id"]).head(min(top, 5))
    started = [row(r.platform, r.account_id, at=_iso(r.created_at)) for r in starters.itertuples()]
    g = d.groupby(["platform", "account_id"]).agg(posts=("post_id", "size"), first=("created_at", "min"))
    g["responses"] = [int(resp_per.get(i, 0)) for _, i in g.index.tolist()]
    # one dictionary look-up per account (a MultiIndex .loc per account took seconds)
    fol = dict(zip(zip(accts.platform, accts.account_id), accts.followers))
    g["followers"] = [int(fol[k]) if k in fol else 0 for k in g.index]
    g = g.sort_values(["responses", "followers", "posts"], ascending=False).head(top)
    carried = [row(p, i, posts=int(r.posts), responses=int(r.responses), first=_iso(r.first))
               for (p, i), r in g.iterrows()]
    return {"started_by": started, "carried_by": carried, "depth": int(depth),
            "responses_inside": int(len(resp))}


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
    m = mentions(ws).select("platform", "post_id", "candidate")
    tm = _drop_right(tf.filter(tf.tag.isin(list(found["tag"]))).inner_join(m, ["platform", "post_id"]))
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
    reg = []
    for a in list_actions(ws).to_dict("records"):
        a = {k: (None if not isinstance(v, (list, str)) and v is not None and pd.isna(v) else v) for k, v in a.items()}
        reg.append(track_action(ws, a, top=top))
    det = [dict(track_action(ws, a, top=top), detected=True) for a in detect_actions(ws)]
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
