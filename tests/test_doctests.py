"""Every module's docstring examples run in the suite (the equivalent of
``pytest --doctest-modules src/suara``), one test per module, so an example that stops being
true fails like any other test."""
from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import suara

#: optional extras: a module that needs one is skipped when it is not installed
OPTIONAL = ("pyspark", "playwright", "atheris", "pytesseract")
MODULES = sorted(m.name for m in pkgutil.walk_packages(suara.__path__, "suara.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests_module_examples_hold(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write relative paths write here
    try:
        mod = importlib.import_module(name)
    except ImportError as e:
        if (e.name or "").split(".")[0] in OPTIONAL:
            pytest.skip(f"{name} needs the optional {e.name}")
        raise
    tests = doctest.DocTestFinder(exclude_empty=True).find(mod, name, module=mod)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out = io.StringIO()
    for t in tests:
        runner.run(t, out=out.write)
    assert runner.failures == 0, out.getvalue()
