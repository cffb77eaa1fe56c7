"""Threads (Zeeschuimer, Apify), Apify X and YouTube, spreadsheets (Apify CSV/XLSX, Meta
Content Library CSV, XLSX through the generic mapping)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from suara.ingest.formats.tables import unflatten
from suara.ingest.pipeline import ingest_paths
from suara.store import Store

DATA = Path(__file__).parent / "data"


def _load(*paths, **kw):
    st = Store(":memory:")
    return st, ingest_paths(st, [str(p) for p in paths], **kw)


def _none(v):
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime()
    try:
        return None if v is None or v != v else v
    except (TypeError, ValueError):   # pandas.NA
        return None


def _rows(st, sql):
    df = st.sql(sql).astype(object)
    return [tuple(_none(v) for v in r) for r in df.itertuples(index=False)]


def test_ingest_sheets_zeeschuimer_threads():
    st, (rep,) = _load(DATA / "social" / "zeeschuimer-threads.ndjson")
    assert rep.format == "zeeschuimer" and rep.accepted == 3 and rep.quarantined == 1   # linkedin item
    rows = _rows(st, "SELECT post_id, account_id, kind, media_type, likes, comments, shares, url FROM posts "
                     "WHERE platform = 'threads' ORDER BY post_id")
    assert rows == [
        ("DCk1ThrAaa1", "kaltim.pemilu.contoh", "post", "photo", 412, 37, 12,
         "https://www.threads.net/@kaltim.pemilu.contoh/post/DCk1ThrAaa1"),
        ("DCk1ThrAaa2", "warga.samarinda", "reply", "text", 5, 0, 0,
         "https://www.threads.net/@warga.samarinda/post/DCk1ThrAaa2"),
        ("DCk1ThrAaa3", "warga.samarinda", "post", "link", 2, 1, 0,
         "https://www.threads.net/@warga.samarinda/post/DCk1ThrAaa3"),
    ]
    assert list(st.sql("SELECT links FROM posts WHERE post_id = 'DCk1ThrAaa3'").links[0]) == ["https://cekfakta.com/1"]
    assert st.sql("SELECT created_at FROM posts WHERE post_id = 'DCk1ThrAaa1'").created_at[0] == dt.datetime(2024, 11, 20, 5, 0)
    assert st.sql("SELECT verified FROM accounts WHERE account_id = 'kaltim.pemilu.contoh'").verified[0]


def test_ingest_sheets_apify_x_youtube_threads():
    st, reps = _load(DATA / "social" / "apify-tweets.json", DATA / "social" / "apify-youtube.json",
                     DATA / "social" / "apify-threads.json")
    assert [(r.format, r.accepted, r.quarantined) for r in reps] == [("apify", 2, 1), ("apify", 3, 0), ("apify", 2, 0)]
    x = _rows(st, "SELECT post_id, account_id, kind, parent_id, likes, comments, shares, views, saves, created_at "
                  "FROM posts WHERE platform = 'x' ORDER BY post_id")
    assert x == [("1859000000000000101", "1400000000000000001", "post", None, 120, 4, 17, 5400, 3,
                  dt.datetime(2024, 11, 20, 11, 30)),
                 ("1859000000000000102", "1400000000000000002", "reply", "1859000000000000101", 1, 0, 0, 40, None,
                  dt.datetime(2024, 11, 20, 11, 35))]
    assert "id stored as a float" in st.sql("SELECT reason FROM quarantine").reason[0]
    acc = st.sql("SELECT handle, followers, verified, location_text FROM accounts WHERE account_id = '1400000000000000001'").iloc[0]
    assert (acc.handle, acc.followers, acc.verified, acc.location_text) == ("kaltim_contoh", 25000, True, "Samarinda")
    yt = _rows(st, "SELECT post_id, account_id, kind, parent_id, root_id, likes, comments, views FROM posts "
                   "WHERE platform = 'youtube' ORDER BY post_id")
    assert yt == [("AbCdEfGhIjK", "UCcontoh000000000000001", "post", None, None, 1200, 340, 54000),
                  ("UgzCONTOH1", "@wargakaltim", "comment", "AbCdEfGhIjK", "AbCdEfGhIjK", 25, 2, None),
                  ("UgzCONTOH1.reply1", "@pemilihmuda", "reply", "UgzCONTOH1", "AbCdEfGhIjK", 3, 0, None)]
    th = _rows(st, "SELECT post_id, account_id, media_type, likes, comments, shares FROM posts "
                   "WHERE platform = 'threads' ORDER BY post_id")
    assert th == [("DCk1ThrBbb1", "kaltim.pemilu.contoh", "video", 90, 8, 3),
                  ("DCk1ThrBbb2", "warga.bpn", "text", 4, 1, 0)]


def test_ingest_sheets_apify_csv_and_xlsx_match_the_json():
    """The same Apify dataset as JSON, CSV and XLSX imports to the same rows."""
    cols = "platform, post_id, account_id, created_at, kind, parent_id, text, media_type, likes, comments, views, is_paid"
    out = []
    for f in (DATA / "ingest_b" / "apify" / "instagram_posts.json", DATA / "sheets" / "apify-instagram-posts.csv",
              DATA / "sheets" / "apify-instagram-posts.xlsx"):
        st, (rep,) = _load(f)
        out.append((rep.accepted, rep.quarantined, _rows(st, f"SELECT {cols} FROM posts ORDER BY post_id"),
                    sorted(st.sql("SELECT field FROM quarantine").field)))
    assert out[0][2] and out[0] == out[1] == out[2]
    assert out[1][3] == out[0][3]


def test_ingest_sheets_content_library_csv():
    st, (rep,) = _load(DATA / "sheets" / "content-library-facebook.csv")
    assert rep.format == "content-library-csv" and rep.accepted == 2 and rep.quarantined == 1
    rows = _rows(st, "SELECT post_id, account_id, media_type, likes, comments, shares, views, is_paid, text FROM posts ORDER BY post_id")
    assert rows == [("1098765432101234", "100064000000001", "photo", 540, 80, 45, 12000, False,
                     "Jadwal debat publik Pilgub Kaltim 2024\n#DebatPilgubKaltim"),
                    ("1098765432105678", "100064000000002", "text", 12, 3, 0, None, True,
                     "Iklan berbayar: pilih calon nomor urut 1!")]
    assert st.sql("SELECT row, field FROM quarantine").values.tolist() == [[3, "id"]]


def test_ingest_sheets_generic_mapping_reads_xlsx():
    m = yaml.safe_load((DATA / "sheets" / "pantauan-manual.yaml").read_text())
    st, (rep,) = _load(DATA / "sheets" / "pantauan-manual.xlsx", mapping=m)
    assert rep.format == "generic" and rep.accepted == 2 and rep.quarantined == 0
    rows = _rows(st, "SELECT post_id, account_id, created_at, likes, hashtags FROM posts ORDER BY post_id")
    assert [r[:4] for r in rows] == [("1859000000000000001", "relawan_smd", dt.datetime(2024, 11, 20, 11, 30), 120),
                                     ("1859000000000000002", "warga_bpn", dt.datetime(2024, 11, 21, 0, 0), 15)]
    assert rows[0][4] == ["kaltim2024"]


def test_ingest_sheets_unflatten_keeps_text_cells_as_text():
    assert unflatten({"text": "[1]", "multimedia": '[{"type": "photo"}]', "a/1/b": "x"}, "/") == \
        {"text": "[1]", "multimedia": [{"type": "photo"}], "a": [{"b": "x"}]}


def test_ingest_sheets_unflatten_takes_only_ascii_digits_as_numbers():
    """Unicode digits such as "³" count as digits to ``str.isdigit`` but not to ``int``: a
    cell or a column path holding one stays text instead of stopping the import (found by
    the fuzz target ``tables``)."""
    assert unflatten({"likes": "-62135596³800", "a/³/b": "x", "n": "-12"}, "/") == \
        {"likes": "-62135596³800", "a": {"³": {"b": "x"}}, "n": -12}


def test_ingest_sheets_damaged_xlsx_is_unreadable_with_a_clear_line(tmp_path):
    f = tmp_path / "rusak.xlsx"
    f.write_bytes(b"PK\x03\x04 not really a workbook")
    st, (rep,) = _load(f)
    assert rep.error and "rusak.xlsx" in rep.error


def test_ingest_sheets_password_protected_xlsx_is_unreadable_with_a_clear_line(tmp_path):
    """A workbook whose parts are flagged as encrypted (zipfile wants a password) is one
    clear error line, not a crash."""
    import zipfile
    data = bytearray((DATA / "sheets" / "pantauan-manual.xlsx").read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:   # central directory: flag bit 0
        data[at + 8] |= 1
        at += 4
    f = tmp_path / "terkunci.xlsx"
    f.write_bytes(bytes(data))
    with pytest.raises(RuntimeError):
        zipfile.ZipFile(f).read(zipfile.ZipFile(f).namelist()[0])
    st, (rep,) = _load(f)
    assert rep.error and "terkunci.xlsx" in rep.error and rep.accepted == 0
