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
import glob
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

__all__ = ["neutralise", "neutralise_frame", "write_csv", "write_json", "sha256_text", "atomic_write"]

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


def atomic_write(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``write(tmp)`` and an atomic rename, so the file is either the
    old one or complete.

    The temporary file has a unique name (``.NAME.PID.RANDOM.tmp`` next to ``path``): two
    writers never share one. It is removed when ``write`` fails; one left by a killed
    process (kill -9, power loss) is removed by the next write of the same file, as is the
    ``NAME.tmp`` of earlier versions.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "r.html.tmp").write_text("half")            # left by a killed run
    >>> atomic_write(d / "r.html", lambda t: t.write_text("whole")).read_text()
    'whole'
    >>> sorted(p.name for p in d.iterdir())
    ['r.html']
    """
    path = Path(path)
    _remove_stale_tmp(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _remove_stale_tmp(path: Path) -> None:
    """Temporary files of ``path`` whose writing process is gone."""
    import psutil
    stale = [path.with_name(path.name + ".tmp")]
    for f in glob.glob(os.path.join(glob.escape(str(path.parent)), "." + glob.escape(path.name) + ".*.tmp")):
        pid = Path(f).name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not psutil.pid_exists(int(pid)):
            stale.append(Path(f))
    for f in stale:
        try:
            f.unlink(missing_ok=True)
        except OSError:  # not ours to remove (permissions): leave it
            pass


def write_csv(data: pd.DataFrame | Iterable[dict], path: str | Path) -> Path:
    """Write rows to CSV (UTF-8, header) with every text cell neutralised; atomic."""
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    safe = neutralise_frame(df)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # CRLF rows (RFC 4180): the csv module quotes a cell only when it holds a character of
    # the line terminator, so with "\n" alone a bare "\r" stayed unquoted and a spreadsheet
    # started a new row there: "x\r=cmd|..." smuggled a formula past the neutraliser
    return atomic_write(path, lambda tmp: safe.to_csv(tmp, index=False, quoting=csv.QUOTE_MINIMAL,
                                                      lineterminator="\r\n"))


def write_json(obj: Any, path: str | Path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, ensure_ascii=False, indent=2, default=str)
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def sha256_text(text: str | None) -> str:
    """Content hash used in evidence exports (sha256 of the UTF-8 text)."""
    import hashlib
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()
