"""The labelling page (editors and admins label; viewers cannot) and the evaluation panel."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

import suara
from suara.serve.app import create_app
from suara.serve.auth import add_user
from suara.store.labels import read_labels

_TEXTS = ["Paslon 01 bohong terus soal jalan di Samarinda", "Rudy Seno mantap, Gratispol lanjutkan",
          "Isran Hadi turun ke Balikpapan, warga senang", "Paslon 02 cuma janji, banjir tetap",
          "01 lebih baik dari 02 soal tambang", "Gratispol omong kosong, 02 pencitraan",
          "Hadi Mulyadi amanah, saya dukung", "dasar kafir semua pendukung 01"]


@pytest.fixture
def client(tmp_path):
    ws = suara.init(tmp_path / "w")
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps({"suara_type": "post", "platform": "x", "post_id": str(i), "text": t,
                                       "created_at": f"2024-11-0{1 + i % 8}T02:00:00Z"})
                           for i, t in enumerate(_TEXTS)) + "\n")
    ws.ingest([f])
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    add_user(ws.store, "ana", "analyst-pass-123", "analyst")
    ws.close()
    with TestClient(create_app(tmp_path / "w")) as c:
        yield c, tmp_path / "w"


def _login(c, user, pw):
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"})


def test_serve_labelling_viewer_cannot_label(client):
    c, _ = client
    _login(c, "vera", "viewer-pass-123")
    assert c.get("/label").status_code == 403
    assert c.post("/label", data={"task": "toxicity", "l|x|1|": "toxic"}).status_code == 403
    r = c.get("/label/evaluate")  # viewers may see what the labels bought
    assert r.status_code == 200 and "Belum ada label" in r.text


def test_serve_labelling_editor_labels_per_candidate_in_indonesian(client):
    c, path = client
    _login(c, "ana", "analyst-pass-123")
    r = c.get("/label?task=sentiment")
    assert r.status_code == 200 and "Sentimen terhadap" in r.text and "Simpan label" in r.text
    fields = sorted(set(re.findall(r'name="(l\|x\|[^"]+)"', r.text)))
    assert fields and all(f.count("|") == 3 and not f.endswith("|") for f in fields)  # a candidate each
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    data = {"csrf": csrf, "task": "sentiment", fields[0]: "negative", fields[1]: ""}
    r = c.post("/label", data=data, follow_redirects=False)
    assert r.status_code == 303 and "saved=1" in r.headers["location"]
    assert c.post("/label", data={"task": "sentiment", fields[0]: "positive"}).status_code == 403  # no CSRF
    bad = c.post("/label", data={"csrf": csrf, "task": "sentiment", fields[0]: "sangat bagus"})
    assert bad.status_code == 400 and "not a sentiment label" in bad.text
    _, platform, post_id, target = fields[0].split("|")
    store = c.app.state.ws.store
    with store._lock:  # the server's background work shares this connection
        lab = read_labels(store, "sentiment")
        log = store.sql("SELECT actor FROM audit_log WHERE action = 'label.add'")
    assert lab[["platform", "post_id", "target", "label", "labeller"]].values.tolist() == [
        [platform, post_id, target, "negative", "ana"]]
    assert log["actor"].tolist() == ["ana"]


def test_serve_labelling_custom_category_and_evaluation_panel(client):
    c, _ = client
    _login(c, "ana", "analyst-pass-123")
    r = c.get("/label?task=category:kampanye_hitam")
    assert r.status_code == 200 and "kampanye_hitam" in r.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    fields = re.findall(r'name="(l\|x\|[^"]+)"', r.text)
    data = {"csrf": csrf, "task": "category:kampanye_hitam"}
    for i, f in enumerate(dict.fromkeys(fields)):
        data[f] = "yes" if i % 2 else "no"
    assert c.post("/label", data=data, follow_redirects=False).status_code == 303
    r = c.get("/label/evaluate")
    assert r.status_code == 200 and "category:kampanye_hitam" in r.text
    assert "Model tim" in r.text or "need at least" in r.text
    assert c.get("/label?task=bogus").status_code == 400
