"""Part-A importers (Zeeschuimer, 4CAT, X, generic) and the contract over every importer and sample."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from suara.ingest import registry
from suara.ingest.base import FileError, ImportContext, RowError, Source
from suara.ingest.pipeline import ingest_paths
from suara.store import Store

DATA = Path(__file__).parent / "data"
OWN = DATA / "ingest"

# every sample and the format auto-detection must choose (None: must be refused)
SHARED_EXPECTED = {
    "crowdtangle-api-json/links-api-response-example.json": "crowdtangle-api",
    "crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv": "crowdtangle-csv",
    "crowdtangle-csv/history_post_3758007754304128.csv": "crowdtangle-history",
    "meta-graph-api-facebook/comments_p1.json": "meta-graph",
    "meta-graph-api-facebook/feeds_default_fields_p1.json": "meta-graph",
    "meta-graph-api-instagram/hashtag_top_medias_p1.json": "meta-graph",
    "meta-graph-api-instagram/media_default.json": "meta-graph",
    "meta-graph-api-instagram/medias_p2.json": "meta-graph",
    "tiktok-research-api/example_query.json": None,          # a request body, not data
    "tiktok-research-api/example_resp_comments.json": "tiktok-research",
    "tiktok-research-api/example_resp_q_user.json": "tiktok-research",
    "tiktok-research-api/example_resp_q_videos.json": "tiktok-research",
    "twarc2-twitter-v2/brexit.jsonl": "x-api-v2",
    "twarc2-twitter-v2/flat.jsonl": "twarc2-flat",
    "twarc2-twitter-v2/two_tweets.jsonl": "x-api-v2",
    "tweet-harvest-csv/anies.csv": "tweet-harvest",
    "tweet-harvest-csv/ganjar.csv": "tweet-harvest",
    "youtube-data-api-v3/comment_threads_by_video_paged_1.json": "youtube-api",
    "youtube-data-api-v3/comments_by_parent_paged_1.json": "youtube-api",
    "youtube-data-api-v3/info_multiple.json": "youtube-api",
    "youtube-data-api-v3/search_by_keywords_p1.json": "youtube-api",
    "youtube-data-api-v3/video_api_response.json": "youtube-api",
    "youtube-data-api-v3/videos_chart_paged_1.json": "youtube-api",
    "zeeschuimer-instagram/posts.ndjson": "zeeschuimer",
    "zeeschuimer-tiktok/tiktok-test.ndjson": "zeeschuimer",
    "zeeschuimer-twitter/twitter-test.ndjson": "zeeschuimer",
}
LOCAL_EXPECTED = {
    "ingest/4cat-instagram.csv": "4cat",
    "ingest/4cat-tiktok.csv": "4cat",
    "ingest/4cat-x.ndjson": "4cat",
    "ingest/generic-wita.csv": None,                          # needs --mapping
    "ingest/tweet-harvest-wita.csv": "tweet-harvest",
    "ingest/x-api-v2-search.json": "x-api-v2",
    "ingest/zeeschuimer-mixed.ndjson": "zeeschuimer",
    "ingest_b/apify/facebook_comments.json": "apify",
    "ingest_b/apify/facebook_posts.json": "apify",
    "ingest_b/apify/instagram_comments.json": "apify",
    "ingest_b/apify/instagram_posts.json": "apify",
    "ingest_b/apify/tiktok_comments.json": "apify",
    "ingest_b/apify/tiktok_videos.jsonl": "apify",
    "ingest_b/content_library/facebook_posts.jsonl": "meta-graph",
    "ingest_b/content_library/instagram_posts.json": "meta-graph",
    "ingest_b/instaloader/2024-11-20_02-15-00_UTC.json": "instaloader",
    "ingest_b/instaloader/2024-11-20_02-15-00_UTC_comments.json": "instaloader",
    "ingest_b/instaloader/2024-11-21_09-30-00_UTC.json.xz": "instaloader",
    "ingest_b/instaloader/relawan.kaltim.contoh_48123456789.json": "instaloader",
    "chat/Chat WhatsApp dengan Relawan Samarinda Ulu.txt": "whatsapp",
    "chat/WhatsApp Chat with Kaltim Volunteers.txt": "whatsapp",
    "chat/WhatsApp Chat - Debate Watch.txt": "whatsapp",
    "chat/WhatsApp Chat with Bontang Watch.txt": "whatsapp",
    "chat/WhatsApp Chat with Rusak.txt": "whatsapp",
    "chat/WhatsApp Chat - Simpatisan Balikpapan.zip": None,   # an archive: its _chat.txt is the source
    "chat/catatan-rapat.txt": None,                           # a note, not a chat export
    "chat/result.json": "telegram",
    "chat/telegram-full-export/result.json": "telegram",
    "chat/telethon-kaltim.jsonl": "telethon",
    "social/zeeschuimer-threads.ndjson": "zeeschuimer",
    "social/apify-tweets.json": "apify",
    "social/apify-youtube.json": "apify",
    "social/apify-threads.json": "apify",
    "sheets/apify-instagram-posts.csv": "apify-table",
    "sheets/apify-instagram-posts.xlsx": "apify-table",
    "sheets/content-library-facebook.csv": "content-library-csv",
    "sheets/pantauan-manual.xlsx": None,                      # needs --mapping
}


def _samples(shared_root: Path | None):
    out = [(DATA / k, v) for k, v in LOCAL_EXPECTED.items()]
    if shared_root is not None:
        out += [(shared_root / "fixtures" / k, v) for k, v in SHARED_EXPECTED.items()]
    return out


def _shared_root() -> Path | None:
    p = Path(__file__).resolve().parents[1].parent / "shared"
    return p if (p / "fixtures").is_dir() else None


ALL = _samples(_shared_root())


def test_ingest_a_sample_lists_are_complete():
    """A new sample file must be added to the expectations (so detection is checked on it)."""
    own = {str(p.relative_to(DATA)) for p in (DATA / "ingest").rglob("*") if p.is_file()
           and p.suffix != ".yaml"} | {str(p.relative_to(DATA)) for p in (DATA / "ingest_b").rglob("*")
                                       if p.is_file() and p.suffix not in (".md", ".txt")} \
        | {str(p.relative_to(DATA)) for d in ("chat", "social", "sheets") for p in (DATA / d).rglob("*")
           if p.is_file() and p.suffix != ".yaml"}
    assert own <= set(LOCAL_EXPECTED), sorted(own - set(LOCAL_EXPECTED))
    root = _shared_root()
    if root:
        shared = {str(p.relative_to(root / "fixtures")) for p in (root / "fixtures").rglob("*")
                  if p.is_file() and p.name not in ("SOURCE.txt", "README.md", "INDEX.txt")}
        assert shared <= set(SHARED_EXPECTED), sorted(shared - set(SHARED_EXPECTED))


@pytest.mark.parametrize("path,expected", ALL, ids=[str(p.name) for p, _ in ALL])
def test_ingest_a_contract_detection_and_no_crash(path, expected):
    """Auto-detection picks the expected format; every registered importer, forced onto the
    file, either reads it or fails with RowError/FileError (never another exception)."""
    src = Source(path)
    if expected is None:
        with pytest.raises(FileError, match=path.name):
            registry.detect(src)
    else:
        imp, conf = registry.detect(src)
        assert imp.name == expected and conf >= 0.5
    for name, imp in registry.formats().items():
        ctx = ImportContext(file=str(path), mapping={"platform": "x", "columns": {"post_id": "id"}})
        try:
            n = 0
            for _, raw in imp.read(src, ctx):
                n += 1
                if isinstance(raw, RowError):
                    continue
                try:
                    for item in imp.map(raw, ctx):
                        assert item.post is not None or item.account is not None
                except RowError:
                    pass
                if n > 300:
                    break
        except FileError:
            pass


def _load(paths, **kw):
    st = Store(":memory:")
    reps = ingest_paths(st, [str(p) for p in paths], **kw)
    return st, reps


def test_ingest_a_zeeschuimer_fixtures(shared):
    fx = shared / "fixtures"
    st, reps = _load([fx / "zeeschuimer-tiktok", fx / "zeeschuimer-instagram", fx / "zeeschuimer-twitter"])
    reps = [r for r in reps if r.format or r.error]   # SOURCE.txt: skipped, not a chat export
    assert [r.format for r in reps] == ["zeeschuimer"] * 3 and all(r.quarantined == 0 for r in reps)
    tt = st.sql("select * from posts where platform='tiktok' and post_id='7288995634328177926'").iloc[0]
    assert tt.account_id == "7158414720537232389" and tt.likes == 59 and tt.views == 3597 and tt.saves == 9
    assert tt.url == "https://www.tiktok.com/@haberturktv/video/7288995634328177926"
    assert str(tt.created_at) == "2023-10-12 09:05:49"
    obs = st.sql("select observed_at from metric_observations where post_id='7288995634328177926'")
    assert str(obs.observed_at[0]).startswith("2023-10-12 11:05:06")   # timestamp_collected (ms)
    acc = st.sql("select * from accounts where platform='tiktok' and account_id='7158414720537232389'").iloc[0]
    assert acc.handle == "haberturktv" and acc.followers == 277400 and acc.verified
    ig = st.sql("select * from posts where platform='instagram'")
    assert set(ig.media_type) == {"photo", "reel", "carousel"} and len(ig) == 23
    one = ig[ig.post_id == "DUgjOD7D0br"].iloc[0]
    assert one.account_id == "abc7ny" and one.likes == 306 and one.url == "https://www.instagram.com/p/DUgjOD7D0br/"
    x = st.sql("select * from posts where platform='x'")
    q = x[x.post_id == "1711652255336743414"].iloc[0]
    assert q.account_id == "1503318317150490632" and q.views == 250 and q.likes == 9 and q.media_type == "carousel"  # 2 photos
    assert "degraanrepubliek" in list(q.hashtags) and "frankwesterman9" in list(q.mentions)
    assert set(x.kind) >= {"post", "reply", "share"}
    rep = x[x.kind == "reply"].iloc[0]
    assert rep.parent_id and rep.root_id
    # ids stay exact strings: no float anywhere
    assert all(len(i) >= 18 and i.isdigit() for i in x.post_id)


def test_ingest_a_twarc_paged_and_flat(shared):
    fx = shared / "fixtures" / "twarc2-twitter-v2"
    st, reps = _load([fx / "two_tweets.jsonl", fx / "flat.jsonl", fx / "brexit.jsonl"])
    assert [r.format for r in reps] == ["x-api-v2", "twarc2-flat", "x-api-v2"]
    assert all(r.quarantined == 0 for r in reps)
    rt = st.sql("select * from posts where post_id='1394735776701816833'").iloc[0]
    assert (rt.kind, rt.parent_id, rt.account_id) == ("share", "1391677057810288641", "1379899464345923590")
    assert rt.url == "https://x.com/LachiVeronica/status/1394735776701816833"
    orig = st.sql("select * from posts where post_id='1391677057810288641'").iloc[0]
    assert orig.kind == "post" and orig.account_id == "1380086327023169540"
    acc = st.sql("select * from accounts where account_id='1379899464345923590'").iloc[0]
    assert acc.handle == "LachiVeronica" and acc.following == 4 and acc.post_count == 2
    flat = st.sql("select count(*) n from posts where source like 'twarc2-flat:%'").n[0]
    assert flat >= 100   # 100 tweets plus their inlined originals
    assert st.sql("select count(*) n from posts where platform <> 'x'").n[0] == 0


def test_ingest_a_tweet_harvest_damaged_ids_and_split_rows(shared):
    fx = shared / "fixtures" / "tweet-harvest-csv"
    st, reps = _load([fx / "ganjar.csv", fx / "anies.csv"])
    g, a = reps
    assert g.format == a.format == "tweet-harvest"
    assert g.accepted == 423 and g.quarantined == 0
    # the first ganjar row: id_str 1735608555141730048 is float-damaged, the URL holds the truth
    row = st.sql("select * from posts where post_id='1735608555141734513'").iloc[0]
    assert row.url.endswith("/firdaraisyaa/status/1735608555141734513") and row.kind == "post"
    assert st.sql("select count(*) n from posts where post_id='1735608555141730048'").n[0] == 0
    # anies: 515 csv rows, 3 records split over 7 rows by unquoted line breaks are stitched back
    assert a.accepted == 511 and a.quarantined == 0
    stitched = st.sql("select text from posts where post_id='1735510661470540157'").text[0]
    assert stitched.startswith("Anies telah\nmembuktikan") and "Jakarta" in stitched


def test_ingest_a_own_samples():
    st, reps = _load([OWN / "x-api-v2-search.json", OWN / "4cat-x.ndjson", OWN / "4cat-tiktok.csv",
                      OWN / "4cat-instagram.csv", OWN / "tweet-harvest-wita.csv", OWN / "zeeschuimer-mixed.ndjson"])
    assert [r.format for r in reps] == ["x-api-v2", "4cat", "4cat", "4cat", "tweet-harvest", "zeeschuimer"]
    p = st.sql("select * from posts").set_index("post_id")
    # X API v2: reply, quote (share) and the quoted original from includes.tweets; media and place
    assert (p.loc["1857402999999999999"].kind, p.loc["1857402999999999999"].parent_id) == ("reply", "1857402030617264310")
    assert (p.loc["1857403111111111111"].kind, p.loc["1857403111111111111"].parent_id) == ("share", "1857300000000000000")
    v = p.loc["1857402030617264310"]
    assert v.media_type == "video" and v.geo == "Samarinda, Indonesia" and v.shares == 9 and v.views == 1570
    # 4CAT: platform told by URL/columns; comment in a thread
    assert p.loc["1857001234567890999"].kind == "reply" and p.loc["1857001234567890999"].root_id == "1857001234567890123"
    assert p.loc["7441234567890123456"].platform == "tiktok" and p.loc["7441234567890123456"].views == 30211
    assert p.loc["DCTzQ4mz9XY"].media_type == "reel" and p.loc["DCTzQ4mz9XY"].account_id == "rudymasud"
    assert "belum juga" in p.loc["7441234567890999999"].text
    # Zeeschuimer comments + a 4CAT-stored raw item (__import_meta); LinkedIn quarantined
    c = p.loc["7441999000111222444"]
    assert (c.kind, c.parent_id, c.root_id) == ("reply", "7441999000111222333", "7441234567890123456")
    assert p.loc["7441234567890888888"].media_type == "carousel" and p.loc["7441234567890888888"].likes == 1200
    assert p.loc["18012345678901234"].root_id == "DCSf3TJ3gAB"
    q = st.sql("select * from quarantine")
    assert list(q.reason) == ["platform 'linkedin.com' not supported"] and q.row[0] == 4
    acc = st.sql("select * from accounts where account_id='2244994945'").iloc[0]
    assert acc.location_text == "Samarinda" and acc.followers == 5120


def test_ingest_a_generic_mapping_timezone():
    mapping = yaml.safe_load((OWN / "generic-wita.yaml").read_text())
    st, reps = _load([OWN / "generic-wita.csv"], mapping=mapping)
    assert reps[0].format == "generic" and reps[0].accepted == 2 and reps[0].quarantined == 0
    p = st.sql("select * from posts order by post_id")
    assert list(p.post_id) == ["1857511111111111111", "1857522222222222222"]
    assert str(p.created_at[0]) == "2024-11-15 12:30:00"       # 20:30 WITA
    assert p.likes[0] == 1234 and p.hashtags[0].tolist() == ["gratispol"] and p.account_id[0] == "samarinda_today"
    # --timezone overrides the mapping's zone
    st2, _ = _load([OWN / "generic-wita.csv"], mapping=mapping, timezone="UTC")
    assert str(st2.sql("select min(created_at) t from posts").t[0]) == "2024-11-15 20:30:00"


def test_ingest_a_generic_mapping_errors(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    _, reps = _load([f], fmt="generic")
    assert reps[0].error and "mapping" in reps[0].error
    _, reps = _load([f], mapping={"platform": "x", "columns": {"post_id": "a", "nonsense": "b"}})
    assert "nonsense" in reps[0].error
    st, reps = _load([f], mapping={"platform": "x", "columns": {"post_id": "a", "likes": "b", "created_at": "b"}})
    assert reps[0].quarantined == 1
    q = st.sql("select field, reason from quarantine").iloc[0]
    assert q.field == "created_at (b)"


def test_ingest_a_big_ids_never_float(tmp_path):
    # a TikTok id above 2^53 written as a JSON number stays exact
    f = tmp_path / "z.ndjson"
    f.write_text('{"source_platform": "tiktok.com", "timestamp_collected": 1732665600000, "item_id": "x", '
                 '"data": {"id": 7441234567890123457, "desc": "a", "createTime": 1732600000, '
                 '"author": {"id": 7158414720537232389, "uniqueId": "u"}}}\n'
                 '{"source_platform": "tiktok.com", "timestamp_collected": 1732665600000, "item_id": "y", '
                 '"data": {"id": 7.441234567890124e18, "desc": "b", "createTime": 1732600000, "author": "u"}}\n')
    st, reps = _load([f])
    assert st.sql("select post_id, account_id from posts").values.tolist() == [["7441234567890123457", "7158414720537232389"]]
    q = st.sql("select field, reason from quarantine").iloc[0]
    assert q.field == "data.id" and "float" in q.reason


def test_ingest_a_sim_exports_roundtrip(tmp_path):
    """Simulator exports in Zeeschuimer and twarc2 shapes load with zero quarantined rows."""
    from suara.sim import simulate
    out = tmp_path / "sim"
    summary = simulate(out, seed=3, scale=1500)
    st = Store(":memory:")
    reps = ingest_paths(st, [out / "instagram", out / "tiktok", out / "x"])
    fmts = {r.format for r in reps}
    assert {"zeeschuimer", "x-api-v2"} <= fmts and all(r.error is None for r in reps)
    assert sum(r.quarantined for r in reps) == 0
    assert summary["items"] > 0


def test_ingest_a_every_format_is_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "ingest.md").read_text(encoding="utf-8")
    missing = [name for name in registry.formats() if f"`{name}`" not in doc]
    assert not missing, f"formats missing from docs/ingest.md: {missing}"


def test_ingest_a_empty_x_search_page(tmp_path):
    """The last page of an X search with no results is recognised and yields nothing."""
    f = tmp_path / "x-search-00002.json"
    f.write_text('{"meta": {"result_count": 0, "newest_id": null}}')
    st, reps = _load([f])
    assert reps[0].format == "x-api-v2" and reps[0].error is None and reps[0].accepted == 0


def test_ingest_a_4cat_platform_hint(tmp_path):
    f = tmp_path / "dataset.csv"
    f.write_text("id,thread_id,timestamp,body,author,subject\n"
                 "1001,1001,2024-11-20 10:00:00,Debat Pilgub Kaltim,warga1,\n"
                 "1002,1001,2024-11-20 10:05:00,Setuju,warga2,\n")
    st, reps = _load([f])
    assert reps[0].format == "4cat" and reps[0].accepted == 0 and reps[0].quarantined == 2
    assert "--platform" in st.sql("select reason from quarantine").reason[0]
    st, reps = _load([f], platform="x")
    p = st.sql("select post_id, kind, coalesce(root_id, '-') r, account_id from posts order by post_id").values.tolist()
    assert p == [["1001", "post", "-", "@warga1"], ["1002", "reply", "1001", "@warga2"]]
