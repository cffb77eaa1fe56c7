"""The faster bulk ingest keeps the row path's results: the tweet-harvest query's cheaper
tests of the plain case, the mapped rows handed over as Arrow in file order (entities that
Python fills put in place, cells taken from the batch), the shortcut of the classification
into an empty store, and the reader's chunks."""
import csv
import gzip
import hashlib
import subprocess
import sys
import zipfile

import duckdb
import pyarrow as pa
import pytest

from suara.ingest import bulkmap, ingest_paths, lines, pipeline
from suara.ingest.base import Source
from suara.ingest.lines import row_numbers
from suara.store import Store
from test_ingest_bulk import _tables as _shared_tables

HEAD = ["", "created_at", "id_str", "full_text", "quote_count", "reply_count", "retweet_count",
        "favorite_count", "lang", "user_id_str", "conversation_id_str", "username", "tweet_url",
        "in_reply_to_screen_name", "image_url", "location"]
TS = "Fri Dec 15 10:31:40 +0000 2023"

# cells at the edges of the plain case (each row on its own account, so that a row handed
# back takes no other row with it)
EDGES = [
    {"created_at": "Fri Dec 15 10:31:40 +0700 2023"}, {"created_at": "Fri Dec 15 10:31:40 -0000 2023"},
    {"created_at": "Fri Dec 15 10:31:40 +0000 0000"}, {"created_at": "Fri Dec 15 10:31:40 +0000 0001"},
    {"created_at": "fri dec 15 10:31:40 +0000 2023"}, {"created_at": "Fri Dec 5 10:31:40 +0000 2023"},
    {"created_at": " Fri Dec 15 10:31:40 +0000 2023 "}, {"created_at": "Fri Feb 29 10:31:40 +0000 2023"},
    {"created_at": "Fri Dec 15 10:31:60 +0000 2023"}, {"created_at": "2023-12-15T10:31:40Z"},
    {"favorite_count": "9" * 18}, {"favorite_count": "9" * 19}, {"favorite_count": "9" * 20},
    {"reply_count": "1|2"}, {"quote_count": "|"}, {"retweet_count": "+5"}, {"favorite_count": "5 "},
    {"user_id_str": "9" * 25}, {"user_id_str": "9" * 26}, {"conversation_id_str": "1" * 26},
    {"username": "a" * 51}, {"username": "a|b"}, {"username": "a b"}, {"username": "Zo\u00eb"},
    {"username": "", "url_handle": "h" * 50}, {"username": "", "url_handle": "h" * 51},
    {"tid": "1" * 25}, {"tid": "2" * 26}, {"url": "https://twitter.com/u/status/{tid}|"},
    {"url": "https://twitter.com/u|v/status/{tid}"}, {"url": "https://x.com/u/status/{tid}/photo/1"},
    {"username": "", "url": "https://twitter.com/i/web/status/{tid}"}, {"id_str": ""},
    {"full_text": "HTTPS://T.CO/ABC Http://x.y a https://a.com/https://b.com c "
                  "https://x.co/a), https://x.co/a."},
    {"full_text": "Caf\u00c3\u00a9 \u00e2\u20ac\u0153Debat\u00e2\u20ac\u009d"}, {"full_text": "N\u00c3O genuine"},
    {"full_text": "caf\u00e9 #Pemilu2024 #\u00dcBERhaus @Zo\u00eb_x @budi https://t.co/u"},
    {"full_text": "@ab. @a. @" + "b" * 70 + " #" + "c" * 120 + " #12 #a1 #A1 e@mail.com _@c @d@e @@ff"},
    {"full_text": "x\u0085y \u00a0nbsp @a #t https://t.co/v"}, {"location": " Samarinda "},
    {"image_url": " https://p/b.jpg "}, {"in_reply_to_screen_name": "someone"},
]


def _row(i: int, edge: dict) -> dict:
    tid = edge.get("tid", str(10**18 + i))
    handle = edge.get("url_handle", f"user{i}")
    r = {"": str(i), "created_at": TS, "id_str": tid, "full_text": f"teks {i} @user{i % 7} https://t.co/x{i}",
         "quote_count": "0", "reply_count": "1", "retweet_count": "2", "favorite_count": "3", "lang": "in",
         "user_id_str": str(10**17 + i), "conversation_id_str": tid, "username": f"user{i}",
         "tweet_url": edge.get("url", "https://twitter.com/{handle}/status/{tid}").format(handle=handle, tid=tid),
         "in_reply_to_screen_name": "", "image_url": "", "location": ""}
    r.update({k: v for k, v in edge.items() if k in r})
    return r


def _edge_file(path, n: int = 400, edges=EDGES):
    """Every third row with an edge case, the others ordinary."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEAD)
        w.writeheader()
        for i in range(n):
            w.writerow(_row(i, edges[i // 3 % len(edges)] if i % 3 == 0 else {}))
    return path


def _tables(files, bulk: bool, monkeypatch, stage: bool = True):
    """Every table after importing ``files`` by the bulk path or the row path only, and the
    physical order of the posts."""
    return _shared_tables(files, bulk, monkeypatch, stage=stage, order=True)


def _handed_back(path, monkeypatch, stage: bool = True) -> set[int]:
    """Row numbers the bulk path hands to the row path."""
    back = set()
    real = pipeline._write_chunk

    def spy(store, chunk, *a):
        back.update(r for r, _ in chunk.fallback)
        return real(store, chunk, *a)
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "BULK_MIN_BYTES", 0)
        if not stage:
            mp.setattr(pipeline, "STAGE_MAX_BYTES", -1)
        mp.setattr(pipeline, "_write_chunk", spy)
        ingest_paths(Store(":memory:"), [path])
    return back


@pytest.mark.parametrize("stage", [True, False])
def test_plain_case_edges_equal_row_path(tmp_path, monkeypatch, stage):
    """Counts and ids at their length limits, "|" inside cells (the plain test joins the
    cells with it), other time zones and layouts, a year 0: the bulk path stores what the
    row path stores, staged or handed over as Arrow."""
    f = _edge_file(tmp_path / "edge.csv")
    bulk, rows = _tables([f], True, monkeypatch, stage=stage), _tables([f], False, monkeypatch)
    assert bulk[0] == rows[0]
    reports = bulk[0][0]
    assert reports[0][4] > 0   # some rows quarantined (year 0, 20 digits, ...)


def test_plain_case_hands_back_what_it_cannot_vouch_for(tmp_path, monkeypatch):
    """Other offsets than +0000 and a year 0 (DuckDB reads it as 1 BC, Python refuses it)
    are the row path's; a row at the limits of the plain case stays in bulk."""
    f = _edge_file(tmp_path / "edge.csv")
    back = _handed_back(f, monkeypatch)
    first = {i + 1 for i in range(0, 400, 3)}   # data row numbers of rows with an edge case
    edge_of = {i + 1: EDGES[i // 3 % len(EDGES)] for i in range(0, 400, 3)}
    for r in first:
        e = edge_of[r]
        if e.get("created_at") in ("Fri Dec 15 10:31:40 +0700 2023", "Fri Dec 15 10:31:40 +0000 0000"):
            assert r in back
        if e in ({"favorite_count": "9" * 18}, {"user_id_str": "9" * 25}, {"tid": "1" * 25},
                 {"username": "", "url_handle": "h" * 50}):
            assert r not in back
    assert 2 not in back   # an ordinary row


def test_large_file_mode_stores_posts_in_file_order(tmp_path, monkeypatch):
    """Handed over as Arrow, batch after batch, the posts are stored in file order, the
    entities Python fills (texts with non-ASCII letters) included. (No key twice: what a key
    met in two batches counts as, and an account's handle, depend on where batches end.)"""
    f = _edge_file(tmp_path / "edge.csv", 900, [e for e in EDGES if not {"tid", "user_id_str"} & e.keys()])
    with monkeypatch.context() as mp:
        mp.setattr(lines, "ARROW_PARSE_BYTES", 8192)
        mp.setattr(lines, "ARROW_BLOCK_BYTES", 40_000)
        bulk, order = _tables([f], True, monkeypatch, stage=False)
        back = _handed_back(f, monkeypatch, stage=False)
    rows, _ = _tables([f], False, monkeypatch)
    assert bulk == rows
    numbers = [int(s[0].rsplit(":", 1)[1]) for s in order]
    # each batch's rows from the bulk path in file order, then those it handed back
    plain = [n for n in numbers if n not in back]
    assert len(plain) > 600 and plain == sorted(plain)


# pieces of texts around the entity patterns: marks, ASCII words, letters, digits and spaces
# of other scripts (Python's \w and \s take them, RE2's ASCII classes do not), emoji
PIECES = ["a", "Zx", "9", "_", ".", "&", "#", "@", "://", "http", "https", "HTTP", "Https", " ", " ", "\u00a0",
          "\u2003", "\x85", "\u00e9", "\u00dc", "\u0663", "\u00b2", "\u3192", "\U0001F600", "\u017f", ",", ")",
          "!", "?", ";", ":", "\"", "'", "<", ">", "\t", "\n", "t.co/ab", "#tag", "@user", "https://t.co/Q",
          "#12", "\u0130", "\u212a", "\u200b", "\u2028"]


@pytest.mark.parametrize("stage", [True, False])
def test_entities_of_any_text_equal_row_path(tmp_path, monkeypatch, stage):
    """Hashtags, mentions and links of texts mixing the marks with letters, digits and
    spaces of other scripts: the query leaves to Python only the lists where those can
    matter, and every list is the row path's."""
    import random
    rnd = random.Random(7)
    f = tmp_path / "texts.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=HEAD)
        w.writeheader()
        for i in range(1500):
            w.writerow(_row(i, {"full_text": "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30)))}))
    bulk, _ = _tables([f], True, monkeypatch, stage=stage)
    rows, _ = _tables([f], False, monkeypatch)
    assert bulk == rows


def _posts(rows, ords=None):
    cols = {"_row": pa.array(rows, pa.int64()),
            "hashtags": pa.array([[f"h{r}"] for r in rows], pa.list_(pa.string())),
            "mentions": pa.array([[] for _ in rows], pa.list_(pa.string())),
            "links": pa.array([None for _ in rows], pa.list_(pa.string())),
            "media_type": pa.array([None for _ in rows], pa.string()), "text": pa.array([f"t{r}" for r in rows])}
    if ords is not None:
        cols["_ord"] = pa.array(ords, pa.int32())
    return pa.table(cols)


@pytest.mark.parametrize("multi", [False, True])
def test_filled_puts_each_fill_in_its_row(multi):
    rows = [3, 5, 5, 8] if multi else [3, 5, 8, 9]
    posts = _posts(rows, [0, 0, 1, 0] if multi else None)
    posts = pa.Table.from_batches(posts.to_batches(max_chunksize=2))
    fills = pa.table({"_row": pa.array([5, 8], pa.int64()), "_o": pa.array([1 if multi else 0, 0], pa.int64()),
                      "hashtags": [["x"], ["y"]], "mentions": [["m"], []], "links": [["l"], []],
                      "media_type": ["link", "text"]})
    out = bulkmap._filled(posts, fills, multi)
    assert out.column("_row").to_pylist() == rows
    assert out.column("text").to_pylist() == posts.column("text").to_pylist()
    got = list(zip(out.column("hashtags").to_pylist(), out.column("media_type").to_pylist()))
    if multi:
        assert got == [(["h3"], None), (["h5"], None), (["x"], "link"), (["y"], "text")]
    else:
        assert got == [(["h3"], None), (["x"], "link"), (["y"], "text"), (["h9"], None)]
    assert bulkmap._filled(posts, None, multi) is posts


def test_mapped_hand_back_clears_every_item_of_a_row():
    con = duckdb.connect()
    t = pa.table({"_row": pa.array([1, 2, 2, 3], pa.int64()), "_plain": [True, True, True, False]})
    m = bulkmap._Mapped(con, t)
    try:
        m.hand_back([2])
        assert con.execute("SELECT _row FROM _bulk_out WHERE _plain").fetchall() == [(1,)]
        m.hand_back([])
        assert m.table.column("_plain").to_pylist() == [True, False, False, False]
    finally:
        m.close()
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM _bulk_out")


def test_with_cells_takes_the_batch_column():
    b = pa.table({"_row": pa.array([4, 5, 6], pa.int64()), "full_text": ["a", "b", "c"]})
    lined = pa.table({"_row": pa.array([4, 5, 6], pa.int64())})
    out = bulkmap._with_cells(lined, b, 4, {"text": "full_text"})
    assert out.column("text").to_pylist() == ["a", "b", "c"]
    # the batch's strings, not a copy
    assert out.column("text").chunks[0].buffers()[2].address == b.column("full_text").chunks[0].buffers()[2].address
    items = pa.table({"_row": pa.array([4, 6, 6], pa.int64())})   # several items per row
    assert bulkmap._with_cells(items, b, 4, {"text": "full_text"}).column("text").to_pylist() == ["a", "c", "c"]
    assert bulkmap._with_cells(lined, b, 4, None) is lined


def test_classify_into_an_empty_table_counts_keys_only():
    from suara.ingest.write import _classify
    st = Store(":memory:")
    con = st.con
    con.execute("""CREATE TEMP TABLE rel AS SELECT * FROM (VALUES ('x', '1', 3), ('x', '1', 5), ('x', '2', NULL))
                   t(platform, post_id, likes)""")
    con.execute("""CREATE TEMP VIEW rel2 AS SELECT platform, post_id, likes, NULL::BIGINT AS comments,
                   NULL::BIGINT AS shares, NULL::BIGINT AS views, NULL::BIGINT AS saves FROM rel""")
    assert _classify(con, "rel2") == (2, 2, 0)
    con.execute("INSERT INTO posts (platform, post_id, likes) VALUES ('x', '1', 4)")
    assert _classify(con, "rel2") == (2, 1, 1)


@pytest.mark.parametrize("value", ["https://t.co/a", "https://t.co/a).", "a,;:!?)", ".", "", "x)y", "\u00e9."])
def test_rtrim_sql_is_rtrim(value):
    con = duckdb.connect()
    sql = bulkmap.rtrim_sql("v", ".,;:!?)")
    assert con.execute(f"SELECT {sql} FROM (SELECT ? AS v)", [value]).fetchall()[0][0] == value.rstrip(".,;:!?)")


def test_reader_keeps_parse_blocks_as_chunks(tmp_path, monkeypatch):
    """A batch holds Arrow's parse blocks as its chunks (no copy joining them); a compressed
    file reads the same through Python's stream."""
    f = _edge_file(tmp_path / "edge.csv", 300)
    gz = tmp_path / "edge.csv.gz"
    gz.write_bytes(gzip.compress(f.read_bytes()))
    monkeypatch.setattr(lines, "ARROW_PARSE_BYTES", 4096)
    monkeypatch.setattr(lines, "ARROW_BLOCK_BYTES", 1 << 30)
    (first, batch), = list(lines.iter_csv_arrow(Source(f)))
    assert first == 1 and isinstance(batch, pa.Table) and batch.column(0).num_chunks > 1
    with f.open(encoding="utf-8", newline="") as fh:
        assert batch.to_pylist() == list(csv.DictReader(fh))
    assert [b.to_pylist() for _, b in lines.iter_csv_arrow(Source(gz))] == [batch.to_pylist()]


def test_sha256_is_the_stored_file_or_the_member(tmp_path):
    f = _edge_file(tmp_path / "edge.csv", 50)
    gz = tmp_path / "edge.csv.gz"
    gz.write_bytes(gzip.compress(f.read_bytes()))
    z = tmp_path / "a.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(f, "edge.csv")
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert pipeline._sha256(Source(f)) == digest(f)
    assert pipeline._sha256(Source(gz)) == digest(gz)
    assert pipeline._sha256(Source(z, member="edge.csv")) == digest(f)


def test_bulk_path_loads_no_pandas(tmp_path):
    """Arrow's ``to_numpy`` and ``pa.array`` load pandas (a second of start-up): the bulk path
    of a clean export, entities filled by Python included, does without."""
    f = tmp_path / "clean.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=HEAD)
        w.writeheader()
        for i in range(300):
            w.writerow(_row(i, {"full_text": f"caf\u00e9 {i} @budi https://t.co/u{i}"} if i % 2 else {}))
    code = f"""
import sys
from suara.ingest import ingest_paths, pipeline
from suara.store import Store
pipeline.BULK_MIN_BYTES = 0
pipeline.STAGE_MAX_BYTES = -1
reps = ingest_paths(Store(":memory:"), [{str(f)!r}])
assert reps[0].accepted == 300 and reps[0].quarantined == 0, reps
print("pandas" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_row_numbers_and_int64_arrays_need_no_pandas():
    assert row_numbers(3, 2).to_pylist() == [3, 4]
    assert lines.int64_array([5, 1]).to_pylist() == [5, 1]
    chunked = pa.chunked_array([pa.array([1, 2], pa.int32()), pa.array([3], pa.int32())])
    assert bulkmap._ints(chunked).tolist() == [1, 2, 3]
    assert bulkmap._ints(pa.array([], pa.int64())).tolist() == []


def test_folder_mapped_ahead_equals_one_file_at_a_time(tmp_path, monkeypatch):
    """In a folder's group each next file is detected and mapped while the one before it is
    written: with files that share posts and accounts, a file no format reads, one whose
    bulk path declines and an empty one, every report, note and table is what importing one
    file per transaction (nothing mapped ahead) gives."""
    folder = tmp_path / "exports"
    folder.mkdir()
    _edge_file(folder / "a.csv", 300)
    _edge_file(folder / "b.csv", 200)                       # the same ids as a.csv's first rows
    (folder / "c.csv").write_text("kolom,lain\n1,2\n", encoding="utf-8")   # no format reads it
    rows = (folder / "a.csv").read_text(encoding="utf-8").splitlines()
    (folder / "d.csv").write_text("\n".join(rows[:50] + ["", *rows[50:90]]) + "\n", encoding="utf-8")
    (folder / "e.csv").write_text(rows[0] + "\n", encoding="utf-8")
    _edge_file(folder / "f.csv", 120, edges=EDGES[::-1])
    ahead = []
    run = pipeline._Mapped.run

    def mapped(self, con):
        ahead.append(self.src.path.name)
        return run(self, con)

    def notes(reps):
        return [(r.file.rsplit("/", 1)[-1], r.error, r.notes) for r in reps]
    with monkeypatch.context() as mp:
        mp.setattr(pipeline._Mapped, "run", mapped)
        mp.setattr(pipeline, "BULK_MIN_BYTES", 0)
        grouped_notes = notes(ingest_paths(Store(":memory:"), [folder]))
        grouped, _ = _tables([folder], True, monkeypatch)
    assert ahead[:5] == ["b.csv", "c.csv", "d.csv", "e.csv", "f.csv"]
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "GROUP_MAX_FILES", 1)
        mp.setattr(pipeline, "BULK_MIN_BYTES", 0)
        single_notes = notes(ingest_paths(Store(":memory:"), [folder]))
        single, _ = _tables([folder], True, monkeypatch)
    assert grouped == single
    assert grouped_notes == single_notes
    assert "format not recognised" in grouped_notes[2][1]   # c.csv, detected in the thread
    assert grouped[0][0][1] > 0 and len(grouped[3]) > 0
