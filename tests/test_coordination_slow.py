"""Coordination beyond one short window: a slow, paraphrasing network without account
metadata is found; authentic crowds (chants, trending bursts) are not; chat forwarding,
link identity, tiny inputs and a malformed window."""
from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from suara.detect.coordination import detect_coordination, parse_window

T0 = pd.Timestamp("2024-10-01")


class _Posts:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        syl = ["ka", "ma", "ta", "ri", "su", "lo", "pe", "an", "bu", "di", "sa", "ra", "ku", "ti", "na", "ba"]
        self.words = sorted({"".join(self.rng.choice(syl, 3)) for _ in range(3000)})
        self.rows = []

    def text(self, n=12):
        return " ".join(self.rng.choice(self.words, n))

    def add(self, acc, secs, text, tags=(), platform="x", kind="post", parent=None, links=()):
        self.rows.append({"platform": platform, "post_id": f"p{len(self.rows)}", "account_id": acc,
                          "created_at": T0 + pd.Timedelta(seconds=float(secs)), "kind": kind,
                          "parent_id": parent, "root_id": parent, "text": text, "hashtags": list(tags),
                          "links": list(links), "mentions": []})

    def store(self, ws):
        ws.store.upsert("posts", pd.DataFrame(self.rows))


def _slow_world(seed=5):
    w = _Posts(seed)
    day = 86400
    for i in range(300):                         # ordinary accounts, own varied texts
        for _ in range(int(w.rng.integers(3, 15))):
            tags = ["RudySeno"] if w.rng.random() < 0.3 else []
            w.add(f"c{i}", w.rng.uniform(0, 14) * day, w.text(), tags)
    for i in range(80):                          # supporters who chant together at debates
        for _ in range(int(w.rng.integers(5, 15))):
            w.add(f"s{i}", w.rng.uniform(0, 14) * day, w.text())
    for ev in range(4):
        for a in w.rng.choice(80, 70, replace=False):
            w.add(f"s{a}", (2 + 3 * ev) * day + 72000 + w.rng.uniform(0, 300),
                  "rudy seno menang satu putaran kaltim maju", ["DebatKaltim"])
    for b in range(3):                           # organic trending bursts
        for a in w.rng.choice(300, 60, replace=False):
            w.add(f"c{a}", (3 + 4 * b) * day + 50000 + w.rng.uniform(0, 900), w.text(8), [f"Viral{b}"])
    members = [f"b{i}" for i in range(15)]
    for m in members:                            # a few ordinary-looking posts
        for _ in range(3):
            w.add(m, w.rng.uniform(0, 14) * day, w.text())
    for wave in range(12):                       # waves spread over two hours, three texts each
        t = wave * 1.1 * day + 40000
        texts = [w.text(14) + " rudy" for _ in range(3)]
        for m in members:
            if w.rng.random() < 0.8:
                tags = ["RudyBangkit9"] + (["TimnasDay"] if w.rng.random() < 1 / 3 else [])
                w.add(m, t + w.rng.uniform(0, 7200), texts[int(w.rng.integers(3))] + " " +
                      w.rng.choice(["🔥", "💯", "mantap", "gas", ""]), tags)
    return w, set(members)


def test_slow_paraphrasing_network_found_crowds_not_flagged(workspace):
    w, truth = _slow_world()
    w.store(workspace)
    res = detect_coordination(workspace, store=False)
    a = res.accounts
    flagged = set(a.loc[a.flagged, "account_id"])
    assert len(flagged & truth) >= 12, a[a.account_id.isin(truth)][["account_id", "buzzer_score", "reasons"]]
    assert not (flagged - truth), a[a.flagged & ~a.account_id.isin(truth)][["account_id", "reasons"]]
    # the reason names the evidence that is not a short window
    r = a.loc[a.flagged, "reasons"].iloc[0]
    assert "beyond chance" in r or "time-shuffled" in r
    # no account metadata was needed
    assert a["created_at"].isna().all() and a["followers"].isna().all()


def test_chat_forwarding_and_link_identity(workspace):
    w = _Posts(2)
    msg = "pesan berantai " + w.text(15)
    for i in range(6):                           # six accounts spray one message into groups
        for k in range(4):
            w.add(f"f{i}", 3600 + 60 * i + 10 * k, msg, platform="whatsapp", parent=f"chat:g{k + i}")
    for i in range(30):                          # ordinary chat, same groups
        for k in range(5):
            w.add(f"m{i}", w.rng.uniform(0, 86400 * 3), w.text(), platform="whatsapp", parent=f"chat:g{i % 9}")
    # telegram forwards whose root is the channel: being in a channel is not co-sharing
    for i in range(10):
        w.add(f"t{i}", 100 * i, w.text(), platform="telegram", kind="share", parent="chan:1")
    # links differing only in a real parameter are different objects
    for i in range(8):
        w.add(f"u{i}", 50 * i, w.text(), links=[f"https://news.id/read?post={i}&utm_source=wa"])
    w.store(workspace)
    res = detect_coordination(workspace, store=False)
    a = res.accounts.set_index("account_id")
    assert (a.loc[[f"f{i}" for i in range(6)], "sprays"] >= 1).all()
    assert (a.loc[[f"m{i}" for i in range(30)], "sprays"] == 0).all()
    assert "forwarded" in a.loc["f0", "reasons"]
    objs = set(res.traces["obj"]) if res.traces is not None else set()
    assert not any(o.startswith("l:") for o in objs)            # no two accounts share a link
    assert not any(o.startswith("s:telegram") for o in objs)    # no co-share on the channel root
    assert not a.loc[[f"t{i}" for i in range(10)], "flagged"].any()


def test_one_account_and_one_post_give_empty_valid_results(workspace, tmp_path):
    w = _Posts(3)
    for k in range(20):
        w.add("solo", 600 * k, "ayo pilih nomor satu untuk kaltim maju", ["RudySeno", "KaltimMaju"])
    w.store(workspace)
    res = detect_coordination(workspace, store=False)
    assert len(res.accounts) == 1 and res.edges.empty and res.networks.empty
    paths = res.save(tmp_path / "solo")
    assert pd.read_csv(paths["edges"]).empty and pd.read_csv(paths["coortweet"]).empty
    import suara
    one = suara.init(tmp_path / "one")
    one.store.upsert("posts", pd.DataFrame(w.rows[:1]))
    res = detect_coordination(one)
    assert len(res.accounts) == 1 and res.edges.empty and not res.accounts["flagged"].any()
    assert pd.read_csv(res.save(tmp_path / "one-out")["accounts"]).shape[0] == 1
    one.close()


def test_malformed_window_is_a_clear_error(workspace, tmp_path):
    from suara.cli import app
    assert parse_window("90s") == 90 and parse_window("2m") == 120 and parse_window(None) is None
    path = workspace.path
    workspace.close()
    for bad in ("abc", "0", "-5", "10x"):
        r = CliRunner().invoke(app, ["detect", "coordination", "-w", str(path), "-o", str(tmp_path / "o"),
                                     "--window", bad])
        assert r.exit_code != 0
        assert "--window" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["detect", "coordination", "-w", str(path), "-o", str(tmp_path / "o"),
                                 "--window", "5m"])
    assert r.exit_code == 0, r.output
