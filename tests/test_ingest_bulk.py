"""The bulk (vectorised) CSV paths give exactly what the row path gives: posts, accounts,
metric observations, quarantine with row and field."""
import csv

import pytest

from suara.ingest import ingest_paths, lines, pipeline
from suara.ingest.formats.x import TweetHarvestCSV
from suara.store import Store


def _tables(files, bulk: bool, monkeypatch, cls=TweetHarvestCSV, stage: bool = True, order: bool = False, **kw):
    """Every table after importing ``files`` through the bulk path (also for small files) or
    through the row path only; first and last seen as they relate to the import time.
    ``stage=False``: the bulk path of files too large to stage on the store's connection.
    ``order``: also the posts' sources in the order they are stored, as a second value."""
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "BULK_MIN_BYTES", 0)
        if not stage:
            mp.setattr(pipeline, "STAGE_MAX_BYTES", -1)
        if not bulk:
            mp.setattr(cls, "bulk", None)
        st = Store(":memory:")
        reps = ingest_paths(st, files, **kw)
    q = lambda sql: st.con.execute(sql).fetchall()  # noqa: E731
    seen = """CASE WHEN {c} = (SELECT max(ingested_at) FROM posts) THEN NULL ELSE {c} END"""
    tables = ([(r.format, r.accepted, r.updated, r.unchanged, r.quarantined, r.error) for r in reps],
              q("SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY platform, post_id"),
              q(f"SELECT * REPLACE ({seen.format(c='first_seen')} AS first_seen, {seen.format(c='last_seen')} "
                "AS last_seen) FROM accounts ORDER BY platform, account_id"),
              q("SELECT file, row, field, reason, CASE WHEN contains(raw, 'ingested_at') THEN NULL ELSE raw END "
                "FROM quarantine ORDER BY file, row"),
              q("SELECT platform, post_id, likes, comments, shares, views FROM metric_observations "
                "ORDER BY platform, post_id, observed_at"))
    return (tables, q("SELECT source FROM posts")) if order else tables


def _nasty(shared, path, delimiter=",", blank=False):
    rows = list(csv.reader((shared / "fixtures/tweet-harvest-csv/anies.csv").open(encoding="utf-8")))
    head, body = rows[0], [list(r) for r in rows[1:40]]
    col = {c: head.index(c) for c in head}
    body[1][col["id_str"]] = "1.73551E+18"              # id through a float, url intact
    body[2][col["full_text"]] = "Caf\u00c3\u00a9 \u00e2\u20ac\u0153Debat\u00e2\u20ac\u009d"  # mojibake
    body[3][col["favorite_count"]] = "1,234"            # formatted count
    body[4][col["favorite_count"]] = "banyak"           # garbage count: quarantined
    body[5][col["tweet_url"]] = ""                      # id from id_str
    body[6][col["created_at"]] = "2023-12-15T04:04:44Z"  # another time layout
    body[7][col["created_at"]] = "kemarin"              # bad time: quarantined
    body[8][col["favorite_count"]] = "9" * 20           # beyond 64 bits: quarantined
    body[9][col["username"]] = ""                       # handle from the URL
    body[10][col["full_text"]] = "dua\nbaris #PilkadaKaltim @Budi_01 https://t.co/x"
    # cells the row path reads but the plain case of the bulk path does not take
    body[11][col["favorite_count"]] = " 12 "            # blanks around a count
    body[12][col["tweet_url"]] += "?s=20"               # status URLs of other shapes
    body[13][col["tweet_url"]] = body[13][col["tweet_url"]].replace("https://", "https://mobile.")
    body[14][col["tweet_url"]] = "https://twitter.com/i/web/status/" + body[14][col["id_str"]]
    body[15][col["tweet_url"]] += "/photo/1"
    body[16][col["tweet_url"]] = body[16][col["tweet_url"]].upper()
    body[17][col["user_id_str"]] = " " + body[17][col["user_id_str"]]   # blanks around an id
    body[18][col["id_str"]] += " "
    body[19][col["username"]] = "\t" + body[19][col["username"]]      # a tab before the handle
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(head)
        for i, r in enumerate(body):
            if blank and i == 20:
                f.write("\n")
            w.writerow(r)
    return path


@pytest.mark.parametrize("variant", ["fixtures", "nasty", "semicolon", "blank-line"])
def test_ingest_bulk_equals_row_path(shared, tmp_path, monkeypatch, variant):
    fx = shared / "fixtures/tweet-harvest-csv"
    files = {"fixtures": [fx / "anies.csv", fx / "ganjar.csv"],
             "nasty": [_nasty(shared, tmp_path / "n.csv")],
             "semicolon": [_nasty(shared, tmp_path / "s.csv", delimiter=";")],
             "blank-line": [_nasty(shared, tmp_path / "b.csv", blank=True)]}[variant]
    bulk, rows = _tables(files, True, monkeypatch), _tables(files, False, monkeypatch)
    assert bulk == rows
    if variant != "fixtures":
        assert {r[2] for r in bulk[3]} == {"favorite_count", "created_at", "likes"}
        assert len(bulk[3]) == 3


@pytest.mark.parametrize("variant", ["fixtures", "nasty"])
def test_ingest_bulk_large_file_mode_equals_row_path(shared, tmp_path, monkeypatch, variant):
    """Files above STAGE_MAX_BYTES map each batch on a private connection (Arrow hand-over,
    memory bounded by a batch): the same tables as the row path and the staged mode."""
    fx = shared / "fixtures/tweet-harvest-csv"
    files = [fx / "anies.csv", fx / "ganjar.csv"] if variant == "fixtures" else [_nasty(shared, tmp_path / "n.csv")]
    big = _tables(files, True, monkeypatch, stage=False)
    assert big == _tables(files, False, monkeypatch)
    assert big == _tables(files, True, monkeypatch)


@pytest.mark.parametrize("case", ["plain", "declined", "regroup"])
def test_ingest_folder_of_small_files_commits_in_groups_with_per_file_results(shared, tmp_path, monkeypatch,
                                                                              case):
    """A folder's small files share transactions, each next file mapped while the one before
    it is written: every report and table is what one transaction per file gives. A file the bulk path declines before writing (the real
    fixtures' ragged rows, a blank line) takes the row path inside the group; one declined
    after a batch was written rolls the group back, and its files are imported again one
    transaction each."""
    fx = shared / "fixtures/tweet-harvest-csv"
    files = [fx / "anies.csv", _nasty(shared, tmp_path / "n.csv"), _nasty(shared, tmp_path / "b.csv", blank=True),
             fx / "ganjar.csv"]
    calls, ahead = [], []
    real, run = pipeline.ingest_source, pipeline._Mapped.run

    def spy(*a, grouped=False, **kw):
        calls.append(grouped)
        return real(*a, grouped=grouped, **kw)

    def mapped(self, con):
        ahead.append(self.src.path.name)
        return run(self, con)
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "ingest_source", spy)
        mp.setattr(pipeline._Mapped, "run", mapped)
        if case == "regroup":   # batches of a few rows: the blank line is met after a write
            mp.setattr(lines, "ARROW_PARSE_BYTES", 1024)
            mp.setattr(lines, "ARROW_BLOCK_BYTES", 1024)
        grouped = _tables(files, True, monkeypatch)
    if case == "regroup":
        assert calls == [True] + [False] * 4   # the first file (ragged rows) is declined after a batch
    else:
        assert calls == [True] * 4
        # each next file of the group was mapped while the one before it was written
        assert ahead == [f.name for f in files[1:]]
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "GROUP_MAX_FILES", 1)
        single = _tables(files, True, monkeypatch)
    assert grouped == single
    assert len(grouped[3]) == 6   # the two damaged files' bad rows
    assert [r[0] for r in grouped[0]] == ["tweet-harvest"] * 4


def test_ingest_bulk_joined_parse_blocks_equal_row_path(shared, tmp_path, monkeypatch):
    """Arrow parses small blocks that are joined into batches: row numbers, quarantine and
    every table stay the row path's, with batch and block boundaries anywhere in the file."""
    from suara.ingest import lines
    f = _nasty(shared, tmp_path / "n.csv")
    rowp = _tables([f], False, monkeypatch)
    for parse, batch in ((1024, 4096), (3000, 7000), (1 << 20, 1 << 20)):
        monkeypatch.setattr(lines, "ARROW_PARSE_BYTES", parse)
        monkeypatch.setattr(lines, "ARROW_BLOCK_BYTES", batch)
        firsts = [n for n, _ in lines.iter_csv_arrow(lines.Source(f))]
        assert firsts[0] == 1 and (len(firsts) > 1) == (batch < f.stat().st_size)
        assert _tables([f], True, monkeypatch) == rowp
        # files of several batches: the next batch is mapped in a thread while this one is written
        assert _tables([f], True, monkeypatch, stage=False) == rowp


def test_ingest_bulk_tweet_harvest_takes_plain_rows_in_bulk(shared, tmp_path):
    """The rows of a tweet-harvest export as the scraper writes them are mapped by the query,
    not handed back; the damaged and unusual ones are."""
    from suara.ingest.base import ImportContext, Source
    rows = list(csv.reader((shared / "fixtures/tweet-harvest-csv/anies.csv").open(encoding="utf-8")))
    f = tmp_path / "clean.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r for r in rows if len(r) == len(rows[0])])
    imp = TweetHarvestCSV()
    chunks = list(imp.bulk(Source(f), ImportContext(file=f.name), imp.name))
    assert sum(c.rows for c in chunks) > 500
    assert [r for c in chunks for r, _ in c.fallback] == []
    n = _nasty(shared, tmp_path / "n.csv")
    back = {r for c in imp.bulk(Source(n), ImportContext(file=n.name), imp.name) for r, _ in c.fallback}
    assert back == set(range(2, 10)) | set(range(12, 21))   # rows 10 and 11 are plain


def test_ingest_bulk_reimport_is_idempotent(shared):
    st = Store(":memory:")
    f = shared / "fixtures/tweet-harvest-csv/anies.csv"
    first = ingest_paths(st, [f])[0]
    again = ingest_paths(st, [f])[0]
    assert first.accepted > 500 and again.accepted == 0 and again.updated == 0
    assert again.unchanged == first.accepted


def test_ingest_bulk_observations_of_posts_new_again(shared, tmp_path, monkeypatch):
    """Posts removed from the store (erasure, retention) while their observations stay are
    new to the next import: it adds their observation at its own time, next to the old one."""
    rows = list(csv.reader((shared / "fixtures/tweet-harvest-csv/anies.csv").open(encoding="utf-8")))
    f = tmp_path / "clean.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r for r in rows if len(r) == len(rows[0])])
    monkeypatch.setattr(pipeline, "BULK_MIN_BYTES", 0)
    st = Store(":memory:")
    first = ingest_paths(st, [f])[0]
    st.con.execute("DELETE FROM posts")
    again = ingest_paths(st, [f])[0]
    assert again.error is None and again.accepted == first.accepted > 500
    per_post = st.con.execute("SELECT DISTINCT count(*) FROM metric_observations GROUP BY platform, post_id").fetchall()
    assert per_post == [(2,)]


def test_ingest_bulk_duplicate_ids_keep_first_values_and_leave_no_staging(shared, tmp_path, monkeypatch):
    """A post met twice in a file keeps the values of its first row on both paths (the merge
    is ordered by row, not by scan order), and the bulk path's staging relations are gone."""
    rows = list(csv.reader((shared / "fixtures/tweet-harvest-csv/anies.csv").open(encoding="utf-8")))
    head = rows[0]
    body = [list(r) for r in rows[1:] if len(r) == len(head)][:300]
    col = {c: head.index(c) for c in head}
    for i in range(0, 200, 2):            # every even row reappears later with other text
        dup = list(body[i])
        dup[col["full_text"]] = f"salinan {i}"
        dup[col["favorite_count"]] = str(int(body[i][col["favorite_count"]] or 0) + 1)
        body.append(dup)
    f = tmp_path / "dup.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([head, *body])
    bulk, rowp = _tables([f], True, monkeypatch), _tables([f], False, monkeypatch)
    assert bulk == rowp
    assert not any((t or "").startswith("salinan") for t in (p[7] for p in bulk[1]))
    with monkeypatch.context() as mp:
        mp.setattr(pipeline, "BULK_MIN_BYTES", 0)
        st = Store(":memory:")
        ingest_paths(st, [f])
    left = st.con.execute("""SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL
                             SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal""").fetchall()
    assert left == []


def test_ingest_bulk_entity_patterns_match_python():
    """The RE2 entity patterns of the bulk path find exactly what the Python ones find, on
    every text the bulk path gives them (no non-ASCII letters, digits or spaces)."""
    import random

    import duckdb
    import pyarrow as pa

    from suara.ingest.base import extract_hashtags, extract_links, extract_mentions
    from suara.ingest.bulkmap import clean_sql, entity_sql, mentions_sql
    rnd = random.Random(7)
    alphabet = list("aZ09_&.#@:/ ,;!?)\t\n\"'<>-") + ["http://", "HTTPS://", "\U0001F600", "\u00e9", "\u00a0", "\x1c"]
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(5000)]
    con = duckdb.connect()
    con.execute("CREATE MACRO _dd(l) AS list_filter(l, lambda x, i: list_position(l, x) = i)")
    con.register("t", pa.table({"i": range(len(texts)), "text": texts}))
    ent = entity_sql("text")   # the SQL the bulk queries use, list cleaning included
    rows = con.sql(f"""SELECT i, _uni, {ent['hashtags']}, {ent['mentions']}, {ent['links']}
        FROM (SELECT i, {ent['_uni']} AS _uni, {ent['_h']} AS _h, {ent['_m']} AS _m, {ent['_l']} AS _l FROM t)
        ORDER BY i""").fetchall()
    assert any(uni for _, uni, *_ in rows)   # texts with non-ASCII letters are left to Python
    checked = [(texts[i], (h, m, lk)) for i, uni, h, m, lk in rows if not uni]
    assert len(checked) > 1000
    for t, got in checked:
        assert got == (extract_hashtags(t), extract_mentions(t), extract_links(t)), repr(t)
    # the mentions of tweet-harvest's query: split at "@" instead of the regex search (on
    # these texts and on texts dense in "@" and handle characters)
    texts += ["".join(rnd.choice(list("aZ9_..@@@ \n-") + ["\U0001F600", "\u0600", "\u0301"])
                      for _ in range(rnd.randint(0, 70))) for _ in range(5000)]
    con.register("t2", pa.table({"i": range(len(texts)), "text": texts}))
    split = con.sql(f"""SELECT i, {ent['_uni']}, {clean_sql('_h', '_m', '_l')['mentions']}
        FROM (SELECT i, text, NULL AS _h, NULL AS _l, {mentions_sql('text', '_at')} AS _m
              FROM (SELECT i, text, string_split(text, '@') AS _at FROM t2)) ORDER BY i""").fetchall()
    assert sum(len(m) for _, uni, m in split if not uni) > 2000
    for i, uni, m in split:
        if not uni:
            assert m == extract_mentions(texts[i]), repr(texts[i])


# --- generic CSV with a column mapping ------------------------------------------------------
GENERIC_MAP = {"platform": "x", "timezone": "Asia/Makassar",
               "columns": {"url": "tautan", "created_at": "tanggal", "handle": "akun", "display_name": "nama",
                           "text": "isi", "likes": "suka", "shares": "bagikan"}}


def _generic_rows(n=300):
    rows = [["15/11/2024 20:30" if i % 3 else "2024-11-15 20:30:05", f"akun{i % 40}", f"Nama {i % 7}" if i % 5 else "",
             f"Debat Pilgub Kaltim #Gratispol @Budi_{i % 9} https://t.co/x{i} {i}", str(i % 900), str(i % 4) if i % 6 else "",
             f"https://x.com/akun{i % 40}/status/{10**18 + i}"] for i in range(n)]
    rows[3][4] = "banyak"                          # garbage count: quarantined
    rows[4][4] = "1.234"                           # formatted count: the row path reads it
    rows[5][0] = "kemarin"                         # bad time: quarantined
    rows[6][0] = "2024-11-15T20:30:00Z"            # another layout
    rows[7][1] = " akun1"                          # blanks around a handle shared with plain rows
    rows[8][3] = "Caf\u00c3\u00a9 \u00e2\u20ac\u0153Debat\u00e2\u20ac\u009d"   # mojibake
    rows[9][6] = "https://x.com/akun9/posts/77"    # id from another URL shape
    rows[10][6] = rows[11][6]                      # the same post twice
    rows[12][3] = ""                               # no text
    rows[13][3] = "Pemilu d\u00e9bat #Kaltim\u00e9 @\u00e9t\u00e9 #ok"   # non-ASCII letters
    rows[14][4] = "9" * 20                         # beyond 64 bits: quarantined
    rows[15][0] = "31/02/2024 10:00"               # no such day: quarantined
    rows[16][0] = "05/13/2024 10:00"               # month first, as the row path reads it
    rows[17][6] = ""                               # no id at all: quarantined
    return rows


def _write(path, head, rows, delimiter=";"):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(head)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("variant", ["plain", "nasty", "columns"])
def test_ingest_bulk_generic_equals_row_path(tmp_path, monkeypatch, variant):
    from suara.ingest.formats.generic import GenericMapped
    head = ["tanggal", "akun", "nama", "isi", "suka", "bagikan", "tautan"]
    mapping = GENERIC_MAP
    if variant == "plain":
        rows = _generic_rows()[20:]
    elif variant == "nasty":
        rows = _generic_rows()
    else:   # ids, platform, kind, lists, booleans and account fields from columns; defaults
        rows = [r + [str(10**17 + i) if i != 21 else "", ["twitter", "x", "X", "tiktok", "ig ", "myspace"][i % 6],
                     "reply" if i % 7 == 0 else ("bogus" if i == 30 else ""), "#A, b c" if i % 4 == 0 else "",
                     ["ya", "0", "TRUE", "", "mungkin"][i % 5], str(i * 10) if i != 33 else "1,5 rb",
                     "2024-11-16 08:00" if i % 2 else ""]
                for i, r in enumerate(_generic_rows())]
        head = head + ["tid", "situs", "jenis", "tagar", "iklan", "pengikut", "diamati"]
        mapping = {"platform_column": "situs", "timezone": "Asia/Jakarta",
                   "columns": {**GENERIC_MAP["columns"], "post_id": "tid", "kind": "jenis", "hashtags": "tagar",
                               "is_paid": "iklan", "followers": "pengikut", "observed_at": "diamati",
                               "account_id": "akun"},
                   "defaults": {"bio": "Warga Kaltim", "views": "5"}}
    f = _write(tmp_path / "g.csv", head, rows)
    kw = {"fmt": "generic", "mapping": mapping}
    bulk = _tables([f], True, monkeypatch, cls=GenericMapped, **kw)
    rows_ = _tables([f], False, monkeypatch, cls=GenericMapped, **kw)
    assert bulk == rows_
    assert bulk[0][0][1] > 150
    if variant == "nasty":
        assert {(q[1], q[2]) for q in bulk[3]} == {(4, "likes (suka)"), (6, "created_at (tanggal)"),
                                                  (15, "likes"), (16, "created_at (tanggal)"),
                                                  (18, "post_id (tautan)")}


def test_ingest_bulk_generic_takes_plain_rows_in_bulk(tmp_path):
    """The plain rows of a mapped CSV are mapped by the query, not handed back."""
    from suara.ingest.base import ImportContext, Source
    from suara.ingest.formats.generic import GenericMapped
    f = _write(tmp_path / "g.csv", ["tanggal", "akun", "nama", "isi", "suka", "bagikan", "tautan"], _generic_rows())
    chunks = list(GenericMapped().bulk(Source(f), ImportContext(file=str(f), mapping=GENERIC_MAP), "generic"))
    back = {r for c in chunks for r, _ in c.fallback}
    assert sum(c.posts.num_rows for c in chunks) > 200   # rows sharing an account with an odd row go back too
    assert {4, 5, 6, 7, 9, 10, 15, 16, 17, 18} <= back and len(back) < 80


# --- CrowdTangle dashboard CSV ------------------------------------------------------------------
def _crowdtangle(shared, path, n=80, zone="WIB", nasty=False):
    src = shared / "fixtures/crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv"
    rows = list(csv.reader(src.open(encoding="utf-8-sig", newline="")))
    head, body = rows[0], rows[1:]
    col = {c: head.index(c) for c in head}
    out = []
    for i in range(n):
        r = list(body[i % len(body)])
        page = r[col["Facebook Id"]]
        r[col["URL"]] = f"https://www.facebook.com/{page}/posts/{10**14 + i}"
        r[col["Post Created"]] = r[col["Post Created"]].replace(" BRT", f" {zone}")
        out.append(r)
    if nasty:
        out[1][col["Comments"]] = "banyak"                               # quarantined
        out[2][col["Shares"]] = "1,4"                                    # formatted: the row path reads it
        out[3][col["Post Created"]] = "2021-07-05 18:02:45 BRT"          # a zone with summer time
        out[4][col["Post Created"]] = "2021-07-05 18:02:45 XYZ"          # an unknown zone: UTC
        out[5][col["Post Created"]] = ""                                 # from date and time columns
        out[6][col["URL"]] = "https://www.facebook.com/story.php?story_fbid=1234567&id=1"
        out[7][col["URL"]] = "https://www.facebook.com/nowhere"          # no id: quarantined
        out[8][col["Message"]] = "  Debat #Pilkada \u00e9lection https://t.co/a\n"
        out[8][col["Link"]] = out[8][col["Final Link"]] = "https://t.co/a"
        out[9][col["Type"]] = "Live Video Complete"
        out[10][col["Sponsor Name"]] = "Partai"
        out[11][col["Love"]] = "9" * 18                                  # a sum beyond 64 bits
        out[12][col["Page Created"]] = "kemarin"                         # quarantined
        out[13][col["Message"]] = "Caf\u00c3\u00a9"                      # mojibake
        out[14][col["Total Views"]] = "0"
        out[14][col["Type"]] = "Native Video"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(out)
    return path


@pytest.mark.parametrize("variant", ["fixture", "wib", "nasty", "timezone"])
def test_ingest_bulk_crowdtangle_equals_row_path(shared, tmp_path, monkeypatch, variant):
    from suara.ingest.formats.crowdtangle import CrowdTangleCSV
    fx = shared / "fixtures/crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv"
    files = [fx] if variant == "fixture" else [_crowdtangle(shared, tmp_path / "ct.csv", nasty=variant == "nasty")]
    kw = {"timezone": "Asia/Makassar"} if variant == "timezone" else {}
    bulk = _tables(files, True, monkeypatch, cls=CrowdTangleCSV, **kw)
    rows = _tables(files, False, monkeypatch, cls=CrowdTangleCSV, **kw)
    assert bulk == rows
    if variant == "nasty":
        assert {(q[1], q[2]) for q in bulk[3]} >= {(2, "Comments"), (8, "URL"), (13, "Page Created")}


def test_ingest_bulk_crowdtangle_takes_plain_rows_in_bulk(shared, tmp_path):
    from suara.ingest.base import ImportContext, Source
    from suara.ingest.formats.crowdtangle import CrowdTangleCSV
    f = _crowdtangle(shared, tmp_path / "ct.csv", n=200)
    chunks = list(CrowdTangleCSV().bulk(Source(f), ImportContext(file=str(f)), "crowdtangle-csv"))
    assert sum(c.posts.num_rows for c in chunks) > 100


def test_ingest_records_the_hash_computed_alongside(shared, tmp_path):
    """The file's SHA-256 (hashed in a thread while the rows are written) is the one recorded."""
    import hashlib
    f = shared / "fixtures/tweet-harvest-csv/anies.csv"
    st = Store(":memory:")
    rep = ingest_paths(st, [f])[0]
    got = st.con.execute("SELECT sha256 FROM imports WHERE import_id = ?", [rep.import_id]).fetchall()
    assert got == [(hashlib.sha256(f.read_bytes()).hexdigest(),)]


def test_repair_mojibake_mixed_encodings_match_the_byte_per_char_rule():
    """Text re-encoded through cp1252 where cp1252 has no character (0x81, 0x8d, 0x8f, 0x90,
    0x9d become latin-1's) is repaired byte per char: latin-1 below 256, else cp1252."""
    import random

    from suara.ingest.base import _MOJIBAKE_MARKS, repair_mojibake

    def rule(text):   # the definition, one character at a time
        if not any(m in text for m in _MOJIBAKE_MARKS):
            return text
        for enc in ("cp1252", "latin-1"):
            try:
                return text.encode(enc).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        try:
            return bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in text).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError, ValueError):
            return text

    def through_cp1252(s):
        out = []
        for b in s.encode("utf-8"):
            try:
                out.append(bytes([b]).decode("cp1252"))
            except UnicodeDecodeError:
                out.append(chr(b))
        return "".join(out)

    assert repair_mojibake(through_cp1252("Ý€")) == "Ý€"           # needs both rules
    assert repair_mojibake("\u00c3\x9d\u4e2d") == "\u00c3\x9d\u4e2d"  # not cp1252 either: kept
    rnd = random.Random(7)
    words = ["café", "“Debat”", "NÃO", "😀", "Ý", "Á", "Í", "Ï", "Ð", "—", "\u4e2d", "\x81", "Ã", "â€"]
    for _ in range(3000):
        t = "".join(through_cp1252(w) if rnd.random() < 0.5 else w for w in rnd.choices(words, k=rnd.randint(1, 5)))
        assert repair_mojibake(t) == rule(t), repr(t)


def test_bulk_rows_reach_the_writer_in_file_order_checked_not_assumed():
    """The mapped batch is read back without a sort when its row numbers are in file order;
    the check that decides it catches any other order (then the batch is sorted)."""
    import pyarrow as pa

    from suara.ingest.bulkmap import _in_file_order
    assert _in_file_order(pa.table({"_row": [1, 2, 5]}), False)
    assert not _in_file_order(pa.table({"_row": [1, 5, 2]}), False)
    assert not _in_file_order(pa.table({"_row": [1, 1]}), False)     # a row twice: not one order
    assert _in_file_order(pa.table({"_row": [1, 1, 2], "_ord": [0, 1, 0]}), True)
    assert not _in_file_order(pa.table({"_row": [1, 1, 2], "_ord": [1, 0, 0]}), True)
    assert _in_file_order(pa.table({"_row": pa.array([], pa.int64())}), False)
