"""The bulk (vectorised) CSV path gives exactly what the row path gives: posts, accounts,
metric observations, quarantine with row and field."""
import csv

import pytest

from suara.ingest import ingest_paths
from suara.ingest.formats.x import TweetHarvestCSV
from suara.store import Store


def _tables(files, bulk: bool, monkeypatch):
    if not bulk:
        monkeypatch.setattr(TweetHarvestCSV, "bulk", None)
    st = Store(":memory:")
    reps = ingest_paths(st, files)
    monkeypatch.undo()
    q = lambda sql: st.con.execute(sql).fetchall()  # noqa: E731
    return ([(r.format, r.accepted, r.updated, r.quarantined, r.accounts) for r in reps],
            q("SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY post_id"),
            q("SELECT * FROM accounts ORDER BY account_id"),
            q("SELECT file, row, field, reason FROM quarantine ORDER BY file, row"),
            q("SELECT post_id, likes, comments, shares FROM metric_observations ORDER BY post_id"))


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


def test_ingest_bulk_reimport_is_idempotent(shared):
    st = Store(":memory:")
    f = shared / "fixtures/tweet-harvest-csv/anies.csv"
    first = ingest_paths(st, [f])[0]
    again = ingest_paths(st, [f])[0]
    assert first.accepted > 500 and again.accepted == 0 and again.updated == 0
    assert again.unchanged == first.accepted


def test_ingest_bulk_entity_patterns_match_python():
    """The RE2 entity patterns of the bulk path find exactly what the Python ones find, on
    every text the bulk path gives them (no non-ASCII letters, digits or spaces)."""
    import random

    import duckdb
    import pyarrow as pa

    from suara.ingest.base import extract_hashtags, extract_links, extract_mentions
    from suara.ingest.formats import x as X
    rnd = random.Random(7)
    alphabet = list("aZ09_&.#@:/ ,;!?)\t\n\"'<>-") + ["http://", "HTTPS://", "\U0001F600", "\u00e9", "\u00a0", "\x1c"]
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(5000)]
    con = duckdb.connect()
    con.execute("CREATE MACRO _dd(l) AS list_filter(l, lambda x, i: list_position(l, x) = i)")
    con.register("t", pa.table({"i": range(len(texts)), "text": texts}))
    rows = con.sql(f"""SELECT i, regexp_matches(text, '{X._NON_ASCII_WORD_RE2}'),
        _dd(list_transform(list_filter(regexp_extract_all(text, '{X._HASHTAG_RE2}', 1),
                                       lambda h: NOT regexp_full_match(h, '[0-9]+')), lambda h: lower(h))),
        _dd(list_transform(regexp_extract_all(text, '{X._MENTION_RE2}', 1), lambda h: lower(h))),
        _dd(list_transform(regexp_extract_all(text, '{X._LINK_RE2}'), lambda u: rtrim(u, '.,;:!?)')))
        FROM t ORDER BY i""").fetchall()
    checked = [(texts[i], (h, m, lk)) for i, uni, h, m, lk in rows if not uni]
    assert len(checked) > 1000
    for t, got in checked:
        assert got == (extract_hashtags(t), extract_mentions(t), extract_links(t)), repr(t)
