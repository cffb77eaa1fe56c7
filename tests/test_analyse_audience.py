"""Region inference, regional gaps, segments, persuadables and recommendations."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from suara.analyse.base import ENRICH_VERSION_KEY
from test_analyse_brand import build_world

T = dt.datetime


@pytest.fixture
def world(workspace):
    return build_world(workspace)


def _acc(rows):
    return pd.DataFrame(rows, columns=["platform", "account_id", "handle", "bio", "location_text",
                                       "account_type", "region"])


def test_analyse_audience_region_from_profiles(workspace):
    from suara.analyse.audience import infer_regions
    ws = workspace
    ws.store.upsert("accounts", _acc([
        ("x", "1", "a", None, "Samarinda, Kaltim", None, None),
        ("x", "2", "b", "Asli Tenggarong | pecinta kopi", None, None, None),
        ("x", "3", "c", "suka main pasir di pantai", None, None, None),   # 'pasir' = sand
        ("x", "4", "d", None, "Jakarta", None, None),
        ("x", "5", "e", None, "BPN", None, "6472"),                          # exported wins
        ("x", "6", "f", None, "kukar", None, None),                          # alias, lower case
        ("x", "7", "g", None, None, None, None),
    ]))
    ws.store.upsert("posts", pd.DataFrame([
        {"platform": "x", "post_id": "g1", "account_id": "7", "geo": "-1.27, 116.83", "text": "x"},
        {"platform": "x", "post_id": "g2", "account_id": "3", "text": "Ibu Kota Nusantara itu keren"},
    ]))
    res = infer_regions(ws)
    got = {r.account_id: (r.region, r.method, r.confidence)
           for r in ws.store.table("account_regions").execute().itertuples()}
    assert got["1"][:2] == ("6472", "profile") and got["1"][2] > 0.8
    assert got["2"][:2] == ("6403", "bio")
    assert "3" not in got          # neither 'pasir' (lower case) nor the IKN issue word
    assert "4" not in got
    assert got["5"] == ("6472", "exported", 1.0)
    assert got["6"][0] == "6403"
    assert got["7"][:2] == ("6471", "geotag")  # nearest seat: Balikpapan
    assert res["with_region"] == 5
    # idempotent: a second run replaces, never duplicates
    infer_regions(ws)
    assert ws.store.count("account_regions") == 5


def test_analyse_audience_region_from_interactions(world):
    from suara.analyse.audience import infer_regions
    infer_regions(world)
    r = world.store.table("account_regions").execute().set_index("account_id")
    # a5 has no profile; it replies to the Balikpapan media account and names Sepinggan
    assert r.loc["a5", "region"] == "6471"
    assert r.loc["a5", "confidence"] < r.loc["a1", "confidence"]


def test_analyse_audience_regional_gaps(world):
    from suara.analyse.audience import regions_section
    reg = regions_section(world)
    ws = world
    smd = reg["all"]["regions"]["6472"]
    w = 612072 / ws.election.total_dpt
    assert smd["dpt_weight"] == round(w, 4)
    # pair 1: 2 located mentions, 1 from Samarinda -> (1/2)/w
    assert smd["pairs"]["1"]["voice_index"] == round(0.5 / w, 3)
    assert reg["all"]["gaps"]["1"][0]["voice_index"] == 0.0
    # filtered: a4 has no region, so located figures equal; unlocated drops by 2
    assert reg["all"]["unlocated_mentions"] == 2
    assert reg["filtered"]["unlocated_mentions"] == 0


def test_analyse_audience_segments_and_persuadables(world):
    from suara.analyse.audience import account_segments, segments_section
    seg = account_segments(world).set_index("account_id")
    assert seg.loc["a1", "group"] == "supporter:1"        # +0.8 to 1, -0.6 to 2
    assert seg.loc["a1", "stance_2"] == "opponent"
    assert seg.loc["a5", "group"] == "persuadable"        # neutral reply
    assert seg.loc["a3", "group"] == "supporter:2"
    assert seg.loc["a3", "top_issue"] == "jalan_infrastruktur"
    s = segments_section(world)
    assert s["all"]["accounts"] == 5 and s["filtered"]["accounts"] == 4
    assert s["all"]["groups"]["supporter:2"] == 2 and s["filtered"]["groups"]["supporter:2"] == 1
    # counts listed most first, ties by value: the same order in every run
    for v in ("all", "filtered"):
        for counts in (s[v]["groups"], *s[v]["marginals"].values()):
            assert list(counts.items()) == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    p = s["all"]["persuadables"]
    assert p["accounts"] == 1 and p["issues"][0]["issue"] == "jalan_infrastruktur"
    assert p["top_accounts"][0]["account"].startswith("warga-")
    assert s["all"]["weekly"]["2024-10-07"]["supporter:2"] == 2


def _resonance_world(ws):
    """Region Samarinda, 20 persuadable repliers; video posts on roads get 3 replies each,
    text posts on floods 1 reply each."""
    s = ws.store
    accs = [("x", f"u{i}", f"u{i}", None, "Samarinda", "citizen", None) for i in range(20)]
    accs.append(("x", "m", "media1", None, "Balikpapan", "media", None))
    s.upsert("accounts", _acc(accs))
    posts, ments, enr = [], [], []
    t0 = T(2024, 10, 1)
    k = 0
    for j in range(12):
        fmt, issue, nrep = ("video", "jalan_infrastruktur", 3) if j < 6 else ("text", "banjir", 1)
        pid = f"P{j}"
        posts.append(("x", pid, "m", t0, "post", None, fmt, 10, nrep, 0))
        enr.append(("x", pid, "v1", [issue], "neutral"))
        for r in range(nrep):
            k += 1
            rid = f"R{k}"
            posts.append(("x", rid, f"u{k % 20}", t0 + dt.timedelta(minutes=k), "reply", pid, "text", 0, 0, 0))
            enr.append(("x", rid, "v1", [], "neutral"))
            ments.append(("x", rid, "v1", "1", "neutral", 0.0))
    s.upsert("posts", pd.DataFrame(posts, columns=["platform", "post_id", "account_id", "created_at",
                                                   "kind", "parent_id", "media_type", "likes",
                                                   "comments", "shares"]))
    s.upsert("enrichments", pd.DataFrame(enr, columns=["platform", "post_id", "version", "issues",
                                                       "sentiment"]))
    s.upsert("mentions", pd.DataFrame(ments, columns=["platform", "post_id", "version", "candidate",
                                                      "sentiment", "score"]))
    s.set_meta(ENRICH_VERSION_KEY, "v1")
    from suara.enrich.regions import ensure_regions
    ensure_regions(ws)  # the enrich step after the (hand-written) enrichments
    return ws


def test_analyse_audience_recommendations_lift(workspace):
    from suara.analyse.audience import message_resonance, recommendations_section
    ws = _resonance_world(workspace)
    cells = message_resonance(ws, filtered=False)
    c = [x for x in cells if x["region"] == "6472" and x["basis"] == "replies"
         and x["issue"] == "jalan_infrastruktur"]
    assert c, cells
    # 18 replies over 6 posts = 3/post vs baseline 24 replies / 12 posts = 2/post
    assert c[0]["lift"] == 1.5 and c[0]["group"] == "persuadable"
    assert not [x for x in cells if x["issue"] == "banjir"]   # below baseline
    rec = recommendations_section(ws)
    top = rec["recommendations"][0]
    assert top["rank"] == 1
    assert top["text_en"] == ("In Samarinda, posts on Roads & infrastructure in video format get "
                              "1.5x the usual non-negative replies from persuadable (undecided) "
                              "accounts (6 posts, 18 replies).")
    assert top["text_id"].startswith("Di Samarinda, unggahan tentang Jalan & infrastruktur")
    assert 1 < top["lift_shrunk"] < top["lift"]  # shrunk toward 1 with few posts


def test_analyse_audience_cli_json(world, tmp_path):
    from typer.testing import CliRunner
    from suara.cli import app
    world.store.con.execute("CHECKPOINT")
    path = world.path
    world.close()
    r = CliRunner().invoke(app, ["analyse", "--json", "-w", str(path)])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    for k in ("share_of_voice", "influencers", "exposure", "regions", "segments", "recommendations"):
        assert k in doc and "error" not in doc[k], (k, doc[k])
    assert doc["share_of_voice"]["all"]["2"]["mentions"] == 6
    assert "budi" not in r.stdout and "buzz1" not in r.stdout


@pytest.mark.parametrize("high", [50, 10**5, 2**40])
def test_resonance_sums_and_distinct_counts_equal_pandas_group_sums(high):
    """The resonance cells' whole-number sums and distinct counts are exact whether the keys
    span a small range (counted over it) or a large one (sorted): equal to pandas' group-by."""
    import numpy as np
    from suara.analyse.audience.recommendations import _distinct, _distinct_by, _sum_by
    rng = np.random.default_rng(high % 97)
    key = rng.integers(0, high, 5000).astype("int64")
    val = rng.integers(0, 10**6, 5000).astype("int64")
    items = rng.integers(0, 40, 5000).astype("int64")
    want = pd.Series(val).groupby(key).sum()
    u, s = _sum_by(key, val)
    assert u.tolist() == want.index.tolist() and s.tolist() == want.tolist() and s.dtype == np.int64
    assert _distinct(key).tolist() == sorted(set(key.tolist()))
    u, n = _distinct_by(key, items)
    assert n.tolist() == pd.Series(items).groupby(key).nunique().tolist()
