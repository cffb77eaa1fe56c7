"""Safe exports: CSV/JSON files that spreadsheet programs cannot be tricked into executing.

Post text, handles and bios are untrusted. A cell starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return is a formula to Excel/LibreOffice ("CSV injection", e.g.
``=cmd|' /C calc'!A0``); every CSV Suara writes goes through :func:`write_csv`, which
prefixes such cells with an apostrophe (OWASP's recommendation) so they show as text.

Example
-------
>>> neutralise("=1+2")
"'=1+2"
>>> neutralise("-12.5")   # plain numbers stay numbers
'-12.5'
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

__all__ = ["neutralise", "neutralise_frame", "write_csv", "write_json", "sha256_text"]

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """Return ``value`` made safe for a spreadsheet cell (strings only are changed)."""
    if isinstance(value, str) and value.startswith(_DANGEROUS) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell neutralised (for writers that append in chunks).

    >>> neutralise_frame(pd.DataFrame({"t": ["=HYPERLINK(1)", "ok"], "n": [-1, 2]}))["t"].tolist()
    ["'=HYPERLINK(1)", 'ok']
    """
    safe = df.copy()
    for c in safe.columns:
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c].dtype):
            safe[c] = safe[c].map(neutralise)
    return safe


def write_csv(data: pd.DataFrame | Iterable[dict], path: str | Path) -> Path:
    """Write rows to CSV (UTF-8, header) with every text cell neutralised; atomic."""
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    safe = neutralise_frame(df)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    # CRLF rows (RFC 4180): the csv module quotes a cell only when it holds a character of
    # the line terminator, so with "\n" alone a bare "\r" stayed unquoted and a spreadsheet
    # started a new row there: "x\r=cmd|..." smuggled a formula past the neutraliser
    safe.to_csv(tmp, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    tmp.replace(path)
    return path


def write_json(obj: Any, path: str | Path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def sha256_text(text: str | None) -> str:
    """Content hash used in evidence exports (sha256 of the UTF-8 text)."""
    import hashlib
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()
