"""Import Ibis' SQL compilers one dialect at a time.

``ibis.backends.sql.compilers`` (the package every Ibis SQL backend imports) imports all
twenty of its dialect compilers up front (Athena, BigQuery, Trino, Snowflake, ...), and with
them SQLGlot's dialects: about 0.1-0.15 s of every command that opens the store through Ibis,
for one DuckDB compiler (and the PySpark one at scale). :func:`lazy_compilers` puts a module
in its place that loads a compiler on first use (PEP 562 ``__getattr__``), with the same
names. No library does this for us; it is written by hand, guarded: it steps aside (Ibis
then imports as usual) unless the package's ``__init__`` is exactly what it expects, a list
of ``from <package>.<dialect> import <Compiler>`` lines and ``__all__``.

Example
-------
>>> lazy_compilers()   # doctest: +SKIP
True
>>> import ibis.backends.sql.compilers as sc
>>> sc.DuckDBCompiler.__name__
'DuckDBCompiler'
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import sys

__all__ = ["lazy_compilers", "PACKAGE"]

PACKAGE = "ibis.backends.sql.compilers"


def _plan(source: str) -> dict[str, str] | None:
    """``{compiler class: module}`` from the package's ``__init__`` source, or None when it
    holds anything but those imports, ``__all__`` (naming exactly them) and a docstring."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: dict[str, str] = {}
    listed = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(PACKAGE + "."):
            for a in node.names:
                names[a.asname or a.name] = node.module
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and getattr(node.targets[0], "id", None) == "__all__"):
            try:
                listed = ast.literal_eval(node.value)
            except ValueError:
                return None
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            return None
    if not names or listed is None or set(listed) != set(names):
        return None
    return names


def lazy_compilers() -> bool:
    """Replace Ibis' compilers package by one that imports each compiler when first used
    (see the module). True when installed now or earlier; False when Ibis had imported the
    package already or its layout is not the expected one (nothing changed then)."""
    if PACKAGE in sys.modules:
        return getattr(sys.modules[PACKAGE], "__suara_lazy__", False)
    import ibis.backends.sql as parent   # its own imports need no compiler

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin or not spec.submodule_search_locations:
        return False
    try:
        with open(spec.origin, encoding="utf-8") as f:
            plan = _plan(f.read())
    except OSError:
        return False
    if plan is None:
        return False
    mod = importlib.util.module_from_spec(spec)   # a package (its __path__) that runs no code
    mod.__all__ = sorted(plan)
    mod.__suara_lazy__ = True
    dialects = {m.rsplit(".", 1)[1] for m in plan.values()}

    def __getattr__(name: str):
        if name in plan:
            value = getattr(importlib.import_module(plan[name]), name)
            setattr(mod, name, value)
            return value
        if name in dialects:   # e.g. ``sc.duckdb.compiler``
            return importlib.import_module(f"{PACKAGE}.{name}")
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(plan) | dialects)

    mod.__getattr__ = __getattr__
    mod.__dir__ = __dir__
    sys.modules[PACKAGE] = mod
    parent.compilers = mod
    return True
