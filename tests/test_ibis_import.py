"""Ibis' SQL compilers load one dialect at a time (suara.store.ibis_import): a command that
opens the store through Ibis pays for the DuckDB compiler only, and every other compiler is
still there when asked for."""
import subprocess
import sys

from suara.store.ibis_import import _plan

_CHECK = """
import sys
from suara.store import Store
s = Store()
import ibis
assert s.ibis.execute(ibis.memtable({"a": [1, 2]}).a.sum()) == 3
loaded = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("ibis.backends.sql.compilers."))
print(",".join(loaded))
import ibis.backends.sql.compilers as sc
print(sc.PostgresCompiler.__name__, type(sc.duckdb.compiler).__name__)
print(ibis.to_sql(ibis.memtable({"a": [1]}).a.sum(), dialect="postgres").split()[0])
"""


def test_store_loads_only_the_duckdb_compiler_and_others_on_demand():
    out = subprocess.run([sys.executable, "-c", _CHECK], capture_output=True, text=True, check=True).stdout.split("\n")
    assert set(out[0].split(",")) <= {"_compat", "base", "duckdb"}
    assert out[1] == "PostgresCompiler DuckDBCompiler"
    assert out[2] == "SELECT"


def test_plan_steps_aside_for_an_unexpected_package_layout():
    good = ('from __future__ import annotations\n__all__ = ["ACompiler"]\n'
            "from ibis.backends.sql.compilers.a import ACompiler\n")
    assert _plan(good) == {"ACompiler": "ibis.backends.sql.compilers.a"}
    assert _plan(good + "REGISTRY = {}\n") is None              # code beyond the imports
    assert _plan(good.replace('["ACompiler"]', '["ACompiler", "B"]')) is None   # __all__ disagrees
    assert _plan("") is None
