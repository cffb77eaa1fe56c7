"""Move a workspace's data between engines: the DuckDB file and the Parquet lake.

Both stores expose the same canonical tables (`suara.store.schema.TABLES`), so moving is a
table-by-table copy streamed in Arrow batches into one transaction of the target store (one
atomic lake commit when the target is the lake), followed by a row-count check. A team that
outgrows one machine runs ``suara engine switch --to spark``; one that wants the lake's data
back in a single file runs ``--to duckdb``.
"""
from __future__ import annotations

from typing import Callable

import pyarrow as pa

from suara.store.schema import TABLES
from suara.store.store import StoreError

__all__ = ["copy_tables"]


def copy_tables(src, dst, batch_rows: int = 100_000,
                progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Replace every canonical table of ``dst`` by the rows of ``src``; returns rows per table.

    ``src`` and ``dst`` are stores (``Store`` or ``LakeStore``). Everything is written in one
    transaction, so the target holds either its old data or all of the source's. Raises
    :class:`StoreError` when a count differs afterwards.

    Example
    -------
    >>> import pandas as pd
    >>> from suara.store import Store
    >>> a, b = Store(), Store()
    >>> _ = a.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["1"]}))
    >>> copy_tables(a, b)["accounts"], b.count("accounts")
    (1, 1)
    """
    counts = {t: src.count(t) for t in TABLES}
    with dst.transaction():
        for t in TABLES:
            dst.execute(f'DELETE FROM "{t}"')
            if not counts[t]:
                continue
            with src._lock:   # streamed: one batch in memory at a time
                for rb in src.con.sql(f'SELECT * FROM "{t}"').to_arrow_reader(batch_rows):
                    dst.append(t, pa.Table.from_batches([rb]), ignore_conflicts=False)
                    if progress:
                        progress(t, rb.num_rows)
    for t, n in counts.items():
        got = dst.count(t)
        if got != n:
            raise StoreError(f"copy of {t!r} is incomplete: {got} rows of {n}")
    return counts
