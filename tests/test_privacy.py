"""Pseudonyms that hold: keyed (HMAC, 64 bits, key outside the store), stable, rotatable; a
viewer cannot filter by a raw id; cases, alerts, posts, networks and CLI exports scrubbed the
same way, ids as well as handles."""
import json
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import suara
from suara.analyse.base import ENRICH_VERSION_KEY
from suara.analyse.privacy import (KEY_FILE, PSEUDONYM_RE, account_filter_keys, pseudonym, resolve_pseudonym,
                                   rotate_key, workspace_salt)
from suara.serve.app import create_app

ROWS = [
    {"suara_type": "post", "platform": "instagram", "post_id": "1", "text": "Gratispol mantap",
     "created_at": "2024-11-01T02:00:00Z", "author": {"account_id": "budi.samarinda", "handle": "budi.samarinda",
                                                      "account_type": "citizen"}},
    {"suara_type": "post", "platform": "instagram", "post_id": "2", "text": "Kai hebat, kata @siti_bpn",
     "created_at": "2024-11-02T02:00:00Z", "author": {"account_id": "m1", "handle": "kaltimtoday", "account_type": "media"}},
    {"suara_type": "post", "platform": "x", "post_id": "3", "text": "Rudy jalan rusak",
     "created_at": "2024-11-03T02:00:00Z", "author": {"account_id": "77123", "handle": "siti_bpn", "account_type": "citizen"}},
]


def _ws(tmp_path):
    ws = suara.init(tmp_path / "w")
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    ws.ingest([f])
    return ws


def test_privacy_pseudonyms_are_keyed_64_bit_stable_and_rotatable(tmp_path):
    ws = _ws(tmp_path)
    key = workspace_salt(ws)
    p = pseudonym("x", "77123", key)
    assert PSEUDONYM_RE.match(p) and len(p) == len("warga-") + 16
    assert pseudonym("x", "77123", "another-key") != p           # keyed: the id alone does not give it
    assert (ws.path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    dump = " ".join(ws.store.sql(f'SELECT * FROM "{t}"').to_json() for t in ("meta", "accounts", "audit_log"))
    assert key not in dump                                      # the key is not in the store
    ws.close()
    ws = suara.open(tmp_path / "w")
    assert pseudonym("x", "77123", workspace_salt(ws)) == p      # stable across runs
    rotate_key(ws, actor="admin")
    assert pseudonym("x", "77123", workspace_salt(ws)) != p
    assert "privacy.rotate_key" in set(ws.store.sql("SELECT action FROM audit_log").action)
    ws.close()
    # collisions: 64 bits over 200,000 accounts
    ps = {pseudonym("x", str(i), "k") for i in range(200_000)}
    assert len(ps) == 200_000


def test_privacy_filters_resolve_pseudonyms_never_raw_ids_for_viewers(tmp_path):
    ws = _ws(tmp_path)
    key = workspace_salt(ws)
    alias = pseudonym("x", "77123", key)
    assert resolve_pseudonym(ws, alias) == [("x", "77123")]
    assert account_filter_keys(ws, "77123", key, show_identities=False) == []
    assert account_filter_keys(ws, "siti_bpn", key, show_identities=False) == []
    assert account_filter_keys(ws, alias, key, show_identities=False) == [("x", "77123")]
    assert account_filter_keys(ws, "kaltimtoday", key, show_identities=False) == [("instagram", "m1")]
    ws.close()


@pytest.fixture
def served(tmp_path):
    ws = _ws(tmp_path)
    ws.store.set_meta(ENRICH_VERSION_KEY, "t1")
    ws.store.append("alerts", pd.DataFrame([{
        "alert_id": "al-1", "kind": "anomaly", "candidate": "2", "type": "black_campaign", "severity": "high",
        "top_accounts": json.dumps(["x:77123", "instagram:kaltimtoday"]),
        "evidence": json.dumps({"reason": "started by @siti_bpn, amplified by budi.samarinda"}), "status": "new"}]))
    from suara.analyse.cases import add_note, open_case
    case = open_case(ws, "al-1", actor="admin")
    add_note(ws, case["case_id"], "siti_bpn (id 77123) posted first", actor="admin")
    ws.store.append("account_scores", pd.DataFrame([{"platform": "x", "account_id": "77123", "buzzer_score": 0.9,
                                                     "flagged": True, "cluster": "n1"}]))
    ws.users.add("admin", "admin-pass-123", "admin")
    ws.users.add("vera", "viewer-pass-123", "viewer")
    alias = pseudonym("x", "77123", workspace_salt(ws))
    ws.close()
    app = create_app(tmp_path / "w")
    with TestClient(app) as c:
        yield c, app, alias


def _login(c, user, pw):
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"}, follow_redirects=False)


def test_privacy_viewer_sees_everything_scrubbed_and_cannot_filter_by_raw_id(served):
    c, app, alias = served
    _login(c, "vera", "viewer-pass-123")
    assert c.get("/api/v1/posts", params={"account": "77123"}).json()["total"] == 0   # raw id: nothing
    assert c.get("/api/v1/posts", params={"account": "siti_bpn"}).json()["total"] == 0
    r = c.get("/api/v1/posts", params={"account": alias}).json()
    assert r["total"] == 1 and r["posts"][0]["account_id"] == alias and r["posts"][0]["handle"] == alias
    assert c.get("/api/v1/posts", params={"account": "kaltimtoday"}).json()["total"] == 1  # public: named
    seen = " ".join(c.get(p).text for p in ("/api/v1/posts", "/api/v1/posts.csv", "/api/v1/alerts", "/api/v1/cases",
                                              "/radar", "/posts", "/api/v1/network", "/api/v1/network.csv",
                                              "/jaringan", "/api/v1/analysis"))
    for secret in ("77123", "siti_bpn", "budi.samarinda"):
        assert secret not in seen, secret
    assert alias in seen and "kaltimtoday" in seen
    # the admin sees identities and may filter by the raw id
    c.cookies.clear()
    _login(c, "admin", "admin-pass-123")
    assert c.get("/api/v1/posts", params={"account": "77123"}).json()["total"] == 1
    assert "siti_bpn" in c.get("/api/v1/cases").text


def test_privacy_cli_coordination_exports_pseudonymise_ids(tmp_path):
    from suara.detect.coordination import detect_coordination
    ws = _ws(tmp_path)
    res = detect_coordination(ws, store=False)
    key = workspace_salt(ws)
    res.accounts = pd.DataFrame([
        {"platform": "x", "account_id": "77123", "handle": "siti_bpn", "account_type": "citizen", "cluster": "n1",
         "buzzer_score": 0.9, "flagged": True},
        {"platform": "instagram", "account_id": "m1", "handle": "kaltimtoday", "account_type": "media", "cluster": "n1",
         "buzzer_score": 0.6, "flagged": True}]).reindex(columns=res.accounts.columns)
    res.edges = pd.DataFrame([{"source_platform": "x", "source_account": "77123", "target_platform": "instagram",
                               "target_account": "m1", "weight": 3, "cluster": "n1"}]).reindex(columns=res.edges.columns)
    out = tmp_path / "out"
    res.save(out)
    text = " ".join((out / f).read_text() for f in ("accounts.csv", "edges.csv", "network.gexf"))
    assert "77123" not in text and "siti_bpn" not in text
    assert pseudonym("x", "77123", key) in text and "kaltimtoday" in text and ",m1," in (out / "accounts.csv").read_text()
    res.save(tmp_path / "real", pseudonymise=False)
    assert "77123" in (tmp_path / "real" / "accounts.csv").read_text()
    ws.close()
