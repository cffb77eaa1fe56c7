"""Part-B importers: CrowdTangle, Meta Graph/Content Library, TikTok Research API,
Instaloader, Apify, YouTube Data API. Real shared fixtures where they exist, our own
real-shaped samples (tests/data/ingest_b) for the rest."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import time
from types import SimpleNamespace
from pathlib import Path

import pytest

from suara.ingest import registry
from suara.ingest.base import ImportContext, Source

DATA = Path(__file__).parent / "data" / "ingest_b"

#: every sample and the format auto-detection must pick for it
SHARED_SAMPLES = {
    "crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv": "crowdtangle-csv",
    "crowdtangle-csv/history_post_3758007754304128.csv": "crowdtangle-history",
    "crowdtangle-api-json/links-api-response-example.json": "crowdtangle-api",
    "meta-graph-api-facebook/comments_p1.json": "meta-graph",
    "meta-graph-api-facebook/feeds_default_fields_p1.json": "meta-graph",
    "meta-graph-api-instagram/hashtag_top_medias_p1.json": "meta-graph",
    "meta-graph-api-instagram/media_default.json": "meta-graph",
    "meta-graph-api-instagram/medias_p2.json": "meta-graph",
    "tiktok-research-api/example_resp_comments.json": "tiktok-research",
    "tiktok-research-api/example_resp_q_user.json": "tiktok-research",
    "tiktok-research-api/example_resp_q_videos.json": "tiktok-research",
    "youtube-data-api-v3/comment_threads_by_video_paged_1.json": "youtube-api",
    "youtube-data-api-v3/comments_by_parent_paged_1.json": "youtube-api",
    "youtube-data-api-v3/info_multiple.json": "youtube-api",
    "youtube-data-api-v3/search_by_keywords_p1.json": "youtube-api",
    "youtube-data-api-v3/video_api_response.json": "youtube-api",
    "youtube-data-api-v3/videos_chart_paged_1.json": "youtube-api",
}
OWN_SAMPLES = {
    "apify/facebook_comments.json": "apify",
    "apify/facebook_posts.json": "apify",
    "apify/instagram_comments.json": "apify",
    "apify/instagram_posts.json": "apify",
    "apify/tiktok_comments.json": "apify",
    "apify/tiktok_videos.jsonl": "apify",
    "content_library/facebook_posts.jsonl": "meta-graph",
    "content_library/instagram_posts.json": "meta-graph",
    "instaloader/2024-11-20_02-15-00_UTC.json": "instaloader",
    "instaloader/2024-11-20_02-15-00_UTC_comments.json": "instaloader",
    "instaloader/2024-11-21_09-30-00_UTC.json.xz": "instaloader",
    "instaloader/relawan.kaltim.contoh_48123456789.json": "instaloader",
}
PART_B = {"crowdtangle-csv", "crowdtangle-history", "crowdtangle-api", "meta-graph",
          "tiktok-research", "youtube-api", "apify", "instaloader"}
#: other tools' files that no part-B importer may claim
FOREIGN = ["zeeschuimer-instagram/posts.ndjson", "zeeschuimer-tiktok/tiktok-test.ndjson",
           "zeeschuimer-twitter/twitter-test.ndjson", "twarc2-twitter-v2/two_tweets.jsonl",
           "twarc2-twitter-v2/flat.jsonl", "tweet-harvest-csv/anies.csv",
           "tiktok-research-api/example_query.json"]


def _posts(ws, where="1=1"):
    return ws.store.sql(f"SELECT * FROM posts WHERE {where} ORDER BY post_id")


def _one(ws, pid, platform=None):
    """One stored post as plain Python values (None for NULL, lists for arrays)."""
    cond = f"post_id = '{pid}'" + (f" AND platform = '{platform}'" if platform else "")
    cur = ws.store.con.execute(f"SELECT * FROM posts WHERE {cond}")
    rows = cur.fetchall()
    assert len(rows) == 1, f"{pid}: {len(rows)} rows"
    return SimpleNamespace(**dict(zip([d[0] for d in cur.description], rows[0])))


def _ingest(ws, *paths, **kw):
    reps = ws.ingest([str(p) for p in paths], **kw)
    for r in reps:
        assert r.error is None, r.error
    return reps


# -- detection -----------------------------------------------------------------------------
@pytest.mark.parametrize("rel,fmt", sorted(SHARED_SAMPLES.items()))
def test_ingest_b_detects_shared_fixture(fixtures_dir, rel, fmt):
    imp, conf = registry.detect(Source(fixtures_dir / rel))
    assert imp.name == fmt and conf >= 0.5


@pytest.mark.parametrize("rel,fmt", sorted(OWN_SAMPLES.items()))
def test_ingest_b_detects_own_sample(rel, fmt):
    imp, _ = registry.detect(Source(DATA / rel))
    assert imp.name == fmt


@pytest.mark.parametrize("rel", FOREIGN)
def test_ingest_b_no_false_positive_on_other_formats(fixtures_dir, rel):
    src = Source(fixtures_dir / rel)
    head = src.text_head()
    for name in PART_B:
        assert registry.get(name).sniff(head, src) < 0.5, f"{name} claims {rel}"


def test_ingest_b_detection_from_content_not_name(tmp_path, fixtures_dir):
    # renamed to a meaningless name and gzip-compressed: still recognised
    src = fixtures_dir / "youtube-data-api-v3/video_api_response.json"
    dst = tmp_path / "download (3).bin.gz"
    with gzip.open(dst, "wb") as f:
        f.write(src.read_bytes())
    imp, _ = registry.detect(Source(dst))
    assert imp.name == "youtube-api"


# -- CrowdTangle ----------------------------------------------------------------------------
def test_ingest_b_crowdtangle_csv_mapping(workspace, fixtures_dir):
    f = fixtures_dir / "crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv"
    rep = _ingest(workspace, f)[0]
    assert (rep.format, rep.accepted, rep.quarantined) == ("crowdtangle-csv", 10, 0)
    p = _one(workspace, "345428873810280", "facebook")
    assert p.account_id == "100050295107499"
    # 18:02:45 BRT (UTC-3) -> 21:02:45 UTC
    assert p.created_at == dt.datetime(2021, 7, 5, 21, 2, 45)
    # likes = all reactions: Likes 270729 + Love 100226 + Wow 254 + Haha 3657 + Sad 93 + Angry 565 + Care 2848
    assert (p.likes, p.comments, p.shares) == (378372, 24506, 4259)
    assert p.media_type == "photo" and p.is_paid is False and p.views is None
    v = _one(workspace, "2474970829318555")
    assert v.media_type == "video" and v.views == 504847
    live = _posts(workspace, "media_type = 'live'")
    assert len(live) >= 1
    acc = workspace.store.sql("SELECT * FROM accounts WHERE account_id = '100050295107499'").iloc[0]
    assert acc.handle == "neymarjr" and acc.followers == 81438971 and "Football" in acc.bio


def test_ingest_b_crowdtangle_timezone_option_wins(workspace, fixtures_dir):
    f = fixtures_dir / "crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv"
    _ingest(workspace, f, timezone="Asia/Makassar")
    assert _one(workspace, "345428873810280").created_at == dt.datetime(2021, 7, 5, 10, 2, 45)


def test_ingest_b_crowdtangle_history_is_observations(workspace, fixtures_dir):
    f = fixtures_dir / "crowdtangle-csv/history_post_3758007754304128.csv"
    rep = _ingest(workspace, f)[0]
    assert rep.accepted == 1
    p = _one(workspace, "3758007754304128")
    assert p.likes == 70093 and p.created_at == dt.datetime(2021, 7, 4, 22, 38, 3)
    obs = workspace.store.sql("SELECT observed_at, likes FROM metric_observations "
                              "WHERE post_id = '3758007754304128' ORDER BY observed_at")
    assert len(obs) == 7
    assert obs.iloc[0].observed_at == dt.datetime(2021, 7, 4, 23, 26, 32) and obs.iloc[0].likes == 22116


def test_ingest_b_crowdtangle_api_composite_ids(workspace, fixtures_dir):
    _ingest(workspace, fixtures_dir / "crowdtangle-api-json/links-api-response-example.json")
    p = _one(workspace, "2468424023410405", "facebook")
    assert p.account_id == "1584793948440088" and p.comments == 3 and p.media_type == "link"
    assert p.created_at == dt.datetime(2020, 1, 21, 16, 58, 43)
    assert p.links[0].startswith("https://noticias.uol.com.br/")


def test_ingest_b_crowdtangle_api_envelope_and_paid(workspace, tmp_path):
    page = {"status": 200, "result": {"posts": [
        {"platformId": "111_222", "platform": "Facebook", "date": "2024-11-20 02:00:00",
         "type": "native_video", "message": "Ayo coblos #Pilkada2024",
         "postUrl": "https://www.facebook.com/111/posts/222",
         "statistics": {"actual": {"likeCount": 5, "loveCount": 2, "shareCount": 1, "commentCount": 3,
                                   "videoViewCount": 90}},
         "account": {"id": 9, "platformId": "111", "name": "Page", "handle": "page", "subscriberCount": 10},
         "brandedContentSponsor": {"name": "Sponsor"}, "id": "9|222"},
        {"platformId": "333_444", "platform": "Facebook", "date": "not a date",
         "statistics": {"actual": {}}, "id": "9|444"}]}}
    f = tmp_path / "ct_page.json"
    f.write_text(json.dumps(page))
    rep = _ingest(workspace, f)[0]
    assert (rep.format, rep.accepted, rep.quarantined) == ("crowdtangle-api", 1, 1)
    p = _one(workspace, "222")
    assert (p.likes, p.shares, p.views, p.is_paid, p.media_type) == (7, 1, 90, True, "video")
    assert p.hashtags == ["pilkada2024"]
    q = workspace.store.sql("SELECT field, reason FROM quarantine")
    assert q.field.tolist() == ["date"]


# -- Meta Graph / Content Library -----------------------------------------------------------
def test_ingest_b_graph_facebook_posts_and_comments(workspace, fixtures_dir):
    d = fixtures_dir / "meta-graph-api-facebook"
    _ingest(workspace, d / "feeds_default_fields_p1.json", d / "comments_p1.json")
    p = _one(workspace, "10158349356748553", "facebook")
    assert p.account_id == "19292868552" and p.created_at == dt.datetime(2021, 7, 9, 19, 9, 52)
    assert (p.likes, p.comments, p.shares, p.media_type) == (125, 13, 10, "photo")
    c = _one(workspace, "10158407835073553")
    assert (c.kind, c.parent_id, c.root_id) == ("comment", "10158407654328553", "10158407654328553")
    r = _one(workspace, "10158409983033553")
    assert (r.kind, r.parent_id, r.root_id) == ("reply", "10158407903973553", "10158407654328553")
    assert r.links == ["http://bit.ly/2NsSg8i"]


def test_ingest_b_graph_instagram_media(workspace, fixtures_dir):
    d = fixtures_dir / "meta-graph-api-instagram"
    reps = _ingest(workspace, d / "media_default.json", d / "medias_p2.json", d / "hashtag_top_medias_p1.json")
    assert [r.accepted for r in reps] == [1, 1, 25]
    p = _one(workspace, "CRyZpmrjYC4", "instagram")
    assert p.media_type == "carousel" and p.created_at == dt.datetime(2021, 7, 26, 10, 45, 20)
    h = _one(workspace, "B8gonCEDBH0")
    assert h.likes == 2030 and h.comments == 60 and "quokka" in h.hashtags and h.created_at is None


def test_ingest_b_graph_nested_ig_comments(workspace, tmp_path):
    doc = {"data": [{"id": "17900000000000001", "caption": "Debat #PilgubKaltim", "media_type": "VIDEO",
                     "media_product_type": "REELS", "timestamp": "2024-11-21T12:00:00+0000",
                     "permalink": "https://www.instagram.com/reel/DAbCdEf1234/", "username": "akun.media",
                     "like_count": 10, "comments_count": 2,
                     "comments": {"data": [{"id": "18000000000000001", "text": "mantap", "timestamp":
                                            "2024-11-21T12:05:00+0000", "username": "warga1", "like_count": 1,
                                            "replies": {"data": [{"id": "18000000000000002", "text": "@warga1 ya",
                                                                  "timestamp": "2024-11-21T12:06:00+0000",
                                                                  "username": "warga2"}]}}]}}]}
    f = tmp_path / "ig.json"
    f.write_text(json.dumps(doc))
    _ingest(workspace, f)
    m = _one(workspace, "DAbCdEf1234")
    assert m.media_type == "reel" and m.account_id == "akun.media"
    r = _one(workspace, "18000000000000002")
    assert (r.kind, r.parent_id, r.root_id, r.mentions) == ("reply", "18000000000000001", "DAbCdEf1234", ["warga1"])


def test_ingest_b_content_library(workspace):
    reps = _ingest(workspace, DATA / "content_library/facebook_posts.jsonl",
                   DATA / "content_library/instagram_posts.json")
    assert (reps[0].accepted, reps[0].quarantined) == (2, 1)
    p = _one(workspace, "1098765432101234", "facebook")
    assert (p.likes, p.comments, p.shares, p.views, p.media_type, p.is_paid) == (540, 80, 45, 12000, "photo", False)
    assert p.account_id == "100064000000001" and p.created_at == dt.datetime(2024, 11, 21, 1, 0)
    assert _one(workspace, "1098765432105678").is_paid is True
    ig = _one(workspace, "DCmReeL0002", "instagram")
    assert ig.account_id == "media.kaltim.contoh" and ig.views == 42000
    q = workspace.store.sql("SELECT field FROM quarantine")
    assert q.field.tolist() == ["id"]


# -- TikTok Research API --------------------------------------------------------------------
def test_ingest_b_tiktok_ids_exact_and_parents(workspace, fixtures_dir):
    d = fixtures_dir / "tiktok-research-api"
    reps = _ingest(workspace, d / "example_resp_q_videos.json", d / "example_resp_comments.json",
                   d / "example_resp_q_user.json")
    v = _one(workspace, "702874395068494965", "tiktok")   # > 2**53: float would give ...4960
    assert v.created_at == dt.datetime(2021, 10, 9, 23, 59, 59)
    assert (v.views, v.comments, v.hashtags) == (1050, 2, ["avengers", "pov"])
    c = _one(workspace, "12345616934634134")
    assert (c.kind, c.parent_id, c.root_id, c.likes, c.comments) == \
        ("reply", "1234561201524010", "1234563451201523412", 50, 10)
    # the user-info doc example has no username: quarantined, naming the field
    assert reps[2].quarantined == 1
    q = workspace.store.sql("SELECT field FROM quarantine")
    assert q.field.tolist() == ["username"]


def test_ingest_b_tiktok_live_shape_and_float_ids(workspace, tmp_path):
    pages = [
        {"data": {"videos": [{"id": 7439876543210987654, "username": "akun1", "create_time": 1732100000,
                              "video_description": "Ayo #pilgubkaltim", "like_count": 5, "share_count": 1,
                              "view_count": 100, "comment_count": 0, "favorites_count": 2,
                              "hashtag_names": ["pilgubkaltim"], "region_code": "ID"}],
                  "cursor": 1, "has_more": True, "search_id": "x"}, "error": {"code": "ok", "message": "", "log_id": "1"}},
        {"data": {"comments": [{"id": 7439900000000000011, "video_id": 7439876543210987654,
                                "parent_comment_id": 7439876543210987654, "text": "top", "create_time": 1732101000,
                                "like_count": 1, "reply_count": 0, "username": "warga"}],
                  "cursor": 1, "has_more": False}, "error": {"code": "ok", "message": "", "log_id": "2"}},
    ]
    f = tmp_path / "tt.jsonl"
    f.write_text("\n".join(json.dumps(p) for p in pages) + '\n{"data": {"videos": [{"id": 7.4e18}]}, '
                 '"error": {"code": "ok"}, "cursor": 0, "has_more": false, "search_id": "y"}\n')
    rep = _ingest(workspace, f)[0]
    assert (rep.accepted, rep.quarantined) == (2, 1)
    v = _one(workspace, "7439876543210987654")
    assert (v.account_id, v.saves, v.url) == ("akun1", 2, "https://www.tiktok.com/@akun1/video/7439876543210987654")
    c = _one(workspace, "7439900000000000011")
    assert (c.kind, c.parent_id, c.root_id) == ("comment", "7439876543210987654", "7439876543210987654")
    q = workspace.store.sql("SELECT field, reason FROM quarantine").iloc[0]
    assert q.field == "id" and "float" in q.reason


# -- YouTube ------------------------------------------------------------------------------
def test_ingest_b_youtube_videos_threads_replies(workspace, fixtures_dir):
    d = fixtures_dir / "youtube-data-api-v3"
    _ingest(workspace, d / "video_api_response.json", d / "comment_threads_by_video_paged_1.json",
            d / "comments_by_parent_paged_1.json", d / "info_multiple.json")
    v = _one(workspace, "D-lhorsDlUQ", "youtube")
    assert (v.likes, v.comments, v.views) == (190, 32, 7920)     # strings in the API
    assert v.account_id == "UC_x5XG1OV2P6uZZ5FSM9Ttw" and v.text.startswith("What are Actions on Google")
    t = _one(workspace, "UgyZ1jqkHKYvi1-ruOZ4AaABAg")
    assert (t.kind, t.parent_id, t.root_id, t.text) == ("comment", "F1UP7wRCPH8", "F1UP7wRCPH8", "Google.com")
    r = _one(workspace, "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh")
    assert (r.kind, r.parent_id) == ("reply", "Ugw5zYU6n9pmIgAZWvN4AaABAg")
    ch = workspace.store.sql("SELECT * FROM accounts WHERE account_id = 'UC_x5XG1OV2P6uZZ5FSM9Ttw'").iloc[0]
    assert ch.handle == "googledevelopers" and ch.followers > 0 and ch.display_name == "Google Developers"


def test_ingest_b_youtube_html_text_display(workspace, tmp_path):
    page = {"kind": "youtube#commentListResponse", "items": [{
        "kind": "youtube#comment", "id": "Ugx1", "snippet": {
            "textDisplay": "Pilih &quot;nomor 2&quot; <b>sekarang</b><br>lihat <a href=\"https://x.id/a?b=1&amp;c=2\">x.id</a>",
            "authorChannelId": {"value": "UCa"}, "authorDisplayName": "A", "videoId": "v1",
            "likeCount": "7", "publishedAt": "2024-11-20T01:00:00Z"}}]}
    f = tmp_path / "c.json"
    f.write_text(json.dumps(page))
    _ingest(workspace, f)
    c = _one(workspace, "Ugx1")
    assert c.text == 'Pilih "nomor 2" sekarang\nlihat x.id'
    assert c.likes == 7 and list(c.links) == ["https://x.id/a?b=1&c=2"]


# -- Instaloader ------------------------------------------------------------------------
def test_ingest_b_instaloader_post_reel_profile_comments(workspace):
    d = DATA / "instaloader"
    reps = _ingest(workspace, d)
    assert {Path(r.file).name: r.format for r in reps} == {
        "2024-11-20_02-15-00_UTC.json": "instaloader", "2024-11-20_02-15-00_UTC_comments.json": "instaloader",
        "2024-11-21_09-30-00_UTC.json.xz": "instaloader", "relawan.kaltim.contoh_48123456789.json": "instaloader"}
    p = _one(workspace, "DCk3xYzP9aB", "instagram")
    assert (p.media_type, p.likes, p.comments, p.account_id) == ("carousel", 1843, 2, "relawan.kaltim.contoh")
    assert p.created_at == dt.datetime(2024, 11, 20, 2, 15) and "kaltim2024" in p.hashtags
    reel = _one(workspace, "DCmReeL0001")
    assert (reel.media_type, reel.views, reel.is_paid) == ("reel", 20411, True)
    c = _one(workspace, "18034567890123456")   # parent found through the sibling post file
    assert (c.kind, c.parent_id, c.root_id) == ("comment", "DCk3xYzP9aB", "DCk3xYzP9aB")
    a = _one(workspace, "18034567890123999")
    assert (a.kind, a.parent_id, a.root_id) == ("reply", "18034567890123456", "DCk3xYzP9aB")
    acc = workspace.store.sql("SELECT * FROM accounts WHERE account_id = 'relawan.kaltim.contoh'").iloc[0]
    assert (acc.followers, acc.following, acc.post_count, acc.handle) == (15302, 210, 342, "relawan.kaltim.contoh")
    assert _one(workspace, "18034567890124000").account_id == "ibu_tenggarong"


# -- Apify ---------------------------------------------------------------------------------
def test_ingest_b_apify_instagram(workspace):
    reps = _ingest(workspace, DATA / "apify/instagram_posts.json", DATA / "apify/instagram_comments.json")
    assert (reps[0].accepted, reps[0].quarantined) == (3, 1)   # 2 posts + 1 embedded comment
    p = _one(workspace, "DCk3xYzP9aB")
    assert (p.likes, p.comments, p.media_type, p.account_id) == (1850, 3, "carousel", "relawan.kaltim.contoh")
    r = _one(workspace, "DCmReeL0002")
    assert (r.media_type, r.likes, r.views, r.is_paid) == ("reel", None, 41000, True)   # -1 = hidden
    rep = _one(workspace, "18034567890125555")
    assert (rep.kind, rep.parent_id, rep.root_id) == ("reply", "18034567890124000", "DCk3xYzP9aB")
    q = workspace.store.sql("SELECT field FROM quarantine")
    assert q.field.tolist() == ["shortCode"]


def test_ingest_b_apify_tiktok(workspace):
    _ingest(workspace, DATA / "apify/tiktok_videos.jsonl", DATA / "apify/tiktok_comments.json")
    v = _one(workspace, "7439876543210987654", "tiktok")
    assert (v.likes, v.shares, v.views, v.saves, v.comments) == (5400, 310, 120000, 240, 410)
    assert v.account_id == "6800000000000000001" and list(v.mentions) == ["kpu_kaltim_contoh"]
    assert _one(workspace, "7440000000000000001").media_type == "carousel"
    r = _one(workspace, "7439900000000000022")
    assert (r.kind, r.parent_id, r.root_id) == ("reply", "7439900000000000011", "7439876543210987654")
    acc = workspace.store.sql("SELECT * FROM accounts WHERE account_id = '6800000000000000001'").iloc[0]
    assert acc.followers == 88000 and acc.display_name == "Info Samarinda (contoh)"
    assert acc.handle == "info.samarinda.contoh"
    assert _one(workspace, "7440000000000000001").account_id == "balikpapan.today.contoh"   # no id: username


def test_ingest_b_apify_facebook(workspace):
    _ingest(workspace, DATA / "apify/facebook_posts.json", DATA / "apify/facebook_comments.json")
    p = _one(workspace, "1098765432101234", "facebook")
    assert (p.likes, p.comments, p.shares, p.account_id, p.media_type) == (532, 77, 41, "100064000000001", "photo")
    c = _one(workspace, "2233445566778899")
    assert (c.kind, c.parent_id, c.root_id, c.likes) == ("comment", "1098765432101234", "1098765432101234", 12)
    r = _one(workspace, "3344556677889900")
    assert (r.kind, r.parent_id, r.root_id) == ("reply", "2233445566778899", "1098765432101234")


# -- cross-format, idempotence, bad input -------------------------------------------------
def test_ingest_b_same_post_merges_across_formats(workspace):
    # the Apify Instagram dataset and the Instaloader file describe the same post
    _ingest(workspace, DATA / "instaloader/2024-11-20_02-15-00_UTC.json")
    time.sleep(1.05)   # observations are keyed by time at second precision
    rep = _ingest(workspace, DATA / "apify/instagram_posts.json")[0]
    assert rep.updated == 1                      # likes 1843 -> 1850
    assert _one(workspace, "DCk3xYzP9aB").likes == 1850
    obs = workspace.store.sql("SELECT count(*) FROM metric_observations WHERE post_id = 'DCk3xYzP9aB'").iloc[0, 0]
    assert obs == 2


def test_ingest_b_reimport_is_idempotent(workspace, fixtures_dir, tmp_path):
    paths = [fixtures_dir / "crowdtangle-csv", fixtures_dir / "meta-graph-api-facebook",
             fixtures_dir / "tiktok-research-api/example_resp_q_videos.json",
             fixtures_dir / "youtube-data-api-v3", DATA]
    first = _ingest_any(workspace, paths)
    n_posts = workspace.store.sql("SELECT count(*) FROM posts").iloc[0, 0]
    n_q = workspace.store.sql("SELECT count(*) FROM quarantine").iloc[0, 0]
    second = _ingest_any(workspace, paths)
    assert sum(r.accepted for r in first) == n_posts
    assert sum(r.accepted + r.updated for r in second) == 0
    assert workspace.store.sql("SELECT count(*) FROM posts").iloc[0, 0] == n_posts
    assert workspace.store.sql("SELECT count(*) FROM quarantine").iloc[0, 0] == n_q


def _ingest_any(ws, paths):
    return ws.ingest([str(p) for p in paths])


def test_ingest_b_bad_input_is_quarantined_not_fatal(workspace, tmp_path):
    # truncated JSON array (Apify export cut off): the good elements are kept
    good = json.loads((DATA / "apify/tiktok_comments.json").read_text())
    text = json.dumps(good + [{"cid": "7439900000000000099", "videoWebUrl": "x"}])
    f = tmp_path / "cut.json"
    f.write_text(text[:-40])
    rep = _ingest(workspace, f, fmt="apify")[0]
    assert rep.accepted == 2 and rep.quarantined == 1
    # YouTube page with a garbage count and a truncated second line
    page = {"kind": "youtube#videoListResponse", "items": [
        {"kind": "youtube#video", "id": "v1", "snippet": {"title": "a", "publishedAt": "2024-11-20T00:00:00Z",
                                                          "channelId": "c"}, "statistics": {"viewCount": "banyak"}},
        {"kind": "youtube#video", "id": "v2", "snippet": {"title": "b", "publishedAt": "2024-11-20T00:00:00Z"},
         "statistics": {"viewCount": "12"}}]}
    g = tmp_path / "yt.jsonl"
    g.write_text(json.dumps(page) + "\n" + json.dumps(page)[:50] + "\n")
    rep = _ingest(workspace, g)[0]
    assert (rep.format, rep.accepted, rep.quarantined) == ("youtube-api", 1, 2)
    q = workspace.store.sql("SELECT file, row, field, reason FROM quarantine WHERE file LIKE '%yt.jsonl' "
                            "ORDER BY row")
    assert q.field.tolist() == ["statistics.viewCount", "(line)"]
    assert "banyak" in q.reason.iloc[0]
    # CrowdTangle CSV row without a usable URL, latin-1 encoded file
    src = (Path(__file__).parent.parent.parent / "shared/fixtures/crowdtangle-csv/"
           "2021-07-05-22-49-20-BRT-search-csv-export.csv")
    if src.exists():
        lines = src.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        h = tmp_path / "ct_latin1.csv"
        body = lines[0] + "Página,pagina,1,X,BR,desc,2020-01-01 00:00:00,1,1,2021-07-05 18:02:45 BRT,,," \
            "Photo,1,1,1,1,0,0,0,0,0,0,,-,0,0,0,N/A,not-a-url,Olá,,,,,,,,,1,1\n"
        h.write_bytes(body.encode("latin-1", errors="replace"))
        rep = _ingest(workspace, h)[0]
        assert rep.format == "crowdtangle-csv" and rep.quarantined == 1
        q = workspace.store.sql("SELECT field FROM quarantine WHERE file LIKE '%ct_latin1.csv'")
        assert q.field.tolist() == ["URL"]


def test_ingest_b_instaloader_comments_without_sibling(workspace, tmp_path):
    f = tmp_path / "x_comments.json"
    shutil.copy(DATA / "instaloader/2024-11-20_02-15-00_UTC_comments.json", f)
    rep = _ingest(workspace, f)[0]
    assert rep.accepted == 3
    c = _one(workspace, "18034567890123456")
    assert c.kind == "comment" and c.root_id is None
    assert _one(workspace, "18034567890123999").parent_id == "18034567890123456"


def test_ingest_b_importers_map_directly():
    # the library face: an importer used without a store
    imp = registry.get("youtube-api")
    items = list(imp.map({"kind": "youtube#video", "id": "abc", "snippet": {"title": "t"},
                          "statistics": {"likeCount": "3"}}, ImportContext(file="-")))
    assert items[0].post["likes"] == 3 and items[0].post["media_type"] == "video"


def test_ingest_b_graph_comments_edge_with_default_fields(workspace, tmp_path):
    # GET /{post-id}/comments with default fields: nothing in a record says "comment"
    page = {"data": [{"id": "10158407654328553_10158407835073553", "message": "Setuju #Kaltim2024",
                      "created_time": "2024-11-20T01:00:00+0000", "from": {"id": "123", "name": "Budi"}},
                     {"id": "10158407654328553_10158407835079999", "message": "balasan",
                      "created_time": "2024-11-20T02:00:00+0000",
                      "parent": {"id": "10158407654328553_10158407835073553"}}],
            "paging": {"cursors": {"before": "a", "after": "b"},
                       "next": "https://graph.facebook.com/v19.0/10158407654328553/comments?after=b"}}
    f = tmp_path / "page.json"
    f.write_text(json.dumps(page))
    _ingest(workspace, f)
    c = _one(workspace, "10158407835073553")
    assert (c.kind, c.parent_id, c.root_id, c.account_id) == ("comment", "10158407654328553", "10158407654328553", "123")
    r = _one(workspace, "10158407835079999")
    assert (r.kind, r.parent_id, r.root_id) == ("reply", "10158407835073553", "10158407654328553")


def test_ingest_b_crowdtangle_instagram_csv(workspace, tmp_path):
    f = tmp_path / "ig-export.csv"
    f.write_text(
        "\ufeffAccount,User Name,Followers at Posting,Post Created,Post Created Date,Post Created Time,Type,"
        "Total Interactions,Likes,Comments,Views,URL,Link,Photo,Title,Description,Image Text,Sponsor Id,"
        "Sponsor Name,Overperforming Score\n"
        "Media Kaltim,media.kaltim.contoh,\"12,345\",2024-11-20 10:15:00 WITA,2024-11-20,10:15:00,Video,"
        "\"1,050\",1000,50,\"20,000\",https://www.instagram.com/p/DCmReeL0002/,,,,\"Debat #PilgubKaltim\n"
        "baris dua\",,123,Sponsor,1.5\n", encoding="utf-8")
    rep = _ingest(workspace, f)[0]
    assert (rep.format, rep.accepted) == ("crowdtangle-csv", 1)
    p = _one(workspace, "DCmReeL0002", "instagram")
    assert p.created_at == dt.datetime(2024, 11, 20, 2, 15)          # WITA = UTC+8
    assert (p.likes, p.comments, p.views, p.is_paid, p.media_type) == (1000, 50, 20000, True, "video")
    assert p.account_id == "media.kaltim.contoh" and p.text == "Debat #PilgubKaltim\nbaris dua"


@pytest.mark.slow
def test_ingest_b_reads_simulator_exports_as_ground_truth_says(workspace, tmp_path):
    """The simulator writes CrowdTangle CSV, Graph API comment pages and Research API comment
    pages; every item must come back with the ground truth's id, kind and account."""
    import pandas as pd

    from suara.sim import simulate
    simulate(tmp_path / "sim", seed=3, scale="small")
    files = sorted(str(p) for p in (tmp_path / "sim").rglob("*")
                   if p.name.startswith(("crowdtangle-", "graph-comments-", "research-comments-")))
    reps = workspace.ingest(files)
    assert all(r.error is None and r.quarantined == 0 for r in reps)
    assert {r.format for r in reps} == {"crowdtangle-csv", "meta-graph", "tiktok-research"}
    full = pd.read_csv(tmp_path / "sim/ground_truth/post_labels.csv", dtype=str)
    gt = full[(full.platform == "facebook") | full.kind.isin(["comment", "reply", "live_comment"])
              & full.platform.isin(["instagram", "tiktok"])]
    got = workspace.store.sql("SELECT platform, post_id, kind, account_id, parent_id, is_paid FROM posts")
    m = gt.merge(got, on=["platform", "post_id"], how="outer", suffixes=("_gt", ""), indicator=True)
    assert (m._merge == "both").all(), m[m._merge != "both"].head()
    # a comment on a live video is a plain Graph comment: only the post tells it was live
    kinds = m.kind_gt.replace("live_comment", "comment")
    assert (kinds == m.kind).all()
    # TikTok's Research API names no comment authors; everything else keeps its account
    named = m[m.platform != "tiktok"]
    assert (named.account_id_gt == named.account_id).all()
    assert ((m.is_paid_gt == "1") == (m.is_paid == True)).all()   # noqa: E712
    known = set(zip(full.platform, full.post_id))
    parents = got[got.parent_id.notna()]
    assert len(parents) > 0 and all((p, x) in known for p, x in zip(parents.platform, parents.parent_id))


def test_ingest_b_jsonl_with_damaged_first_line_keeps_the_rest(workspace, tmp_path):
    lines = (DATA / "apify/tiktok_videos.jsonl").read_text().splitlines()
    f = tmp_path / "damaged.jsonl"
    f.write_text(lines[0][:120] + "\n" + lines[1] + "\n")
    rep = _ingest(workspace, f, fmt="apify")[0]
    assert (rep.accepted, rep.quarantined) == (1, 1)
    q = workspace.store.sql("SELECT row, field FROM quarantine").iloc[0]
    assert (q.row, q.field) == (1, "(line)")


def test_ingest_b_array_with_ids_beyond_64_bits_stays_exact(workspace, tmp_path):
    f = tmp_path / "big.json"
    f.write_text('[{"cid": "7439900000000000011", "videoWebUrl": "https://www.tiktok.com/@a/video/1", '
                 '"text": "a", "uniqueId": "u1"},\n'
                 '{"cid": 17439900000000000022123, "videoWebUrl": "https://www.tiktok.com/@a/video/1", '
                 '"text": "b", "uniqueId": "u2", "repliesToId": null}]')
    rep = _ingest(workspace, f, fmt="apify")[0]
    assert (rep.accepted, rep.quarantined) == (2, 0)
    assert _one(workspace, "17439900000000000022123").text == "b"
