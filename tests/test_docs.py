"""Docs are part of the feature: the README's two commands, CI, and the CLI reference stay true."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    qs = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", qs)


def test_docs_readme_quick_start_has_exactly_two_commands():
    cmds = _quick_start_commands()
    assert len(cmds) == 2
    demo, tests = cmds
    assert "python3 -m venv .venv" in demo and ".venv/bin/suara demo" in demo
    assert "python3 -m venv .venv" in tests and "pytest" in tests


def test_docs_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start_commands()[1] in ci


def test_docs_cli_reference_is_current():
    from suara.cli._docs import cli_reference
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference(), \
        "docs/cli.md is stale: run python -m suara.cli._docs > docs/cli.md"


def test_docs_links_in_readme_and_index_exist():
    for doc in ("README.md", "docs/index.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        for link in re.findall(r"\]\(([^)#:]+\.md)\)", text):
            target = (ROOT / doc).parent / link
            assert target.exists(), f"{doc} links to missing {link}"
