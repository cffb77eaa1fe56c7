"""The bulk path of Zeeschuimer NDJSON (`suara.ingest.formats.zeeschuimer.Zeeschuimer`):
one DuckDB query per batch of lines (`suara.ingest.bulkjson`), giving what
`Zeeschuimer.map` gives for the plain lines and handing every other line back to it.

Taken in bulk: TikTok videos in the extension's own envelope (``source_platform``
``tiktok.com``, ``timestamp_collected`` in epoch milliseconds, ``data`` the web API's video
object with ``author`` as an object). Plain means: ids that are strings of digits (or whole
numbers), ``createTime`` in epoch seconds, counts that are whole numbers (or digit
strings) not below zero, texts that are strings, tags and mentioned users of printable
ASCII without escapes, objects and arrays where ``map`` reads them (no duplicate keys in
them), ``verified`` a boolean. Comments, other platforms (Instagram, X, Threads), 4CAT's
stored copies and everything else go to ``map``.
"""
from __future__ import annotations

from suara.ingest.bulkjson import all_sql as _all
from suara.ingest.bulkjson import arr_sql as _arr
from suara.ingest.bulkjson import obj_sql as _obj
from suara.ingest.bulkjson import strict_sql, tag_lists_sql
from suara.ingest.bulkmap import HASHTAG_RE2, LINK_RE2, clean_sql, extract_sql, lit, mentions_sql, uni_sql

__all__ = ["zeeschuimer_sql"]

_VIDEO = ('{"id":"JSON","desc":"JSON","createTime":"JSON","author":"JSON","stats":"JSON","statsV2":"JSON",'
          '"authorStats":"JSON","authorStatsV2":"JSON","challenges":"JSON","textExtra":"JSON","imagePost":"JSON",'
          '"liveRoomInfo":"JSON","isLive":"JSON","video":"JSON","isAd":"JSON","locationCreated":"JSON"}')
_AUTHOR = '{"id":"JSON","uniqueId":"JSON","nickname":"JSON","signature":"JSON","verified":"JSON"}'
_STATS = '{"diggCount":"JSON","commentCount":"JSON","shareCount":"JSON","playCount":"JSON","collectCount":"JSON"}'
_ASTATS = '{"followerCount":"JSON","followingCount":"JSON","videoCount":"JSON"}'
# the envelope and the video read in one parse of the line (a ``data`` that is no object
# gives no id, so no plain row)
_ENV = '{"source_platform":"JSON","timestamp_collected":"JSON","data":' + _VIDEO + '}'




# JSON texts whose Python truth value the query knows: null, booleans, whole numbers,
# strings, arrays and objects (json_transform writes them minified)
_TF_OK = "({x} IS NULL OR {x} IN ('true', 'false') OR regexp_full_match({x}, '-?[0-9]{{1,18}}') " \
         "OR starts_with({x}, '\"') OR starts_with({x}, '{{') OR starts_with({x}, '['))"
_TRUTHY = "coalesce({x} NOT IN ('false', '0', '-0', '\"\"', '[]', '{{}}'), false)"
# a TikTok count (`zeeschuimer._n`): a whole number or digits in a string; below zero: unknown
_N_OK = "({x} IS NULL OR regexp_full_match({x}, '[0-9]{{1,18}}|\"[0-9]{{0,18}}\"'))"


def _tf_ok(x: str) -> str:
    return _TF_OK.format(x=x)


def _truthy(x: str) -> str:
    return _TRUTHY.format(x=x)


def _n_ok(x: str) -> str:
    return _N_OK.format(x=x)


def zeeschuimer_sql(fmt: str, file: str) -> str:
    """The query mapping a batch of Zeeschuimer lines (view ``_b``), see the module doc."""
    ent = clean_sql("_h", "_m", "_l")
    tags_ok = _all("tags_j", "_s_ok(e)")
    ments_ok = _all("ments_j", "_s_ok(e)")
    stats = ("diggCount", "commentCount", "shareCount", "playCount", "collectCount")
    return f"""
    WITH b AS (
      SELECT _row, line, try(json_transform(line, '{_ENV}')) AS env FROM _b),
    e0 AS (
      -- the keys of the line and of its data, in one parse
      SELECT _row, line, env, CASE WHEN env IS NOT NULL THEN json_keys(line, ['$', '$.data']) END AS kk FROM b),
    e AS (
      SELECT _row, env, kk[1] AS k, kk[2] AS dk,
        coalesce(CASE WHEN env IS NOT NULL THEN {strict_sql('line', 'kk[1]')} END, false) AS _ok
      FROM e0),
    v AS (
      SELECT _row, env, dk, _ok AND list_contains(k, 'data') AND list_contains(k, 'source_platform')
             AND env.source_platform IN ('"tiktok.com"', '"www.tiktok.com"') AS _ok,
        env.data AS d
      FROM e),
    t1 AS (
      SELECT *,
        {_obj('d.author', _AUTHOR)} AS a,
        CASE WHEN starts_with(d.statsV2, '{{') THEN d.statsV2 ELSE d.stats END AS st_j,
        CASE WHEN starts_with(d.authorStatsV2, '{{') THEN d.authorStatsV2 ELSE d.authorStats END AS ast_j,
        list_transform({_arr('d.challenges', '[{"title":"JSON"}]')}, lambda e: e.title) AS ch_j,
        {_arr('d.textExtra', '[{"hashtagName":"JSON","userUniqueId":"JSON"}]')} AS tx,
        {_obj('d.video', '{"playAddr":"JSON"}')} AS vid,
        CASE WHEN starts_with(d.desc, '"') THEN _s(d.desc) END AS text
      FROM v),
    t2 AS (
      SELECT *,
        {_obj('st_j', _STATS)} AS st, {_obj('ast_j', _ASTATS)} AS ast,
        list_concat(coalesce(ch_j, []), coalesce(list_transform(tx, lambda e: e.hashtagName), [])) AS tags_j,
        list_transform(tx, lambda e: e.userUniqueId) AS ments_j,
        _id(d.id) AS vid_id, _id(a.id) AS uid,
        CASE WHEN starts_with(a.uniqueId, '"') THEN _s(a.uniqueId) END AS handle,
        coalesce(text, '') AS _tx
      FROM t1),
    t3 AS (
      SELECT *,
        coalesce(uid, handle) AS aid,
        {tag_lists_sql('tags_j', 'ments_j')},
        {uni_sql('_tx')} AS _uni, string_split(_tx, '@') AS _at,
        (_ok AND NOT list_contains(dk, 'cid') AND len(dk) = list_unique(dk)
         AND vid_id IS NOT NULL AND regexp_full_match(d.id, '"[0-9]{{1,25}}"|[0-9]{{1,18}}')
         AND (d.createTime IS NULL OR regexp_full_match(d.createTime, '"?1[0-9]{{9}}"?'))
         AND (env.timestamp_collected IS NULL OR regexp_full_match(env.timestamp_collected, '1[0-9]{{12}}'))
         AND _s_ok(d.desc)
         AND starts_with(d.author, '{{') AND _nodup(d.author) AND _id_ok(a.id) AND _s_ok(a.uniqueId)
         AND _s_ok(a.nickname) AND _s_ok(a.signature) AND (a.verified IS NULL OR a.verified IN ('true', 'false'))
         AND _obj_ok(d.statsV2) AND (d.statsV2 IS NOT NULL OR _obj_ok(d.stats))
         AND _obj_ok(d.authorStatsV2) AND (d.authorStatsV2 IS NOT NULL OR _obj_ok(d.authorStats))
         AND _obj_ok(st_j) AND _obj_ok(ast_j)
         AND {' AND '.join(_n_ok(f'st.{c}') for c in stats)}
         AND {_n_ok('ast.followerCount')} AND {_n_ok('ast.followingCount')} AND {_n_ok('ast.videoCount')}
         AND _objs_ok(d.challenges) AND _objs_ok(d.textExtra) AND {tags_ok} AND {ments_ok}
         AND {_tf_ok('d.imagePost')} AND {_tf_ok('d.liveRoomInfo')} AND {_tf_ok('d.isLive')} AND {_tf_ok('d.isAd')}
         AND _obj_ok(d.video)
        ) AS _plain
      FROM t2),
    t4 AS (
      SELECT *,
        CASE WHEN NOT _uni THEN {extract_sql('_tx', HASHTAG_RE2, '#', 1)} END AS _h,
        CASE WHEN NOT _uni THEN {mentions_sql('_tx', '_at')} END AS _m,
        CASE WHEN NOT _uni THEN {extract_sql('_tx', LINK_RE2, '://')} END AS _l
      FROM t3)
    SELECT _row, _plain, _uni, _hraw, _mraw,
      'tiktok' AS platform, vid_id AS post_id, aid AS account_id,
      CASE WHEN _plain THEN make_timestamp(CAST(trim(d.createTime, '"') AS BIGINT) * 1000000) END AS created_at,
      'post' AS kind, CAST(NULL AS VARCHAR) AS parent_id, CAST(NULL AS VARCHAR) AS root_id,
      text,
      CASE WHEN _hraw IS NOT NULL THEN NULL WHEN len(tags) > 0 THEN _dd(tags) WHEN _uni THEN NULL
           ELSE {ent['hashtags']} END AS hashtags,
      CASE WHEN _mraw IS NOT NULL THEN NULL WHEN len(ments) > 0 THEN _dd(ments) WHEN _uni THEN NULL
           ELSE {ent['mentions']} END AS mentions,
      CASE WHEN _uni THEN NULL ELSE {ent['links']} END AS links,
      CASE WHEN {_truthy('d.imagePost')} THEN 'carousel'
           WHEN {_truthy('d.liveRoomInfo')} OR {_truthy('d.isLive')} THEN 'live' ELSE 'video' END AS media_type,
      CASE WHEN handle <> '' THEN 'https://www.tiktok.com/@' || handle || '/video/' || vid_id
           ELSE 'https://www.tiktok.com/video/' || vid_id END AS url,
      TRY_CAST(nullif(trim(st.diggCount, '"'), '') AS BIGINT) AS likes,
      TRY_CAST(nullif(trim(st.commentCount, '"'), '') AS BIGINT) AS comments,
      TRY_CAST(nullif(trim(st.shareCount, '"'), '') AS BIGINT) AS shares,
      TRY_CAST(nullif(trim(st.playCount, '"'), '') AS BIGINT) AS views,
      TRY_CAST(nullif(trim(st.collectCount, '"'), '') AS BIGINT) AS saves,
      CASE WHEN list_contains(dk, 'isAd') THEN {_truthy('d.isAd')} END AS is_paid,
      CASE WHEN starts_with(d.locationCreated, '"') THEN _s(d.locationCreated) END AS geo,
      CASE WHEN starts_with(vid.playAddr, '"') AND vid.playAddr <> '""' THEN [_s(vid.playAddr)]
           ELSE CAST([] AS VARCHAR[]) END AS media_files,
      CASE WHEN _plain THEN make_timestamp(CAST(env.timestamp_collected AS BIGINT) * 1000) END AS observed_at,
      {lit(fmt + ':' + file + ':')} || _row AS source,
      nullif(aid, '') AS acc_account_id, handle AS acc_handle,
      CASE WHEN starts_with(a.nickname, '"') THEN _s(a.nickname) END AS acc_display_name,
      nullif(CASE WHEN starts_with(a.signature, '"') THEN _s(a.signature) END, '') AS acc_bio,
      CASE WHEN a.verified = 'true' THEN true WHEN a.verified = 'false' THEN false END AS acc_verified,
      TRY_CAST(nullif(trim(ast.followerCount, '"'), '') AS BIGINT) AS acc_followers,
      TRY_CAST(nullif(trim(ast.followingCount, '"'), '') AS BIGINT) AS acc_following,
      TRY_CAST(nullif(trim(ast.videoCount, '"'), '') AS BIGINT) AS acc_post_count
    FROM t4"""
