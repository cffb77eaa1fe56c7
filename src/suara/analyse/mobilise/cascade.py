"""Who started a call to action and who carried it (the ``cascade`` of each tracked action in
`suara.analyse.mobilise.actions`): the earliest posters, the accounts whose action posts drew
the most responses inside the action, and the longest reply chain.

Example
-------
>>> import pandas as pd
>>> _cascade(None, pd.DataFrame(), pd.DataFrame(), 5)["depth"]
0
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from suara.analyse.mobilise.common import _iso

def _time_order(df: pd.DataFrame) -> list[int]:
    """Positions of the rows of ``df`` that have an author, by time (a missing time last),
    then platform, account and post id; rows equal in all four keep their order."""
    t = pd.to_datetime(df["created_at"]).to_numpy()
    t = np.where(np.isnat(t), np.iinfo(np.int64).max, t.view("i8")).tolist()
    plat, acct, pid = df["platform"].tolist(), df["account_id"].tolist(), df["post_id"].tolist()
    rows = np.flatnonzero(df["account_id"].notna().to_numpy()).tolist()
    return sorted(rows, key=lambda i: (t[i], plat[i], acct[i], pid[i]))


def _reply_depth(keys: list[tuple], parents: list[tuple], ids: set) -> int:
    """Length of the longest reply chain inside the action, followed from each of the first
    5000 posts up to 50 steps (``keys``: (platform, post_id) of the posts in time order,
    ``parents``: (platform, parent_id) of each, ``ids``: the set of ``keys``)."""
    parent = dict(zip(keys, parents))
    depth = 0
    for k in list(parent)[:5000]:
        n, cur = 0, k
        while cur in parent and parent[cur] in ids and n < 50:
            cur, n = parent[cur], n + 1
        depth = max(depth, n)
    return depth


def _cascade(ws, df: pd.DataFrame, accts: pd.DataFrame, top: int) -> dict[str, Any]:
    """Who started the action (earliest posters) and who carried it (accounts whose action
    posts drew the most responses inside the action, then the most followers, then the
    most posts; ties in (platform, account) order)."""
    if df.empty:
        return {"started_by": [], "carried_by": [], "depth": 0, "responses_inside": 0}
    # posts at the same second keep one order in every run (the rows come back from the
    # engine in any order); the columns as lists in that order, which dictionaries walk
    # faster than pandas groups and sorts a few thousand rows per action
    order = _time_order(df)
    plat, pid, acct, parent_id = ([v[i] for i in order] for v in (
        df[c].tolist() for c in ("platform", "post_id", "account_id", "parent_id")))
    keys, parents = list(zip(plat, pid)), list(zip(plat, parent_id))
    ids = set(keys)
    # a response inside the action: its parent is itself an action post; responses are
    # counted per account id of the post responded to
    inside = [k in ids for k in parents]
    author = dict(zip(keys, acct))
    responses = Counter(author[k] for k, ok in zip(parents, inside) if ok)
    info = _cascade_info(accts)
    first = {}   # each account's first post (its earliest: the lists are in time order)
    for n, k in enumerate(zip(plat, acct)):
        first.setdefault(k, n)
    posts = Counter(zip(plat, acct))
    created = df["created_at"]

    def at(n: int) -> str | None:
        return _iso(created.iloc[order[n]])

    started = [_cascade_row(info, p, i, at=at(n)) for (p, i), n in list(first.items())[:min(top, 5)]]
    followers = {k: int(info[k][2]) if k in info else 0 for k in first}
    # a stable sort of the accounts in (platform, account) order
    ranked = sorted(sorted(first), key=lambda k: (-responses.get(k[1], 0), -followers[k], -posts[k]))[:top]
    carried = [_cascade_row(info, p, i, posts=posts[(p, i)], responses=responses.get(i, 0), first=at(first[(p, i)]))
               for p, i in ranked]
    return {"started_by": started, "carried_by": carried, "depth": _reply_depth(keys, parents, ids),
            "responses_inside": int(sum(inside))}


def _cascade_info(accts: pd.DataFrame) -> dict[tuple, tuple]:
    """(platform, account_id) → (handle, account_type, followers, coordinated) of the
    participating accounts."""
    return dict(zip(zip(accts["platform"].tolist(), accts["account_id"].tolist()),
                    zip(accts["handle"].tolist(), accts["account_type"].tolist(), accts["followers"].tolist(),
                        accts["coordinated"].tolist())))


def _cascade_row(info: dict[tuple, tuple], platform, account_id, **extra) -> dict[str, Any]:
    """One account of the cascade as the section shows it (``info``: :func:`_cascade_info`)."""
    r = info.get((platform, account_id))
    return {"platform": platform, "account_id": str(account_id),
            "handle": None if r is None else r[0],
            "account_type": None if r is None else r[1],
            "followers": 0 if r is None else int(r[2]),
            "coordinated": bool(False if r is None else r[3]), **extra}
