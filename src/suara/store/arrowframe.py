"""Query results as pandas frames, as Ibis' DuckDB backend makes them, in fewer steps.

Ibis' ``execute`` on DuckDB turns the Arrow result into a frame column by column (a column
with a null goes through Python objects), builds a DataFrame, then converts every column to
the expression's types and builds a second DataFrame; a string column with a null goes Arrow →
Python objects → pandas' Arrow-backed ``str``. `suara analyse` runs some forty small queries,
so these steps cost more than the rows (~0.1-0.2 s of a run, most of it per column, not per
row). :func:`frame` builds the same frame in one step for the types whose result is known —
integers, floats, booleans and strings, with or without nulls, for which Ibis' second
conversion of a table result (``Table.__pandas_result__``) changes nothing — and hands every other column
(timestamps, dates, arrays, structs, all-null columns, ...) to Ibis' own conversion, so the
frame is equal to Ibis' in values and dtypes (``tests/test_arrowframe.py`` compares them).
Nothing in Ibis or pandas offers this shortcut; it is written by hand for that reason.

Example
-------
>>> import pyarrow as pa, ibis
>>> t = pa.table({"n": [1, None], "s": ["a", None]})
>>> df = frame(t, ibis.schema({"n": "int64", "s": "string"}))
>>> df.n.dtype.name, df.n.tolist()[0], df.s.tolist()[0]
('float64', 1.0, 'a')
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.types as pat

__all__ = ["frame", "install"]


def _ibis_column(col: pa.ChunkedArray, dtype, name: str, table_result: bool) -> pd.Series:
    """One column as Ibis makes it (ibis.backends.duckdb.Backend.execute), and for a table
    result converted once more, as ``ibis.expr.types.Table.__pandas_result__`` does."""
    from ibis.backends.duckdb.converter import DuckDBPandasData
    from ibis.formats.pandas import PandasData
    values = col.to_pylist() if (pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count) \
        else col.to_pandas()
    s = DuckDBPandasData.convert_column(pd.DataFrame({name: values})[name], dtype)
    return PandasData.convert_column(s, dtype) if table_result else s


#: an empty result's column as Ibis makes it, per (Arrow type, Ibis type, table result): the
#: same every time, and about a third of the columns of a run of `suara analyse` are empty
_EMPTY: dict[tuple, pd.Series] = {}


def _empty(col: pa.ChunkedArray, dtype, name: str, table_result: bool) -> pd.Series:
    key = (str(col.type), str(dtype), table_result)
    s = _EMPTY.get(key)
    if s is None:
        s = _EMPTY[key] = _ibis_column(col, dtype, "_", table_result)
    return s.copy().rename(name)


def _column(col: pa.ChunkedArray, dtype, name: str):
    """The column's values as Ibis would give them, or None when only Ibis' path knows."""
    n, nulls = len(col), col.null_count
    if n == 0 or nulls == n:
        return None
    t = col.type
    if (dtype.is_timestamp() and pat.is_timestamp(t) and t.unit == "us" and t.tz is None
            and dtype.timezone is None and dtype.scale in (None, 6)):
        return col.to_pandas()   # datetime64[us], NaT for a null: Ibis' result
    if dtype.is_integer() and pat.is_decimal(t) and t.scale == 0 and not nulls:
        # a sum of integers (DuckDB's HUGEINT) that the expression types as an integer
        try:
            return col.cast(pa.int64()).to_numpy()
        except pa.ArrowInvalid:   # beyond int64: Ibis' own way
            return None
    if (dtype.is_integer() and pat.is_integer(t)) or (dtype.is_floating() and pat.is_floating(t)):
        if pat.is_floating(t) or not nulls:
            return col.to_numpy()
        return col.to_numpy().astype("float64")   # ints with nulls: float64 with NaN, as Ibis
    if dtype.is_boolean() and pat.is_boolean(t):
        if not nulls:
            return col.to_numpy()
        return pd.Series(col.to_pylist(), dtype=object, name=name)   # Python objects, None kept
    if dtype.is_string() and (pat.is_string(t) or pat.is_large_string(t)):
        # pandas 3: its ``str`` dtype straight from Arrow (NaN for a missing string); pandas 2:
        # Python objects with None — what Ibis' conversion ends with in either
        return col.to_pandas()
    return None


def frame(table: pa.Table, schema, table_result: bool = False) -> pd.DataFrame:
    """``table`` (a query's Arrow result) as the DataFrame Ibis' DuckDB ``execute`` builds
    for an expression of ``schema`` — or, with ``table_result``, the frame it returns for a
    table expression (its second conversion: no-op for the columns converted here)."""
    if tuple(table.column_names) != tuple(schema.names):
        raise ValueError("schema names don't match the result's columns")
    cols = {}
    for name, col in zip(table.column_names, table.columns):
        dtype = schema[name]
        if not len(col):
            cols[name] = _empty(col, dtype, name, table_result)
            continue
        v = _column(col, dtype, name)
        cols[name] = _ibis_column(col, dtype, name, table_result) if v is None else v
    return pd.DataFrame(cols, index=pd.RangeIndex(table.num_rows))


def install(backend) -> None:
    """Make ``backend.execute`` (an Ibis DuckDB backend) build its frames with :func:`frame`;
    anything with parameters or options goes Ibis' own way."""
    import ibis.expr.types as ir
    execute_ = backend.execute

    def execute(expr, /, *, params=None, limit=None, **kwargs):
        if params or kwargs:
            return execute_(expr, params=params, limit=limit, **kwargs)
        schema = expr.as_table().schema()
        if schema.geospatial:
            return execute_(expr, limit=limit)
        table = backend._to_duckdb_relation(expr, limit=limit).to_arrow_table()
        if isinstance(expr, ir.Table):
            return frame(table, schema, table_result=True)
        return expr.__pandas_result__(frame(table, schema))

    backend.execute = execute
