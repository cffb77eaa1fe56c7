"""The bulk (vectorised) JSON Lines paths give exactly what the row path gives: posts,
accounts, metric observations, quarantine with row and field."""
import json

import pytest
from test_ingest_bulk import _tables

from suara.ingest import ingest_paths, pipeline
from suara.ingest.base import ImportContext, Source
from suara.ingest.formats.x import Twarc2Flat
from suara.ingest.formats.zeeschuimer import Zeeschuimer
from suara.store import Store


@pytest.fixture(autouse=True)
def _json_bulk_on(monkeypatch):
    """The JSON Lines bulk paths are opt-in (SUARA_INGEST_JSON_BULK=1)."""
    monkeypatch.setenv("SUARA_INGEST_JSON_BULK", "1")


def _lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _flat_nasty(shared, path):
    """twarc2-flat lines from the real fixture, damaged and varied in the ways exports are."""
    recs = _lines(shared / "fixtures/twarc2-twitter-v2/flat.jsonl")
    out = [json.dumps(r) for r in recs[:30]]
    r = lambda i: json.loads(out[i])  # noqa: E731
    def put(i, d):
        out[i] = json.dumps(d)
    d = r(1); d["id"] = 1.3802426117813862e18; put(1, d)                        # a float id: quarantined
    d = r(2); d["public_metrics"]["like_count"] = "banyak"; put(2, d)          # quarantined
    d = r(3); d["public_metrics"]["like_count"] = "1.234"; put(3, d)           # the row path reads it
    d = r(4); d["created_at"] = "kemarin"; put(4, d)                           # quarantined
    d = r(5); d["created_at"] = "Fri Dec 15 04:04:44 +0000 2023"; put(5, d)   # another layout
    out[6] = out[6][: len(out[6]) // 2]                                        # a cut line
    out[7] = '{"id": "17", "text": "koma", "author_id": "9", "conversation_id": "17",}'   # yyjson takes it
    out[8] = out[8][:-1] + ', "text": "teks kedua #Dua"}'                      # a duplicate key: the last wins
    out[9] = out[9][:-1] + ', "lang": nan}'                                    # yyjson takes nan
    d = r(10); d["author"]["id"] = int(d["author"]["id"]); d["author_id"] = int(d["author_id"]); put(10, d)
    d = r(11); d["entities"] = {"hashtags": [{"tag": "Pemilu\u00e9"}, {"tag": "Kaltim"}]}; put(11, d)
    out.insert(12, "")                                                         # a blank line
    out.insert(13, "   ")
    d = r(14); d["public_metrics"]["retweet_count"] = 10**20; put(14, d)       # beyond 64 bits
    d = r(15); d["author"]["verified"] = "ya"; put(15, d)
    d = r(16); d["note_tweet"] = {"text": "catatan panjang @Budi_01 https://t.co/zz #Catatan"}; put(16, d)
    d = r(17); d["referenced_tweets"] = [{"type": "replied_to", "id": "x12"}]; put(17, d)  # a bad reference id
    d = r(18); d["attachments"] = {"media_keys": ["3_1", "7_2", "16_3"],
                                   "media": [{"media_key": "3_1", "type": "photo", "url": "https://p/1.jpg"},
                                             {"media_key": "16_3", "type": "animated_gif", "preview_image_url": "https://p/3.jpg"}]}
    d["entities"] = {"urls": [{"expanded_url": "https://twitter.com/a/status/1/photo/1"},
                              {"url": "https://t.co/ab", "expanded_url": ""}, {"expanded_url": "https://kaltim.go.id"}]}
    put(18, d)
    d = r(19); d["text"] = "kutip \"Debat\" caf\u00e9 \\ #Ok\u00e9 @\u00e9t\u00e9"; put(19, d)
    d = r(20); d["text"] = None; put(20, d)
    d = r(21); d.pop("author_id"); put(21, d)                                  # account id from the author
    d = r(22); d["author_id"] = "424242"; put(22, d)                           # another author than the inlined one
    d = r(23); d["entities"] = {"hashtags": [{"tag": 5}]}; put(23, d)          # quarantined
    out[24] = out[24].replace('"like_count": ', '"like_count": 7, "like_count": ', 1)   # a duplicate key inside
    out[25] = out[25].replace('"username": ', '"username": "palsu", "username": ', 1)      # ... in the author
    d = r(26); d["id"] = r(0)["id"]; d["text"] = "salinan"; put(26, d)         # the same post twice
    out[27] = "[1, 2]"                                                         # not an object
    d = r(28); d["author"]["created_at"] = "2014-02-30T05:17:14.000Z"; put(28, d)   # no such day
    d = r(29); d["geo"] = {"place_id": ["a"]}; put(29, d)                      # quarantined (unhashable)
    body = ("\ufeff" + "\n".join(out) + "\n").encode("utf-8")
    body += '{"id": "99", "text": "caf\u00e9 latin-1", "author_id": "9"}\n'.encode("cp1252")
    path.write_bytes(body)
    return path


@pytest.mark.parametrize("variant", ["fixture", "nasty"])
def test_ingest_bulk_twarc_flat_equals_row_path(shared, tmp_path, monkeypatch, variant):
    files = ([shared / "fixtures/twarc2-twitter-v2/flat.jsonl"] if variant == "fixture"
             else [_flat_nasty(shared, tmp_path / "n.jsonl")])
    bulk = _tables(files, True, monkeypatch, cls=Twarc2Flat)
    rowp = _tables(files, False, monkeypatch, cls=Twarc2Flat)
    assert bulk == rowp
    assert bulk[0][0][0] == "twarc2-flat" and bulk[0][0][1] > 20
    if variant == "nasty":
        q = {(x[1], x[2]) for x in bulk[3]}
        assert q == {(2, "id"), (3, "public_metrics.like_count"), (5, "created_at"), (7, "(line)"), (8, "(line)"),
                     (10, "(line)"), (15, "shares"), (18, "referenced_tweets.id"), (24, "(record)"), (28, "(record)"),
                     (29, "user.created_at"), (30, "(record)")}
        texts = {p[1]: p[7] for p in bulk[1]}
        assert "teks kedua #Dua" in texts.values()        # the last of two duplicate keys, as Python reads it


@pytest.mark.parametrize("variant", ["fixture", "nasty", "gzip"])
def test_ingest_bulk_twarc_flat_large_file_mode_equals_row_path(shared, tmp_path, monkeypatch, variant):
    """Files too large to stage on the store's connection, and compressed ones, map each
    batch on a private connection: the same tables."""
    import gzip
    files = ([shared / "fixtures/twarc2-twitter-v2/flat.jsonl"] if variant == "fixture"
             else [_flat_nasty(shared, tmp_path / "n.jsonl")])
    if variant == "gzip":
        gz = tmp_path / "n.jsonl.gz"
        gz.write_bytes(gzip.compress(files[0].read_bytes()))
        files = [gz]
    assert (_tables(files, True, monkeypatch, cls=Twarc2Flat, stage=False, fmt="twarc2-flat")
            == _tables(files, False, monkeypatch, cls=Twarc2Flat, fmt="twarc2-flat"))


def test_ingest_bulk_twarc_flat_takes_plain_lines_in_bulk(shared, tmp_path):
    """The lines of a real twarc2 flatten export (tweets with their inlined originals) are
    mapped by the query; the damaged ones go back to the row path."""
    f = shared / "fixtures/twarc2-twitter-v2/flat.jsonl"
    imp = Twarc2Flat()
    chunks = list(imp.bulk(Source(f), ImportContext(file=f.name), imp.name))
    assert [r for c in chunks for r, _ in c.fallback] == []
    assert sum(c.posts.num_rows for c in chunks) > 150      # 100 tweets and 86 inlined originals
    n = _flat_nasty(shared, tmp_path / "n.jsonl")
    back = {r for c in imp.bulk(Source(n), ImportContext(file=n.name), imp.name) for r, _ in c.fallback}
    assert {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 18, 24, 25, 26, 27, 28, 29, 30, 33} <= back
    assert not back & {13, 14} and len(back) < 31     # blank lines are no rows; most lines are plain


def test_ingest_bulk_twarc_flat_batches_equal_row_path(shared, tmp_path, monkeypatch):
    """Batch boundaries anywhere in the file (lines are cut at line ends) change nothing."""
    from suara.ingest import bulkjson
    f = _flat_nasty(shared, tmp_path / "n.jsonl")
    rowp = _tables([f], False, monkeypatch, cls=Twarc2Flat)
    for size in (4096, 50_000):
        monkeypatch.setattr(bulkjson, "JSONL_BATCH_BYTES", size)
        firsts = [n for n, _, _ in bulkjson.iter_jsonl_arrow(Source(f))]
        assert firsts[0] == 1 and len(firsts) > 1
        bulk = _tables([f], True, monkeypatch, cls=Twarc2Flat)
        assert bulk[1:] == rowp[1:]


def test_ingest_bulk_twarc_flat_reimport_is_idempotent(shared, monkeypatch):
    monkeypatch.setattr(pipeline, "BULK_MIN_BYTES", 0)
    st = Store(":memory:")
    f = shared / "fixtures/twarc2-twitter-v2/flat.jsonl"
    first = ingest_paths(st, [f])[0]
    posts = st.con.execute("SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY post_id").fetchall()
    again = ingest_paths(st, [f])[0]
    assert first.accepted > 150 and again.accepted == 0 and again.updated == 0
    assert again.unchanged == first.accepted
    assert st.con.execute("SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY post_id").fetchall() == posts


# --- Zeeschuimer (TikTok videos in bulk; everything else by the row path) -------------------
def _zee_nasty(shared, path):
    recs = _lines(shared / "fixtures/zeeschuimer-tiktok/tiktok-test.ndjson")[:40]
    out = [json.dumps(r) for r in recs]
    r = lambda i: json.loads(out[i])  # noqa: E731
    def put(i, d):
        out[i] = json.dumps(d)
    d = r(1); d["data"]["id"] = 7.288995634328178e18; put(1, d)                      # quarantined
    d = r(2); d["data"]["stats"]["diggCount"] = "banyak"; put(2, d)                 # quarantined
    d = r(3); d["data"]["stats"]["diggCount"] = "1,2K"; put(3, d)                   # the row path reads it
    d = r(4); d["data"]["stats"]["playCount"] = -1; put(4, d)                       # unknown
    d = r(5); d["data"]["createTime"] = "kemarin"; put(5, d)                        # quarantined
    d = r(6); d["data"]["createTime"] = "2023-10-12T09:05:49+07:00"; put(6, d)
    d = r(7); d["timestamp_collected"] = 1697108706; put(7, d)                      # seconds
    d = r(8); d["data"]["authorId"] = d["data"]["author"]["id"]; d["data"]["author"] = d["data"]["author"]["uniqueId"]; put(8, d)
    put(9, {"source_platform": "tiktok.com", "timestamp_collected": 1697108706245, "item_id": "1",
            "data": {"cid": "7290000000000000001", "aweme_id": r(0)["data"]["id"], "text": "mantap #Kaltim",
                     "create_time": 1697101549, "digg_count": 3, "user": {"uid": "66", "unique_id": "warga"}}})
    put(10, _lines(shared / "fixtures/zeeschuimer-instagram/posts.ndjson")[0])      # another platform
    d = r(11); d["source_platform"] = "linkedin.com"; put(11, d)                    # quarantined
    d = r(12); d["data"]["statsV2"] = {k: str(v) for k, v in d["data"]["stats"].items()}; put(12, d)
    d = r(13); d["data"]["isAd"] = True; d["data"]["imagePost"] = {"images": [1]}; put(13, d)
    out[14] = out[14][:-1] + ', "data": {"id": "1"}}'                               # a duplicate key
    out[15] = out[15][:-2] + '},}'                                                  # a trailing comma
    d = r(16); d["data"]["challenges"] = [{"title": "\u0130stanbul"}, {"title": "Kaltim"}]
    d["data"]["textExtra"] = [{"hashtagName": "Pemilu", "userUniqueId": "Budi_01"}]; put(16, d)
    d = r(17); d["data"]["author"]["verified"] = "1"; put(17, d)
    d = r(18); d["data"]["id"] = r(0)["data"]["id"]; d["data"]["desc"] = "salinan"; put(18, d)   # the same video twice
    d = r(19); out[19] = json.dumps({"__import_meta": {k: v for k, v in d.items() if k != "data"}, **d["data"]})
    d = r(20); d["data"]["challenges"] = [{"title": 5}]; put(20, d)                  # quarantined
    d = r(21); d["data"]["stats"]["shareCount"] = 10**20; put(21, d)                 # beyond 64 bits
    d = r(22); d["data"]["desc"] = "tanpa tagar \u00e9 @\u00e9t\u00e9 https://t.co/a."; d["data"]["challenges"] = []
    d["data"]["textExtra"] = []; put(22, d)
    d = r(23); d["data"]["author"]["uniqueId"] = ""; put(23, d)
    d = r(24); d["data"].pop("isAd", None); d["data"]["isLive"] = 1; put(24, d)
    d = r(25); d["data"]["author"]["id"] = ""; put(25, d)                           # keyed by the user name
    out.insert(26, "")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("variant", ["fixture", "nasty", "large-file"])
def test_ingest_bulk_zeeschuimer_equals_row_path(shared, tmp_path, monkeypatch, variant):
    files = ([shared / "fixtures/zeeschuimer-tiktok/tiktok-test.ndjson", shared / "fixtures/zeeschuimer-instagram/posts.ndjson",
              shared / "fixtures/zeeschuimer-twitter/twitter-test.ndjson"] if variant == "fixture"
             else [_zee_nasty(shared, tmp_path / "z.ndjson")])
    bulk = _tables(files, True, monkeypatch, cls=Zeeschuimer, stage=variant != "large-file")
    rowp = _tables(files, False, monkeypatch, cls=Zeeschuimer)
    assert bulk == rowp
    assert bulk[0][0][1] > 30
    if variant != "fixture":
        assert {(x[1], x[2]) for x in bulk[3]} == {(2, "data.id"), (3, "data.stats.diggCount"), (6, "data.createTime"),
                                                   (12, "source_platform"), (16, "(line)"), (21, "(record)"),
                                                   (22, "shares")}


def test_ingest_bulk_zeeschuimer_takes_tiktok_videos_in_bulk(shared, tmp_path):
    f = shared / "fixtures/zeeschuimer-tiktok/tiktok-test.ndjson"
    imp = Zeeschuimer()
    chunks = list(imp.bulk(Source(f), ImportContext(file=f.name), imp.name))
    assert [r for c in chunks for r, _ in c.fallback] == [] and sum(c.posts.num_rows for c in chunks) == 96
    n = _zee_nasty(shared, tmp_path / "z.ndjson")
    back = {r for c in imp.bulk(Source(n), ImportContext(file=n.name), imp.name) for r, _ in c.fallback}
    assert {2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 15, 16, 20, 21, 22} <= back   # 19: a plain duplicate of 1
    assert 27 not in back and len(back) < 35


def test_ingest_bulk_zeeschuimer_reimport_is_idempotent(shared, monkeypatch):
    monkeypatch.setattr(pipeline, "BULK_MIN_BYTES", 0)
    st = Store(":memory:")
    f = shared / "fixtures/zeeschuimer-tiktok/tiktok-test.ndjson"
    first = ingest_paths(st, [f])[0]
    obs = st.con.execute("SELECT count(*) FROM metric_observations").fetchall()
    again = ingest_paths(st, [f])[0]
    assert first.accepted == 96 and again.accepted == 0 and again.updated == 0 and again.unchanged == 96
    # the same collection time: no second observation
    assert st.con.execute("SELECT count(*) FROM metric_observations").fetchall() == obs


def test_ingest_json_bulk_is_opt_in(shared, monkeypatch):
    """Without SUARA_INGEST_JSON_BULK=1 large JSON Lines files take the row path."""
    from suara.ingest.formats.zeeschuimer import Zeeschuimer as Z
    f = shared / "fixtures/zeeschuimer-tiktok/tiktok-test.ndjson"
    calls = []
    monkeypatch.setattr(pipeline, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(Z, "bulk", lambda self, *a: calls.append(1) or iter(()))
    monkeypatch.delenv("SUARA_INGEST_JSON_BULK")
    assert ingest_paths(Store(":memory:"), [f])[0].accepted == 96 and calls == []
    monkeypatch.setenv("SUARA_INGEST_JSON_BULK", "1")
    ingest_paths(Store(":memory:"), [f])
    assert calls == [1]


# --- random damage: whatever a line holds, both paths give the same tables ------------------
_VALUES = [None, "", "12", 12, -5, 1.5, True, False, "banyak", [], {}, [1], {"a": 1}, 10**20, "0",
           "2021-04-08T15:07:30.000Z", "\u0130stanbul", "1697101549", 1697101549, "https://x.com/a/status/1/photo/1"]


def _damage(rec, rnd):
    """``rec`` with one random value replaced or removed somewhere in it."""
    import copy
    rec = copy.deepcopy(rec)
    node, path = rec, []
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys:
            break
        k = rnd.choice(keys)
        path.append((node, k))
        if not isinstance(node[k], (dict, list)) or rnd.random() < 0.3:
            break
        node = node[k]
    if not path:
        return rec
    parent, k = path[-1]
    if isinstance(parent, dict) and rnd.random() < 0.2:
        del parent[k]
    else:
        parent[k] = rnd.choice(_VALUES)
    return rec


def _random_file(recs, path, rnd, n=60):
    out = []
    for i in range(n):
        rec = recs[i % len(recs)]
        for _ in range(rnd.randint(0, 3)):
            rec = _damage(rec, rnd)
        line = json.dumps(rec, ensure_ascii=rnd.random() < 0.5)
        r = rnd.random()
        if r < 0.04 and line.startswith("{") and len(line) > 2:
            k = next(iter(rec), None) if isinstance(rec, dict) else None
            line = "{" + (json.dumps(k) + ': "dupe", ' if k is not None else "") + line[1:]   # a duplicate key
        elif r < 0.06:
            line = line[:-1] + ",}" if line.endswith("}") else line
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("family", ["twarc2-flat", "zeeschuimer"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ingest_bulk_jsonl_random_damage_equals_row_path(shared, tmp_path, monkeypatch, family, seed):
    import random
    src = {"twarc2-flat": "twarc2-twitter-v2/flat.jsonl", "zeeschuimer": "zeeschuimer-tiktok/tiktok-test.ndjson"}[family]
    cls = {"twarc2-flat": Twarc2Flat, "zeeschuimer": Zeeschuimer}[family]
    f = _random_file(_lines(shared / "fixtures" / src), tmp_path / "r.jsonl", random.Random(seed))
    kw = {"fmt": family}
    bulk = _norm(_tables([f], True, monkeypatch, cls=cls, **kw))
    assert bulk == _norm(_tables([f], False, monkeypatch, cls=cls, **kw))
    assert bulk[0][0][1] > 10


def _norm(tables):
    """The tables with the import's own time left out of quarantined accounts' records (an
    account first seen without a time was first seen at the import, which differs by run)."""
    import datetime as dt
    import re
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    *head, quarantine, obs = tables
    quarantine = [(*q[:4], re.sub(rf'"{today}T[0-9:.]+"', '"(import time)"', q[4]) if q[4] else q[4])
                  for q in quarantine]
    return (*head, quarantine, obs)
