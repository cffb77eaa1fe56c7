"""Generic CSV / XLSX / JSON Lines with a column-mapping file, for any export without an importer.

``suara ingest FILE --format generic --mapping map.yaml`` (``--format auto`` with a mapping
also picks this format). The mapping names, for each canonical column, the source column
that holds it (a dotted path such as ``user.id`` reaches into nested JSON; a column named
with dots or slashes, ``authorMeta/name`` in an Apify CSV, is matched as it is; a list gives
fallbacks, the first non-empty wins). An ``.xlsx`` workbook is read from its first sheet
(header in the first row)::

    platform: x                  # or  platform_column: source_platform
    timezone: Asia/Makassar      # zone of naive timestamps (WITA); --timezone overrides it
    columns:
      post_id: tweet_id          # required
      created_at: date
      text: [full_text, text]
      account_id: user_id
      handle: username           # account fields: handle, display_name, bio, location_text,
      followers: followers       #   followers, following, post_count, verified,
      likes: likes               #   account_created_at
      url: link
    defaults:                    # constant values for columns the file lacks
      kind: post

Post columns: post_id, account_id, created_at, kind, parent_id, root_id, text, media_type,
url, hashtags, mentions, links, likes, comments, shares, views, saves, is_paid, geo. Lists
(hashtags, mentions, links) may be JSON lists or comma/space separated strings; hashtags,
mentions and links are extracted from the text when not mapped. ``observed_at`` (when the
metrics were collected) may be mapped too.

Example
-------
>>> m = {"platform": "x", "columns": {"post_id": "tid", "text": "isi", "created_at": "tgl", "likes": "suka"}}
>>> g = GenericMapped()
>>> ctx = ImportContext(file="f.csv", mapping=m, timezone="Asia/Makassar")
>>> p = g.map({"tid": "17", "isi": "Debat #PilgubKaltim", "tgl": "2024-11-27 20:00", "suka": "1.2K"}, ctx)[0].post
>>> p["created_at"].isoformat(), p["likes"], p["hashtags"]
('2024-11-27T12:00:00', 1200, ['pilgubkaltim'])
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from suara.ingest.base import (BulkChunk, BulkDeclined, FileError, ImportContext, Importer, Item,
                               RowError, Source, fill_entities, parse_time, to_bool, to_int)
from suara.ingest.bulkmap import bulk_csv
from suara.ingest.formats._apijson import iter_documents
from suara.ingest.lines import iter_csv, iter_xlsx
from suara.store.schema import MEDIA_TYPES, PLATFORMS, POST_KINDS

__all__ = ["GenericMapped", "validate_mapping", "id_from_url", "POST_FIELDS", "ACCOUNT_FIELDS"]

POST_FIELDS = ("post_id", "account_id", "created_at", "kind", "parent_id", "root_id", "text",
               "media_type", "url", "hashtags", "mentions", "links", "likes", "comments", "shares",
               "views", "saves", "is_paid", "geo", "observed_at")
ACCOUNT_FIELDS = ("handle", "display_name", "bio", "location_text", "followers", "following",
                  "post_count", "verified", "account_created_at")
_INT = {"likes", "comments", "shares", "views", "saves", "followers", "following", "post_count"}
_TIME = {"created_at", "observed_at", "account_created_at"}
_BOOL = {"is_paid", "verified"}
_LIST = {"hashtags", "mentions", "links"}


def validate_mapping(mapping: Any, where: str = "mapping") -> dict:
    """Check a mapping (parsed YAML) and return it normalised; raises FileError naming the
    problem.

    >>> validate_mapping({"platform": "x", "columns": {"post_id": "id"}})["columns"]
    {'post_id': ['id']}
    """
    if not isinstance(mapping, dict):
        raise FileError(f"{where}: a column mapping (YAML object) is required: --mapping map.yaml")
    cols = mapping.get("columns")
    if cols is None:   # flat form: canonical: source at the top level
        cols = {k: v for k, v in mapping.items() if k in POST_FIELDS or k in ACCOUNT_FIELDS}
    if not isinstance(cols, dict):
        raise FileError(f"{where}: 'columns' must map canonical names to source columns")
    unknown = sorted(set(cols) - set(POST_FIELDS) - set(ACCOUNT_FIELDS))
    if unknown:
        raise FileError(f"{where}: unknown canonical column(s) {', '.join(unknown)}; known: "
                        f"{', '.join(POST_FIELDS + ACCOUNT_FIELDS)}")
    norm = {}
    for k, v in cols.items():
        vs = v if isinstance(v, list) else [v]
        if not vs or not all(isinstance(x, str) and x for x in vs):
            raise FileError(f"{where}: columns.{k} must be a column name or a list of names")
        norm[k] = vs
    if "post_id" not in norm and "url" not in norm:
        raise FileError(f"{where}: columns.post_id is required (the column holding the item id; "
                        "or columns.url to take the id from post URLs)")
    plat, pcol = mapping.get("platform"), mapping.get("platform_column")
    if not plat and not pcol:
        raise FileError(f"{where}: give 'platform' ({'|'.join(PLATFORMS)}) or 'platform_column'")
    if plat and plat not in PLATFORMS:
        raise FileError(f"{where}: platform {plat!r} is not one of {', '.join(PLATFORMS)}")
    defaults = mapping.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise FileError(f"{where}: 'defaults' must be an object")
    return {"platform": plat, "platform_column": pcol, "timezone": mapping.get("timezone"),
            "columns": norm, "defaults": defaults}


def id_from_url(url: str) -> str | None:
    """A post id from a post URL: tweet status id, Instagram shortcode, TikTok video id,
    Facebook post id, YouTube video id, else the last path segment.

    >>> id_from_url("https://x.com/a/status/1857511111111111111?s=20"), id_from_url("https://www.instagram.com/reel/DCTz/")
    ('1857511111111111111', 'DCTz')
    """
    u = str(url).strip()
    for pat in (r"/status(?:es)?/(\d+)", r"instagram\.com/(?:p|reel|tv)/([\w-]+)", r"/video/(\d+)",
                r"[?&]v=([\w-]{6,})", r"youtu\.be/([\w-]{6,})", r"/posts/(\d+)", r"[?&]story_fbid=(\d+)"):
        mm = re.search(pat, u)
        if mm:
            return mm.group(1)
    tail = u.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail or None


def _get(rec: dict, path: str) -> Any:
    if path in rec:
        return rec[path]
    cur: Any = rec
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isascii() and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
    return cur


class GenericMapped(Importer):
    """CSV or JSON Lines/array with a user-supplied column mapping (never auto-detected)."""

    name = "generic"
    title = "Generic CSV / XLSX / JSONL with a column-mapping file"
    platforms = PLATFORMS
    extensions = (".csv", ".jsonl", ".json", ".tsv", ".xlsx")

    def sniff(self, head: str, source: Source) -> float:
        return 0.0   # only chosen explicitly (or when a mapping is given)

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        ctx.options["generic_mapping"] = validate_mapping(ctx.mapping, f"{source.name}: mapping")
        fmt = str((ctx.mapping or {}).get("format") or "").lower()
        if fmt == "xlsx" or source.inner_name.lower().endswith(".xlsx"):
            yield from iter_xlsx(source)
            return
        head = source.text_head(4096).lstrip("\ufeff \t\r\n")
        if fmt in ("jsonl", "json", "ndjson") or (not fmt and head[:1] in ("{", "[")):
            row = 0
            for _, doc in iter_documents(source):
                recs = doc if isinstance(doc, list) else [doc]
                for r in recs:
                    row += 1
                    yield row, r
        else:
            yield from iter_csv(source)

    def map(self, rec: Any, ctx: ImportContext):
        m = ctx.options.get("generic_mapping")
        if m is None:
            try:
                m = ctx.options["generic_mapping"] = validate_mapping(ctx.mapping)
            except FileError as e:
                raise RowError("(mapping)", str(e)) from None
        if isinstance(rec, RowError):
            raise rec
        if not isinstance(rec, dict):
            raise RowError("(record)", "not an object/row")
        tz = ctx.timezone or m.get("timezone")
        vals: dict[str, Any] = dict(m.get("defaults") or {})
        for canon, srcs in m["columns"].items():
            for src in srcs:
                v = _get(rec, src)
                if v not in (None, ""):
                    vals[canon] = v
                    break
        out: dict[str, Any] = {}
        for k, v in vals.items():
            src = m["columns"].get(k, ["(default)"])[0]
            try:
                if k in _TIME:
                    out[k] = parse_time(v, tz)
                elif k in _INT:
                    n = to_int(v)
                    out[k] = None if n is not None and n < 0 else n
                elif k in _BOOL:
                    out[k] = to_bool(v)
                elif k in _LIST:
                    items = v if isinstance(v, list) else str(v).replace(",", " ").split()
                    out[k] = [str(x).strip().lstrip("#@").lower() if k != "links" else str(x).strip()
                              for x in items if str(x).strip()]
                elif isinstance(v, float) and k in ("post_id", "account_id", "parent_id", "root_id"):
                    raise ValueError(f"id stored as a float ({v!r}): precision lost")
                else:
                    out[k] = str(v).strip() if k != "text" else str(v)
            except (ValueError, TypeError, OverflowError, OSError) as e:
                raise RowError(f"{k} ({src})", str(e)) from None
        platform = m.get("platform") or str(_get(rec, m["platform_column"]) or "").strip().lower()
        platform = {"twitter": "x", "twitter.com": "x", "x.com": "x", "ig": "instagram",
                    "fb": "facebook"}.get(platform, platform)
        if platform not in PLATFORMS:
            raise RowError(m.get("platform_column") or "platform", f"unknown platform {platform!r}")
        if not out.get("post_id") and out.get("url"):
            out["post_id"] = id_from_url(out["url"])
        if not out.get("post_id"):
            raise RowError(f"post_id ({m['columns'].get('post_id', m['columns'].get('url'))[0]})", "missing id")
        if out.get("kind") and out["kind"] not in POST_KINDS:
            raise RowError("kind", f"must be one of {', '.join(POST_KINDS)}")
        if out.get("media_type") and out["media_type"] not in MEDIA_TYPES:
            raise RowError("media_type", f"must be one of {', '.join(MEDIA_TYPES)}")
        post = {k: out.get(k) for k in POST_FIELDS if k != "observed_at"}
        post["platform"] = platform
        if not post.get("kind"):
            post["kind"] = "comment" if post.get("parent_id") else "post"
        fill_entities(post)
        if not post.get("media_type"):
            post["media_type"] = "link" if post["links"] else "text"
        acc = None
        if post.get("account_id") or out.get("handle"):
            aid = post.get("account_id") or out["handle"]
            post["account_id"] = aid
            acc = {"platform": platform, "account_id": aid,
                   **{k: out.get(k) for k in ACCOUNT_FIELDS if k != "account_created_at"},
                   "created_at": out.get("account_created_at")}
        return [Item(post=post, account=acc, observed_at=out.get("observed_at"))]

    def bulk(self, source: Source, ctx: ImportContext, fmt: str) -> Iterator[BulkChunk]:
        """Vectorised ``map`` of a mapped CSV: one DuckDB query per Arrow batch (`_bulk_sql`)
        takes the plain rows — counts of digits only, times as ``YYYY-MM-DD[ HH:MM[:SS]]``
        or ``DD/MM/YYYY[ HH:MM[:SS]]``, values without surrounding blanks, no mojibake; every
        other row goes to ``map``, so values, quarantine and row numbers are the row path's.
        Spreadsheets, JSON and mappings with non-text defaults take the row path."""
        m = ctx.options["generic_mapping"] = validate_mapping(ctx.mapping, f"{source.name}: mapping")
        kind = str((ctx.mapping or {}).get("format") or "").lower()
        head = source.text_head(4096).lstrip("\ufeff \t\r\n")
        if (kind not in ("", "csv", "tsv") or source.inner_name.lower().endswith(".xlsx")
                or (not kind and head[:1] in ("{", "["))):
            raise BulkDeclined("not a CSV")
        if not all(isinstance(v, str) and v and v == v.strip() for v in m["defaults"].values()):
            raise BulkDeclined("defaults other than plain text")
        offset = _fixed_offset(ctx.timezone or m.get("timezone"))
        yield from bulk_csv(source, ctx, self, lambda cols: _bulk_sql(m, cols, offset, fmt, source.name))


def _fixed_offset(tz: str | None) -> int:
    """Seconds east of UTC of ``tz`` when it is the same from 1970 to 2039 (WIB, WITA, WIT,
    UTC ...); zones that change their offset take the row path."""
    if not tz:
        return 0
    import datetime as dt
    from zoneinfo import ZoneInfo
    try:
        z = ZoneInfo(tz)
    except (KeyError, ValueError, OSError):
        raise BulkDeclined(f"time zone {tz!r}") from None
    offs = {dt.datetime(y, mo, 15, tzinfo=z).utcoffset() for y in range(1970, 2040) for mo in (1, 4, 7, 10)}
    if len(offs) != 1:
        raise BulkDeclined(f"time zone {tz!r} changes its offset")
    return int(offs.pop().total_seconds())


_DATE_RE2 = (r"[0-9]{4}-(0[1-9]|1[0-2])-[0-3][0-9]", r"[0-3][0-9]/(0[1-9]|1[0-2])/[0-9]{4}")
_CLOCK_RE2 = (r"", r"[T ]([01][0-9]|2[0-3]):[0-5][0-9]", r"[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")
# the layouts parse_time reads with fromisoformat (ISO) or strptime (day first), as DuckDB formats
_TIME_FORMATS = {(0, 0): "%Y-%m-%d", (0, 1): "%Y-%m-%d %H:%M", (0, 2): "%Y-%m-%d %H:%M:%S",
                 (1, 0): "%d/%m/%Y", (1, 1): "%d/%m/%Y %H:%M", (1, 2): "%d/%m/%Y %H:%M:%S"}
_PLATFORM_ALIASES = {"twitter": "x", "twitter.com": "x", "x.com": "x", "ig": "instagram", "fb": "facebook"}
_TRUE = ("1", "true", "yes", "y", "t", "ya")
_BOOLS = _TRUE + ("0", "false", "no", "n", "f", "tidak")


def _time_sql(v: str, offset: int) -> str:
    """SQL: the UTC time of a plain layout, NULL for anything else (the row path decides)."""
    cases = []
    for (d, c), f in _TIME_FORMATS.items():
        clock = _CLOCK_RE2[c] if d == 0 else _CLOCK_RE2[c].replace("[T ]", " ")
        src = f"replace({v}, 'T', ' ')" if d == 0 and c else v
        cases.append(f"WHEN regexp_full_match({v}, '{_DATE_RE2[d]}{clock}') THEN try_strptime({src}, '{f}')")
    ts = f"CASE {' '.join(cases)} END"
    ts = f"CAST({ts} AS TIMESTAMP)"
    return f"({ts} - INTERVAL {offset} SECOND)" if offset else ts


def _bulk_sql(m: dict, cols: set[str], offset: int, fmt: str, file: str) -> str:
    """The query mapping a CSV batch (`_b`) as `GenericMapped.map` maps each plain row."""
    from suara.ingest.base import _MOJIBAKE_MARKS
    from suara.ingest.bulkmap import entity_sql, lit, strip_ok

    def q(c: str) -> str:
        return '"' + c.replace('"', '""') + '"'
    used, raw = set(), {}
    for k in set(m["columns"]) | set(m["defaults"]):
        if k not in POST_FIELDS and k not in ACCOUNT_FIELDS:
            continue
        srcs = [c for c in m["columns"].get(k, []) if c in cols]
        used.update(srcs)
        parts = [f"nullif({q(c)}, '')" for c in srcs]
        if k in m["defaults"]:
            parts.append(lit(m["defaults"][k]))
        raw[k] = f"coalesce({', '.join(parts)})" if parts else "CAST(NULL AS VARCHAR)"
    # stage 1: the chosen raw value of each canonical column (v_<name>)
    s1 = [f"{x} AS v_{k}" for k, x in raw.items()]
    ok, conv = [], {}
    for k in raw:
        v = f"v_{k}"
        if k in _TIME:
            conv[k] = _time_sql(v, offset)
            ok.append(f"(v_{k} IS NULL OR (c_{k} IS NOT NULL AND year(c_{k}) BETWEEN 1971 AND 2038))")
        elif k in _INT:
            conv[k] = f"TRY_CAST(CASE WHEN regexp_full_match({v}, '[0-9]{{1,18}}') THEN {v} END AS BIGINT)"
            ok.append(f"(v_{k} IS NULL OR c_{k} IS NOT NULL)")
        elif k in _BOOL:
            conv[k] = f"lower({v}) IN ({', '.join(map(lit, _TRUE))})"
            ok.append(f"(v_{k} IS NULL OR (regexp_full_match(v_{k}, '[A-Za-z0-9]+') AND lower(v_{k}) IN "
                      f"({', '.join(map(lit, _BOOLS))})))")
        elif k in _LIST:
            parts = f"list_filter(string_split_regex({v}, '[ ,]+'), lambda x: x <> '')"
            conv[k] = parts if k == "links" else f"list_transform({parts}, lambda x: lower(ltrim(x, '#@')))"
            ok.append(f"(v_{k} IS NULL OR regexp_full_match(v_{k}, '[\\x21-\\x7e ]*'))")
        else:
            conv[k] = v
            if k != "text":
                ok.append(f"(v_{k} IS NULL OR {strip_ok(v)})")
    if "url" in raw:   # id_from_url's first pattern (a status URL); other URLs take the row path
        status = ("CASE WHEN NOT regexp_matches(v_url, '[^\\x00-\\x7f]') "
                  "THEN nullif(regexp_extract(v_url, '/status(?:es)?/([0-9]+)', 1), '') END")
        conv["post_id"] = f"coalesce(v_post_id, {status})" if "post_id" in raw else status
    if m.get("platform"):
        s1.append(f"{lit(m['platform'])} AS v_platform")
        conv["platform"] = "v_platform"
    else:
        pcol = m["platform_column"]
        s1.append(f"{q(pcol) if pcol in cols else lit('')} AS v_platform")
        used.add(pcol) if pcol in cols else None
        alias = " ".join(f"WHEN {lit(a)} THEN {lit(b)}" for a, b in _PLATFORM_ALIASES.items())
        conv["platform"] = f"CASE lower(v_platform) {alias} ELSE lower(v_platform) END"
        ok.append("regexp_full_match(v_platform, '[A-Za-z.]+')")
        ok.append(f"c_platform IN ({', '.join(map(lit, PLATFORMS))})")
    c = lambda k: f"c_{k}" if k in conv else "NULL"  # noqa: E731
    ok.append(f"{c('post_id')} IS NOT NULL")
    ok.append(f"({c('kind')} IS NULL OR {c('kind')} IN ({', '.join(map(lit, POST_KINDS))}))")
    ok.append(f"({c('media_type')} IS NULL OR {c('media_type')} IN ({', '.join(map(lit, MEDIA_TYPES))}))")
    if used:
        every = " || ".join(q(x) for x in sorted(used))
        s1.append(f"NOT ({' OR '.join(f'contains({every}, {lit(x)})' for x in _MOJIBAKE_MARKS)}) AS _clean")
    text = "CAST(c_text AS VARCHAR)" if "text" in conv else "CAST(NULL AS VARCHAR)"
    ent = entity_sql(text)
    lists = {k: (f"CASE WHEN len(c_{k}) > 0 THEN c_{k} WHEN _uni THEN NULL ELSE coalesce({ent[k]}, []) END"
                 if k in conv else f"CASE WHEN _uni THEN NULL ELSE coalesce({ent[k]}, []) END")
             for k in ("hashtags", "mentions", "links")}
    aid = f"coalesce({c('account_id')}, {c('handle')})"
    acc = {f"acc_{k}": f"CASE WHEN {aid} IS NOT NULL THEN {c(k)} END"
           for k in ("handle", "display_name", "bio", "location_text", "followers", "following",
                     "post_count", "verified")}
    acc["acc_created_at"] = f"CASE WHEN {aid} IS NOT NULL THEN {c('account_created_at')} END"
    n = lambda k, t: f"CAST({c(k)} AS {t})"  # noqa: E731
    return f"""
    WITH s1 AS (SELECT _row, {', '.join(s1)} FROM _b),
    s2 AS (SELECT *, {', '.join(f'{x} AS c_{k}' for k, x in conv.items())} FROM s1),
    s3 AS (SELECT *, coalesce({' AND '.join(ok)}, false) AS _plain, {ent['_uni']} AS _uni,
                  {ent['_h']} AS _h, {ent['_m']} AS _m, {ent['_l']} AS _l FROM s2),
    s4 AS (SELECT *, {', '.join(f'{x} AS {k}' for k, x in lists.items())} FROM s3)
    SELECT _row, _plain, _uni, {'NOT _clean' if used else 'false'} AS _moj, c_platform AS platform, {c('post_id')} AS post_id, {aid} AS account_id,
           {n('created_at', 'TIMESTAMP')} AS created_at,
           coalesce({c('kind')}, CASE WHEN {c('parent_id')} IS NOT NULL THEN 'comment' ELSE 'post' END) AS kind,
           {n('parent_id', 'VARCHAR')} AS parent_id, {n('root_id', 'VARCHAR')} AS root_id, {text} AS text,
           coalesce({n('media_type', 'VARCHAR')}, CASE WHEN links IS NULL THEN NULL WHEN len(links) > 0
                    THEN 'link' ELSE 'text' END) AS media_type,
           {n('url', 'VARCHAR')} AS url, hashtags, mentions, links,
           {n('likes', 'BIGINT')} AS likes, {n('comments', 'BIGINT')} AS comments,
           {n('shares', 'BIGINT')} AS shares, {n('views', 'BIGINT')} AS views,
           {n('saves', 'BIGINT')} AS saves, {n('is_paid', 'BOOLEAN')} AS is_paid,
           {n('geo', 'VARCHAR')} AS geo, CAST(NULL AS VARCHAR[]) AS media_files,
           {lit(fmt + ':' + file + ':')} || _row AS source,
           {n('observed_at', 'TIMESTAMP')} AS observed_at,
           {', '.join(f'{x} AS {k}' for k, x in acc.items())}
    FROM s4"""


IMPORTERS = [GenericMapped]
