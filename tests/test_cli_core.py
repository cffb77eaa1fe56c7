"""CLI faces of the core pipeline: init, ingest exit codes and tables, clear errors."""
import json

from typer.testing import CliRunner

from suara.cli import app

runner = CliRunner()


def _post(pid, **kw):
    return json.dumps({"suara_type": "post", "platform": "x", "post_id": pid, "text": "Gas Gratispol",
                       "created_at": "2024-10-01T02:00:00Z", **kw})


def test_cli_init_creates_workspace(tmp_path):
    r = runner.invoke(app, ["init", str(tmp_path / "w")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "w" / "suara.yaml").exists() and (tmp_path / "w" / "suara.duckdb").exists()
    assert "Pilgub Kalimantan Timur 2024" in r.output


def test_cli_init_bad_election_is_clear(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\n")
    r = runner.invoke(app, ["init", str(tmp_path / "w"), "--election", str(bad)])
    assert r.exit_code == 1
    assert "bad.yaml" in r.output and "dates" in r.output


def test_cli_ingest_reports_counts_and_exit_codes(tmp_path):
    ws = tmp_path / "w"
    runner.invoke(app, ["init", str(ws)])
    good = tmp_path / "good.jsonl"
    good.write_text(_post("1") + "\n" + _post("2") + "\n{broken\n")
    r = runner.invoke(app, ["ingest", str(good), "-w", str(ws), "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)[0]
    assert (rep["format"], rep["accepted"], rep["quarantined"]) == ("suara-jsonl", 2, 1)
    # unreadable file: exit 2 with the file named
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00" * 64)
    r = runner.invoke(app, ["ingest", str(junk), "-w", str(ws)])
    assert r.exit_code == 2 and "junk.bin" in r.output
    # nothing accepted (all rows bad): exit 1
    allbad = tmp_path / "allbad.jsonl"
    allbad.write_text('{"suara_type": "post", "platform": "x"}\n')
    r = runner.invoke(app, ["ingest", str(allbad), "-w", str(ws)])
    assert r.exit_code == 1


def test_cli_commands_refuse_a_non_workspace(tmp_path):
    r = runner.invoke(app, ["ingest", str(tmp_path), "-w", str(tmp_path / "nope")])
    assert r.exit_code == 1 and "not a Suara workspace" in r.output


def test_cli_enrich_brings_the_radar_up_to_date(tmp_path):
    """New enriched posts raise alerts at once: after `suara enrich` the radar has read them
    (the next analysis finds its alerts current); `--no-detect` leaves it for later, and an
    enrich with nothing new does not run it."""
    import suara
    from suara.detect.radar.run import INPUTS_KEY
    for flag, ran in (([], True), (["--no-detect"], False)):
        ws = tmp_path / f"w{len(flag)}"
        runner.invoke(app, ["init", str(ws)])
        src = tmp_path / "posts.jsonl"
        src.write_text("\n".join(_post(str(i), text=f"Gas Gratispol nomor {i}") for i in range(5)) + "\n")
        assert runner.invoke(app, ["ingest", str(src), "-w", str(ws)]).exit_code == 0
        r = runner.invoke(app, ["enrich", "-w", str(ws), *flag])
        assert r.exit_code == 0, r.output
        assert ("Radar:" in r.output) is ran
        w = suara.open(ws)
        assert (w.store.meta(INPUTS_KEY) is not None) is ran
        w.close()
    again = runner.invoke(app, ["enrich", "-w", str(tmp_path / "w0")])
    assert again.exit_code == 0 and "Radar:" not in again.output


def test_init_compiles_suaras_modules_once_where_python_does_not_keep_bytecode(tmp_path, monkeypatch):
    """With PYTHONDONTWRITEBYTECODE an editable install would compile every module in every
    command: `suara init` compiles the package once (nothing with SUARA_COMPILE=0)."""
    import compileall
    import sys
    calls = []
    monkeypatch.setattr(compileall, "compile_dir", lambda d, **kw: calls.append(d) or True)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert runner.invoke(app, ["init", str(tmp_path / "a")]).exit_code == 0
    assert len(calls) == 1 and calls[0].endswith("suara")
    monkeypatch.setenv("SUARA_COMPILE", "0")
    assert runner.invoke(app, ["init", str(tmp_path / "b")]).exit_code == 0
    assert len(calls) == 1


def test_cli_analyse_says_when_posts_are_not_enriched_yet(tmp_path):
    """Posts imported and not enriched count in no figure built on mentions: the analysis says
    how many (meta ``unenriched_posts``, the summary line in English and Indonesian, the
    overview's note) until `suara enrich` has read them, and again after the next import."""
    import suara
    from suara.analyse.meta import Meta
    ws = tmp_path / "w"
    runner.invoke(app, ["init", str(ws)])
    src = tmp_path / "posts.jsonl"
    src.write_text("\n".join(_post(str(i), text=f"Gas Gratispol nomor {i}") for i in range(5)) + "\n")
    assert runner.invoke(app, ["ingest", str(src), "-w", str(ws)]).exit_code == 0
    r = runner.invoke(app, ["analyse", "-w", str(ws), "--json"])
    assert json.loads(r.stdout)["meta"]["unenriched_posts"] == 5
    r = runner.invoke(app, ["analyse", "-w", str(ws)])
    assert "5 posts are not enriched yet" in r.output and "suara enrich" in r.output
    r = runner.invoke(app, ["analyse", "-w", str(ws), "--lang", "id"])
    assert "5 unggahan belum dibaca" in r.output
    assert runner.invoke(app, ["enrich", "-w", str(ws), "--no-detect"]).exit_code == 0
    r = runner.invoke(app, ["analyse", "-w", str(ws), "--json"])
    assert json.loads(r.stdout)["meta"]["unenriched_posts"] == 0
    assert "not enriched" not in runner.invoke(app, ["analyse", "-w", str(ws)]).output
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(_post(str(i), text=f"Gas Gratispol nomor {i}") for i in range(5, 8)) + "\n")
    assert runner.invoke(app, ["ingest", str(more), "-w", str(ws)]).exit_code == 0
    w = suara.open(ws)
    meta = w.analyse()["meta"]
    assert meta["unenriched_posts"] == 3
    blocks = Meta().render(meta, "id", w.election)
    assert blocks[0]["id"] == "unenriched" and blocks[0]["text"].startswith("3 unggahan belum dibaca")
    assert not any(b.get("id") == "unenriched" for b in Meta().render({**meta, "unenriched_posts": 0}, "en",
                                                                          w.election))
    w.close()
