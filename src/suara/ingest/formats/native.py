"""Suara's own canonical JSONL (``suara-jsonl``): one object per line with ``"type"`` of
``post`` or ``account`` and canonical column names. Written by `suara export` and useful
for hand-made test files.
"""
from __future__ import annotations

from typing import Any, Iterator


from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_bool, to_int)
from suara.ingest.lines import iter_json_lines
from suara.store.schema import PLATFORMS, columns

_POST_COLS = set(columns("posts"))
_ACC_COLS = set(columns("accounts"))
_TIME = {"created_at", "first_seen", "last_seen", "ingested_at"}
_INT = {"likes", "comments", "shares", "views", "saves", "followers", "following", "post_count"}
_BOOL = {"verified", "is_paid"}
_LIST = {"hashtags", "mentions", "links", "media_files"}


def _coerce(d: dict, allowed: set, ctx: ImportContext) -> dict:
    out = {}
    for k, v in d.items():
        if k not in allowed:
            continue
        try:
            if k in _TIME:
                v = parse_time(v, ctx.timezone)
            elif k in _INT:
                v = to_int(v)
            elif k in _BOOL:
                v = to_bool(v)
            elif k in _LIST:
                if v is not None and not isinstance(v, list):
                    raise ValueError("expected a list")
                v = [str(x) for x in v] if v else []
            elif v is not None:
                v = str(v)
        except (ValueError, TypeError) as e:
            raise RowError(k, str(e)) from None
        out[k] = v
    return out


class SuaraJSONL(Importer):
    name = "suara-jsonl"
    title = "Suara canonical JSONL"
    platforms = PLATFORMS
    extensions = (".jsonl", ".ndjson")

    def sniff(self, head: str, source: Source) -> float:
        first = head.lstrip().split("\n", 1)[0]
        return 0.95 if first.startswith("{") and '"suara_type"' in first else 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        yield from iter_json_lines(source)

    def map(self, raw: Any, ctx: ImportContext):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        kind = raw.get("suara_type")
        if kind not in ("post", "account"):
            raise RowError("suara_type", f"must be 'post' or 'account', got {kind!r}")
        for key in ("platform", "post_id" if kind == "post" else "account_id"):
            if not raw.get(key):
                raise RowError(key, "missing")
        if kind == "account":
            return [Item(account=_coerce(raw, _ACC_COLS, ctx))]
        post = fill_entities(_coerce(raw, _POST_COLS, ctx))
        acc = None
        if isinstance(raw.get("author"), dict):
            a = dict(raw["author"], platform=raw["platform"])
            if a.get("account_id"):
                acc = _coerce(a, _ACC_COLS, ctx)
                post.setdefault("account_id", acc["account_id"])
        return [Item(post=post, account=acc)]


IMPORTERS = [SuaraJSONL]
