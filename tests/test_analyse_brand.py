"""Brand metrics on a hand-built workspace with known answers."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from suara.analyse.base import ENRICH_VERSION_KEY

T = dt.datetime


def build_world(ws):
    """Five accounts, seven posts, eight candidate mentions; a4 is flagged as coordinated."""
    s = ws.store
    acc = pd.DataFrame([
        ("twitter", "a1", "budi", "Budi", "", "Samarinda", T(2024, 10, 1), 2, False, "citizen"),
        ("twitter", "a2", "siti", "Siti", "", "Tenggarong, Kukar", T(2020, 1, 1), 50, False, "citizen"),
        ("twitter", "a3", "kaltimtoday", "Kaltim Today", "Berita dari Balikpapan", None,
         T(2015, 1, 1), 20000, True, "media"),
        ("twitter", "a4", "buzz1", "Buzz", "", None, T(2024, 10, 5), 0, False, "citizen"),
        ("twitter", "a5", "andi", "Andi", "", None, T(2019, 1, 1), 300, False, None),
    ], columns=["platform", "account_id", "handle", "display_name", "bio", "location_text",
                "created_at", "followers", "verified", "account_type"])
    s.upsert("accounts", acc)
    rows = [
        # post, account, created (UTC), kind, parent, text, media, likes, comments, shares, views
        ("p1", "a1", T(2024, 10, 1, 2), "post", None, "Isran mantap", "video", 10, 0, 0, None),
        ("p2", "a1", T(2024, 10, 1, 3), "post", None, "Rudy jelek", "text", 0, 0, 0, None),
        ("p3", "a2", T(2024, 10, 2, 3), "post", None, "Isran vs Rudy", "photo", 4, 1, 0, None),
        ("p4", "a3", T(2024, 10, 8, 4), "post", None, "Rudy resmikan jalan", "video", 100, 10, 5, 1000),
        ("p5", "a4", T(2024, 10, 8, 5), "post", None, "Rudy hebat", "text", 1, 0, 0, None),
        ("p6", "a4", T(2024, 10, 8, 5), "post", None, "Rudy hebat sekali", "text", 1, 0, 0, None),
        ("p7", "a5", T(2024, 10, 8, 6), "reply", "p4", "macet di Sepinggan, Rudy?", "text", 0, 0, 0, None),
    ]
    posts = pd.DataFrame(rows, columns=["post_id", "account_id", "created_at", "kind", "parent_id",
                                        "text", "media_type", "likes", "comments", "shares", "views"])
    posts.insert(0, "platform", "twitter")
    s.upsert("posts", posts)
    ments = [("p1", "1", "positive", 0.8), ("p2", "2", "negative", -0.6),
             ("p3", "1", "positive", 0.5), ("p3", "2", "neutral", 0.0),
             ("p4", "2", "positive", 0.9), ("p5", "2", "positive", 1.0),
             ("p6", "2", "positive", 1.0), ("p7", "2", "neutral", 0.0)]
    m = pd.DataFrame(ments, columns=["post_id", "candidate", "sentiment", "score"])
    m.insert(0, "platform", "twitter")
    m["version"] = "v1"
    s.upsert("mentions", m)
    enr = pd.DataFrame({"platform": "twitter", "post_id": posts.post_id, "version": "v1"})
    enr["issues"] = [[], [], [], ["jalan_infrastruktur"], [], [], ["jalan_infrastruktur"]]
    s.upsert("enrichments", enr)
    s.upsert("account_scores", pd.DataFrame([
        {"platform": "twitter", "account_id": "a4", "buzzer_score": 0.9, "flagged": True},
        {"platform": "twitter", "account_id": "a1", "buzzer_score": 0.1, "flagged": False}]))
    s.set_meta(ENRICH_VERSION_KEY, "v1")
    from suara.enrich.regions import ensure_regions
    ensure_regions(ws)  # the enrich step after the (hand-written) enrichments
    return ws


@pytest.fixture
def world(workspace):
    return build_world(workspace)


def test_analyse_brand_share_of_voice_known_answers(world):
    from suara.analyse.brand import share_of_voice_section
    sov = share_of_voice_section(world)
    a1, a2 = sov["all"]["1"], sov["all"]["2"]
    assert (a1["mentions"], a2["mentions"]) == (2, 6)
    assert a1["share"] == 0.25 and a2["share"] == 0.75
    assert (a1["unique_accounts"], a2["unique_accounts"]) == (2, 5)
    assert a1["share_of_citizens"] == round(2 / 7, 4)
    assert a2["net_sentiment"] == round((3 - 1) / 6, 4)
    assert (a2["positive"], a2["negative"], a2["neutral"]) == (3, 1, 2)
    # sentiment-weighted: sum((score+1)/2) per pair over all pairs
    w1 = (1.8 + 1.5) / 2
    w2 = (0.4 + 1.0 + 1.9 + 2.0 + 2.0 + 1.0) / 2
    assert a1["sentiment_weighted_share"] == round(w1 / (w1 + w2), 4)
    # accounts toward pair 2: a1 -0.6 (unfav), a2 0 (neither), a3, a4 fav, a5 0
    assert (a2["favourable_accounts"], a2["unfavourable_accounts"]) == (2, 1)
    assert a1["trust"] is not None and 0 < a1["trust"] < 1


def test_analyse_brand_filtered_removes_flagged(world):
    from suara.analyse.brand import share_of_voice_section
    sov = share_of_voice_section(world)
    f1, f2 = sov["filtered"]["1"], sov["filtered"]["2"]
    assert (f1["mentions"], f2["mentions"]) == (2, 4)
    assert f1["share"] == round(1 / 3, 4)
    assert f2["unique_accounts"] == 4
    assert f2["net_sentiment"] == 0.0  # p2 negative, p4 positive, p3/p7 neutral


def test_analyse_brand_by_day_uses_local_time(world):
    from suara.analyse.brand import share_of_voice_section
    sov = share_of_voice_section(world)
    days = sov["by_day"]["all"]
    # p1/p2 at 02:00/03:00 UTC = 10:00/11:00 WITA on Oct 1
    assert days["2024-10-01"]["1"]["mentions"] == 1
    assert days["2024-10-01"]["2"]["mentions"] == 1
    assert days["2024-10-08"]["2"]["mentions"] == 4
    assert sov["by_day"]["filtered"]["2024-10-08"]["2"]["mentions"] == 2
    weeks = sov["by_week"]["all"]
    assert set(weeks) == {"2024-09-30", "2024-10-07"}
    reg = sov["by_region"]["all"]
    assert reg["6472"]["1"]["mentions"] == 1  # a1 lives in Samarinda (profile)
    assert reg["6403"]["1"]["mentions"] == 1  # a2: Tenggarong


def test_analyse_brand_exposure_bands(world):
    from suara.analyse.brand import exposure_section
    ex = exposure_section(world)
    b2 = ex["all"]["2"]
    assert b2["mentions"] == 6
    # pair 2 mentions: a1(2 followers) a2(50) a3(20000) a4(0) x2 a5(300)
    assert b2["bands"]["0-3"]["mentions"] == 3
    assert b2["bands"]["26-100"]["mentions"] == 1
    assert b2["bands"]["10k+"]["mentions"] == 1
    assert b2["bands"]["101-1k"]["mentions"] == 1
    assert b2["new_accounts"]["mentions"] == 3  # a1 (Oct 1) and a4 (Oct 5) x2
    f2 = ex["filtered"]["2"]
    assert f2["bands"]["0-3"]["mentions"] == 1 and f2["new_accounts"]["mentions"] == 1


def test_analyse_brand_influencers_named_and_pseudonymised(world):
    from suara.analyse.brand import influencers_section
    inf = influencers_section(world)
    top = inf["all"]["top"]
    assert top[0]["account"] == "kaltimtoday" and top[0]["type"] == "media"
    assert top[0]["toward"]["2"]["stance"] == "supporter"
    # each account's pairs in ballot order, the same in every run
    assert all(list(t["toward"]) == sorted(t["toward"]) for v in ("all", "filtered") for t in inf[v]["top"])
    handles = {t["account"] for t in top}
    assert not handles & {"budi", "siti", "buzz1", "andi"}
    assert all(h.startswith("warga-") for h in handles - {"kaltimtoday"})
    # a5 replied to a3: a3 gets PageRank above an average node
    assert top[0]["pagerank"] > 1.0
    assert all("buzz" not in t["account"] for t in inf["filtered"]["top"])
    assert len(inf["filtered"]["top"]) == 4


def test_analyse_brand_engagement_hours_and_top_posts(world):
    from suara.analyse.brand import engagement_section
    en = engagement_section(world, min_posts=1)
    assert en["utc_offset_minutes"] == 480
    # p1 at 02:00 UTC -> 10 WITA
    assert en["all"]["by_hour"]["10"]["posts"] == 1
    tp = en["all"]["top_posts"]["2"]
    assert tp[0]["post_id"] == "p4" and tp[0]["text"]  # media: named, text shown
    assert "jalan_infrastruktur" in tp[0]["why"]
    vid = en["all"]["by_platform_format"]["twitter"]["video"]
    # p1 (10 interactions, reach 2*0.1) + p4 (115, reach 1000 views)
    assert vid["interactions"] == 125
    assert vid["engagement_rate"] == round(125 / 1000.2, 4)
    # listed in a fixed order (platforms, then formats by name), the same in every run
    for view in ("all", "filtered"):
        by = en[view]["by_platform_format"]
        assert list(by) == sorted(by) and all(list(f) == sorted(f) for f in by.values())
        assert list(en[view]["by_format"]) == sorted(en[view]["by_format"])
    for p in en["all"]["top_posts"]["1"]:
        assert p["text"] is None and p["author"].startswith("warga-")


def test_analyse_brand_empty_workspace(workspace):
    from suara.analyse.brand import (engagement_section, exposure_section, influencers_section,
                                     share_of_voice_section)
    assert share_of_voice_section(workspace)["all"]["1"]["mentions"] == 0
    assert exposure_section(workspace)["filtered"]["2"]["mentions"] == 0
    assert influencers_section(workspace)["all"]["top"] == []
    assert engagement_section(workspace)["all"]["top_posts"] == {"1": [], "2": []}


def test_analyse_brand_report_sections_render(world):
    from suara.report.daily import render_report
    doc = world.analyse()
    for lang, title in (("id", "Pangsa suara"), ("en", "Share of voice")):
        page = render_report(world, doc, lang)
        assert title in page
        for sid in ("share_of_voice", "engagement", "influencers", "exposure", "regions",
                    "segments", "recommendations"):
            assert f'id="{sid}"' in page
        assert "budi" not in page and "buzz1" not in page   # citizens pseudonymised
        assert "kaltimtoday" in page                         # media named


def test_analyse_brand_privacy_pseudonym_stable(world):
    from suara.analyse.privacy import Pseudonymiser
    p1 = Pseudonymiser(world)("citizen", "twitter", "a1", "budi")
    p2 = Pseudonymiser(world)("unknown", "twitter", "a1", "budi")
    assert p1 == p2 and p1.startswith("warga-") and len(p1) == 22  # warga- and 64 bits in hex
    assert Pseudonymiser(world)("official", "twitter", "a9", "kpu_kaltim") == "kpu_kaltim"
