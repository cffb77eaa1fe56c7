"""Shared driver of the importer fuzz targets and the property-based tests.

One call, :func:`exercise`, feeds bytes to the importers of one family the way the ingest
pipeline does (``read`` -> ``map`` -> batch -> Arrow columns of the canonical tables) but
without a store, so a fuzzer reaches thousands of inputs per second. It raises only when
Suara would crash: an unreadable file must come back as ``FileError`` (or ``OSError``,
which the pipeline reports as "cannot read"), a bad record must land in quarantine with a
field and a reason, and nothing mapped may break the Arrow/DuckDB conversion of its batch.

Example
-------
>>> stats = exercise("native", b'{"suara_type": "post", "platform": "x", "post_id": "1"}\\n')
>>> stats["suara-jsonl"]["posts"], stats["suara-jsonl"]["quarantined"]
(1, 0)
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import tempfile
from pathlib import Path

from suara.ingest import pipeline as P
from suara.ingest import registry
from suara.ingest.base import FileError, ImportContext, Source
from suara.ingest.formats import BUILTIN_MODULES
from suara.store.schema import columns

__all__ = ["FAMILIES", "family_formats", "exercise", "run_format", "CORPUS", "GENERIC_MAPPING",
           "file_name"]

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
#: importer families = the modules of `suara.ingest.formats`, one fuzz target each
FAMILIES: tuple[str, ...] = tuple(BUILTIN_MODULES)
#: the generic format needs a column mapping; this one covers every mapped field kind
GENERIC_MAPPING = {
    "platform": "x", "timezone": "Asia/Makassar",
    "columns": {"url": "tautan", "created_at": "tanggal", "handle": "akun", "display_name": "nama",
                "text": "isi", "likes": "suka", "shares": "bagikan"},
}
_NOW = dt.datetime(2024, 11, 1)
_TMP = Path(tempfile.mkdtemp(prefix="suara-fuzz-"))


def family_formats(family: str) -> list[str]:
    """Format names registered by one family module.

    >>> family_formats("x")
    ['x-api-v2', 'twarc2-flat', 'tweet-harvest']
    """
    registry.formats()
    mod = importlib.import_module(f"suara.ingest.formats.{family}")
    return [cls.name for cls in mod.IMPORTERS]


def file_name(family: str, data: bytes) -> str:
    """A plausible file name for the bytes (importers may read hints from it)."""
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if data.startswith(b"PK\x03\x04"):
        return "input.xlsx"
    if family == "whatsapp":
        return "WhatsApp Chat with Fuzz.txt"
    if family == "instaloader":
        return "2024-11-20_02-15-00_UTC.json"
    if first in (b"{", b"["):
        return "input.ndjson" if family in ("zeeschuimer", "native", "fourcat") else "input.json"
    return "input.csv"


def run_format(fmt: str, path: Path, mapping: dict | None = None) -> dict:
    """Read and map one file with one importer like the pipeline does; check the invariants.

    Returns counts ``{"rows", "posts", "accounts", "quarantined", "file_error"}``.
    """
    imp = registry.get(fmt)
    src = Source(path)
    ctx = ImportContext(file=src.name, mapping=mapping if fmt == "generic" else None,
                        timezone=(mapping or {}).get("timezone") if fmt == "generic" else None)
    b = P._Batch(src.name, imp.name, _NOW, "fuzz")
    rows = 0
    try:
        for row, raw in imp.read(src, ctx):
            rows += 1
            P._consume(imp, ctx, b, row, raw)
    except FileError as e:
        # a whole-file refusal is fine, but it must say which file and why
        assert src.name in str(e) or "mapping" in str(e), f"FileError without the file name: {e}"
        return {"rows": rows, "posts": 0, "accounts": 0, "quarantined": 0, "file_error": str(e)}
    except (OSError, EOFError) as e:  # reported by the pipeline as "cannot read: ..."
        return {"rows": rows, "posts": 0, "accounts": 0, "quarantined": 0, "file_error": str(e)}
    # the conversions the pipeline does before writing; a crash here would lose the file
    if b.accounts:
        P._accounts_arrow(b)
    if b.n_posts:
        t = P._posts_arrow(b)
        assert t.column("post_id").null_count == 0 and t.column("platform").null_count == 0
    q = {c: [r.get(c) for r in b.quarantine] for c in columns("quarantine")}
    P._to_arrow("quarantine", q)
    for r in b.quarantine:
        assert isinstance(r["field"], str) and r["field"], f"quarantined without a field: {r}"
        assert isinstance(r["reason"], str) and r["reason"], f"quarantined without a reason: {r}"
    return {"rows": rows, "posts": b.n_posts, "accounts": len(b.accounts),
            "quarantined": len(b.quarantine), "file_error": None}


def exercise(family: str, data: bytes, detect: bool = True) -> dict[str, dict]:
    """Run every format of ``family`` (forced) on ``data``, and auto-detection too.

    Returns ``{format: counts}``; raises AssertionError or the original exception when an
    invariant breaks (that is a crash of Suara on this input).
    """
    path = _TMP / f"{os.getpid()}-{file_name(family, data)}"
    path.write_bytes(data)
    out: dict[str, dict] = {}
    try:
        for fmt in family_formats(family):
            out[fmt] = run_format(fmt, path, GENERIC_MAPPING)
        if detect:
            try:
                imp, _ = registry.detect(Source(path))
            except FileError as e:
                assert str(path) in str(e), f"detect error without the file name: {e}"
            else:
                if imp.name not in out and imp.name != "generic":
                    out[imp.name] = run_format(imp.name, path)
    finally:
        path.unlink(missing_ok=True)
    return out


def corpus_files(family: str) -> list[Path]:
    """The seed inputs kept in the repository for one family."""
    d = CORPUS / family
    return sorted(p for p in d.iterdir() if p.is_file()) if d.is_dir() else []


def _smoke() -> None:  # pragma: no cover - manual check: python tests/fuzz/_harness.py
    for fam in FAMILIES:
        for p in corpus_files(fam):
            print(fam, p.name, exercise(fam, p.read_bytes()))


if __name__ == "__main__":  # pragma: no cover
    _smoke()


# ---------------------------------------------------------------------------------------
# Structure-aware mutation: byte flips rarely yield valid JSON/CSV with hostile *values*, so
# both the atheris targets and the hypothesis tests also replace one value of a real record.
# ---------------------------------------------------------------------------------------
#: values that broke or could break importers: beyond-64-bit ints, epochs past year 9999,
#: lone surrogates, formula cells, wrong types, locale numbers, control characters
HOSTILE_VALUES: tuple = (
    None, "", " ", 0, -1, 2**63, 2**64 + 1, -(2**70), 1e308, -1e308, 1.5, True, False,
    "NaN", "Infinity", "9" * 40, "1,2rb", "3.4 jt", "2jt+", "-", "1e999",
    "2024-13-45T99:99:99Z", "0000-00-00", "99999999999999", "-62135596800", "Wed Feb 30 25:61:61 +9999 2024",
    "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "\ud800", "a\x00b", "\u202e\u0645", "x" * 5000,
    [], {}, [None], [1, "a", None], {"a": {"b": [1]}}, [[[[[]]]]], "../../etc/passwd",
)


def _paths(x, prefix=()):
    """Every (path, value) in a JSON value, depth-first."""
    yield prefix, x
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _paths(v, prefix + (i,))


_PICK = object()


def mutate_json(doc, rnd, value=_PICK) -> object:
    """Replace, delete or retype one value somewhere in ``doc`` (a parsed JSON value);
    ``value`` is the replacement (default: one of `HOSTILE_VALUES`).

    >>> import random
    >>> mutate_json({"a": 1}, random.Random(3)) != {"a": 1}
    True
    """
    import copy
    doc = copy.deepcopy(doc)
    paths = [p for p, _ in _paths(doc) if p]
    if value is _PICK:
        value = rnd.choice(HOSTILE_VALUES)
    if not paths:
        return value
    path = rnd.choice(paths)
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    k = path[-1]
    op = rnd.random()
    if op < 0.15 and isinstance(parent, dict):
        del parent[k]
    elif op < 0.25:
        parent[k] = str(parent[k]) if not isinstance(parent[k], str) else [parent[k]]
    else:
        parent[k] = value
    return doc


def mutate_bytes(data: bytes, rnd) -> bytes:
    """One structure-aware mutation of a file's bytes (JSON document, JSON line or CSV cell);
    returns ``data`` unchanged when no structure is recognised."""
    import csv
    import io
    import json
    if data.startswith(b"PK\x03\x04"):   # a workbook (zip): damage a few bytes past the header
        b = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            b[rnd.randrange(4, len(b))] = rnd.randrange(256)
        return bytes(b)
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "{[":
        try:
            return json.dumps(mutate_json(json.loads(stripped), rnd)).encode("utf-8", "surrogatepass")
        except (ValueError, RecursionError):
            pass
        idx = [i for i, ln in enumerate(lines) if ln.strip()[:1] in "{["]
        if idx:
            i = rnd.choice(idx)
            try:
                lines[i] = json.dumps(mutate_json(json.loads(lines[i]), rnd))
                return "\n".join(lines).encode("utf-8", "surrogatepass")
            except (ValueError, RecursionError):
                return data
        return data
    try:
        delim = csv.Sniffer().sniff(lines[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delim = ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    except csv.Error:   # not CSV (a chat export's stray carriage return, binary)
        return data
    if len(rows) < 2:
        return data
    r = rnd.randrange(1, len(rows))
    if rows[r]:
        c = rnd.randrange(len(rows[r]))
        v = rnd.choice(HOSTILE_VALUES)
        rows[r][c] = v if isinstance(v, str) else json.dumps(v)
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8", "surrogatepass")
