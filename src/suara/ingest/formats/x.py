"""X (Twitter) exports: API v2 JSON, twarc2 JSONL (paged and flattened), tweet-harvest CSV.

Three importers share one tweet mapper, so a tweet means the same whichever tool fetched it:

* ``x-api-v2`` - X API v2 responses (``data`` + ``includes.users`` + ``includes.tweets`` +
  ``includes.media``/``places``): one page per file (``suara pull x`` writes these), or
  twarc2 JSONL with one page per line (``__twarc`` metadata). Referenced tweets found in
  ``includes.tweets`` (the retweeted/quoted/replied-to originals) are imported as posts too.
* ``twarc2-flat`` - ``twarc2 flatten`` output: one tweet per line with ``author`` (and the
  referenced tweets) inlined.
* ``tweet-harvest`` - CSV of the tweet-harvest scraper (helmisatria/tweet-harvest), widely
  used by Indonesian researchers. Files re-saved with pandas carry an unnamed index column;
  Excel/float round trips damage ``id_str`` (true id recovered from ``tweet_url``).

Semantics: platform ``"x"``; posts keyed by tweet id and accounts by numeric user id (strings,
never via float). A reply becomes kind ``reply`` with ``parent_id`` = replied-to tweet; a
retweet or quote becomes kind ``share`` with ``parent_id`` = the referenced tweet; ``root_id``
is the ``conversation_id`` (for retweets/quotes: the referenced tweet when the conversation is
the tweet itself). Counts: likes = like_count, comments = reply_count, shares = retweet_count +
quote_count, views = impression_count, saves = bookmark_count. ``lang: "in"`` is Indonesian
(kept by the enrich step's language detection, not stored here).

Example
-------
>>> p = map_v2_tweet({"id": "1394735776701816833", "text": "RT @a: #Gratispol", "author_id": "9",
...     "created_at": "2024-11-27T01:00:00.000Z", "conversation_id": "1394735776701816833",
...     "referenced_tweets": [{"type": "retweeted", "id": "1391677057810288641"}]}, {})
>>> p["kind"], p["parent_id"], p["hashtags"]
('share', '1391677057810288641', ['gratispol'])
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import orjson

from suara.ingest.base import (_MOJIBAKE_MARKS, BulkChunk, BulkDeclined, ImportContext, Importer, Item,
                               RowError, Source, fill_entities, parse_time, to_bool, to_int)
from suara.ingest.bulkmap import (HASHTAG_RE2, HASHTAG_UNI_RE2, LINK_RE2, LINK_UNI_RE2, MENTION_RE2,
                                  MENTION_UNI_RE2, NON_ASCII_WORD_RE2, bulk_csv, clean_sql, extract_sql,
                                  mentions_sql, uni_sql)
from suara.ingest.formats._apijson import foreign_envelope, head_keys, iter_documents
from suara.ingest.lines import iter_csv, iter_json_lines

__all__ = ["XApiV2", "Twarc2Flat", "TweetHarvestCSV", "map_v2_tweet", "map_v2_user",
           "tweet_url", "x_id", "status_id_from_url"]

_STATUS = re.compile(r"(?:twitter|x)\.com/(?:[^/\s]+|i/web)/status(?:es)?/(\d{1,25})", re.I)
_MEDIA = {"photo": "photo", "video": "video", "animated_gif": "video"}
_FLOAT_SAFE = 2**53


def x_id(value: Any, field: str) -> str | None:
    """A tweet/user id as an exact decimal string; floats and scientific notation are refused.

    >>> x_id(1394735776701816833, "id"), x_id(" 42 ", "id")
    ('1394735776701816833', '42')
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise RowError(field, f"id stored as a number with a fraction ({value!r}): precision lost")
    s = str(value).strip()
    if not s:
        return None
    if not (s.isascii() and s.isdigit()) or len(s) > 25:
        raise RowError(field, f"not a numeric id: {s[:40]!r}")
    return s


def status_id_from_url(url: Any) -> str | None:
    """Tweet id from a status URL.

    >>> status_id_from_url("https://twitter.com/firdaraisyaa/status/1735608555141734513")
    '1735608555141734513'
    """
    if not url:
        return None
    m = _STATUS.search(str(url))
    return m.group(1) if m else None


def tweet_url(post_id: str, handle: str | None = None) -> str:
    """Canonical URL of a tweet.

    >>> tweet_url("1", "warga_kaltim"), tweet_url("1")
    ('https://x.com/warga_kaltim/status/1', 'https://x.com/i/web/status/1')
    """
    return f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/web/status/{post_id}"


def _count(d: dict, key: str, where: str) -> int | None:
    v = d.get(key)
    if v is None:
        return None
    try:
        return to_int(v)
    except ValueError as e:
        raise RowError(f"{where}.{key}", str(e)) from None


def _time(v: Any, field: str, tz: str | None = None):
    try:
        return parse_time(v, tz)
    except (ValueError, OverflowError, OSError) as e:
        raise RowError(field, str(e)) from None


def map_v2_user(u: dict) -> dict | None:
    """Canonical account from an API v2 user object (``includes.users[]`` or flat ``author``).

    >>> map_v2_user({"id": "7", "username": "a", "public_metrics": {"followers_count": 3}})["followers"]
    3
    """
    if not isinstance(u, dict):
        return None
    uid = x_id(u.get("id"), "user.id")
    if not uid:
        return None
    pm = u.get("public_metrics") if isinstance(u.get("public_metrics"), dict) else {}
    verified = u.get("verified")
    if verified is None and u.get("verified_type") not in (None, "none"):
        verified = True
    try:
        verified = to_bool(verified)
    except ValueError:
        verified = None
    return {"platform": "x", "account_id": uid, "handle": u.get("username"),
            "display_name": u.get("name"), "bio": u.get("description") or None,
            "location_text": u.get("location") or None,
            "created_at": _time(u.get("created_at"), "user.created_at"),
            "followers": _count(pm, "followers_count", "user.public_metrics"),
            "following": _count(pm, "following_count", "user.public_metrics"),
            "post_count": _count(pm, "tweet_count", "user.public_metrics"),
            "verified": verified}


def _kind(refs: Any, tid: str, conv: str | None) -> tuple[str, str | None, str | None]:
    """(kind, parent_id, root_id) from ``referenced_tweets`` and ``conversation_id``."""
    by_type: dict[str, str] = {}
    if isinstance(refs, list):
        for r in refs:
            if isinstance(r, dict) and r.get("type") and r.get("id") is not None:
                by_type.setdefault(r["type"], x_id(r["id"], "referenced_tweets.id"))
    root = conv if conv and conv != tid else None
    if "replied_to" in by_type:
        return "reply", by_type["replied_to"], root or by_type["replied_to"]
    for t in ("retweeted", "quoted"):
        if t in by_type:
            return "share", by_type[t], root or by_type[t]
    return ("reply", None, root) if root else ("post", None, None)


def map_v2_tweet(t: dict, users: dict, media: dict | None = None, places: dict | None = None) -> dict:
    """Canonical post from an API v2 tweet object. ``users`` maps user id -> user object
    (for the handle in the URL); ``media``/``places`` map media keys / place ids."""
    if not isinstance(t, dict):
        raise RowError("(record)", "tweet is not a JSON object")
    tid = x_id(t.get("id"), "id")
    if not tid:
        raise RowError("id", "missing tweet id")
    aid = x_id(t.get("author_id"), "author_id")
    conv = x_id(t.get("conversation_id"), "conversation_id")
    kind, parent, root = _kind(t.get("referenced_tweets"), tid, conv)
    text = t.get("text")
    note = t.get("note_tweet")
    if isinstance(note, dict) and note.get("text"):
        text = note["text"]  # long posts: `text` is cut at 280 characters
    if text is not None and not isinstance(text, str):
        raise RowError("text", f"expected a string, got {type(text).__name__}")
    pm = t.get("public_metrics") if isinstance(t.get("public_metrics"), dict) else {}
    rts, quotes = _count(pm, "retweet_count", "public_metrics"), _count(pm, "quote_count", "public_metrics")
    ents = t.get("entities") if isinstance(t.get("entities"), dict) else {}
    tags = [h.get("tag", "").lower() for h in ents.get("hashtags") or [] if isinstance(h, dict) and h.get("tag")]
    ments = [m.get("username", "").lower() for m in ents.get("mentions") or []
             if isinstance(m, dict) and m.get("username")]
    links = [u.get("expanded_url") or u.get("url") for u in ents.get("urls") or []
             if isinstance(u, dict) and (u.get("expanded_url") or u.get("url"))]
    links = [u for u in links if not _STATUS.search(u) or "/photo/" not in u and "/video/" not in u]
    mtypes, files = [], []
    att = t.get("attachments") if isinstance(t.get("attachments"), dict) else {}
    for k in att.get("media_keys") or []:
        m = (media or {}).get(k)
        if isinstance(m, dict):
            mtypes.append(_MEDIA.get(m.get("type"), "photo"))
            if m.get("url") or m.get("preview_image_url"):
                files.append(m.get("url") or m.get("preview_image_url"))
        else:
            mtypes.append("video" if str(k).startswith(("7_", "13_", "16_")) else "photo")
    if len(mtypes) > 1:
        media_type = "carousel"
    elif mtypes:
        media_type = mtypes[0]
    else:
        media_type = "link" if links else "text"
    geo = t.get("geo") if isinstance(t.get("geo"), dict) else {}
    place = (places or {}).get(geo.get("place_id")) if geo.get("place_id") else None
    handle = (users.get(aid) or {}).get("username") if aid else None
    post = {
        "platform": "x", "post_id": tid, "account_id": aid,
        "created_at": _time(t.get("created_at"), "created_at"),
        "kind": kind, "parent_id": parent, "root_id": root, "text": text,
        "media_type": media_type, "url": tweet_url(tid, handle),
        "hashtags": list(dict.fromkeys(tags)), "mentions": list(dict.fromkeys(ments)),
        "links": list(dict.fromkeys(links)),
        "likes": _count(pm, "like_count", "public_metrics"),
        "comments": _count(pm, "reply_count", "public_metrics"),
        "shares": None if rts is None and quotes is None else (rts or 0) + (quotes or 0),
        "views": _count(pm, "impression_count", "public_metrics"),
        "saves": _count(pm, "bookmark_count", "public_metrics"),
        "geo": (place or {}).get("full_name") if isinstance(place, dict) else None,
        "media_files": files,
    }
    return fill_entities(post)


def _sniff_first(head: str) -> Any:
    """The first JSON line of ``head`` parsed, or None when it is cut or not JSON."""
    s = head.lstrip("\ufeff \t\r\n")
    line, nl, _ = s.partition("\n")
    if not nl and len(head) >= 65536:
        return None
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _is_tweet(d: Any) -> bool:
    return (isinstance(d, dict) and "id" in d and "text" in d
            and bool({"author_id", "edit_history_tweet_ids", "conversation_id", "public_metrics"} & d.keys()))


def _as_list(v) -> list:
    return v if isinstance(v, list) else []


class XApiV2(Importer):
    """X API v2 response pages: single JSON documents or twarc2 JSONL (one page per line)."""

    name = "x-api-v2"
    title = "X API v2 JSON / twarc2 JSONL (pages)"
    platforms = ("x",)
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        d = _sniff_first(head)
        if isinstance(d, dict):
            data = d.get("data")
            if isinstance(data, list) and data and _is_tweet(data[0]):
                return 0.95
            if _is_tweet(data):
                return 0.95  # single-tweet lookup response
            meta = d.get("meta")
            if ("data" not in d and isinstance(meta, dict) and "result_count" in meta
                    and set(d) <= {"meta", "errors", "includes", "__twarc"}):
                return 0.9   # a search page with no results (the last page of a pull)
            return 0.0
        keys = head_keys(head)
        if keys & {"nav_index", "source_platform", "timestamp_collected", "__import_meta"}:
            return 0.0
        if (head.lstrip("\ufeff \t\r\n").startswith("{") and "data" in keys and "text" in keys
                and "author_id" in keys
                and keys & {"edit_history_tweet_ids", "conversation_id", "__twarc", "username"}):
            return 0.85
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        row = 0
        for _, page in iter_documents(source):
            if isinstance(page, RowError):
                row += 1
                yield row, page
                continue
            if not isinstance(page, dict):
                row += 1
                yield row, RowError("(page)", "not an X API v2 response object")
                continue
            data = page.get("data")
            if isinstance(data, dict):
                data = [data]
            inc = page.get("includes") if isinstance(page.get("includes"), dict) else {}
            # a hostile page may carry anything under "includes": only lists are read, and
            # a page whose lookup tables cannot be built is one quarantined row
            try:
                users = {str(u.get("id")): u for u in _as_list(inc.get("users")) if isinstance(u, dict)}
                media = {m.get("media_key"): m for m in _as_list(inc.get("media")) if isinstance(m, dict)}
                places = {p.get("id"): p for p in _as_list(inc.get("places")) if isinstance(p, dict)}
            except TypeError as e:
                row += 1
                yield row, RowError("includes", f"malformed expansions: {e}")
                continue
            ctx_page = {"users": users, "media": media, "places": places}
            if data is not None and not isinstance(data, list):
                row += 1
                yield row, RowError("data", "expected a list of tweets")
                continue
            ids = set()
            for t in data or []:
                row += 1
                if isinstance(t, dict):
                    ids.add(str(t.get("id")))
                yield row, (t, ctx_page)
            for t in _as_list(inc.get("tweets")):
                if isinstance(t, dict) and str(t.get("id")) not in ids:
                    row += 1
                    yield row, (t, ctx_page)

    def map(self, raw: Any, ctx: ImportContext):
        t, pg = raw
        post = map_v2_tweet(t, pg["users"], pg["media"], pg["places"])
        acc = map_v2_user(pg["users"].get(post["account_id"])) if post["account_id"] else None
        return [Item(post=post, account=acc)]


class Twarc2Flat(Importer):
    """``twarc2 flatten`` output: one tweet per line with ``author`` and references inlined."""

    name = "twarc2-flat"
    title = "twarc2 flattened JSONL (one tweet per line)"
    platforms = ("x",)
    extensions = (".jsonl",)
    json_lines = True

    def sniff(self, head: str, source: Source) -> float:
        d = _sniff_first(head)
        if isinstance(d, dict) and _is_tweet(d) and isinstance(d.get("author"), dict):
            return 0.95
        if d is None:
            keys = head_keys(head)
            if (not foreign_envelope(keys - {"__twarc"}) and not head.lstrip().startswith('{"data"')
                    and {"author_id", "author", "text", "conversation_id"} <= keys):
                return 0.7
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        yield from iter_json_lines(source)

    def map(self, raw: Any, ctx: ImportContext):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        author = raw.get("author") if isinstance(raw.get("author"), dict) else None
        users = {}
        if author and author.get("id") is not None:
            users[str(author["id"])] = author
        media = {m.get("media_key"): m for m in ((raw.get("attachments") or {}).get("media") or [])
                 if isinstance(m, dict)} if isinstance(raw.get("attachments"), dict) else {}
        post = map_v2_tweet(raw, users, media)
        if not post["account_id"] and author:
            post["account_id"] = x_id(author.get("id"), "author.id")
        items = [Item(post=post, account=map_v2_user(author) if author else None)]
        # flattened references carry the whole referenced tweet: import it as well
        for r in raw.get("referenced_tweets") or []:
            if isinstance(r, dict) and _is_tweet(r) and r.get("text"):
                ra = r.get("author") if isinstance(r.get("author"), dict) else None
                ru = {str(ra["id"]): ra} if ra and ra.get("id") is not None else {}
                rp = map_v2_tweet({k: v for k, v in r.items() if k != "type"}, ru)
                items.append(Item(post=rp, account=map_v2_user(ra) if ra else None))
        return items

    def bulk(self, source: Source, ctx: ImportContext, fmt: str) -> Iterator[BulkChunk]:
        """Vectorised ``map`` for large files: each batch of lines is parsed and mapped by one
        DuckDB query (`suara.ingest.formats.x_bulk`); lines it cannot vouch for go to ``map``."""
        from suara.ingest.bulkjson import bulk_jsonl
        from suara.ingest.formats.x_bulk import twarc_flat_sql
        yield from bulk_jsonl(source, ctx, self, lambda cols: twarc_flat_sql(fmt, source.name))


_TH_REQUIRED = {"full_text", "tweet_url"}
_TH_ALL = ("created_at", "id_str", "full_text", "quote_count", "reply_count", "retweet_count",
           "favorite_count", "user_id_str", "conversation_id_str", "username", "tweet_url",
           "in_reply_to_screen_name", "image_url", "location")
# the status URL of a plain tweet-harvest row: the scraper's own shape, on which `_STATUS`
# finds the id after "/status/" and `map` the handle before it (split on "/" in SQL)
_TH_URL_RE2 = r"https://(?:twitter|x)\.com/[A-Za-z0-9_]{1,50}/status/[0-9]{1,25}"
_TH_COUNTS = ("favorite_count", "retweet_count", "quote_count", "reply_count")
_TH_IDS = ("id_str", "user_id_str", "conversation_id_str")
#: output columns that are cells as they are, which `bulk_csv` takes from the batch
_TH_SAME = {"text": "full_text"}
#: the cells of a plain row that may hold non-ASCII text (the others are digits, the status
#: URL, the timestamp and a printable ASCII handle)
_TH_TEXTS = ("full_text", "in_reply_to_screen_name", "image_url", "location")
# the entity patterns in RE2 syntax (see `suara.ingest.bulkmap`)
_NON_ASCII_WORD_RE2, _HASHTAG_RE2, _MENTION_RE2, _LINK_RE2 = NON_ASCII_WORD_RE2, HASHTAG_RE2, MENTION_RE2, LINK_RE2


def _th_cells_sql(c: dict) -> str:
    """SQL: the cells the plain case reads have its shape: counts (at most 18 digits) and the
    user and conversation ids (at most 25) of digits only or empty, the status URL of
    `_TH_URL_RE2`, and a handle (``_handle``) of printable ASCII without blanks. ``id_str``
    is the URL's id or empty (tested apart).

    One regex over the cells joined by "|", by one ``concat`` (a chain of ``||`` builds every
    string between): DuckDB's regex functions cost such short cells mostly per call, not
    per character. None of the cells but the handle can hold a "|" when they match, so the
    "|" of the pattern are the ones put between them and each part is exactly its cell; the
    handle, last, may hold one. The cells are never NULL (`suara.ingest.lines.iter_csv_arrow`
    reads an empty cell as '')."""
    digits = [(k, 18) for k in _TH_COUNTS] + [(k, 25) for k in _TH_IDS if k != "id_str"]
    parts = ", '|', ".join([*(c[k] for k, _ in digits), c["tweet_url"], "coalesce(_handle, '')"])
    pattern = r"\|".join([*(f"[0-9]{{0,{n}}}" for _, n in digits), _TH_URL_RE2, r"[\x21-\x7e]*"])
    return f"regexp_full_match(concat({parts}), '{pattern}')"


def _th_mojibake_sql(c: dict) -> str:
    """SQL: a cell of `_TH_TEXTS` holds a mark of `repair_mojibake` (plain substring tests,
    cheaper than a regex). The marks are not ASCII: a text of ASCII only (``_ascii``) is
    not searched."""
    tests = []
    for k in _TH_TEXTS:
        if c[k] == "''":
            continue
        marks = " OR ".join(f"contains({c[k]}, '{m}')" for m in _MOJIBAKE_MARKS)
        tests.append(f"CASE WHEN _ascii THEN false ELSE {marks} END" if k == "full_text" else f"({marks})")
    return " OR ".join(tests) or "false"


def _py_needed(uni: str, text: str, near: str) -> str:
    """SQL: a list of entities of ``text`` is left to Python (NULL): the text holds a
    non-ASCII letter, digit or space (the column ``uni``, `uni_sql`) where the entity's
    pattern can see one (``near``, see `suara.ingest.bulkmap.HASHTAG_UNI_RE2`)."""
    return f"({uni} AND regexp_matches({text}, '{near}'))"


def _th_bulk_sql(c: dict, first: int, fmt: str, file: str) -> str:
    """One query mapping a tweet-harvest batch (`_b`) to canonical posts, with ``_plain``
    saying whether the row is the plain case the bulk path may take (see `TweetHarvestCSV.bulk`).
    The post's ``text`` is the cell ``full_text`` as it is: `TweetHarvestCSV.bulk` has
    `bulk_csv` take it from the batch (``_TH_SAME``), not from the query.

    The plain case is narrower than what ``map`` accepts, so that it is cheap to test: cells
    of digits only (no blanks around them) for counts and ids, a status URL of the
    scraper's own shape (``https://x.com/<handle>/status/<id>``, or twitter.com) from which
    the id and the handle are cut without a search, and a timestamp in the scraper's layout
    at UTC (``+0000``, read without a time zone conversion; ``map`` reads other offsets) in
    years 1-9999 (Python's). Every other row takes the row path.

    A list of hashtags, mentions or links is left NULL, to Python's patterns, only where
    the text's letters, digits or spaces of other scripts can change it (`_py_needed`);
    ``_uni`` says that a row has such a list."""
    def lit(v: str) -> str:
        return "'" + v.replace("'", "''") + "'"
    n = lambda k: f"TRY_CAST(nullif({c[k]}, '') AS BIGINT)"  # noqa: E731
    text = c["full_text"]
    ent = clean_sql("_h", "_m", "_l")
    return f"""
    WITH r AS (
      SELECT *,
             split_part({c['tweet_url']}, '/', 6) AS _tid,
             coalesce(nullif(trim({c['username']}), ''),
                      nullif(split_part({c['tweet_url']}, '/', 4), 'i')) AS _handle,
             nullif({c['user_id_str']}, '') AS _uid,
             nullif({c['conversation_id_str']}, '') AS _conv,
             try_strptime({c['created_at']}, '%a %b %d %H:%M:%S +0000 %Y') AS _ts,
             strlen({text}) = length({text}) AS _ascii,
             CASE WHEN contains({text}, '@') THEN string_split({text}, '@') END AS _at
      FROM _b),
    m AS (
      SELECT *, ({c['id_str']} IN ('', _tid) AND _ts >= TIMESTAMP '0001-01-01'
                 AND {_th_cells_sql(c)}) AS _plain,
             ({_th_mojibake_sql(c)}) AS _moj,
             {uni_sql(text, '_ascii')} AS _uni0
      FROM r),
    e AS (
      SELECT *,
             CASE WHEN {_py_needed('_uni0', text, HASHTAG_UNI_RE2)} THEN NULL
                  ELSE {extract_sql(text, _HASHTAG_RE2, '#', 1)} END AS _h,
             CASE WHEN {_py_needed('_uni0', text, MENTION_UNI_RE2)} THEN NULL
                  ELSE {mentions_sql(text, '_at')} END AS _m,
             CASE WHEN {_py_needed('_uni0', text, LINK_UNI_RE2)} THEN NULL
                  ELSE {extract_sql(text, _LINK_RE2, '://')} END AS _l
      FROM m)
    SELECT _row, _plain, _uni0 AND (_h IS NULL OR _m IS NULL OR _l IS NULL) AS _uni, _moj,
      'x' AS platform, _tid AS post_id,
      coalesce(_uid, '@' || lower(_handle)) AS account_id,
      _ts AS created_at,
      CASE WHEN (_conv IS NOT NULL AND _conv <> _tid) OR trim({c['in_reply_to_screen_name']}) <> ''
           THEN 'reply' ELSE 'post' END AS kind,
      CAST(NULL AS VARCHAR) AS parent_id,
      CASE WHEN _conv IS NOT NULL AND _conv <> _tid THEN _conv END AS root_id,
      {ent['hashtags']} AS hashtags,
      {ent['mentions']} AS mentions,
      {ent['links']} AS links,
      CASE WHEN trim({c['image_url']}) <> '' THEN 'photo'
           WHEN _uni0 AND _l IS NULL THEN NULL
           WHEN len(_l) > 0 THEN 'link' ELSE 'text' END AS media_type,
      CASE WHEN _handle IS NOT NULL THEN 'https://x.com/' || _handle || '/status/' || _tid
           ELSE 'https://x.com/i/web/status/' || _tid END AS url,
      {n('favorite_count')} AS likes, {n('reply_count')} AS comments,
      CASE WHEN {n('retweet_count')} IS NULL AND {n('quote_count')} IS NULL THEN NULL
           ELSE coalesce({n('retweet_count')}, 0) + coalesce({n('quote_count')}, 0) END AS shares,
      CASE WHEN trim({c['image_url']}) <> '' THEN [trim({c['image_url']})] ELSE [] END AS media_files,
      {lit(fmt + ':' + file + ':')} || _row AS source,
      _handle AS acc_handle, nullif(trim({c['location']}), '') AS acc_location_text
    FROM e"""



class TweetHarvestCSV(Importer):
    """tweet-harvest CSV (helmisatria/tweet-harvest), also after a pandas/Excel round trip."""

    name = "tweet-harvest"
    title = "tweet-harvest CSV (X scraper)"
    platforms = ("x",)
    extensions = (".csv",)

    def sniff(self, head: str, source: Source) -> float:
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        cols = {c.strip().strip('"').lower() for c in re.split(r"[,;\t]", first)}
        if _TH_REQUIRED <= cols and ({"id_str", "username", "created_at"} & cols):
            return 0.95
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        yield from iter_csv(source, stitch=True)

    def map(self, row: Any, ctx: ImportContext):
        url = (row.get("tweet_url") or "").strip()
        if not url and row.get("full_text") and not row.get("username"):
            raise RowError("tweet_url", "missing: record cut short (a line break inside an unquoted text?)")
        url_id = status_id_from_url(url)
        raw_id = (row.get("id_str") or "").strip()
        if url_id:
            tid = url_id   # id_str may have gone through a float (Excel/pandas) and lost digits
        else:
            if re.fullmatch(r"\d+(\.\d+)?[eE][+-]?\d+|\d+\.\d+", raw_id):
                raise RowError("id_str", f"id damaged by a float round trip ({raw_id!r}) and no tweet_url")
            tid = x_id(raw_id, "id_str")
        if not tid:
            raise RowError("id_str", "missing tweet id (neither id_str nor tweet_url)")
        damaged = bool(url_id and raw_id and raw_id != url_id)
        handle = (row.get("username") or "").strip() or None
        if not handle and url:
            m = re.search(r"\.com/([^/]+)/status", url)
            handle = m.group(1) if m and m.group(1) != "i" else None
        uid = self._id_or_none(row.get("user_id_str"), "user_id_str", damaged)
        aid = uid or (f"@{handle.lower()}" if handle else None)
        conv = self._id_or_none(row.get("conversation_id_str"), "conversation_id_str", damaged)
        if damaged and raw_id and conv == raw_id:
            conv = tid  # the conversation id went through the same float as id_str
        reply_to = (row.get("in_reply_to_screen_name") or "").strip()
        root = conv if conv and conv != tid else None
        kind = "reply" if root or reply_to else "post"
        text = row.get("full_text")
        likes = self._n(row, "favorite_count")
        rts, quotes = self._n(row, "retweet_count"), self._n(row, "quote_count")
        img = (row.get("image_url") or "").strip()
        post = {"platform": "x", "post_id": tid, "account_id": aid,
                "created_at": _time(row.get("created_at"), "created_at", ctx.timezone),
                "kind": kind, "parent_id": None, "root_id": root, "text": text,
                "media_type": "photo" if img else None, "url": tweet_url(tid, handle),
                "likes": likes, "comments": self._n(row, "reply_count"),
                "shares": None if rts is None and quotes is None else (rts or 0) + (quotes or 0),
                "media_files": [img] if img else []}
        if post["created_at"] is None:
            raise RowError("created_at", "missing")
        fill_entities(post)
        if post["media_type"] is None:
            post["media_type"] = "link" if post["links"] else "text"
        acc = None
        if aid:
            acc = {"platform": "x", "account_id": aid, "handle": handle,
                   "location_text": (row.get("location") or "").strip() or None}
        return [Item(post=post, account=acc)]

    def bulk(self, source: Source, ctx: ImportContext, fmt: str) -> Iterator[BulkChunk]:
        """Vectorised ``map`` for large exports: each Arrow batch is mapped by one DuckDB
        query. A row is taken in bulk only when it is the plain case (ids from the status
        URL and equal to ``id_str``, the scraper's own timestamp layout, digit-only counts
        and ids, no mojibake); every other row goes back to ``map``, so the result — values,
        quarantine, row numbers — is the row path's.

        Hand-written rather than a generic CSV mapper because the plain-case test must mirror
        this importer's ``map`` rule for rule.
        """
        def query(cols: set[str]) -> str:
            if not _TH_REQUIRED <= cols:
                raise BulkDeclined("required columns missing")
            return _th_bulk_sql({c: (f'"{c}"' if c in cols else "''") for c in _TH_ALL}, 1, fmt, source.name)
        yield from bulk_csv(source, ctx, self, query, same=_TH_SAME)

    @staticmethod
    def _n(row: dict, col: str) -> int | None:
        try:
            return to_int(row.get(col))
        except ValueError as e:
            raise RowError(col, str(e)) from None

    @staticmethod
    def _id_or_none(v: Any, field: str, damaged: bool) -> str | None:
        s = x_id((v or "").strip() or None, field)
        # a float round trip leaves ids above 2^53 as multiples of a power of two; in a row
        # proven damaged such an id cannot be trusted (and cannot be recovered)
        if s and damaged and int(s) > _FLOAT_SAFE and int(float(s)) == int(s):
            return None
        return s


IMPORTERS = [XApiV2, Twarc2Flat, TweetHarvestCSV]
