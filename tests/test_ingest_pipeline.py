"""Ingest pipeline on bad input: every case of issue 3's "Bad input" list, idempotence,
rollback of an interrupted import, overlapping newer exports, compressed inputs and folders."""
from __future__ import annotations

import gzip
import json
import lzma
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from suara.ingest import base, pipeline, registry
from suara.ingest.pipeline import ingest_paths
from suara.store import Store

OWN = Path(__file__).parent / "data" / "ingest"


def tt(i: int, likes: int = 5, collected: int = 1732665600000, **extra) -> dict:
    """A Zeeschuimer TikTok item (the real envelope and web-API shape, trimmed)."""
    data = {"id": str(7441000000000000000 + i), "desc": f"Video {i} #Gratispol", "createTime": 1732600000 + i,
            "author": {"id": str(6900000000000000000 + i % 3), "uniqueId": f"akun{i % 3}", "nickname": "A"},
            "authorStats": {"followerCount": 100 + i, "followingCount": 5, "videoCount": 9},
            "stats": {"diggCount": likes, "shareCount": 1, "commentCount": 2, "playCount": 90, "collectCount": 0}}
    data.update(extra)
    return {"nav_index": "1:1:0", "item_id": data["id"], "timestamp_collected": collected,
            "source_platform": "tiktok.com", "source_url": "https://www.tiktok.com/api/search/item/full/",
            "data": data}


def _cp1252_char(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


def ndjson(path: Path, recs, raw_lines: list[bytes] = ()) -> Path:
    body = b"".join(json.dumps(r).encode() + b"\n" for r in recs) + b"".join(raw_lines)
    path.write_bytes(body)
    return path


def load(st: Store, *paths, **kw):
    return ingest_paths(st, [str(p) for p in paths], **kw)


@pytest.fixture
def st():
    s = Store(":memory:")
    yield s
    s.close()


def q(st: Store):
    return st.sql("select file, row, field, reason, raw from quarantine order by row")


def n(st: Store, table: str) -> int:
    return int(st.sql(f"select count(*) n from {table}").n[0])


def test_ingest_pipeline_truncated_line_keeps_good_rows(st, tmp_path):
    f = ndjson(tmp_path / "z.ndjson", [tt(1), tt(2)], [json.dumps(tt(3)).encode()[:120]])   # cut mid-record
    (rep,) = load(st, f)
    assert rep.format == "zeeschuimer" and rep.accepted == 2 and rep.quarantined == 1
    bad = q(st).iloc[0]
    assert bad.file == str(f) and bad.row == 3 and bad.field == "(line)" and "invalid JSON" in bad.reason
    assert bad.raw.startswith('{"nav_index"')          # the broken text is kept for inspection


def test_ingest_pipeline_wrong_types_name_the_field(st, tmp_path):
    recs = [tt(1), tt(2, likes="banyak"), tt(3, createTime="kemarin"), tt(4, stats=[1, 2]), tt(5)]
    recs.append({"source_platform": "tiktok.com", "timestamp_collected": "x", "data": tt(6)["data"]})
    recs.append(["not", "an", "object"])
    (rep,) = load(st, ndjson(tmp_path / "z.ndjson", recs))
    assert rep.accepted == 3 and rep.quarantined == 4   # tt(4): a list for stats = no counts, still kept
    got = {r.row: (r.field, r.reason) for r in q(st).itertuples()}
    assert got[2][0] == "data.stats.diggCount" and "banyak" in got[2][1]
    assert got[3][0] == "data.createTime" and "kemarin" in got[3][1]
    assert got[6][0] == "timestamp_collected"
    assert got[7] == ("(record)", "not a JSON object")


def test_ingest_pipeline_missing_ids(st, tmp_path):
    a = tt(1)
    del a["data"]["id"]
    (rep,) = load(st, ndjson(tmp_path / "z.ndjson", [a, tt(2)]))
    assert rep.accepted == 1 and q(st).field.tolist() == ["data.id"]
    f = tmp_path / "th.csv"
    f.write_text("created_at,id_str,full_text,tweet_url,username\n"
                 "Fri Nov 15 13:00:00 +0000 2024,,teks tanpa id,,warga\n"
                 "Fri Nov 15 13:00:00 +0000 2024,1857500000000000001,ok,https://x.com/w/status/1857500000000000001,w\n")
    (rep,) = load(st, f)
    assert rep.format == "tweet-harvest" and rep.accepted == 1 and rep.quarantined == 1
    assert "id" in q(st).field.iloc[-1]


def test_ingest_pipeline_duplicate_ids_within_file(st, tmp_path):
    (rep,) = load(st, ndjson(tmp_path / "z.ndjson", [tt(1, likes=5), tt(1, likes=9), tt(1, likes=7)]))
    assert rep.accepted == 1 and rep.quarantined == 0
    assert st.sql("select likes from posts").likes.tolist() == [9]
    assert n(st, "metric_observations") == 1


def test_ingest_pipeline_latin1_mojibake_and_bom(st, tmp_path):
    # a cp1252 CSV (Excel on Windows), with a BOM-less header and a curly quote / e-acute
    f = tmp_path / "th.csv"
    f.write_bytes(("created_at,id_str,full_text,tweet_url,username\n"
                   "Fri Nov 15 13:00:00 +0000 2024,1857500000000000009,\u201cDebat\u201d di caf\u00e9 Balikpapan,"
                   "https://x.com/w/status/1857500000000000009,w\n").encode("cp1252"))
    # NDJSON with a BOM, one UTF-8 line and one latin-1 line
    g = tmp_path / "z.ndjson"
    g.write_bytes(b"\xef\xbb\xbf" + json.dumps(tt(1)).encode() + b"\n"
                  + json.dumps(tt(2, desc="Caf\u00e9 Samarinda"), ensure_ascii=False).encode("latin-1") + b"\n")
    # a UTF-8 CSV with a BOM
    h = tmp_path / "bom.csv"
    h.write_bytes(b"\xef\xbb\xbf" + (OWN / "tweet-harvest-wita.csv").read_bytes())
    reps = load(st, f, g, h)
    assert [r.format for r in reps] == ["tweet-harvest", "zeeschuimer", "tweet-harvest"]
    assert [r.accepted for r in reps] == [1, 2, 2] and sum(r.quarantined for r in reps) == 0
    texts = st.sql("select post_id, text from posts").set_index("post_id").text
    assert texts["1857500000000000009"] == "\u201cDebat\u201d di caf\u00e9 Balikpapan"
    assert texts["7441000000000000002"] == "Caf\u00e9 Samarinda"
    # mojibake: UTF-8 read as cp1252 and saved again as UTF-8 (an Excel round trip) is repaired
    m = tmp_path / "moji.csv"
    # Windows maps the five bytes cp1252 leaves undefined (e.g. 0x9d) to the same code point
    broken = "".join(_cp1252_char(b) for b in "\u201cDebat\u201d di caf\u00e9 Samarinda, NÃO".encode("utf-8"))
    m.write_text("created_at,id_str,full_text,tweet_url,username\n"
                 f'Fri Nov 15 13:00:00 +0000 2024,1857500000000000010,"{broken}",'
                 "https://x.com/w/status/1857500000000000010,w\n", encoding="utf-8")
    (rep,) = load(st, m)
    assert rep.accepted == 1
    fixed = st.sql("select text from posts where post_id='1857500000000000010'").text[0]
    assert fixed == "\u201cDebat\u201d di caf\u00e9 Samarinda, NÃO", fixed


def test_ingest_pipeline_binary_garbage(st, tmp_path):
    f = tmp_path / "dump.json"
    f.write_bytes(os.urandom(3000) + b"\x00" * 50)
    (rep,) = load(st, f)
    assert rep.error and str(f) in rep.error and ("binary" in rep.error or "not recognised" in rep.error)
    # forced onto the wrong format: every line quarantined, nothing crashes
    (rep,) = load(st, f, fmt="zeeschuimer")
    assert rep.error is None and rep.accepted == 0 and rep.quarantined >= 1
    g = tmp_path / "fake.ndjson.gz"
    g.write_bytes(b"this is not gzip at all\n")
    (rep,) = load(st, g)
    assert rep.error and "fake.ndjson.gz" in rep.error
    assert n(st, "posts") == 0


def test_ingest_pipeline_zip_bomb_capped(st, tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MAX_DECOMPRESSED_BYTES", 200_000)
    good = b"".join(json.dumps(tt(i)).encode() + b"\n" for i in range(20))
    bomb = good + b" " * 50_000_000 + b"\n"                    # compresses to ~50 KB
    gz = tmp_path / "bomb.ndjson.gz"
    gz.write_bytes(gzip.compress(bomb, 9))
    zp = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("items.ndjson", bomb)
    reps = load(st, gz, zp)
    assert len(reps) == 2
    for r in reps:
        assert r.error and "decompression bomb" in r.error and r.accepted == 0
    assert n(st, "posts") == 0 and n(st, "imports") == 0    # the whole file is refused, store untouched
    assert gz.stat().st_size < 200_000


def test_ingest_pipeline_compressed_inputs_and_folders(st, tmp_path):
    d = tmp_path / "exports"
    (d / "tiktok" / "minggu1").mkdir(parents=True)
    body = b"".join(json.dumps(tt(i)).encode() + b"\n" for i in range(6))
    (d / "tiktok" / "minggu1" / "a.ndjson.gz").write_bytes(gzip.compress(body[: len(body) // 2 + 1]))
    (d / "tiktok" / "b.ndjson.xz").write_bytes(lzma.compress(b"".join(json.dumps(tt(i)).encode() + b"\n"
                                                                       for i in range(10, 14))))
    with zipfile.ZipFile(d / "x.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(OWN / "x-api-v2-search.json", "pull/x-search-00001.json")
        z.write(OWN / "tweet-harvest-wita.csv", "th.csv")
        z.writestr("../evil.ndjson", body)
        z.writestr("notes.txt", "ignored")
    (d / "README.md").write_text("ignored")
    (d / ".DS_Store").write_bytes(b"\x00\x01")
    reps = load(st, d)
    by = {Path(r.file.split("!")[-1]).name: r for r in reps}
    assert by["a.ndjson.gz"].format == "zeeschuimer" and by["b.ndjson.xz"].accepted == 4
    assert by["x-search-00001.json"].format == "x-api-v2" and by["th.csv"].format == "tweet-harvest"
    assert "path traversal" in by["evil.ndjson"].error
    assert "README.md" not in by and ".DS_Store" not in by
    # a .txt is read as a possible chat export; one that is not is skipped with a line, not an error
    assert by["notes.txt"].format is None and by["notes.txt"].error is None
    assert "not a chat export" in by["notes.txt"].notes[0]
    a = by["a.ndjson.gz"]
    assert a.accepted + a.quarantined >= 3 and a.file.endswith("a.ndjson.gz")


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_pipeline_interrupted_import_leaves_store_unchanged(st, tmp_path, monkeypatch, workers):
    load(st, ndjson(tmp_path / "first.ndjson", [tt(100)]))
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 3000)
    before = {t: n(st, t) for t in ("posts", "accounts", "metric_observations", "quarantine", "imports")}
    monkeypatch.setattr(pipeline, "BATCH", 10)          # several flushes happen before the failure
    imp = registry.get("zeeschuimer")
    real = type(imp).map
    calls = {"n": 0}

    def failing(self, raw, ctx):
        calls["n"] += 1
        if isinstance(raw, dict) and raw.get("item_id") == tt(45)["item_id"]:
            raise RuntimeError("disk unplugged")
        return real(self, raw, ctx)
    monkeypatch.setattr(type(imp), "map", failing)
    recs = [tt(i) for i in range(60)] + [["bad"]]
    with pytest.raises(RuntimeError, match="disk unplugged"):
        load(st, ndjson(tmp_path / "big.ndjson", recs), workers=workers)
    assert {t: n(st, t) for t in before} == before


def test_ingest_pipeline_reimport_is_idempotent(st, tmp_path, shared):
    f = shared / "fixtures" / "tweet-harvest-csv" / "anies.csv"
    z = shared / "fixtures" / "zeeschuimer-tiktok" / "tiktok-test.ndjson"
    r1 = load(st, f, z)
    posts = st.sql("select * from posts order by platform, post_id")
    accs = st.sql("select * from accounts order by platform, account_id")
    obs1 = n(st, "metric_observations")
    r2 = load(st, f, z)
    assert [r.accepted for r in r2] == [0, 0] and [r.updated for r in r2] == [0, 0]
    assert [r.unchanged for r in r2] == [r.accepted for r in r1]
    assert st.sql("select * from posts order by platform, post_id").equals(posts)
    assert st.sql("select * from accounts order by platform, account_id").equals(accs)
    # tweet-harvest has no collection time: a new observation per post; Zeeschuimer's
    # timestamp_collected is the same, so its observations are not duplicated
    assert n(st, "metric_observations") == obs1 + r1[0].accepted
    assert n(st, "quarantine") == 0 and n(st, "imports") == 4


def test_ingest_pipeline_newer_overlapping_export_updates_metrics(st, tmp_path):
    old = ndjson(tmp_path / "w1.ndjson", [tt(1, likes=5), tt(2, likes=5)])
    new = ndjson(tmp_path / "w2.ndjson", [tt(2, likes=50, collected=1732752000000), tt(3)])
    load(st, old)
    (rep,) = load(st, new)
    assert (rep.accepted, rep.updated, rep.unchanged) == (1, 1, 0)
    p = st.sql("select post_id, likes from posts order by post_id").likes.tolist()
    assert p == [5, 50, 5]
    o = st.sql("select observed_at, likes from metric_observations where post_id='7441000000000000002' "
               "order by observed_at")
    assert o.likes.tolist() == [5, 50] and str(o.observed_at[1]) == "2024-11-28 00:00:00"
    # an older export imported afterwards never lowers the counts
    load(st, old)
    assert st.sql("select likes from posts where post_id='7441000000000000002'").likes[0] == 50


def test_ingest_pipeline_over_long_line_quarantined(st, tmp_path, monkeypatch):
    from suara.ingest import lines
    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 5000)
    monkeypatch.setattr(lines.iter_raw_lines, "__defaults__", (5000,))
    big = tt(2, desc="x" * 20_000)
    (rep,) = load(st, ndjson(tmp_path / "z.ndjson", [tt(1), big, tt(3)]))
    assert rep.accepted == 2 and rep.quarantined == 1 and "longer than" in q(st).reason[0]


def test_ingest_pipeline_cli_reports_format(tmp_path):
    from typer.testing import CliRunner

    from suara.cli import app
    r = CliRunner()
    ws = tmp_path / "ws"
    assert r.invoke(app, ["init", str(ws)]).exit_code == 0
    res = r.invoke(app, ["ingest", str(OWN / "x-api-v2-search.json"), str(OWN / "generic-wita.csv"),
                         "-w", str(ws), "--json"])
    d = json.loads(res.stdout)
    assert d[0]["format"] == "x-api-v2" and d[0]["accepted"] == 4
    assert d[1]["error"] and "generic-wita.csv" in d[1]["error"] and "mapping" in d[1]["error"]
    res = r.invoke(app, ["ingest", str(OWN / "generic-wita.csv"), "--mapping", str(OWN / "generic-wita.yaml"),
                         "-w", str(ws)])
    assert res.exit_code == 0 and "generic" in res.stdout


LARGE_CHILD = r"""
import json, resource, sys
from suara.store import Store
from suara.ingest import ingest_paths
st = Store(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = ingest_paths(st, [sys.argv[1]])[0]
print(json.dumps({"accepted": r.accepted, "q": r.quarantined, "err": r.error,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "base_mb": base / 1024}))
"""


@pytest.mark.slow
def test_ingest_pipeline_large_file_bounded_memory(tmp_path):
    """A 200 MB NDJSON file streams in bounded memory (peak RSS far below the file size x 3)."""
    f = tmp_path / "large.ndjson.gz"
    rec = json.dumps(tt(0, desc="Debat Pilgub Kaltim " * 40)).encode()
    n_rec, size = 0, 0
    with gzip.open(f, "wb", compresslevel=1) as fh:
        while size < 200_000_000:
            line = rec.replace(b'"7441000000000000000"', f'"{7 * 10**18 + n_rec}"'.encode()) + b"\n"
            fh.write(line)
            size += len(line)
            n_rec += 1
    out = subprocess.run([sys.executable, "-c", LARGE_CHILD, str(f), str(tmp_path / "db.duckdb")],
                         capture_output=True, text=True, check=True)
    d = json.loads(out.stdout.strip().splitlines()[-1])
    assert d["err"] is None and d["accepted"] == n_rec and d["q"] == 0
    assert d["rss_mb"] < 1500, d


def test_ingest_pipeline_parallel_equals_serial(tmp_path, monkeypatch):
    """Large plain JSON Lines files are parsed by worker processes; the result, the row
    numbers in quarantine and the report are those of the serial reader."""
    recs = [tt(i, likes=i) for i in range(400)] + [tt(5, likes=999)]     # a duplicate id
    raw = [json.dumps(r).encode() + b"\n" for r in recs]
    raw.insert(100, b'{"nav_index": "cut\n')                              # a truncated line
    raw.insert(250, b"\n")                                                # an empty line
    f = tmp_path / "z.ndjson"
    f.write_bytes(b"".join(raw))
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 20_000)
    monkeypatch.setattr(pipeline, "BATCH", 150)
    assert len(pipeline._plan_chunks(base.Source(f), registry.get("zeeschuimer"), 2)) > 5
    out = {}
    for workers in (1, 2):
        s = Store(":memory:")
        (rep,) = load(s, f, workers=workers)
        out[workers] = (rep.accepted, rep.updated, rep.unchanged, rep.quarantined,
                        s.sql("select * exclude (ingested_at) from posts order by post_id").astype(str).values.tolist(),
                        s.sql("select * exclude (first_seen, last_seen) from accounts order by account_id")
                        .astype(str).values.tolist(),
                        s.sql("select row, field from quarantine").values.tolist())
        s.close()
    assert out[1] == out[2]
    assert out[2][0] == 400 and out[2][6] == [[101, "(line)"]]


@pytest.mark.parametrize("batch", [100, 10_000])
def test_ingest_pipeline_duplicate_post_observation_does_not_depend_on_batches(tmp_path, monkeypatch, batch):
    """A post listed twice in one file with the same collection time keeps the greatest counts
    in its metric observation as in the post itself, whether both rows fall into one batch or
    into two."""
    recs = [tt(i, likes=i) for i in range(250)] + [tt(5, likes=999)]
    f = tmp_path / "z.ndjson"
    f.write_text("".join(json.dumps(r) + "\n" for r in recs))
    monkeypatch.setattr(pipeline, "BATCH", batch)
    s = Store(":memory:")
    load(s, f)
    pid = str(7441000000000000000 + 5)
    assert s.sql("select likes from posts where post_id = ?", [pid]).likes.tolist() == [999]
    assert s.sql("select likes from metric_observations where post_id = ?", [pid]).likes.tolist() == [999]
    # importing the same file again changes no observation
    before = s.sql("select * exclude (import_id) from metric_observations order by post_id").values.tolist()
    load(s, f)
    assert s.sql("select * exclude (import_id) from metric_observations order by post_id").values.tolist() == before
    s.close()
