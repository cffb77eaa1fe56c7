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


def test_docs_floors_constraints_match_pyproject():
    """.ci/floors.txt pins exactly the '>=' floors of pyproject.toml (runtime and test extras)."""
    import tomllib
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(spec["dependencies"]) + list(spec["optional-dependencies"]["test"])
    floors = {}
    for r in reqs:
        m = re.match(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)", r)
        assert m, f"{r}: every dependency declares a floor"
        floors[m.group(1).lower()] = m.group(3)
    pins = {}
    for line in (ROOT / ".ci" / "floors.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, v = line.partition("==")
            pins[name.strip().lower()] = v.strip()
    assert set(pins) == set(floors)
    for name, floor in floors.items():
        pin = pins[name]
        # the floor itself, padded with zeros (6 -> 6.0), or its first build (3.2 -> 3.2.0.post0)
        assert pin == floor or pin.startswith(floor + "."), (name, floor, pin)


def test_docs_declared_dependencies_are_imported():
    """No runtime dependency is declared that the code never imports (joblib, rapidfuzz and
    emoji were), and atheris is not in the test extra (it does not build on macOS/Windows)."""
    import tomllib
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(r.startswith("atheris") for r in spec["optional-dependencies"]["test"])
    assert any(r.startswith("atheris") for r in spec["optional-dependencies"]["fuzz"])
    modules = {"ibis-framework": "ibis", "pyyaml": "yaml", "scikit-learn": "sklearn", "pysastrawi": "Sastrawi",
               "lingua-language-detector": "lingua", "argon2-cffi": "argon2",
               "python-multipart": None}  # python-multipart: FastAPI's File/Form parsing in serve
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    for r in spec["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower()
        mod = modules.get(name, name.replace("-", "_"))
        if mod is None:
            continue
        assert re.search(rf"^\s*(import|from)\s+{re.escape(mod)}\b", code, re.M), f"{name} is declared but never imported"
