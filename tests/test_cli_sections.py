"""`suara analyse --section` takes section ids and aliases, and names the valid ones."""
from typer.testing import CliRunner

from suara.analyse.section import ALIASES, BUILTIN_IDS, BUILTIN_MODULES, resolve, sections
from suara.cli import app


def test_builtin_ids_are_the_registered_builtins():
    reg = sections()
    builtin = [sid for sid, s in reg.items() if type(s).__module__.startswith("suara.")]
    assert list(BUILTIN_IDS) == builtin and BUILTIN_MODULES
    assert all(v in reg for v in ALIASES.values())
    assert resolve("wilayah") == "regions" and resolve("REGIONS") == "regions"


def test_cli_analyse_unknown_section_lists_valid_names(tmp_path):
    import suara
    suara.init(tmp_path / "w").close()
    r = CliRunner().invoke(app, ["analyse", "-w", str(tmp_path / "w"), "--section", "nope"])
    assert r.exit_code != 0 and "regions" in r.output and "wilayah" in r.output
    assert "Traceback" not in r.output


def test_cli_version_and_help():
    r = CliRunner().invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.startswith("suara ")
    h = CliRunner().invoke(app, ["analyse", "--help"]).output
    assert "share_of_voice" in h and "law_watch" in h
    assert "--list-formats" in CliRunner().invoke(app, ["ingest", "--help"]).output
    r = CliRunner().invoke(app, ["ingest", "--list-formats", "x"])
    assert r.exit_code == 0 and "generic" in r.output
