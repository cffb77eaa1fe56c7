"""Erasure of one account from a whole workspace (UU PDP right to erasure): every table, every
file the workspace holds (exports Suara wrote, coordination networks and GEXF, reports,
uploaded exports), and the free blocks of the database file.

What counts as a trace: the account id, its handle(s), and any alias the caller passes (its
pseudonym), each as a whole token: ``(^|[^A-Za-z0-9_])TOKEN([^A-Za-z0-9_]|$)``, so an id
``12`` never matches ``123`` or ``a12``.

- Rows keyed by the account (accounts, scores, regions, volunteers, live sessions, any
  table with ``platform`` + ``account_id``) and by its posts (posts, enrichments, mentions,
  observations, labels, categories: any table with ``platform`` + ``post_id``) are deleted.
- Quarantined input rows are deleted when a *field value* of the raw record equals the id or
  handle exactly (the raw JSON is parsed; a text that is not JSON is matched by whole token).
- Every other text cell that still names the account (alerts and their evidence, cases and
  notes, networks, audit entries, other people's posts that @mention it, the admin's account
  type decisions) has the token replaced by ``erased account``.
- Files: CSV and JSON-lines rows and JSON records that name the account are dropped, GEXF
  nodes and their edges removed, other text files have the token replaced; ``.gz`` and
  ``.zip`` files are rewritten the same way inside. Files that cannot be read as text
  (images, PDFs) and that may name the account are listed in the result, never guessed at.
- The database file is compacted (rewritten) so deleted rows do not linger in free blocks.

Example
-------
>>> import re
>>> bool(token_pattern(["12"]).search("a 12 b")), bool(token_pattern(["12"]).search("a 123 b"))
(True, False)
"""
from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import os
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from suara.store.schema import PRIMARY_KEYS, TABLES

__all__ = ["ERASED", "token_pattern", "erase_tables", "erase_files", "SKIP_FILES"]

ERASED = "erased account"
#: tables of imported content (other people's posts and what was derived from them)
CONTENT_TABLES = {"posts", "enrichments", "mentions", "labels", "categories", "metric_observations",
                  "aggregates_daily", "quarantine"}
#: workspace files that are not data (secrets, the store itself)
SKIP_FILES = {".secret", ".pseudonym-key"}
_STORE_SUFFIXES = (".duckdb", ".duckdb.wal", ".wal", ".parquet")
_TEXT_SUFFIXES = {".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".gexf", ".html", ".htm", ".txt", ".md",
                  ".xml", ".yaml", ".yml", ".log", ".svg"}
_MAX_FILE = 2 << 30


def token_pattern(tokens) -> re.Pattern:
    """Whole-token regex for any of ``tokens`` (Python; the SQL form is built alike)."""
    alts = "|".join(re.escape(t) for t in sorted({str(t) for t in tokens if t}, key=len, reverse=True))
    return re.compile(rf"(^|[^A-Za-z0-9_])({alts})(?=[^A-Za-z0-9_]|$)")


def _sql_pattern(tokens) -> str:
    alts = "|".join(re.escape(t) for t in sorted({str(t) for t in tokens if t}, key=len, reverse=True))
    return rf"(^|[^A-Za-z0-9_])({alts})([^A-Za-z0-9_]|$)"


def _text_columns(table: str) -> tuple[list[str], list[str]]:
    cols = TABLES.get(table) or []
    return ([c for c, t in cols if t.startswith("VARCHAR") and not t.startswith("VARCHAR[]")],
            [c for c, t in cols if t.startswith("VARCHAR[]")])


def _raw_names(raw: str, exact: set[str]) -> bool:
    """Whether a quarantined raw record has a field whose value is exactly one of ``exact``."""
    try:
        obj = json.loads(raw)
    except (ValueError, TypeError):
        return bool(token_pattern(exact).search(raw or ""))
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
        elif isinstance(o, (str, int)) and not isinstance(o, bool):
            v = str(o).strip()
            if v in exact or (v.startswith("@") and v[1:] in exact):
                return True
    return False


def erase_tables(store, platform: str, account_id: str, handles: list[str], aliases: list[str]) -> dict:
    """Delete and scrub the account in every table (one transaction); returns counts per table."""
    s = store
    counts: dict[str, int] = {}
    key = [platform, account_id]
    exact = {account_id, *[h for h in handles if h]}
    tokens = exact | {a for a in aliases if a}
    tables = [r[0] for r in s.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()
              if not r[0].startswith("_")]  # engine bookkeeping (the lake's state), never data
    cols_of = {t: {r[0]: r[1] for r in s.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ?", [t]).fetchall()} for t in tables}
    from suara.store import aggregates
    agg_days, agg_null = aggregates.days_of_account(s, platform, account_id)
    with s.transaction():
        s.execute("CREATE OR REPLACE TEMP TABLE _forget_posts AS SELECT platform, post_id FROM posts "
                  "WHERE platform = ? AND account_id = ?", key)
        # rows of its posts, then rows keyed by the account, in any table that has those keys
        for t in tables:
            cols = cols_of[t]
            if t != "posts" and {"platform", "post_id"} <= set(cols):
                n = s.execute(f'SELECT count(*) FROM "{t}" WHERE (platform, post_id) IN '
                              "(SELECT platform, post_id FROM _forget_posts)").fetchall()[0][0]
                if n:
                    s.execute(f'DELETE FROM "{t}" WHERE (platform, post_id) IN (SELECT platform, post_id FROM _forget_posts)')
                counts[t] = counts.get(t, 0) + n
        counts["posts"] = s.execute("SELECT count(*) FROM _forget_posts").fetchall()[0][0]
        s.execute("DELETE FROM posts WHERE platform = ? AND account_id = ?", key)
        for t in tables:
            cols = cols_of[t]
            if {"platform", "account_id"} <= set(cols):
                n = s.execute(f'SELECT count(*) FROM "{t}" WHERE platform = ? AND account_id = ?', key).fetchall()[0][0]
                if n:
                    s.execute(f'DELETE FROM "{t}" WHERE platform = ? AND account_id = ?', key)
                counts[t] = counts.get(t, 0) + n
        s.execute("DROP TABLE _forget_posts")
        # the pre-aggregated tables: the days the account's mentions were counted on
        if agg_days or agg_null:
            aggregates.rebuild_days(s, agg_days, include_null=agg_null)
        # quarantined input: exact field values only (a short id must not take other rows along)
        if "quarantine" in tables:
            rows = s.execute("SELECT rowid, raw FROM quarantine WHERE raw IS NOT NULL AND regexp_matches(raw, ?)",
                             [_sql_pattern(exact)]).fetchall()
            ids = [rid for rid, raw in rows if _raw_names(raw, exact)]
            for i in range(0, len(ids), 1000):
                chunk = ids[i:i + 1000]
                s.execute(f"DELETE FROM quarantine WHERE rowid IN ({', '.join('?' * len(chunk))})", chunk)
            counts["quarantine"] = len(ids)
        # the admin's naming decision for it
        raw = s.execute("SELECT value FROM meta WHERE key = 'privacy.account_types'").fetchall()
        if raw and raw[0][0]:
            d = json.loads(raw[0][0])
            if d.pop(f"{platform}:{account_id}", None) is not None:
                s.execute("UPDATE meta SET value = ? WHERE key = 'privacy.account_types'",
                          [json.dumps(d, sort_keys=True)])
        # every remaining mention in any text: the token becomes "erased account". In the
        # content of other people's posts only @handle and tokens of 6+ characters count (a
        # handle like "banjir" must not erase the word from every post)
        pat_all = _sql_pattern(tokens)
        long_ = {t for t in tokens if len(t) >= 6} | {"@" + h for h in handles if h}
        pat_content = _sql_pattern(long_) if long_ else None
        for t in tables:
            cols = cols_of[t]
            pat = pat_content if t in CONTENT_TABLES else pat_all
            if pat is None or t in aggregates.TABLES:   # counts and codes, no text
                continue
            for c, typ in cols.items():
                if c in PRIMARY_KEYS.get(t, ()):
                    continue  # keys are ids of posts, jobs, alerts: never an account's
                if typ == "VARCHAR":
                    n = s.execute(f'SELECT count(*) FROM "{t}" WHERE regexp_matches("{c}", ?)', [pat]).fetchall()[0][0]
                    for _ in range(2 if n else 0):  # twice: adjacent tokens share a separator
                        s.execute(f'UPDATE "{t}" SET "{c}" = regexp_replace("{c}", ?, ?, \'g\') '
                                  f'WHERE regexp_matches("{c}", ?)', [pat, rf"\1{ERASED}\3", pat])
                    if n:
                        counts[f"{t}.{c} scrubbed"] = counts.get(f"{t}.{c} scrubbed", 0) + n
                elif typ == "VARCHAR[]":
                    # elements joined by U+001F (a non-word character, so token edges hold);
                    # no lambdas: their syntax differs between DuckDB releases
                    joined = f'array_to_string("{c}", chr(31))'
                    cond = f'len("{c}") > 0 AND regexp_matches({joined}, ?)'
                    n = s.execute(f'SELECT count(*) FROM "{t}" WHERE {cond}', [pat]).fetchall()[0][0]
                    for _ in range(2 if n else 0):
                        s.execute(f'UPDATE "{t}" SET "{c}" = string_split(regexp_replace({joined}, ?, ?, \'g\'), chr(31)) '
                                  f"WHERE {cond}", [pat, rf"\1{ERASED}\3", pat])
                    if n:
                        counts[f"{t}.{c} scrubbed"] = counts.get(f"{t}.{c} scrubbed", 0) + n
    return {k: v for k, v in counts.items() if v}


# ---------------------------------------------------------------------------------- files
def _rewrite_text(name: str, text: str, pat: re.Pattern, short: frozenset = frozenset()) -> tuple[str, int]:
    """The text without the account: (new text, records dropped or tokens replaced).
    ``short`` tokens (under 4 characters) count only as a whole CSV cell or JSON value."""
    low = name.lower()
    for suf in (".gz", ".xz", ".bz2"):
        if low.endswith(suf):
            low = low[: -len(suf)]
    if low.endswith((".csv", ".tsv")):
        delim = "\t" if low.endswith(".tsv") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        keep = [r for i, r in enumerate(rows)
                if i == 0 or not any(pat.search(c) or c.strip() in short for c in r)]
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows(
            [[pat.sub(rf"\1{ERASED}", c) for c in r] for r in keep])
        return buf.getvalue(), len(rows) - len(keep)
    if low.endswith((".jsonl", ".ndjson")):
        lines = text.splitlines(keepends=True)
        keep = [ln for ln in lines if not (pat.search(ln) or (short and _raw_names(ln, set(short))))]
        return "".join(keep), len(lines) - len(keep)
    if low.endswith(".json"):
        try:
            obj = json.loads(text)
        except ValueError:
            return pat.sub(rf"\1{ERASED}", text), 1
        dropped = [0]

        def clean(o):
            if isinstance(o, list):
                out = []
                for x in o:
                    dump = json.dumps(x, ensure_ascii=False)
                    if isinstance(x, (dict, list)) and (pat.search(dump) or (short and _raw_names(dump, set(short)))):
                        dropped[0] += 1
                        continue
                    out.append(clean(x))
                return out
            if isinstance(o, dict):
                return {(pat.sub(rf"\1{ERASED}", k) if isinstance(k, str) else k): clean(v) for k, v in o.items()}
            if isinstance(o, str) and pat.search(o):
                dropped[0] += 1
                return pat.sub(rf"\1{ERASED}", o)
            return o
        return json.dumps(clean(obj), ensure_ascii=False, indent=1), dropped[0]
    if low.endswith(".gexf"):
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            return pat.sub(rf"\1{ERASED}", text), 1
        ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
        if ns:
            ET.register_namespace("", ns[1:-1])
        gone, n = set(), 0
        for parent in list(root.iter()):
            for el in list(parent):
                if el.tag == f"{ns}node" and (pat.search(el.get("id", "")) or pat.search(el.get("label", ""))
                                               or any(pat.search(a.get("value", "")) for a in el.iter())):
                    gone.add(el.get("id"))
                    parent.remove(el)
                    n += 1
        for parent in list(root.iter()):
            for el in list(parent):
                if el.tag == f"{ns}edge" and (el.get("source") in gone or el.get("target") in gone):
                    parent.remove(el)
                    n += 1
        out = ET.tostring(root, encoding="unicode")
        return pat.sub(rf"\1{ERASED}", out), n
    return pat.sub(rf"\1{ERASED}", text), len(pat.findall(text))


def _decode(b: bytes) -> str | None:
    if b"\x00" in b[:8192]:
        return None
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _write_atomic(p: Path, data: bytes) -> None:
    tmp = p.with_name(f".{p.name}.{os.getpid()}.erase.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, p)


def erase_files(root: Path, tokens, skip: set[Path] = frozenset()) -> dict:
    """Rewrite every file under ``root`` that names the account; returns
    ``{"files": {relative path: records/tokens removed}, "unreadable": [paths that may hold it]}``."""
    tokens = {str(t) for t in tokens if t}
    short = frozenset(t for t in tokens if len(t) < 4)
    pat = token_pattern(tokens - short or {"\x00never\x00"})
    bpat = re.compile(pat.pattern.encode())
    changed: dict[str, int] = {}
    unreadable: list[str] = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.is_symlink() or p.name in SKIP_FILES or p.resolve() in skip:
            continue
        if p.name.endswith(_STORE_SUFFIXES) or p.stat().st_size > _MAX_FILE:
            continue
        rel = str(p.relative_to(root))
        raw = p.read_bytes()
        low = p.name.lower()
        try:
            if low.endswith(".zip"):
                n, data = _rewrite_zip(raw, pat, short)
            elif low.endswith((".gz", ".xz", ".bz2")):
                mod = gzip if low.endswith(".gz") else lzma if low.endswith(".xz") else bz2
                inner = _decode(mod.decompress(raw))
                if inner is None or not (pat.search(inner) or _has_short(inner, short)):
                    continue
                text, n = _rewrite_text(p.name, inner, pat, short)
                data = mod.compress(text.encode("utf-8"))
            else:
                text = _decode(raw)
                if text is None:
                    if bpat.search(raw):
                        unreadable.append(rel)
                    continue
                if not (pat.search(text) or _has_short(text, short)):
                    continue
                text, n = _rewrite_text(p.name, text, pat, short)
                data = text.encode("utf-8")
        except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, ValueError):
            unreadable.append(rel)
            continue
        if data is not None and n:
            _write_atomic(p, data)
            changed[rel] = n
    return {"files": changed, "unreadable": unreadable}


def _has_short(text: str, short: frozenset) -> bool:
    return bool(short) and bool(token_pattern(short).search(text))


def _rewrite_zip(raw: bytes, pat: re.Pattern, short: frozenset = frozenset()) -> tuple[int, bytes | None]:
    total = 0
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            text = _decode(data)
            if text is not None and (pat.search(text) or _has_short(text, short)):
                text, n = _rewrite_text(info.filename, text, pat, short)
                data = text.encode("utf-8")
                total += n
            zout.writestr(info, data)
    return total, (out.getvalue() if total else None)
