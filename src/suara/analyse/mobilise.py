"""Online mobilisation: calls to action, live streams, the enthusiasm index and the opt-in
volunteer roster.

* **Actions** are first-class objects in the ``actions`` table: a hashtag campaign, a post to
  share, a live stream or a comment drive, with a time window, a target pair and a goal.
  :func:`track_action` measures who took part (organic vs coordinated accounts), posts,
  reach, regions reached, the sentiment of the conversation, progress against the goal over
  time and the cascade (who started it, who carried it further).
* **Live streams** are detected from the data (live videos plus the bursts of comments on
  them, :func:`detect_live_sessions`) or registered (:func:`register_live`);
  :func:`live_stats` gives comments per minute, peak moments, sentiment, questions asked and
  repeat attendees.
* **Enthusiasm index** (:func:`enthusiasm`): growth of distinct, non-coordinated accounts
  that speak positively about a pair, per pair and region (definition in
  docs/mobilisation.md).
* **Volunteers** (:func:`add_volunteer`, :func:`withdraw_volunteer`,
  :func:`volunteer_leaderboard`): nothing about a volunteer is used without a recorded consent
  (UU PDP 27/2022); after withdrawal the volunteer is no longer counted anywhere.

Relational steps are Ibis expressions (they run on DuckDB and Spark); only small, already
reduced results become pandas.

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

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import pandas as pd

from suara.analyse.base import account_region, current_version, enriched, flagged, mentions, without_flagged

__all__ = [
    "ACTION_KINDS", "GOAL_METRICS", "ConsentError", "to_utc", "add_action", "list_actions",
    "get_action", "delete_action", "action_posts", "track_action", "detect_actions",
    "actions_section", "detect_live_sessions", "register_live", "live_stats", "live_section",
    "is_question", "enthusiasm", "enthusiasm_section", "add_volunteer", "withdraw_volunteer",
    "list_volunteers", "consented_volunteers", "volunteer_leaderboard",
    "actions_report", "live_report", "enthusiasm_report",
]

#: kinds of call to action and what ``target`` holds for each
ACTION_KINDS = {
    "hashtag": "a hashtag, with or without '#'",
    "share": "the post to share: its URL or post id",
    "live": "the live video: its URL or post id",
    "comment_drive": "the post(s) to comment on: URLs or post ids, comma-separated",
}
#: what a goal counts
GOAL_METRICS = ("posts", "accounts", "reach")


class ConsentError(ValueError):
    """A volunteer's data was about to be used without a valid consent record."""


# --------------------------------------------------------------------------- time helpers
def to_utc(value: Any, tz: str) -> dt.datetime | None:
    """A naive UTC datetime from a datetime or ISO string; naive input is local time in ``tz``.

    Example
    -------
    >>> to_utc("2024-11-24 00:00", "Asia/Makassar")
    datetime.datetime(2024, 11, 23, 16, 0)
    >>> to_utc("2024-11-24T00:00:00+00:00", "Asia/Makassar")
    datetime.datetime(2024, 11, 24, 0, 0)
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        s = value.strip().replace("Z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(s)
        except ValueError:
            raise ValueError(f"not a date/time: {value!r} (use YYYY-MM-DD HH:MM, local time)") from None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _local(ts, tz: str) -> str | None:
    if ts is None or pd.isna(ts):
        return None
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert(tz).strftime("%Y-%m-%d %H:%M")


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).isoformat()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _audit(ws, action: str, target: str, detail: dict | None = None, actor: str = "cli") -> None:
    ws.store.append("audit_log", pd.DataFrame([{
        "at": _now(), "actor": actor, "action": action, "target": target,
        "detail": json.dumps(detail or {}, ensure_ascii=False, default=str)}]))


# --------------------------------------------------------------------------- actions
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
        fol = accts.set_index(["platform", "account_id"])["followers"]
        first = first.assign(f=[fol.get((p, i), 0) for p, i in zip(first.platform, first.account_id)])
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
    d = df.dropna(subset=["account_id"]).sort_values("created_at")
    info = accts.set_index(["platform", "account_id"])
    ids = set(zip(d.platform, d.post_id))
    author = dict(zip(zip(d.platform, d.post_id), d.account_id))
    # a response inside the action: its parent is itself an action post
    resp = d[[(p, x) in ids for p, x in zip(d.platform, d.parent_id)]]
    responses = pd.Series([author[(p, x)] for p, x in zip(resp.platform, resp.parent_id)], dtype=object)
    resp_per = responses.value_counts() if len(responses) else pd.Series(dtype=int)
    # depth of the longest reply chain inside the action
    parent = dict(zip(zip(d.platform, d.post_id), zip(d.platform, d.parent_id)))
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
    g["responses"] = [int(resp_per.get(i, 0)) for _, i in g.index]
    g["followers"] = [int(info.loc[k, "followers"]) if k in info.index else 0 for k in g.index]
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
    from suara.analyse.lawwatch import nullable, official_accounts
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
    off = official_accounts(ws).select("platform", "account_id", candidate=ibis._.candidate.cast("string"))
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


# --------------------------------------------------------------------------- live streams
_Q_WORDS = ("apa", "apakah", "kapan", "bagaimana", "gimana", "gmn", "kenapa", "knp", "mengapa", "berapa",
            "brp", "siapa", "dimana", "di mana", "mana", "bisakah", "boleh", "kah")
_Q_RE = re.compile(r"\?|^\s*(" + "|".join(re.escape(w) for w in _Q_WORDS) + r")\b|\b\w+kah\b", re.I)


def is_question(text: str | None) -> bool:
    """True for a question: a '?' or an Indonesian question word at the start or a '-kah' word.

    Example
    -------
    >>> is_question("kapan jalan di Sangatta diperbaiki pak"), is_question("mantap pak!")
    (True, False)
    """
    return bool(text) and bool(_Q_RE.search(text))


def detect_live_sessions(ws, gap_minutes: int = 30, min_comments: int = 10, write: bool = True) -> pd.DataFrame:
    """Find live sessions: each live video (``media_type='live'``) or post that draws a burst
    of ``live_comment`` items, split where its comments pause longer than ``gap_minutes``.
    Detected rows replace earlier detected rows in ``live_sessions``; registered ones stay.

    Example
    -------
    >>> import suara, tempfile
    >>> len(detect_live_sessions(suara.init(tempfile.mkdtemp())))
    0
    """
    p = ws.store.table("posts")
    lives = p.filter(p.media_type == "live").select("platform", root=p.post_id, host=p.account_id,
                                                    live_at=p.created_at)
    lc_roots = p.filter(p.kind == "live_comment").select("platform", root=ibis.coalesce(p.root_id, p.parent_id))
    lc_roots = lc_roots.filter(lc_roots.root.notnull()).distinct()
    roots = lives.select("platform", root=lives.root.cast("string")).union(
        lc_roots.select("platform", root=lc_roots.root.cast("string"))).distinct()
    c = p.filter(p.kind.isin(["comment", "reply", "live_comment"]))
    c = c.mutate(root=ibis.coalesce(c.root_id, c.parent_id))
    c = c.inner_join(roots, ["platform", "root"]).select("platform", "root", "created_at")
    df = c.execute()
    hosts = lives.execute()
    rows = []
    if len(df):
        df = df.dropna(subset=["created_at"]).sort_values(["platform", "root", "created_at"])
        gap = pd.Timedelta(minutes=gap_minutes)
        for (plat, root), g in df.groupby(["platform", "root"], sort=False):
            t = pd.to_datetime(g["created_at"])
            seg = (t.diff() > gap).cumsum()
            h = hosts[(hosts.platform == plat) & (hosts.root == root)]
            host = None if h.empty else h.iloc[0]["host"]
            for k, s in t.groupby(seg):
                if len(s) < min_comments:
                    continue
                rows.append({"platform": plat, "session_id": f"{root}#{int(k) + 1}", "account_id": host,
                             "root_id": root, "started_at": s.min(), "ended_at": s.max(),
                             "comments": int(len(s)), "registered": False})
    out = pd.DataFrame(rows, columns=["platform", "session_id", "account_id", "root_id", "started_at",
                                      "ended_at", "comments", "registered"])
    if write and not getattr(ws.store, "read_only", False):
        with ws.store.transaction():
            ws.store.execute("DELETE FROM live_sessions WHERE NOT coalesce(registered, false)")
            ws.store.append("live_sessions", out)
    return out


def register_live(ws, platform: str, target: str, started_at, ended_at, account_id: str | None = None) -> dict:
    """Register a live session by hand (e.g. announced by a campaign); times local unless zoned.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> register_live(ws, "facebook", "123", "2024-11-01 19:00", "2024-11-01 20:00")["session_id"]
    'reg-123'
    """
    tz = ws.election.timezone
    refs = _resolve_posts(ws, [target])
    root = refs[0][1] if refs else target
    row = {"platform": platform, "session_id": f"reg-{root}", "account_id": account_id, "root_id": root,
           "started_at": to_utc(started_at, tz), "ended_at": to_utc(ended_at, tz), "comments": None,
           "registered": True}
    ws.store.upsert("live_sessions", pd.DataFrame([row]), overwrite=["started_at", "ended_at", "account_id"])
    return row


def live_stats(ws, top: int = 5, detect: bool = True) -> list[dict]:
    """Per live session: comments, comments per minute, peak minutes, sentiment, questions
    and attendees (repeat attendees came to an earlier session of the same host).

    Example
    -------
    >>> import suara, tempfile
    >>> live_stats(suara.init(tempfile.mkdtemp()))
    []
    """
    if detect and not getattr(ws.store, "read_only", False):
        detect_live_sessions(ws)
    sess = ws.store.table("live_sessions").execute()
    if sess.empty:
        return []
    tz = ws.election.timezone
    e = enriched(ws)
    c = e.filter(e.kind.isin(["comment", "reply", "live_comment"]))
    c = c.mutate(root=ibis.coalesce(c.root_id, c.parent_id))
    keys = ibis.memtable(sess[["platform", "root_id"]].drop_duplicates().rename(columns={"root_id": "root"}))
    c = c.inner_join(keys, ["platform", "root"]).select("platform", "root", "post_id", "account_id", "created_at",
                                                        "text", "sentiment")
    com = c.execute()
    com["created_at"] = pd.to_datetime(com["created_at"])
    fl = flagged(ws).execute()
    flagged_set = set(zip(fl.platform, fl.account_id))
    sess = sess.sort_values("started_at")
    seen_by_host: dict[tuple, set] = {}
    out = []
    for s in sess.itertuples():
        g = com[(com.platform == s.platform) & (com.root == s.root_id)
                & (com.created_at >= s.started_at) & (com.created_at <= s.ended_at)]
        minutes = max((pd.Timestamp(s.ended_at) - pd.Timestamp(s.started_at)).total_seconds() / 60, 1.0)
        per_min = g.groupby(g.created_at.dt.floor("min")).size().sort_values(ascending=False)
        q = g[g.text.map(is_question)]
        att = set(g.account_id.dropna())
        host_key = (s.platform, s.account_id)
        seen = seen_by_host.setdefault(host_key, set())
        repeat = att & seen
        seen |= att
        sent = g.sentiment.fillna("unknown").value_counts()
        out.append({
            "platform": s.platform, "session_id": s.session_id, "root_id": s.root_id, "host": s.account_id,
            "registered": bool(s.registered), "started_at": _iso(s.started_at), "ended_at": _iso(s.ended_at),
            "started_local": _local(s.started_at, tz), "minutes": round(minutes, 1), "comments": int(len(g)),
            "comments_per_minute": round(len(g) / minutes, 2),
            "peaks": [{"at": _iso(t), "local": _local(t, tz), "comments": int(n)}
                      for t, n in per_min.head(top).items()],
            "sentiment": {k: int(sent.get(k, 0)) for k in ("positive", "neutral", "negative", "unknown")},
            "questions": int(len(q)),
            "top_questions": [{"post_id": r.post_id, "text": (r.text or "")[:200]} for r in q.head(top).itertuples()],
            "attendees": len(att), "repeat_attendees": len(repeat),
            "coordinated_attendees": sum((s.platform, a) in flagged_set for a in att),
        })
    return out


def live_section(ws) -> dict[str, Any]:
    """`suara analyse` section ``live``: all live sessions with their statistics.

    Example
    -------
    >>> import suara, tempfile
    >>> live_section(suara.init(tempfile.mkdtemp()))["sessions"]
    []
    """
    s = live_stats(ws)
    return {"sessions": s, "total_comments": sum(x["comments"] for x in s),
            "total_questions": sum(x["questions"] for x in s)}


# --------------------------------------------------------------------------- enthusiasm
def enthusiasm(ws, as_of=None, weeks: int = 8, min_accounts: int = 5) -> pd.DataFrame:
    """Enthusiasm per pair and region (and ``all``) by week.

    ``active`` = distinct non-coordinated accounts with at least one positive mention of the
    pair that week (weeks end at ``as_of``, default the newest post). ``growth`` = (this week
    − previous week) / previous week; ``index`` = 100 × this week / previous week (100 = as
    many enthusiasts as the week before). Cells with fewer than ``min_accounts`` in both
    weeks are marked ``low_n``.

    Example
    -------
    >>> import suara, tempfile
    >>> enthusiasm(suara.init(tempfile.mkdtemp())).empty
    True
    """
    m = without_flagged(mentions(ws), ws)
    m = m.filter((m.sentiment == "positive") & m.created_at.notnull())
    if as_of is None:
        last = ws.store.table("posts").created_at.max().execute()
        if last is None or pd.isna(last):
            return pd.DataFrame(columns=["candidate", "region", "week", "week_end", "active"])
        as_of = pd.Timestamp(last) + pd.Timedelta(seconds=1)
    as_of = pd.Timestamp(as_of)
    end_epoch = int(as_of.timestamp())
    m = m.mutate(week=((ibis.literal(end_epoch) - m.created_at.epoch_seconds()) / 604800).floor().cast("int64"))
    m = m.filter((m.week >= 0) & (m.week < weeks))
    m = m.mutate(region=ibis.coalesce(m.region, ibis.literal("unknown")))
    by_r = m.group_by(["candidate", "region", "week"]).aggregate(active=m.account_id.nunique())
    by_all = m.group_by(["candidate", "week"]).aggregate(active=m.account_id.nunique()).mutate(
        region=ibis.literal("all"))
    df = pd.concat([by_r.execute(), by_all.execute()], ignore_index=True)
    if df.empty:
        return df
    df["week_end"] = [(as_of - pd.Timedelta(weeks=int(w))).isoformat() for w in df["week"]]
    return df.sort_values(["candidate", "region", "week"]).reset_index(drop=True)


def enthusiasm_section(ws, weeks: int = 8, min_accounts: int = 5) -> dict[str, Any]:
    """`suara analyse` section ``enthusiasm``: per pair, overall and per region, the active
    enthusiasts this week and last week, growth, index and the weekly series (oldest first).

    Example
    -------
    >>> import suara, tempfile
    >>> enthusiasm_section(suara.init(tempfile.mkdtemp()))["pairs"]
    {}
    """
    df = enthusiasm(ws, weeks=weeks, min_accounts=min_accounts)
    names = {r.code: r.name for r in ws.election.regions}
    pairs: dict[str, Any] = {}
    for (cand, reg), g in (df.groupby(["candidate", "region"]) if len(df) else []):
        s = g.set_index("week")["active"]
        cur, prev = int(s.get(0, 0)), int(s.get(1, 0))
        series = [int(s.get(w, 0)) for w in range(weeks - 1, -1, -1)]
        cell = {"name": names.get(reg, reg), "active": cur, "previous": prev,
                "growth": round((cur - prev) / prev, 3) if prev else None,
                "index": round(100 * cur / prev, 1) if prev else None,
                "low_n": max(cur, prev) < min_accounts, "weekly": series}
        pairs.setdefault(str(cand), {"all": None, "regions": {}})
        if reg == "all":
            pairs[str(cand)]["all"] = cell
        else:
            pairs[str(cand)]["regions"][reg] = cell
    return {"pairs": pairs, "weeks": weeks,
            "definition": "active = distinct accounts (coordinated ones removed) with >= 1 positive mention "
                          "of the pair in a 7-day week ending at the newest post; index = 100 x this week / "
                          "previous week; growth = index/100 - 1"}


# --------------------------------------------------------------------------- volunteers
def add_volunteer(ws, name: str, platform: str, handle: str | None = None, account_id: str | None = None,
                  consent_text: str | None = None, consent: bool = False, consent_at=None,
                  volunteer_id: str | None = None, actor: str = "cli") -> dict:
    """Enrol a volunteer. Requires ``consent=True`` and the consent wording the volunteer
    agreed to (UU PDP 27/2022 art. 20-22: consent must be explicit and recorded); without
    both, :class:`ConsentError` is raised and nothing is stored.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> v = add_volunteer(ws, "Rina", "instagram", handle="rina.smd", consent=True,
    ...                   consent_text="Saya setuju akun saya dipakai untuk papan relawan.")
    >>> v["handle"]
    'rina.smd'
    """
    if not consent or not (consent_text or "").strip():
        raise ConsentError("consent: a volunteer can only be enrolled with explicit consent and the consent "
                           "text they agreed to (UU PDP 27/2022)")
    if not (handle or account_id):
        raise ValueError("handle/account_id: give the volunteer's own account")
    handle = (handle or "").lstrip("@") or None
    if account_id is None and handle:
        acc = ws.store.table("accounts")
        hit = acc.filter((acc.platform == platform) & (acc.handle.lower() == handle.lower())).select(
            "account_id").limit(1).execute()
        account_id = str(hit.iloc[0, 0]) if len(hit) else handle
    row = {"volunteer_id": volunteer_id or "vol-" + uuid.uuid4().hex[:8], "name": name, "platform": platform,
           "account_id": str(account_id), "handle": handle,
           "consent_at": to_utc(consent_at, ws.election.timezone) if consent_at else _now(),
           "consent_text": consent_text.strip(), "withdrawn_at": None}
    ws.store.upsert("volunteers", pd.DataFrame([row]),
                    overwrite=["name", "platform", "account_id", "handle", "consent_at", "consent_text",
                               "withdrawn_at"])
    _audit(ws, "volunteer.consent", row["volunteer_id"],
           {"consent_sha256": hashlib.sha256(row["consent_text"].encode()).hexdigest()}, actor)
    return row


def withdraw_volunteer(ws, volunteer_id: str, erase: bool = False, actor: str = "cli") -> bool:
    """Record a volunteer's withdrawal: from then on nothing about them is used. With
    ``erase`` their name, handle and account are also deleted (the consent and withdrawal
    timestamps stay as the record that consent existed). True when the volunteer existed.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> withdraw_volunteer(ws, "vol-unknown")
    False
    """
    n = ws.store.sql("SELECT count(*) FROM volunteers WHERE volunteer_id = ?", [volunteer_id]).iloc[0, 0]
    if not n:
        return False
    with ws.store.transaction():
        ws.store.execute("UPDATE volunteers SET withdrawn_at = coalesce(withdrawn_at, ?) WHERE volunteer_id = ?",
                         [_now(), volunteer_id])
        if erase:
            ws.store.execute("UPDATE volunteers SET name = NULL, handle = NULL, account_id = NULL "
                             "WHERE volunteer_id = ?", [volunteer_id])
        _audit(ws, "volunteer.withdraw", volunteer_id, {"erase": erase}, actor)
    return True


def consented_volunteers(ws) -> ibis.Table:
    """The only way volunteer data enters an analysis: volunteers with a consent record and
    no withdrawal (platform, account_id, volunteer_id, name, handle).

    Example
    -------
    >>> import suara, tempfile
    >>> consented_volunteers(suara.init(tempfile.mkdtemp())).count().execute()
    0
    """
    v = ws.store.table("volunteers")
    ok = (v.consent_at.notnull() & v.consent_text.notnull() & (v.consent_text.strip().length() > 0)
          & v.withdrawn_at.isnull() & v.account_id.notnull())
    return v.filter(ok).select("platform", "account_id", "volunteer_id", "name", "handle")


def list_volunteers(ws, include_withdrawn: bool = False) -> pd.DataFrame:
    """The roster (consenting volunteers; with ``include_withdrawn`` also withdrawn ones,
    showing only ids and timestamps for them).

    Example
    -------
    >>> import suara, tempfile
    >>> list(list_volunteers(suara.init(tempfile.mkdtemp())).columns)[:2]
    ['volunteer_id', 'name']
    """
    v = ws.store.table("volunteers").execute()
    cols = ["volunteer_id", "name", "platform", "handle", "account_id", "consent_at", "withdrawn_at"]
    v = v[cols]
    active = v["withdrawn_at"].isna() & v["consent_at"].notna()
    if not include_withdrawn:
        return v[active].reset_index(drop=True)
    v = v.copy()
    v.loc[~active, ["name", "handle", "account_id"]] = None
    return v.reset_index(drop=True)


def _volunteer_participation(ws, accts: pd.DataFrame) -> dict[str, Any]:
    vol = consented_volunteers(ws).execute()
    if vol.empty or accts.empty:
        return {"count": 0, "reach": 0}
    m = vol.merge(accts, on=["platform", "account_id"])
    return {"count": int(len(m)), "reach": int(m["followers"].sum())}


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


# --------------------------------------------------------------------------- report sections
_T = {
    "id": {"actions": "Aksi & mobilisasi", "actions_explain":
           "Ajakan aksi (kampanye tagar, ajakan berbagi, siaran langsung, serbu komentar): akun yang ikut "
           "(organik vs terkoordinasi), unggahan, jangkauan (jumlah pengikut akun yang ikut), wilayah, "
           "sentimen, dan kemajuan terhadap target. Tagar yang dimulai akun resmi lalu diikuti banyak akun "
           "dideteksi otomatis.",
           "name": "Aksi", "kind": "Jenis", "posts": "Unggahan", "acc": "Akun organik", "coord": "Akun terkoordinasi",
           "reach": "Jangkauan", "regions": "Wilayah", "net": "Sentimen bersih", "progress": "Kemajuan",
           "live": "Siaran langsung", "live_explain":
           "Sesi siaran langsung yang terdeteksi dari data: komentar per menit, momen puncak, sentimen dan "
           "pertanyaan di kolom komentar, serta penonton yang kembali (pernah berkomentar di siaran "
           "sebelumnya dari akun yang sama).",
           "session": "Sesi", "start": "Mulai", "cpm": "Komentar/menit", "peak": "Puncak", "q": "Pertanyaan",
           "att": "Penonton", "rep": "Penonton kembali",
           "enth": "Indeks antusiasme", "enth_explain":
           "Jumlah akun berbeda (buzzer dikeluarkan) yang menyebut pasangan secara positif per minggu. "
           "Indeks 100 = sama dengan minggu sebelumnya; di atas 100 = antusiasme tumbuh.",
           "week": "Minggu ke-", "none": "Belum ada data."},
    "en": {"actions": "Actions & mobilisation", "actions_explain":
           "Calls to action (hashtag campaigns, posts to share, live streams, comment drives): taking-part "
           "accounts (organic vs coordinated), posts, reach (followers of taking-part accounts), regions, "
           "sentiment and progress against the goal. Hashtags started by an official account and taken up "
           "by many accounts are detected automatically.",
           "name": "Action", "kind": "Kind", "posts": "Posts", "acc": "Organic accounts",
           "coord": "Coordinated accounts",
           "reach": "Reach", "regions": "Regions", "net": "Net sentiment", "progress": "Progress",
           "live": "Live streams", "live_explain":
           "Live sessions detected from the data: comments per minute, peak moments, sentiment and questions "
           "in the comments, and repeat attendees (who commented on an earlier stream of the same host).",
           "session": "Session", "start": "Start", "cpm": "Comments/min", "peak": "Peak", "q": "Questions",
           "att": "Attendees", "rep": "Repeat attendees",
           "enth": "Enthusiasm index", "enth_explain":
           "Distinct accounts (buzzers removed) speaking positively about a pair each week. Index 100 = as many "
           "as the week before; above 100 = enthusiasm is growing.",
           "week": "Week", "none": "No data yet."},
}


def _t(lang):
    return _T.get(lang, _T["id"])


def actions_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section for ``actions``: a table of actions and the progress chart.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> actions_report(ws, {"actions": {"registered": [], "detected": []}}, "en") is None
    True
    """
    import plotly.graph_objects as go
    from suara.analyse.brand import html_table, pct
    from suara.report.charts import figure_div
    sec = doc.get("actions")
    if not isinstance(sec, dict) or "error" in sec:
        return None
    acts = sec.get("registered", []) + sec.get("detected", [])
    if not acts:
        return None
    t = _t(lang)
    rows = [[a["name"], a["kind"], a["candidate"] or "–", f"{a['posts']:,}", f"{a['accounts']['organic']:,}",
             f"{a['accounts']['coordinated']:,}", f"{a['reach']:,}", a["regions_reached"],
             "–" if a["net_sentiment"] is None else f"{a['net_sentiment']:+.2f}",
             pct(a["progress"]["done"]) if a["progress"]["done"] is not None else "–"] for a in acts]
    tbl = html_table([t["name"], t["kind"], "Paslon" if lang == "id" else "Pair", t["posts"], t["acc"], t["coord"],
                      t["reach"], t["regions"], t["net"], t["progress"]], rows)
    fig = go.Figure()
    for a in acts[:8]:
        tl = a["progress"]["timeline"]
        if tl:
            fig.add_scatter(x=[x["local"] for x in tl], y=[x["cumulative"] for x in tl], mode="lines", name=a["name"])
    fig.update_layout(title=t["progress"])
    return {"title": t["actions"], "explain": t["actions_explain"], "html": figure_div(fig) + tbl}


def live_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section for ``live``.

    Example
    -------
    >>> import suara, tempfile
    >>> live_report(suara.init(tempfile.mkdtemp()), {"live": {"sessions": []}}, "en") is None
    True
    """
    import plotly.graph_objects as go
    from suara.analyse.brand import html_table
    from suara.report.charts import figure_div
    sec = doc.get("live")
    if not isinstance(sec, dict) or not sec.get("sessions"):
        return None
    t = _t(lang)
    ss = sec["sessions"]
    fig = go.Figure(go.Bar(x=[s["started_local"] for s in ss], y=[s["comments_per_minute"] for s in ss],
                           name=t["cpm"]))
    fig.update_layout(title=t["cpm"])
    rows = [[s["session_id"], s["started_local"], s["comments"], s["comments_per_minute"],
             (s["peaks"][0]["local"] + f" ({s['peaks'][0]['comments']})") if s["peaks"] else "–",
             s["questions"], s["attendees"], s["repeat_attendees"],
             f"{s['sentiment']['positive']}/{s['sentiment']['neutral']}/{s['sentiment']['negative']}"] for s in ss]
    tbl = html_table([t["session"], t["start"], t["posts"], t["cpm"], t["peak"], t["q"], t["att"], t["rep"],
                      "+/0/−"], rows)
    return {"title": t["live"], "explain": t["live_explain"], "html": figure_div(fig) + tbl}


def enthusiasm_report(ws, doc: dict, lang: str = "id") -> dict | None:
    """Report section for ``enthusiasm``: weekly active enthusiasts per pair, regional index table.

    Example
    -------
    >>> import suara, tempfile
    >>> enthusiasm_report(suara.init(tempfile.mkdtemp()), {"enthusiasm": {"pairs": {}}}, "en") is None
    True
    """
    import plotly.graph_objects as go
    from suara.analyse.brand import html_table, pair_label
    from suara.report.charts import candidate_colours, figure_div
    sec = doc.get("enthusiasm")
    if not isinstance(sec, dict) or not sec.get("pairs"):
        return None
    t = _t(lang)
    col = candidate_colours(ws.election)
    fig = go.Figure()
    w = sec["weeks"]
    for b, v in sorted(sec["pairs"].items()):
        if v.get("all"):
            fig.add_scatter(x=[f"{t['week']}{-i}" if i else "0" for i in range(w - 1, -1, -1)], y=v["all"]["weekly"],
                            name=pair_label(ws.election, b), marker_color=col.get(b), mode="lines+markers")
    fig.update_layout(title=t["enth"])
    rows = []
    for r in ws.election.regions:
        row = [r.name]
        for b in ws.election.ballots:
            c = sec["pairs"].get(b, {}).get("regions", {}).get(r.code)
            row.append("–" if not c else f"{c['active']} ({'–' if c['index'] is None else c['index']})")
        rows.append(row)
    tbl = html_table(["Wilayah" if lang == "id" else "Region",
                      *[pair_label(ws.election, b) for b in ws.election.ballots]], rows)
    return {"title": t["enth"], "explain": t["enth_explain"], "html": figure_div(fig) + tbl}
