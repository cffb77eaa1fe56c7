"""Mobilisation: action tracking, live sessions, enthusiasm index, volunteer consent."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from suara.analyse import mobilise as mo

VERSION = "test-v1"


def T(s: str) -> dt.datetime:
    """UTC timestamp from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(s)


def put(ws, posts=(), accounts=(), mentions=(), flagged=(), sentiment=None):
    """Insert canonical rows. posts: dicts with platform/post_id/account_id/created_at/...;
    mentions: (platform, post_id, candidate, sentiment); flagged: (platform, account_id)."""
    s = ws.store
    if accounts:
        s.upsert("accounts", pd.DataFrame(list(accounts)))
    if posts:
        df = pd.DataFrame(list(posts))
        for c in ("hashtags", "links", "mentions", "media_files"):
            if c not in df:
                df[c] = [[] for _ in range(len(df))]
        s.upsert("posts", df)
        sent = sentiment or {}
        s.upsert("enrichments", pd.DataFrame([{"platform": r["platform"], "post_id": r["post_id"], "version": VERSION,
                                               "sentiment": sent.get(r["post_id"], "neutral")} for r in posts]))
    if mentions:
        s.upsert("mentions", pd.DataFrame([{"platform": p, "post_id": i, "version": VERSION, "candidate": c,
                                            "sentiment": se} for p, i, c, se in mentions]))
    if flagged:
        s.upsert("account_scores", pd.DataFrame([{"platform": p, "account_id": a, "buzzer_score": 0.9,
                                                  "flagged": True} for p, a in flagged]))
    s.set_meta("enrich.current_version", VERSION)


def post(pid, acc, at, kind="post", tags=(), parent=None, root=None, platform="x", text="", **kw):
    return {"platform": platform, "post_id": pid, "account_id": acc, "created_at": T(at), "kind": kind,
            "hashtags": list(tags), "parent_id": parent, "root_id": root, "text": text, **kw}


def acc(aid, followers=100, region=None, platform="x", account_type="citizen", handle=None):
    return {"platform": platform, "account_id": aid, "handle": handle or f"h_{aid}", "followers": followers,
            "region": region, "account_type": account_type}


@pytest.fixture
def drive(workspace):
    ws = workspace
    put(ws,
        accounts=[acc("a", 1000, "6472", account_type="official", handle="rudyseno.official"),
                  acc("b", 200, "6471"), acc("c", 50, "6472"), acc("z", 5, None)],
        posts=[post("p1", "a", "2024-11-20 12:05", tags=["pawaiharum"], text="Ayo #PawaiHarum malam ini"),
               post("p2", "b", "2024-11-20 13:00", tags=["pawaiharum"]),
               post("p3", "c", "2024-11-20 13:10", kind="reply", parent="p1", root="p1", tags=["pawaiharum"]),
               post("p4", "b", "2024-11-20 15:00", kind="reply", parent="p1", root="p1", tags=["pawaiharum"]),
               post("p5", "z", "2024-11-20 14:00", tags=["pawaiharum"]),           # coordinated
               post("p6", "c", "2024-11-25 10:00", tags=["pawaiharum"]),           # after the window
               post("p7", "c", "2024-11-20 14:30", tags=["lain"])],               # other hashtag
        sentiment={"p1": "positive", "p2": "positive", "p3": "negative", "p4": "positive"},
        flagged=[("x", "z")])
    return ws


def test_mobilise_action_tracking(drive):
    a = mo.add_action(drive, "hashtag", "Pawai", "#PawaiHarum", "2024-11-20 20:00", "2024-11-21 20:00",
                      candidate="2", goal=4, goal_metric="posts", action_id="pawai")
    assert a["starts_at"] == T("2024-11-20 12:00")            # 20:00 WITA = 12:00 UTC
    r = mo.track_action(drive, "pawai")
    assert r["posts"] == 5 and r["posts_organic"] == 4
    assert r["accounts"] == {"total": 4, "organic": 3, "coordinated": 1, "coordinated_share": 0.25}
    assert r["reach"] == 1255 and r["reach_organic"] == 1250
    assert set(r["regions"]) == {"6472", "6471"} and r["regions"]["6472"]["accounts"] == 2
    assert r["sentiment"]["positive"] == 3 and r["sentiment"]["negative"] == 1
    p = r["progress"]
    assert p["value"] == 4 and p["done"] == 1.0 and p["timeline"][-1]["cumulative"] == 4
    assert [x["cumulative"] for x in p["timeline"]] == sorted(x["cumulative"] for x in p["timeline"])
    casc = r["cascade"]
    assert casc["started_by"][0]["account_id"] == "a"
    assert casc["started_by"][0]["handle"] == "rudyseno.official"        # official accounts are named
    assert casc["carried_by"][0]["account_id"] == "a" and casc["carried_by"][0]["responses"] == 2
    assert casc["depth"] == 1
    # ordinary citizens leave only as pseudonyms
    assert all(x["handle"].startswith("warga-") for x in casc["carried_by"][1:])


def test_mobilise_action_progress_by_accounts_and_reach(drive):
    mo.add_action(drive, "hashtag", "Pawai", "pawaiharum", "2024-11-20 20:00", "2024-11-21 20:00", goal=6,
                  goal_metric="accounts", action_id="x1")
    assert mo.track_action(drive, "x1")["progress"]["done"] == 0.5
    mo.add_action(drive, "hashtag", "Pawai", "pawaiharum", "2024-11-20 20:00", "2024-11-21 20:00", goal=2500,
                  goal_metric="reach", action_id="x1")
    assert mo.track_action(drive, "x1")["progress"]["value"] == 1250


def test_mobilise_action_comment_drive_on_post(drive):
    mo.add_action(drive, "comment_drive", "Serbu", "p1", "2024-11-20 20:00", "2024-11-21 20:00", action_id="cd")
    r = mo.track_action(drive, "cd")
    assert r["posts"] == 2 and r["accounts"]["total"] == 2
    assert r["cascade"]["origin"][0]["account_id"] == "a"


@pytest.mark.parametrize("kw, msg", [
    ({"kind": "flashmob"}, "kind"), ({"ends_at": "2024-11-19 00:00"}, "ends_at"),
    ({"candidate": "9"}, "candidate"), ({"target": " "}, "target"), ({"goal_metric": "likes"}, "goal_metric")])
def test_mobilise_action_validation(workspace, kw, msg):
    args = dict(kind="hashtag", name="n", target="t", starts_at="2024-11-20 00:00", ends_at="2024-11-21 00:00")
    args.update(kw)
    with pytest.raises(ValueError, match=msg):
        mo.add_action(workspace, **args)
    assert mo.list_actions(workspace).empty


def test_mobilise_detect_actions(drive):
    found = mo.detect_actions(drive, min_accounts=2)
    assert [a["target"] for a in found] == ["pawaiharum"]
    assert found[0]["candidate"] == "2"           # the announcing account's handle names pair 2
    assert found[0]["announced_by_official"]
    assert mo.track_action(drive, found[0])["accounts"]["total"] == 4
    # without an official announcement, a burst of distinct accounts also makes a drive
    drive.store.execute("UPDATE accounts SET account_type = 'citizen', handle = 'h_' || account_id")
    assert mo.detect_actions(drive, min_accounts=2) == []
    burst = mo.detect_actions(drive, burst_accounts=4)
    assert [a["target"] for a in burst] == ["pawaiharum"] and not burst[0]["announced_by_official"]
    assert mo.detect_actions(drive, burst_accounts=5) == []


def test_mobilise_live_sessions(workspace):
    ws = workspace
    comments, accounts = [], [acc("host", 5000, platform="facebook", account_type="official")]
    for i in range(30):   # first stream: 30 comments over 15 minutes
        comments.append(post(f"c{i}", f"u{i % 10}", f"2024-10-15 12:{i // 2:02d}", kind="live_comment",
                             parent="L1", root="L1", platform="facebook",
                             text="kapan jalan diperbaiki?" if i % 5 == 0 else "mantap pak"))
    for i in range(12):   # second stream of the same host, two old attendees come back
        comments.append(post(f"d{i}", f"u{i % 2}" if i < 4 else f"n{i}", f"2024-10-20 12:{i:02d}",
                             kind="comment", parent="L2", root="L2", platform="facebook", text="hadir"))
    accounts += [acc(f"u{i}", platform="facebook") for i in range(10)]
    lives = [post("L1", "host", "2024-10-15 12:00", platform="facebook", media_type="live"),
             post("L2", "host", "2024-10-20 11:59", platform="facebook", media_type="live")]
    put(ws, accounts=accounts, posts=lives + comments, sentiment={f"c{i}": "positive" for i in range(30)})
    s = mo.detect_live_sessions(ws)
    assert sorted(s["root_id"]) == ["L1", "L2"]
    stats = {x["root_id"]: x for x in mo.live_stats(ws, detect=False)}
    one = stats["L1"]
    assert one["comments"] == 30 and one["minutes"] == 14.0
    assert one["comments_per_minute"] == round(30 / 14, 2)
    assert one["peaks"][0]["comments"] == 2
    assert one["questions"] == 6 and one["sentiment"]["positive"] == 30
    assert one["attendees"] == 10 and one["repeat_attendees"] == 0
    assert stats["L2"]["repeat_attendees"] == 2
    # a pause longer than the gap splits a stream into two sessions
    put(ws, posts=[post(f"e{i}", "u1", f"2024-10-15 15:{i:02d}", kind="live_comment", parent="L1", root="L1",
                        platform="facebook") for i in range(12)])
    assert (mo.detect_live_sessions(ws)["root_id"] == "L1").sum() == 2


def test_mobilise_question_detection():
    assert mo.is_question("Gimana nasib honorer pak")
    assert mo.is_question("benarkah itu")
    assert not mo.is_question("mantap pak, lanjutkan")


def test_mobilise_enthusiasm_growth_excludes_coordinated(workspace):
    ws = workspace
    posts, ments, accounts = [], [], []
    # previous week: 4 enthusiasts of pair 2 in Samarinda; this week: 6, plus 5 coordinated accounts
    for i in range(4):
        posts.append(post(f"w1_{i}", f"s{i}", "2024-11-12 10:00"))
    for i in range(6):
        posts.append(post(f"w0_{i}", f"s{i}", "2024-11-19 10:00"))
    for i in range(5):
        posts.append(post(f"bz{i}", f"b{i}", "2024-11-19 11:00"))
    posts.append(post("neg", "s9", "2024-11-19 12:00"))
    accounts = [acc(f"s{i}", region="6472") for i in range(10)] + [acc(f"b{i}", region="6472") for i in range(5)]
    ments = [("x", p["post_id"], "2", "negative" if p["post_id"] == "neg" else "positive") for p in posts]
    put(ws, accounts=accounts, posts=posts, mentions=ments, flagged=[("x", f"b{i}") for i in range(5)])
    sec = mo.enthusiasm_section(ws)
    cell = sec["pairs"]["2"]["regions"]["6472"]
    assert cell["active"] == 6 and cell["previous"] == 4
    assert cell["index"] == 150.0 and cell["growth"] == 0.5
    assert sec["pairs"]["2"]["all"]["weekly"][-2:] == [4, 6]


def test_mobilise_volunteer_needs_consent(drive):
    ws = drive
    with pytest.raises(mo.ConsentError):
        mo.add_volunteer(ws, "Budi", "x", handle="h_b", consent_text="Saya setuju")          # no consent flag
    with pytest.raises(mo.ConsentError):
        mo.add_volunteer(ws, "Budi", "x", handle="h_b", consent=True, consent_text="  ")      # no text
    assert ws.store.count("volunteers") == 0
    # a roster row without a consent record (e.g. imported by hand) is never used
    ws.store.upsert("volunteers", pd.DataFrame([{"volunteer_id": "raw", "name": "C", "platform": "x",
                                                 "account_id": "c"}]))
    mo.add_action(ws, "hashtag", "Pawai", "pawaiharum", "2024-11-20 20:00", "2024-11-21 20:00", action_id="p")
    assert mo.volunteer_leaderboard(ws).empty
    assert mo.track_action(ws, "p")["volunteers"]["count"] == 0
    v = mo.add_volunteer(ws, "Budi", "x", handle="@h_b", consent=True, consent_text="Saya setuju data akun saya "
                         "dipakai untuk papan relawan")
    assert v["account_id"] == "b"                              # resolved from the handle
    lb = mo.volunteer_leaderboard(ws)
    assert list(lb["name"]) == ["Budi"] and lb.iloc[0]["actions"] == 1 and lb.iloc[0]["action_posts"] == 2
    assert lb.iloc[0]["reach"] == 200
    assert mo.track_action(ws, "p")["volunteers"] == {"count": 1, "reach": 200}
    audit = ws.store.sql("SELECT action FROM audit_log WHERE target = ?", [v["volunteer_id"]])
    assert "volunteer.consent" in set(audit["action"])
    # withdrawal stops all use
    assert mo.withdraw_volunteer(ws, v["volunteer_id"], erase=True)
    assert mo.volunteer_leaderboard(ws).empty
    assert mo.track_action(ws, "p")["volunteers"]["count"] == 0
    row = ws.store.sql("SELECT * FROM volunteers WHERE volunteer_id = ?", [v["volunteer_id"]]).iloc[0]
    assert row["name"] is None and row["account_id"] is None and row["consent_at"] is not None
    assert mo.list_volunteers(ws).empty


def test_mobilise_sections_and_report(drive):
    from suara.analyse.run import analyse_workspace
    from suara.report.daily import render_report
    mo.add_action(drive, "hashtag", "Pawai", "pawaiharum", "2024-11-20 20:00", "2024-11-21 20:00", goal=10)
    doc = analyse_workspace(drive, sections=["meta", "actions", "live", "enthusiasm"])
    assert "errors" not in doc["meta"], doc["meta"].get("errors")
    assert doc["actions"]["registered"][0]["posts"] == 5
    html = render_report(drive, doc, lang="en")
    assert "Actions &amp; mobilisation" in html or "Actions & mobilisation" in html
    assert "Aksi" in render_report(drive, doc)


def test_mobilise_cli(drive, tmp_path):
    from typer.testing import CliRunner
    from suara.cli import app
    w = str(drive.store.path).rsplit("/", 1)[0]
    drive.close()
    r = CliRunner()
    res = r.invoke(app, ["action", "add", "-w", w, "--kind", "hashtag", "--name", "Pawai", "--target", "PawaiHarum",
                         "--start", "2024-11-20 20:00", "--end", "2024-11-21 20:00", "--goal", "4", "--id", "pw"])
    assert res.exit_code == 0, res.output
    res = r.invoke(app, ["action", "report", "pw", "-w", w])
    assert res.exit_code == 0 and "4 / 4 posts" in res.output, res.output
    res = r.invoke(app, ["action", "report", "nope", "-w", w])
    assert res.exit_code != 0
    res = r.invoke(app, ["volunteer", "add", "-w", w, "--name", "B", "--platform", "x", "--handle", "h_b"])
    assert res.exit_code != 0 and "consent" in res.output
    res = r.invoke(app, ["volunteer", "add", "-w", w, "--name", "B", "--platform", "x", "--handle", "h_b",
                         "--consent", "--consent-text", "Saya setuju"])
    assert res.exit_code == 0, res.output
    res = r.invoke(app, ["volunteer", "leaderboard", "-w", w, "--json"])
    assert res.exit_code == 0 and '"action_posts": 2' in res.output, res.output



def test_mobilise_cascade_ties_keep_one_order(workspace):
    """Posts of the same second start an action in one order (time, then platform and
    account), whatever order the engine returned them in."""
    from suara.analyse.mobilise.actions import _cascade
    at = T("2024-11-20 12:05")
    df = pd.DataFrame({"platform": "x", "post_id": [f"q{i}" for i in range(5)], "account_id": list("dbeac"),
                       "created_at": [at] * 5, "parent_id": None})
    accts = pd.DataFrame({"platform": "x", "account_id": list("abcde"), "handle": list("abcde"),
                          "account_type": "official", "followers": 10, "coordinated": False})
    first = _cascade(workspace, df, accts, 10)["started_by"]
    again = _cascade(workspace, df.iloc[::-1].reset_index(drop=True), accts, 10)["started_by"]
    assert [x["account_id"] for x in first] == list("abcde") == [x["account_id"] for x in again]
