"""The radar as a triage inbox, and cases in the web app.

The world: the radar test world (ten days with a daily rhythm, one coordinated negative crisis
about pair 2 on "banjir", one hoax burst) run through the real radar, plus 28 positive-surge
alerts for pair 1 spread over the same days, several detected after the crisis, as a lively
campaign raises them. Newest first, the crisis is buried; the inbox must fold the surges and
put the crisis on top."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pandas as pd
import pytest

from suara.analyse.triage import filter_groups, group_alerts, inbox, rank_groups
from test_radar_world import CRISIS_AT, START, load_world, world_frames

N_SURGES = 28


def _surges(n: int = N_SURGES) -> pd.DataFrame:
    rows = []
    for k in range(n):
        # every 9.5 hours over a week, then a burst every 2 hours after the crisis
        onset = (START + dt.timedelta(hours=24 + 9.5 * k) if k < 20
                 else CRISIS_AT + dt.timedelta(hours=3 + 2 * (k - 20)))
        high = k % 7 == 6
        rows.append({"alert_id": f"al-surge{k:02d}", "kind": "anomaly", "candidate": "1", "issue": None,
                     "type": "positive_surge", "severity": "high" if high else "medium",
                     "severity_score": 0.62 if high else 0.4 + 0.005 * k, "onset_at": onset,
                     "detected_at": onset + dt.timedelta(minutes=30), "metric": "volume", "value": 30.0,
                     "baseline": 8.0, "posts": 20 + (k * 7) % 40, "top_accounts": json.dumps([f"x:c{k % 5}"]),
                     "evidence": json.dumps({"reason": "positive posts rise", "window": [
                         str(onset), str(onset + dt.timedelta(hours=2))]}),
                     "status": "new", "created_at": onset + dt.timedelta(minutes=30)})
    return pd.DataFrame(rows)


def _is_crisis(g: dict) -> bool:
    on = dt.datetime.fromisoformat(g["first_onset"])
    return (g["candidate"] == "2" and g["type"] not in ("positive_surge", "volume_spike")
            and abs(on - CRISIS_AT) < dt.timedelta(hours=2))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    import suara
    from suara.serve.auth import add_user
    ws = suara.init(tmp_path_factory.mktemp("triage") / "ws")
    load_world(ws, world_frames())
    ws.radar(full=True)
    ws.store.append("alerts", _surges())
    add_user(ws.store, "ana", "analyst-pass-123", "analyst")
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    yield ws
    ws.close()


def test_triage_groups_the_surges_and_ranks_the_planted_crisis_first(world):
    feed = world.alert_feed(limit=500)
    assert len(feed) >= N_SURGES + 2
    # newest first (the raw feed), the crisis is buried under surges detected after it
    assert feed[0]["type"] == "positive_surge"
    assert next(i for i, a in enumerate(feed) if a["candidate"] == "2" and a["type"] != "positive_surge") >= 5
    box = inbox(world, salt=world.salt)
    groups = box["groups"]
    surges = [g for g in groups if g["type"] == "positive_surge" and g["candidate"] == "1"]
    assert sum(g["count"] for g in surges) >= N_SURGES
    assert len(surges) <= 4, [(g["first_onset"], g["count"]) for g in surges]   # 28 alerts, a few rows
    assert _is_crisis(groups[0]), [(g["type"], g["candidate"], g["first_onset"]) for g in groups[:3]]
    top = groups[0]
    assert top["severity"] in ("high", "critical") and top["top_accounts"] and top["posts"] > 0
    assert top["why"]["threat"] > max(g["why"]["threat"] for g in surges)
    # every alert of the inbox appears in exactly one incident
    ids = [a["alert_id"] for g in groups for a in g["alerts"]]
    assert sorted(ids) == sorted(a["alert_id"] for a in feed)
    # the hoax burst (pair 1, "ikn") outranks every surge too
    ranks = {g["type"]: i for i, g in reversed(list(enumerate(groups)))}
    assert ranks.get("hoax", 0) < ranks["positive_surge"]


def test_triage_inbox_without_samples_has_the_same_incidents(world):
    """The brief asks for the inbox without sample posts (it shows none): the same incidents
    in the same order, and no post text at all (nothing unscrubbed leaks from it)."""
    def strip(groups):
        return [{k: v for k, v in g.items() if k not in ("samples", "alerts")}
                | {"alerts": [{k: v for k, v in a.items() if k != "samples"} for a in g["alerts"]]}
                for g in groups]
    full = inbox(world, salt=world.salt)
    bare = inbox(world, salt=world.salt, with_samples=False)
    assert any(g["samples"] for g in full["groups"])
    assert strip(bare["groups"]) == strip(full["groups"])
    assert all(not g["samples"] and not any(a.get("samples") for a in g["alerts"]) for g in bare["groups"])
    assert (bare["alerts"], bare["total_groups"]) == (full["alerts"], full["total_groups"])


def test_triage_filters_and_resolved_incidents_sink():
    base = {"kind": "anomaly", "issue": None, "severity_score": 0.5, "posts": 10, "top_accounts": [],
            "status": "new"}
    alerts = [dict(base, alert_id="a", type="hoax", candidate="1", severity="high",
                   onset_at="2024-11-01T00:00:00", detected_at="2024-11-01T01:00:00"),
              dict(base, alert_id="b", type="hoax", candidate="1", severity="medium",
                   onset_at="2024-11-10T00:00:00", detected_at="2024-11-10T01:00:00"),
              dict(base, alert_id="c", type="volume_spike", candidate="2", severity="low",
                   onset_at="2024-11-10T00:00:00", detected_at="2024-11-10T02:00:00")]
    # a and b are more than 72 hours apart: two incidents
    groups = rank_groups(group_alerts(alerts, cases=[{"case_id": "k1", "alert_id": "a", "status": "resolved"}]))
    assert len(groups) == 3
    assert groups[-1]["top_alert"] == "a" and groups[-1]["status"] == "resolved"
    assert groups[0]["top_alert"] == "b"
    assert [g["top_alert"] for g in filter_groups(groups, pair="2")] == ["c"]
    assert [g["top_alert"] for g in filter_groups(groups, severity="medium")] == ["b", "a"]
    assert [g["top_alert"] for g in filter_groups(groups, status="open")] == ["b", "c"]
    assert [g["top_alert"] for g in filter_groups(groups, status="resolved", type="hoax")] == ["a"]
    with pytest.raises(ValueError, match="severity: expected one of"):
        filter_groups(groups, severity="urgent")
    # within the window they are one incident with the worse severity
    one = group_alerts(alerts[:2], window_hours=24 * 30)
    assert len(one) == 1 and one[0]["severity"] == "high" and one[0]["count"] == 2 and one[0]["posts"] == 20


# ------------------------------------------------------------------------------ the web
@pytest.fixture(scope="module")
def client(world):
    from fastapi.testclient import TestClient

    from suara.serve.app import create_app
    path = world.path
    world.close()
    with TestClient(create_app(path)) as c:
        yield c


def login(c, user, pw):
    c.cookies.clear()
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    assert c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"},
                  follow_redirects=False).status_code == 303


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_triage_radar_page_inbox_and_case_lifecycle_with_roles(client):
    c = client
    login(c, "vera", "viewer-pass-123")
    r = c.get("/radar")
    assert r.status_code == 200
    rows = re.findall(r'<tr class="incident" data-group="([^"]+)" data-alert="([^"]+)">(.*?)</tr>', r.text, re.S)
    assert rows and len(rows) < N_SURGES
    first = rows[0][2]
    assert 'class="sev-high"' in first or 'class="sev-critical"' in first
    assert "2 Rudy-Seno" in first and "Lonjakan positif" not in first
    assert 'action="/radar/' not in r.text.split('id="alerts"')[0]     # a viewer gets no case buttons
    top_alert = rows[0][1]
    assert f'href="/posts?alert={top_alert}"' in r.text
    # the exact posts link of each alert the radar raised: the count shown opens that many posts
    links = [(a, n) for a, n in re.findall(r'<a href="/posts\?alert=([^"]+)">(\d+)</a>', r.text)
             if not a.startswith("al-surge")]
    assert links
    for aid, n in links[:5]:
        assert c.get("/api/v1/posts", params={"alert": aid, "limit": 1}).json()["total"] == int(n)
    # filters: pair 1 surges only; a bad value is a clear 400
    r1 = c.get("/radar", params={"pair": "1", "type": "positive_surge"})
    assert r1.status_code == 200 and "Rudy-Seno</td>" not in r1.text.split('id="alerts"')[0]
    assert c.get("/radar", params={"severity": "urgent"}).status_code == 400
    api = c.get("/api/v1/inbox", params={"severity": "high"}).json()
    assert api["groups"] and all(g["severity"] in ("high", "critical") for g in api["groups"])
    # a viewer cannot open or change cases
    csrf = _csrf(r.text)
    assert c.post(f"/radar/{top_alert}/case", data={"csrf": csrf}, follow_redirects=False).status_code == 403
    assert c.post(f"/api/v1/alerts/{top_alert}/case", headers={"x-csrf-token": csrf}).status_code == 403

    # an analyst opens the case in place (the API the page's button calls) and handles it
    login(c, "ana", "analyst-pass-123")
    r = c.get("/radar")
    assert "Jadikan kasus" in r.text and 'class="inline case-make"' in r.text
    csrf = _csrf(r.text)
    assert c.post(f"/api/v1/alerts/{top_alert}/case").status_code == 403          # no CSRF token
    case = c.post(f"/api/v1/alerts/{top_alert}/case", headers={"x-csrf-token": csrf}).json()
    cid = case["case_id"]
    assert c.post(f"/api/v1/alerts/{top_alert}/case", headers={"x-csrf-token": csrf}).json()["case_id"] == cid
    r = c.get("/radar")
    row = re.search(rf'data-alert="{top_alert}">(.*?)</tr>', r.text, re.S).group(1)
    assert f'href="/cases/{cid}"' in row and "case-make" not in row            # the case badge on the row
    page = c.get(f"/cases/{cid}")
    assert page.status_code == 200 and 'action="/cases/' in page.text
    for action, data in (("assign", {"assignee": "rina", "start": "1"}), ("note", {"text": "Bukti diarsipkan"}),
                         ("status", {"status": "assigned"}), ("resolve", {"outcome": "Klarifikasi terbit"})):
        res = c.post(f"/cases/{cid}/{action}", data={"csrf": csrf, **data}, follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == f"/cases/{cid}", action
    done = c.get(f"/api/v1/cases/{cid}").json()
    assert done["status"] == "resolved" and done["assignee"] == "rina"
    assert [n["text"] for n in done["notes"]] == ["Bukti diarsipkan", "Resolved: Klarifikasi terbit"]
    assert c.post(f"/cases/{cid}/status", data={"csrf": csrf, "status": "open"},
                  follow_redirects=False).status_code == 400          # resolved cases stay resolved
    assert c.post(f"/cases/{cid}/note", data={"csrf": "wrong", "text": "x"},
                  follow_redirects=False).status_code == 403
    z = c.get(f"/cases/{cid}/evidence.zip")
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert sorted(names) == sorted([f"{cid}-evidence.csv", f"{cid}-evidence.json"])
    ev = json.loads(zipfile.ZipFile(io.BytesIO(z.content)).read(f"{cid}-evidence.json"))
    assert ev["posts"] and all(p["account_id"].startswith("warga-") for p in ev["posts"])   # citizens pseudonymised
    lst = c.get("/cases")
    assert lst.status_code == 200 and cid in lst.text
    assert c.get("/cases/case-nope").status_code == 404

    # the audit log has every step, by the analyst
    login(c, "admin", "admin-pass-123")
    audit = c.app.state.ws.store.sql("SELECT actor, action FROM audit_log WHERE target = ? ORDER BY \"at\"", [cid])
    assert audit["action"].tolist()[:6] == ["case.open", "case.assign", "case.note", "case.status", "case.resolve",
                                            "case.export"]
    assert set(audit["actor"]) == {"ana"}
    ev_admin = json.loads(zipfile.ZipFile(io.BytesIO(c.get(f"/cases/{cid}/evidence.zip").content))
                          .read(f"{cid}-evidence.json"))
    assert any(not p["account_id"].startswith("warga-") for p in ev_admin["posts"])       # admins see ids
    assert [p["sha256"] for p in ev_admin["posts"]] == [p["sha256"] for p in ev["posts"]]

    # viewers see the case but cannot change or export it
    login(c, "vera", "viewer-pass-123")
    page = c.get(f"/cases/{cid}")
    assert page.status_code == 200 and 'action="/cases/' not in page.text
    csrf = _csrf(page.text)
    for action, data in (("note", {"text": "x"}), ("assign", {"assignee": "vera"}), ("resolve", {"outcome": "x"})):
        assert c.post(f"/cases/{cid}/{action}", data={"csrf": csrf, **data}, follow_redirects=False).status_code == 403
    assert c.post(f"/api/v1/cases/{cid}/note", json={"text": "x"}, headers={"x-csrf-token": csrf}).status_code == 403
    assert c.get(f"/cases/{cid}/evidence.zip").status_code == 403
