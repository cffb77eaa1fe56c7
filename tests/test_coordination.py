"""Coordination detection: window estimation, filters, determinism, planted networks,
organic co-sharing, outputs and the stored scores."""
from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from typer.testing import CliRunner

from suara.analyse import base
from suara.detect.coordination import (detect_coordination, estimate_window, filter_edges,
                                        near_duplicate_clusters)
from test_coordination_world import build_world


def _metrics(res, truth):
    m = truth.merge(res.accounts, on=["platform", "account_id"], how="left")
    m["flagged"] = m["flagged"].fillna(False).astype(bool)
    tp = int((m.flagged & m.is_buzzer).sum())
    fp = int((m.flagged & ~m.is_buzzer).sum())
    fn = int((~m.flagged & m.is_buzzer).sum())
    return tp, fp, fn, m


def test_coordination_window_estimation_follows_coornet_rule():
    # 20 objects; the fastest 10% (2 objects) reach half their shares after 10 s and 20 s
    rows = []
    for i in range(20):
        half = 10 * (i + 1)
        for j, t in enumerate([0, half, half + 5, 10_000]):
            rows.append({"obj": i, "account": f"a{j}", "ts": t})
    t = pd.DataFrame(rows)
    assert estimate_window(t, q=0.1, p=0.5, floor=1) == 15
    assert estimate_window(t, q=1.0, p=0.5, floor=1) == 105
    assert estimate_window(t.iloc[:0]) is None
    # floor keeps a same-second burst from giving a zero window
    assert estimate_window(t.assign(ts=0), floor=10) == 10


def test_coordination_filters_drop_hyperactive_edges():
    import ibis
    pairs = ibis.memtable(pd.DataFrame({"lo": [0, 0, 1, 2], "hi": [1, 3, 3, 3],
                                        "weight": [6, 4, 4, 1], "tight": [6.0, 4.0, 4.0, 1.0]}))
    activity = pd.Series({0: 8, 1: 7, 2: 3, 3: 500})   # account 3 acts on everything
    e, th = filter_edges(pairs, activity, min_weight=2, edge_percentile=0.0, min_symmetry=0.3)
    assert e[["lo", "hi"]].values.tolist() == [[0, 1]]
    assert th["weight_threshold"] == 2


def test_coordination_near_duplicates_group_paraphrases():
    s = pd.Series(["Pilih nomor dua untuk Kaltim yang lebih maju dan sejahtera bersama",
                   "pilih nomor dua untuk kaltim yang lebih maju dan sejahtera bersama 🔥🔥",
                   "Pilih nomor dua untuk Kaltim yang lebih maju dan makmur bersama",
                   "jalan di depan rumah saya rusak parah sudah dua bulan tidak diperbaiki", None])
    lab = near_duplicate_clusters(s)
    assert lab[0] == lab[1] == lab[2]
    assert pd.isna(lab[3]) and pd.isna(lab[4])


def test_coordination_planted_networks_recovered_organic_not_flagged(workspace):
    truth = build_world(workspace, seed=3)
    res = detect_coordination(workspace)
    tp, fp, fn, m = _metrics(res, truth)
    assert tp >= 28 and fn <= 2 and fp == 0
    # the two planted networks are two detected clusters, not merged
    bz = m[m.is_buzzer & m.flagged]
    assert bz.groupby("network_id")["cluster"].nunique().max() == 1
    assert bz["cluster"].nunique() == 2
    assert len(res.networks) == 2
    # the hyperactive sharer that shares every official post is not flagged
    assert not m.loc[m.account_id == "hyper", "flagged"].item()
    # reasons name the drivers
    assert "network N0" in m.loc[m.flagged, "reasons"].iloc[0]
    assert res.stats["skipped_no_time"] == 0


def test_coordination_jittered_network_still_found(workspace):
    truth = build_world(workspace, seed=5, jitter=240.0, hyperactive=False)
    tp, fp, fn, _ = _metrics(detect_coordination(workspace, store=False), truth)
    assert tp / (tp + fn) >= 0.9 and fp <= 1


def test_coordination_organic_only_flags_nobody(workspace):
    truth = build_world(workspace, seed=11, networks=0, n_organic=400)
    res = detect_coordination(workspace, store=False)
    assert int(res.accounts["flagged"].sum()) == 0
    assert len(truth) == 401


def test_coordination_deterministic(workspace):
    build_world(workspace, seed=2, n_organic=150)
    a = detect_coordination(workspace, store=False)
    b = detect_coordination(workspace, store=False)
    pd.testing.assert_frame_equal(a.accounts, b.accounts)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert a.run_id == b.run_id


def test_coordination_user_window(workspace):
    truth = build_world(workspace, seed=4, n_organic=100)
    res = detect_coordination(workspace, window=30, store=False)
    assert set(res.windows.values()) == {30}
    tp, fp, fn, _ = _metrics(res, truth)
    assert tp >= 27 and fp == 0
    with pytest.raises(ValueError):
        detect_coordination(workspace, window=0)


def test_coordination_scores_stored_and_without_flagged(workspace):
    build_world(workspace, seed=6, n_organic=120)
    res = detect_coordination(workspace)
    s = workspace.store.table("account_scores").execute()
    assert len(s) == len(res.accounts) and s["flagged"].sum() == res.accounts["flagged"].sum() > 0
    assert (s["run_id"] == res.run_id).all()
    nets = workspace.store.table("networks").execute()
    assert len(nets) == len(res.networks) and json.loads(nets["summary"].iloc[0])["platforms"]
    posts = base.posts(workspace)
    kept = base.without_flagged(posts, workspace).execute()
    flagged = set(res.flagged["account_id"])
    assert flagged and not (set(kept["account_id"]) & flagged)
    assert len(kept) < posts.count().execute()
    # a second run replaces the first, it does not pile up
    detect_coordination(workspace, window=20)
    assert workspace.store.count("account_scores") == len(res.accounts)


def test_coordination_outputs_well_formed(workspace, tmp_path):
    build_world(workspace, seed=8, n_organic=80)
    res = detect_coordination(workspace, store=False)
    paths = res.save(tmp_path / "out")
    acc = pd.read_csv(paths["accounts"])
    assert list(acc.columns[:5]) == ["platform", "account_id", "handle", "cluster", "buzzer_score"]
    assert acc["buzzer_score"].between(0, 1).all()
    edges = pd.read_csv(paths["edges"])
    # Gephi's spreadsheet import: Source, Target, Weight first; every edge has evidence
    assert list(edges.columns[:4]) == ["Source", "Target", "Weight", "Type"]
    assert len(edges) == len(res.edges) and edges["Weight"].between(0, 1).all()
    assert ((edges["co_objects"] >= 2) | (edges["shared_tokens"] >= 3)).all()
    root = ET.parse(paths["gexf"]).getroot()
    ns = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}
    assert root.find("g:graph", ns).get("mode") == "dynamic"
    assert len(root.findall(".//g:edge", ns)) == len(edges)
    nodes = root.findall(".//g:node", ns)
    ids = {n.get("id") for n in nodes}
    assert ids >= set(edges["Source"]) | set(edges["Target"])
    assert all(e.get("source") in ids and e.get("target") in ids for e in root.findall(".//g:edge", ns))
    # colour by network, size by score, time intervals for the timeline
    assert all(n.find("viz:color", ns) is not None and n.find("viz:size", ns) is not None for n in nodes)
    assert all(n.get("start") <= n.get("end") for n in nodes)
    flagged = acc[acc.flagged]
    big = {f"{r.platform}:{r.account_id}" for r in flagged.itertuples()}
    sizes = {n.get("id"): float(n.find("viz:size", ns).get("value")) for n in nodes}
    score = {f"{r.platform}:{r.account_id}": r.buzzer_score for r in acc.itertuples()}
    order = sorted(sizes, key=lambda k: score[k])
    assert [sizes[k] for k in order] == sorted(sizes.values())
    colours = {(n.find("viz:color", ns).get("r"), n.find("viz:color", ns).get("g")) for n in nodes
               if n.get("id") in big}
    assert len(colours) == flagged["cluster"].nunique()
    # CooRTweet-shaped export: every shared object has two or more accounts
    ct = pd.read_csv(paths["coortweet"])
    assert list(ct.columns) == ["account_id", "object_id", "content_id", "timestamp_share"]
    assert (ct.groupby("object_id")["account_id"].nunique() >= 2).all()
    assert json.loads(paths["summary"].read_text())["run_id"] == res.run_id
    # citizens' handles are pseudonymised by default, official accounts are named
    assert acc.loc[acc.account_type == "citizen", "handle"].str.startswith("warga-").all()
    assert (acc.loc[acc.account_type == "official", "handle"] == acc.loc[acc.account_type == "official", "account_id"]).all()
    real = pd.read_csv(res.save(tmp_path / "real", pseudonymise=False)["accounts"])
    assert not real["handle"].str.startswith("warga-").any()


def test_coordination_empty_and_bad_input(workspace, tmp_path):
    res = detect_coordination(workspace)
    paths = res.save(tmp_path / "empty")
    assert pd.read_csv(paths["accounts"]).empty and pd.read_csv(paths["edges"]).empty
    ET.parse(paths["gexf"])
    t = dt.datetime(2024, 10, 1)
    workspace.store.upsert("posts", pd.DataFrame([
        {"platform": "x", "post_id": "1", "account_id": "a", "created_at": None, "text": "tanpa waktu"},
        {"platform": "x", "post_id": "2", "account_id": None, "created_at": t, "text": "tanpa penulis"},
        {"platform": "x", "post_id": "3", "account_id": "b", "created_at": t, "text": "ok"}]))
    res = detect_coordination(workspace)
    assert res.stats["skipped_no_time"] == 1 and res.stats["skipped_no_author"] == 1
    assert len(res.accounts) == 1 and not res.accounts["flagged"].any()


def test_coordination_cli(workspace, tmp_path):
    from suara.cli import app
    build_world(workspace, seed=9, n_organic=60)
    path = workspace.path
    workspace.close()
    r = CliRunner().invoke(app, ["detect", "coordination", "-w", str(path), "-o", str(tmp_path / "o"),
                                 "--window", "60"])
    assert r.exit_code == 0, r.output
    assert "flagged 30" in r.output
    for f in ("accounts.csv", "edges.csv", "network.gexf"):
        assert (tmp_path / "o" / f).exists()
