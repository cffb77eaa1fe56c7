"""Hostile input: values that do not fit the schema, deeply nested JSON, decompression bombs,
monster lines, path traversal in archives, malicious file names and CSV injection in every
CSV that Suara writes. Each must end in a clear message or a quarantined row, never a crash
or a half-written store."""
from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import suara
from suara.cli import app
from suara.ingest import base as ingest_base
from suara.ingest.base import Source
from suara.ingest.pipeline import ingest_paths, ingest_source
from suara.report.export import neutralise
from suara.store import Store

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "\uff1dHYPERLINK(\"http://x\")",
            "ok\r=2+3|cmd"]   # a bare CR must be quoted, or a spreadsheet starts a row at the formula


def _post(pid: str, **kw) -> dict:
    return {"suara_type": "post", "platform": "x", "post_id": pid, "text": f"halo {pid}",
            "created_at": "2024-11-01T02:00:00Z", **kw}


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _is_formula(cell: str) -> bool:
    return bool(cell) and cell[0] in "=+-@\t\r\uff1d\uff0b\uff0d\uff20" and neutralise(cell) != cell


# ---------------------------------------------------------------------------------------
# values that do not fit the canonical schema
# ---------------------------------------------------------------------------------------
def test_hardening_values_beyond_the_schema_are_quarantined_not_fatal(tmp_path):
    """Found by fuzzing: an integer beyond 64 bits or an epoch past year 9999 used to abort the
    whole file (OverflowError outside the row's error handling)."""
    rows = [_post("1"), _post("2", likes=2**70), _post("3", created_at=1e300),
            _post("4", author={"account_id": "a4", "followers": 10**30}),
            '{"suara_type": "post", "platform": "x", "post_id": "5", "text": "lone \\ud800 surrogate"}',
            _post("6", text="a\x00b NUL is kept"), _post("7", shares="9" * 40), _post("8")]
    st = Store(":memory:")
    rep = ingest_source(st, Source(_jsonl(tmp_path / "v.jsonl", rows)), fmt="suara-jsonl")
    assert rep.error is None
    ids = set(st.sql("SELECT post_id FROM posts").post_id)
    assert {"1", "4", "6", "8"} <= ids and not ids & {"2", "3", "5", "7"}
    q = st.sql("SELECT row, field, reason FROM quarantine ORDER BY row")
    assert set(q.row.dropna().astype(int)) >= {2, 3, 5, 7}
    assert q.field.str.len().min() > 0 and q.reason.str.len().min() > 0
    # the account with 10**30 followers is quarantined, its (valid) post is kept
    assert "account.followers" in set(q.field)
    assert st.count("accounts") == 0


def test_hardening_lone_surrogate_from_stdlib_fallback_is_quarantined(tmp_path):
    """X API pages go through orjson then the stdlib (for >64-bit ids), which accepts lone
    surrogates that cannot be stored as UTF-8: that row is quarantined, the page's others kept."""
    good = {"id": "11", "text": "Isran-Hadi #Kaltim", "author_id": "9", "created_at": "2024-11-15T12:31:08.000Z",
            "edit_history_tweet_ids": ["11"]}
    bad = dict(good, id="12", text="x")
    page = json.dumps({"data": [good, bad], "big": 2**70}).replace('"text": "x"', '"text": "\\ud83d oops"')
    p = tmp_path / "page.json"
    p.write_text(page)
    st = Store(":memory:")
    rep = ingest_source(st, Source(p), fmt="x-api-v2")
    assert rep.error is None and rep.accepted == 1 and rep.quarantined == 1
    assert st.sql("SELECT field FROM quarantine").field[0] == "text"


@pytest.mark.parametrize("shape", ["jsonl", "document", "array"])
def test_hardening_deeply_nested_json(tmp_path, shape):
    deep = "[" * 200_000 + "]" * 200_000
    if shape == "jsonl":
        p = _jsonl(tmp_path / "d.jsonl", [_post("1"), '{"suara_type": "post", "platform": "x", "post_id": "2", '
                                          f'"z": {deep}}}', _post("3")])
        fmts = ["suara-jsonl", "twarc2-flat", "zeeschuimer", "4cat"]
    elif shape == "document":
        p = tmp_path / "d.json"
        p.write_text('{"data": ' + deep + "}")
        fmts = ["meta-graph", "youtube-api", "tiktok-research", "x-api-v2", "crowdtangle-api"]
    else:
        p = tmp_path / "a.json"
        p.write_text('[{"id": "1", "text": "ok"}, ' + deep + "]")
        fmts = ["apify"]
    for fmt in fmts:
        st = Store(":memory:")
        rep = ingest_source(st, Source(p), fmt=fmt)
        assert rep.error is None or str(p) in rep.error, (fmt, rep.error)
        assert rep.quarantined >= 1 or rep.error, fmt
    if shape == "jsonl":
        st = Store(":memory:")
        rep = ingest_source(st, Source(p), fmt="suara-jsonl")
        assert rep.accepted == 2 and rep.quarantined == 1


# ---------------------------------------------------------------------------------------
# decompression bombs and monster lines
# ---------------------------------------------------------------------------------------
def _bomb(path: Path, kind: str, mb: int) -> Path:
    head = "".join(json.dumps(_post(str(i))) + "\n" for i in range(5)).encode()
    filler = b"\n" * (1 << 20)
    if kind == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, z.open("posts.jsonl", "w") as f:
            f.write(head)
            for _ in range(mb):
                f.write(filler)
        return path
    opener = {"gz": gzip.open, "xz": lzma.open, "bz2": bz2.open}[kind]
    with opener(path, "wb") as f:
        f.write(head)
        for _ in range(mb):
            f.write(filler)
    return path


@pytest.mark.parametrize("kind", ["gz", "xz", "bz2", "zip"])
def test_hardening_decompression_bomb_stops_at_the_cap_and_rolls_back(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(ingest_base, "MAX_DECOMPRESSED_BYTES", 8 * 1024**2)
    p = _bomb(tmp_path / f"bomb.jsonl.{kind}" if kind != "zip" else tmp_path / "bomb.zip", kind, 24)
    assert p.stat().st_size < 1024**2  # a small file that inflates past the cap
    ws = suara.init(tmp_path / "ws")
    reps = ws.ingest([p])
    assert len(reps) == 1 and reps[0].error
    assert "decompression bomb" in reps[0].error and p.name in reps[0].error
    # the five good records before the bomb are rolled back with the rest of the file
    assert ws.store.count("posts") == 0 and ws.store.count("imports") == 0
    ws.close()


@pytest.mark.parametrize("kind", ["gz", "xz", "bz2", "zip"])
def test_hardening_decompression_bomb_stops_early_on_the_ratio(tmp_path, monkeypatch, kind):
    """Well below the absolute cap (8 GiB), a file inflating at more than 200:1 is refused
    once past the floor (64 MiB; 2 MiB here), long before it is all inflated."""
    import re
    monkeypatch.setattr(ingest_base, "RATIO_MIN_BYTES", 2 * 1024**2)
    p = _bomb(tmp_path / f"bomb.jsonl.{kind}" if kind != "zip" else tmp_path / "bomb.zip", kind, 32)
    ws = suara.init(tmp_path / "ws")
    reps = ws.ingest([p])
    assert len(reps) == 1 and reps[0].error and "decompression bomb" in reps[0].error, reps[0].error
    assert "more than 200:1" in reps[0].error
    inflated = int(re.search(r"([\d,]+) bytes inflated", reps[0].error).group(1).replace(",", ""))
    assert inflated < 16 * 1024**2   # of 32 MiB
    assert ws.store.count("posts") == 0 and ws.store.count("imports") == 0
    # an ordinary compressed export (about 10:1) is read whole
    good = tmp_path / f"good.jsonl.{kind}" if kind != "zip" else tmp_path / "good.zip"
    body = "".join(json.dumps(_post(str(i))) + "\n" for i in range(3000)).encode()
    if kind == "zip":
        with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("posts.jsonl", body)
    else:
        with {"gz": gzip.open, "xz": lzma.open, "bz2": bz2.open}[kind](good, "wb") as f:
            f.write(body)
    monkeypatch.setattr(ingest_base, "RATIO_MIN_BYTES", 64 * 1024)
    rep = ws.ingest([good])[0]
    assert not rep.error and rep.accepted == 3000, (rep.error, len(body) / good.stat().st_size)
    ws.close()


def test_hardening_bomb_message_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_base, "MAX_DECOMPRESSED_BYTES", 4 * 1024**2)
    p = _bomb(tmp_path / "bomb.jsonl.gz", "gz", 8)
    suara.init(tmp_path / "ws").close()
    r = CliRunner().invoke(app, ["ingest", str(p), "-w", str(tmp_path / "ws")])
    assert r.exit_code == 2
    assert "decompression bomb" in r.output


def test_hardening_long_line_quarantined_in_bounded_memory(tmp_path):
    """A line over the cap (here 1 MiB, 64 MiB in production) is drained, not loaded whole."""
    from suara.ingest.lines import iter_lines
    p = tmp_path / "l.jsonl"
    with p.open("w") as f:
        f.write(json.dumps(_post("1")) + "\n")
        f.write('{"suara_type": "post", "text": "' + "x" * (3 * 1024**2) + '"}\n')
        f.write(json.dumps(_post("3")) + "\n")
    out = list(iter_lines(Source(p), max_line=1024**2))
    assert [n for n, _ in out] == [1, 2, 3]
    assert "longer than" in str(out[1][1])


@pytest.mark.slow
@pytest.mark.parametrize("fmt,suffix", [("suara-jsonl", "jsonl"), ("tweet-harvest", "csv")])
def test_hardening_100mb_single_line(tmp_path, fmt, suffix):
    import psutil
    p = tmp_path / f"big.{suffix}"
    with p.open("w") as f:
        if suffix == "jsonl":
            f.write(json.dumps(_post("1")) + "\n")
            f.write('{"suara_type": "post", "platform": "x", "post_id": "2", "text": "')
            for _ in range(100):
                f.write("y" * 1024**2)
            f.write('"}\n')
            f.write(json.dumps(_post("3")) + "\n")
        else:
            f.write("created_at,id_str,full_text,username,tweet_url\n")
            f.write("Fri Dec 15 04:04:44 +0000 2023,1,halo,a,https://twitter.com/a/status/1\n")
            f.write("Fri Dec 15 04:04:44 +0000 2023,2,")
            for _ in range(100):
                f.write("y" * 1024**2)
            f.write(",b,https://twitter.com/b/status/2\n")
            f.write("Fri Dec 15 04:04:44 +0000 2023,3,halo,c,https://twitter.com/c/status/3\n")
    proc = psutil.Process()
    before = proc.memory_info().rss
    st = Store(":memory:")
    rep = ingest_source(st, Source(p), fmt=fmt)
    grew = (proc.memory_info().rss - before) / 1024**2
    assert rep.error is None and rep.accepted == 2 and rep.quarantined >= 1, rep
    assert set(st.sql("SELECT post_id FROM posts").post_id) == {"1", "3"}
    assert grew < 400, f"memory grew {grew:.0f} MB reading a 100 MB line"


# ---------------------------------------------------------------------------------------
# archives and file names
# ---------------------------------------------------------------------------------------
def test_hardening_zip_path_traversal_members_refused(tmp_path):
    z = tmp_path / "upload.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok/posts.jsonl", json.dumps(_post("1")) + "\n")
        zf.writestr("../../escape.jsonl", json.dumps(_post("2")) + "\n")
        zf.writestr("/etc/abs.jsonl", json.dumps(_post("3")) + "\n")
        zf.writestr("a/../../b.jsonl", json.dumps(_post("4")) + "\n")
    st = Store(":memory:")
    reps = ingest_paths(st, [z])
    errs = [r.error for r in reps if r.error]
    assert len(errs) == 3 and all("path traversal" in e for e in errs)
    assert set(st.sql("SELECT post_id FROM posts").post_id) == {"1"}
    assert not (tmp_path.parent / "escape.jsonl").exists()


def test_hardening_corrupt_and_nested_archives(tmp_path):
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("p.jsonl", json.dumps(_post("1")) + "\n")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
    trunc = tmp_path / "trunc.jsonl.gz"
    trunc.write_bytes(gzip.compress((json.dumps(_post("9")) + "\n").encode() * 50)[:-40])
    st = Store(":memory:")
    reps = {Path(r.file.split("!")[0]).name: r for r in ingest_paths(st, [bad, outer, trunc])}
    assert "not a readable zip" in reps["broken.zip"].error
    assert "binary content" in reps["outer.zip"].error          # archives are not unpacked twice
    assert reps["trunc.jsonl.gz"].error and "trunc.jsonl.gz" in reps["trunc.jsonl.gz"].error
    assert st.count("posts") == 0


@pytest.mark.parametrize("name", ["$(touch pwned).jsonl", "; rm -rf ~.jsonl", "-rf.jsonl",
                                  "a\nb.jsonl", "\u202egpj.jsonl", "x" * 240 + ".jsonl",
                                  "`id`.jsonl", "café ☕.jsonl"])
def test_hardening_malicious_file_names_are_just_names(tmp_path, name):
    d = tmp_path / "in"
    d.mkdir()
    p = d / name
    _jsonl(p, [_post("1")])
    st = Store(":memory:")
    [rep] = ingest_paths(st, [p])
    assert rep.error is None and rep.accepted == 1
    assert st.sql("SELECT file FROM imports").file[0] == str(p)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_hardening_upload_names_cannot_escape_the_upload_folder():
    from suara.serve.app import safe_filename
    for raw in ["../../../etc/passwd", "..\\..\\windows\\system32\\x.json", "/abs/path.json",
                "....//....//x", ".hidden", "a\x00b.json", "\u202egpj.exe", "", "x" * 500]:
        s = safe_filename(raw)
        assert s and "/" not in s and "\\" not in s and not s.startswith(".") and "\x00" not in s
        assert len(s) <= 120 and s not in (".", "..")


def test_hardening_missing_and_unreadable_inputs(tmp_path):
    st = Store(":memory:")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    binary = tmp_path / "photo.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(256))
    d = tmp_path / "dir.jsonl"
    d.mkdir()
    reps = ingest_paths(st, [tmp_path / "nope.jsonl", empty, binary])
    msgs = [r.error for r in reps]
    assert "no such file" in msgs[0] and "empty" in msgs[1] and "binary" in msgs[2]
    assert st.count("posts") == 0


# ---------------------------------------------------------------------------------------
# CSV injection in every CSV export path
# ---------------------------------------------------------------------------------------
def _assert_csv_neutral(path: Path) -> int:
    cells = 0
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            for cell in row:
                assert not _is_formula(cell), f"{path.name}: formula cell {cell!r}"
                cells += 1
    return cells


def test_hardening_csv_injection_coordination_exports(workspace, tmp_path):
    from suara.detect.coordination import detect_coordination
    from test_coordination_world import build_world
    truth = build_world(workspace, seed=3)
    bz = truth[truth.is_buzzer].account_id.tolist()
    for i, aid in enumerate(bz):
        workspace.store.execute("UPDATE accounts SET handle = ?, account_type = 'influencer' WHERE account_id = ?",
                                [FORMULAS[i % len(FORMULAS)], aid])
    res = detect_coordination(workspace, store=False)
    assert len(res.flagged)
    paths = res.save(tmp_path / "out", pseudonymise=False)
    acc = pd.read_csv(paths["accounts"], dtype=str, keep_default_na=False)
    hostile = acc[acc.handle.str.startswith("'")]
    assert len(hostile) >= 7   # the formulas are there, prefixed, not dropped
    assert (acc.handle == "ok\r=2+3|cmd").any()   # kept whole in one quoted cell
    for k in ("accounts", "edges", "networks"):
        _assert_csv_neutral(paths[k])


def test_hardening_csv_injection_lawwatch_evidence(workspace, tmp_path):
    from suara.analyse.lawwatch import export_evidence
    post = {"platform": "x", "post_id": "1", "account_id": "a", "handle": FORMULAS[0], "created_at": "2024-11-24",
            "created_local": "2024-11-24 08:00", "kind": "post", "url": "https://x.com/a/status/1",
            "is_paid": False, "text": FORMULAS[1], "media_files": ["=x.jpg"], "sha256": "0" * 64}
    f = [{"finding_id": "f1", "rule": "quiet_period", "candidate": "=2", "posts": [post]}]
    paths = export_evidence(workspace, tmp_path / "ev", findings=f)
    assert _assert_csv_neutral(paths["posts"]) > 10
    # the JSON keeps the verbatim text for the hash
    assert json.loads(paths["findings"].read_text())["findings"][0]["posts"][0]["text"] == FORMULAS[1]


def test_hardening_csv_injection_case_evidence(workspace, tmp_path):
    from suara.analyse.cases import export_evidence, open_case
    from suara.detect.radar import list_alerts, run_radar
    from test_radar_world import load_world, world_frames
    load_world(workspace, world_frames())
    workspace.store.execute("UPDATE posts SET text = ? || text", [FORMULAS[0]])
    workspace.store.execute("UPDATE accounts SET handle = ? || handle", ["@"])
    run_radar(workspace)
    a = list_alerts(workspace)[0]
    c = open_case(workspace, a["id"])
    r = export_evidence(workspace, c["case_id"], tmp_path / "case")
    assert r["posts"] > 0
    _assert_csv_neutral(Path(r["csv"]))
    doc = json.loads(Path(r["json"]).read_text())
    assert doc["posts"][0]["text"].startswith("=")   # verbatim in the JSON evidence


@pytest.mark.parametrize("cmd", ["sentiment", "toxicity", "enrich"])
def test_hardening_csv_injection_text_command_outputs(tmp_path, cmd):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": range(len(FORMULAS)), "teks": FORMULAS, "who": FORMULAS[::-1]}).to_csv(
        src, index=False, lineterminator="\r\n")
    out = tmp_path / f"{cmd}.csv"
    args = ["text", cmd, str(src), "--column", "teks", "-o", str(out)]
    if cmd == "enrich":
        args += ["--only", "language"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert _assert_csv_neutral(out) >= 3 * len(FORMULAS)
    back = pd.read_csv(out, dtype=str)
    assert back.teks.iloc[:-1].str.startswith("'").all() and back.teks.iloc[-1] == FORMULAS[-1]


# ----------------------------------------------------------------------------- OCR media paths
def test_hardening_ocr_reads_only_workspace_import_folder_and_media_dirs(tmp_path, monkeypatch):
    """An export naming images elsewhere on the server (absolute, ``..``, a link leading out)
    cannot make OCR put their text into a post: only the workspace, the folder of the imported
    file and ``media_dirs`` are read; the others are skipped and counted in the notes."""
    from suara.enrich.ocr import OcrReader
    ws = suara.init(tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "ktp.png"
    secret.write_bytes(b"\x89PNG fake")
    (ws.path / "media").mkdir()
    (ws.path / "media" / "banner.png").write_bytes(b"\x89PNG fake")
    (ws.path / "media" / "link.png").symlink_to(secret)
    allowed_dir = tmp_path / "allowed"
    allowed_dir.mkdir()
    (allowed_dir / "ok.png").write_bytes(b"\x89PNG fake")
    export = tmp_path / "export"
    export.mkdir()
    (export / "poster.png").write_bytes(b"\x89PNG fake")
    cfg = ws.path / "suara.yaml"
    cfg.write_text(cfg.read_text() + f"\nmedia_dirs: [{json.dumps(str(allowed_dir))}]\n")
    media = {"abs": [str(secret)], "dotdot": ["../outside/ktp.png"], "link": ["media/link.png"],
             "ws": ["media/banner.png"], "export": [str(export / "poster.png")],
             "allowed": [str(allowed_dir / "ok.png")]}
    f = export / "posts.jsonl"
    f.write_text("".join(json.dumps({"suara_type": "post", "platform": "x", "post_id": k, "text": f"post {k}",
                                     "created_at": "2024-11-01T02:00:00Z", "media_files": v}) + "\n"
                         for k, v in media.items()))
    ws.close()
    ws = suara.open(tmp_path / "ws")
    assert not ws.ingest([f])[0].error
    read: list[str] = []
    monkeypatch.setattr(OcrReader, "unavailable", None)
    monkeypatch.setattr(OcrReader, "read_file", lambda self, p: read.append(os.path.realpath(p)) or "TEKS GAMBAR")
    res = ws.enrich()
    assert sorted(read) == sorted(os.path.realpath(p) for p in (
        ws.path / "media" / "banner.png", export / "poster.png", allowed_dir / "ok.png"))
    assert os.path.realpath(secret) not in read
    assert "3 media path(s) outside" in res["notes"]["ocr_media_skipped"]
    ocr = dict(ws.store.execute("SELECT post_id, ocr_text FROM enrichments").fetchall())
    assert ocr["ws"] == ocr["export"] == ocr["allowed"] == "TEKS GAMBAR"
    assert ocr["abs"] is None and ocr["dotdot"] is None and ocr["link"] is None
    ws.close()
