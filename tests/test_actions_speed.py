"""Actions tracked together: the posts of every action are read in one query and split per
action, and what each action gets is what tracking it alone gives."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from suara.analyse import mobilise as mo
from suara.analyse.mobilise.actions import _cascade, track_actions
from test_analyse_brand_spark import spark_con  # noqa: F401  (fixture)

VERSION = "test-v1"


def T(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def post(pid, acc, at, kind="post", tags=(), parent=None, root=None, links=(), platform="x"):
    return {"platform": platform, "post_id": pid, "account_id": acc, "created_at": T(at), "kind": kind,
            "hashtags": list(tags), "links": list(links), "mentions": [], "media_files": [],
            "parent_id": parent, "root_id": root, "text": "", "likes": 1, "comments": 0, "shares": 0}


def seed(ws) -> None:
    """Posts in overlapping hashtag drives and a comment drive, one author flagged."""
    s = ws.store
    s.upsert("accounts", pd.DataFrame([
        {"platform": "x", "account_id": a, "handle": f"h_{a}", "followers": f, "region": r, "account_type": t}
        for a, f, r, t in [("a", 1000, "6472", "official"), ("b", 200, "6471", "citizen"),
                           ("c", 50, "6472", "citizen"), ("z", 5, None, "citizen")]]))
    posts = [post("p1", "a", "2024-11-20 12:05", tags=["pawai", "harum"]),
             post("p2", "b", "2024-11-20 13:00", tags=["pawai"]),
             post("p3", "c", "2024-11-20 13:10", kind="reply", parent="p1", root="p1", tags=["harum"]),
             post("p4", "b", "2024-11-20 15:00", kind="reply", parent="p3", root="p1", tags=["pawai"]),
             post("p5", "z", "2024-11-20 14:00", tags=["pawai", "harum"]),
             post("p6", None, "2024-11-20 14:30", kind="comment", parent="p1", root="p1"),
             post("p7", "c", "2024-11-21 10:00", links=["https://s.id/ajak"]),
             post("p8", "b", "2024-11-25 10:00", tags=["pawai"])]
    s.upsert("posts", pd.DataFrame(posts))
    s.upsert("enrichments", pd.DataFrame([{"platform": "x", "post_id": p["post_id"], "version": VERSION,
                                           "sentiment": "positive" if i % 2 else "negative"}
                                          for i, p in enumerate(posts)]))
    s.upsert("account_scores", pd.DataFrame([{"platform": "x", "account_id": "z", "buzzer_score": 0.9,
                                              "flagged": True}]))
    s.set_meta("enrich.current_version", VERSION)


def actions(ws) -> list[dict]:
    return [mo.add_action(ws, "hashtag", "Pawai", "#Pawai", "2024-11-20 20:00", "2024-11-21 20:00", goal=3,
                          action_id="pawai"),
            mo.add_action(ws, "hashtag", "Both", "pawai,harum", "2024-11-20 21:00", "2024-11-27 00:00",
                          goal=2, goal_metric="accounts", action_id="both"),
            mo.add_action(ws, "comment_drive", "Drive", "p1,https://s.id/ajak", "2024-11-20 20:00",
                          "2024-11-22 00:00", goal=500, goal_metric="reach", action_id="drive"),
            mo.add_action(ws, "live", "Nobody", "p99", "2024-11-20 20:00", "2024-11-21 00:00", action_id="none")]


def test_actions_tracked_together_are_tracked_alone(workspace):
    seed(workspace)
    acts = actions(workspace)
    together = track_actions(workspace, acts, top=5)
    alone = [mo.track_action(workspace, a["action_id"], top=5) for a in acts]
    assert together == alone
    # each action's posts are those action_posts selects, whatever other action they are in
    assert [r["posts"] for r in together] == [int(mo.action_posts(workspace, a).count().execute()) for a in acts]
    assert [r["posts"] for r in together] == [4, 5, 4, 0]
    assert together[0]["accounts"]["coordinated"] == 1 and together[2]["cascade"]["origin"][0]["post_id"] == "p1"


def test_actions_section_tracks_registered_and_detected(workspace):
    seed(workspace)
    acts = actions(workspace)
    sec = mo.actions_section(workspace)
    by_id = {r["action_id"]: r for r in sec["registered"]}
    assert set(by_id) == {a["action_id"] for a in acts}
    assert by_id["drive"] == mo.track_action(workspace, "drive", top=5)


def test_actions_cascade_carriers_tie_in_account_order(workspace):
    """Accounts equal in responses, followers and posts are listed in (platform, account)
    order, whatever order the rows came in."""
    at = T("2024-11-20 12:05")
    df = pd.DataFrame({"platform": "x", "post_id": [f"q{i}" for i in range(5)], "account_id": list("dbeac"),
                       "created_at": [at + dt.timedelta(seconds=i) for i in range(5)], "parent_id": None})
    accts = pd.DataFrame({"platform": "x", "account_id": list("abcde"), "handle": list("abcde"),
                          "account_type": "official", "followers": 10, "coordinated": False})
    first = _cascade(workspace, df, accts, 10)
    again = _cascade(workspace, df.iloc[::-1].reset_index(drop=True), accts, 10)
    assert [x["account_id"] for x in first["carried_by"]] == list("abcde") == \
        [x["account_id"] for x in again["carried_by"]]
    assert [x["account_id"] for x in first["started_by"]] == list("dbeac")



@pytest.mark.slow
@pytest.mark.spark
def test_actions_tracked_together_on_spark_match_duckdb(workspace, spark_con):  # noqa: F811
    """The one query over every action gives the same section on Spark."""
    from test_analyse_mobilise_spark import _load
    seed(workspace)
    actions(workspace)
    sw = _load(workspace, spark_con)
    x, y = (json.dumps(mo.actions_section(w), sort_keys=True, default=str) for w in (sw, workspace))
    assert x == y
