"""Arrow tables shown to DuckDB by name for the statements of one step, and let go after it.

A view that DuckDB's Python client registers from an object holds that object, and a view
dropped inside a transaction stays in the catalog until the transaction ends (other
transactions may still see it). An import writes a whole file in one transaction, one batch
after another, and registered each batch: every batch stayed in memory until the commit.
Measured on a 2.5-million-row tweet-harvest CSV (865 MB, 13 batches of 64 MB): the import's
memory grew with the file, by about one batch per batch, to 2.4 GB; with :func:`registered`
it stays at the size of the batches in flight.

:func:`registered` shows DuckDB a small holder instead (:class:`Releasable`, which hands over
the table through the Arrow C stream interface each time DuckDB scans it) and empties the
holder when the step ends: what the transaction keeps is the empty holder. Where the DuckDB
in use cannot scan such an object more than once (it takes it for a one-shot stream: DuckDB
before 1.5), the table is registered itself, as before.

Example
-------
>>> import duckdb, pyarrow as pa
>>> con = duckdb.connect()
>>> with registered(con, "t", pa.table({"a": [1, 2, 3]})):
...     con.execute("SELECT sum(a) FROM t").fetchall(), con.execute("SELECT count(*) FROM t").fetchall()
([(6,)], [(3,)])
"""
from __future__ import annotations

import contextlib
import functools
from typing import Any, Iterator

__all__ = ["Releasable", "registered"]


class Releasable:
    """An Arrow table as DuckDB scans it (``__arrow_c_stream__``), which :meth:`release`
    lets go of: a holder that outlives its use keeps nothing."""

    __slots__ = ("table",)

    def __init__(self, table):
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        if self.table is None:
            raise RuntimeError("this staged table was released after its step")
        return self.table.__arrow_c_stream__(requested_schema)

    def release(self) -> None:
        self.table = None


@functools.lru_cache(maxsize=1)
def rescannable() -> bool:
    """Whether this DuckDB scans a registered Arrow stream object more than once, asking it
    for a new stream each time: DuckDB 1.5 and later (checked on 1.2.0, 1.3.0, 1.4.0,
    1.4.5, 1.5.0 and 2.0.1). Read from the version: trying it on a new database costs
    ~0.2 s, which every import would pay.

    >>> isinstance(rescannable(), bool)
    True
    """
    import re

    import duckdb
    m = re.match(r"(\d+)\.(\d+)", getattr(duckdb, "__version__", ""))
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (1, 5)


@contextlib.contextmanager
def registered(con, name: str, data: Any) -> Iterator[str]:
    """Inside the block, ``data`` (an Arrow table; anything else DuckDB registers, such as a
    DataFrame, is registered as it is) is the relation ``name`` of ``con``; after it the name
    is unregistered and the rows are let go, even inside an open transaction. ``data`` that
    is a string names a relation of ``con`` already: it is yielded as it is."""
    if isinstance(data, str):
        yield data
        return
    import pyarrow as pa
    holder = Releasable(data) if isinstance(data, pa.Table) and rescannable() else None
    con.register(name, holder if holder is not None else data)
    try:
        yield name
    finally:
        try:
            con.unregister(name)
        finally:
            if holder is not None:
                holder.release()
