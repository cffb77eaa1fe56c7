"""The bulk path of ``twarc2 flatten`` JSON Lines (`suara.ingest.formats.x.Twarc2Flat`):
one DuckDB query per batch of lines (`suara.ingest.bulkjson`), giving what
`Twarc2Flat.map` gives for the plain lines and handing every other line back to it.

Each line gives its tweet (``_ord`` 0) and, as ``map`` does, every referenced tweet inlined
in ``referenced_tweets`` that is a tweet with a text (``_ord`` = its place in the list), each
with its author's account. Plain means, for each of them: ids that are strings of digits
(or whole numbers), counts that are whole numbers (or digit strings), ``created_at`` in the
API's ISO shape, texts that are strings, entity tags, mentions, URLs and media keys of
printable ASCII without escapes, objects and arrays where ``map`` reads objects and arrays
(no duplicate keys in them), ``verified`` a boolean. Everything else (a float id, a count
"1.2K", another time layout, a tag in another script...) goes to ``map``.
"""
from __future__ import annotations

from suara.ingest.bulkjson import all_sql as _all
from suara.ingest.bulkjson import arr_sql as _arr
from suara.ingest.bulkjson import obj_sql as _obj
from suara.ingest.bulkjson import strict_sql, tag_lists_sql
from suara.ingest.bulkmap import HASHTAG_RE2, LINK_RE2, clean_sql, extract_sql, lit, mentions_sql, uni_sql

# the status-URL pattern of `suara.ingest.formats.x._STATUS` in RE2 syntax (the URLs it is
# tried on here are printable ASCII, where the two agree)
_STATUS_RE2 = r"(?i)(?:twitter|x)\.com/(?:[^/\s]+|i/web)/status(?:es)?/(\d{1,25})"

__all__ = ["twarc_flat_sql"]

_ROOT = ('{"id":"JSON","text":"JSON","author_id":"JSON","created_at":"JSON","conversation_id":"JSON",'
         '"public_metrics":"JSON","entities":"JSON","attachments":"JSON","referenced_tweets":"JSON",'
         '"note_tweet":"JSON","geo":"JSON","author":"JSON"}')
_PM = ('{"like_count":"JSON","reply_count":"JSON","retweet_count":"JSON","quote_count":"JSON",'
       '"impression_count":"JSON","bookmark_count":"JSON"}')
_AU = ('{"id":"JSON","username":"JSON","name":"JSON","description":"JSON","location":"JSON",'
       '"created_at":"JSON","verified":"JSON","verified_type":"JSON","public_metrics":"JSON"}')
_AUPM = '{"followers_count":"JSON","following_count":"JSON","tweet_count":"JSON"}'
_MEDIA = '[{"media_key":"JSON","type":"JSON","url":"JSON","preview_image_url":"JSON"}]'




def twarc_flat_sql(fmt: str, file: str) -> str:
    """The query mapping a batch of ``twarc2 flatten`` lines (view ``_b``), see the module doc."""
    counts = ("like_count", "reply_count", "retweet_count", "quote_count", "impression_count", "bookmark_count")
    ent = clean_sql("_h", "_m", "_l")
    # (kept out of the f-string below: Python 3.11 takes no backslash inside its braces)
    mkeys_ok = _all("mkeys", "starts_with(e, '\"') AND _a_ok(e)")
    refs_ok = _all("refs", "_a_ok(e.type) AND (e.type IS NULL OR e.type = '\"\"' OR e.id IS NULL "
                           "OR regexp_full_match(e.id, '\"[0-9]{1,25}\"|[0-9]{1,18}'))")
    return f"""
    WITH b AS (
      SELECT _row, line, try(json_transform(line, '{_ROOT}')) AS j FROM _b),
    -- (materialised: read twice below, and DuckDB would otherwise parse every line twice)
    m0 AS MATERIALIZED (
      SELECT _row, j, coalesce(CASE WHEN j IS NOT NULL THEN {strict_sql('line')} END, false) AS _ok0 FROM b),
    rl AS (
      SELECT _row, {_arr('j.referenced_tweets', '["JSON"]')} AS l FROM m0 WHERE _ok0),
    rf AS (
      SELECT _row, unnest(range(1, len(l) + 1)) AS _ord, unnest(l) AS rj FROM rl),
    r AS MATERIALIZED (
      SELECT _row, _ord, rj, try(json_transform(rj, '{_ROOT}')) AS j, json_keys(rj) AS k
      FROM rf WHERE starts_with(rj, '{{')),
    -- the references of a line: all objects, none with a duplicate key (read once, here)
    rok AS (
      SELECT _row, bool_and(coalesce(starts_with(rj, '{{') AND len(k) = list_unique(k), false)) AS ok
      FROM rf LEFT JOIN r USING (_row, _ord, rj) GROUP BY _row),
    m AS (
      SELECT _row, 0 AS _ord, true AS _main, j, _ok0 AND coalesce(rok.ok, true) AS _ok
      FROM m0 LEFT JOIN rok USING (_row)),
    tw AS (
      SELECT * FROM m
      UNION ALL
      SELECT _row, _ord, false AS _main, j, j IS NOT NULL AND len(k) = list_unique(k) AS _ok
      FROM r
      WHERE list_contains(k, 'id') AND list_contains(k, 'text')
        AND list_has_any(k, ['author_id', 'edit_history_tweet_ids', 'conversation_id', 'public_metrics'])
        AND j.text IS NOT NULL AND j.text <> '""'),
    t1 AS (
      SELECT _row, _ord, _main, _ok, j,
        _id(j.id) AS tid, _id(j.author_id) AS aid, _id(j.conversation_id) AS conv,
        {_obj('j.public_metrics', _PM)} AS pm,
        {_obj('j.entities', '{"hashtags":"JSON","mentions":"JSON","urls":"JSON"}')} AS ent,
        {_obj('j.attachments', '{"media_keys":"JSON","media":"JSON"}')} AS att,
        {_obj('j.note_tweet', '{"text":"JSON"}')} AS nt,
        {_obj('j.geo', '{"place_id":"JSON"}')} AS geo,
        {_obj('j.author', _AU)} AS au,
        {_arr('j.referenced_tweets', '[{"type":"JSON","id":"JSON"}]')} AS refs
      FROM tw),
    t2 AS (
      SELECT *,
        list_transform({_arr('ent.hashtags', '[{"tag":"JSON"}]')}, lambda e: e.tag) AS tags_j,
        list_transform({_arr('ent.mentions', '[{"username":"JSON"}]')}, lambda e: e.username) AS ments_j,
        {_arr('ent.urls', '[{"expanded_url":"JSON","url":"JSON"}]')} AS urls_j,
        {_arr('att.media_keys', '["JSON"]')} AS mkeys,
        CASE WHEN _main THEN {_arr('att.media', _MEDIA)} END AS mlist,
        {_obj('au.public_metrics', _AUPM)} AS aupm,
        CASE WHEN nt.text IS NOT NULL AND nt.text <> '""' THEN _s(nt.text) ELSE _s(j.text) END AS text
      FROM t1),
    t3 AS (
      SELECT *,
        list_transform(urls_j, lambda e: CASE WHEN e.expanded_url IS NOT NULL AND e.expanded_url <> '""'
                                         THEN e.expanded_url ELSE e.url END) AS urls_v,
        list_transform(mkeys, lambda k: list_filter(mlist, lambda e: e.media_key = k)[-1]) AS me,
        {uni_sql('_tx')} AS _uni, string_split(_tx, '@') AS _at
      FROM (SELECT *, coalesce(text, '') AS _tx FROM t2)),
    t4 AS (
      SELECT *,
        {tag_lists_sql('tags_j', 'ments_j')},
        list_filter(list_transform(list_filter(urls_v, lambda u: u IS NOT NULL AND u <> '""'),
                                   lambda u: substr(u, 2, length(u) - 2)),
                    lambda u: NOT regexp_matches(u, '{_STATUS_RE2}')
                              OR (NOT contains(u, '/photo/') AND NOT contains(u, '/video/'))) AS elinks,
        list_transform(mkeys, lambda k, i: CASE
            WHEN me[i] IS NULL THEN CASE WHEN starts_with(k, '"7_') OR starts_with(k, '"13_')
                                              OR starts_with(k, '"16_') THEN 'video' ELSE 'photo' END
            WHEN me[i].type IN ('"video"', '"animated_gif"') THEN 'video' ELSE 'photo' END) AS mtypes,
        list_filter(list_transform(me, lambda e: _s(coalesce(nullif(e.url, '""'), nullif(e.preview_image_url, '""')))),
                    lambda f: f IS NOT NULL) AS files,
        CASE WHEN aid IS NOT NULL AND _id(au.id) = aid THEN nullif(_s(au.username), '') END AS handle,
        _id(list_filter(refs, lambda r: r.type = '"replied_to"' AND r.id IS NOT NULL)[1].id) AS rep,
        _id(list_filter(refs, lambda r: r.type = '"retweeted"' AND r.id IS NOT NULL)[1].id) AS rtw,
        _id(list_filter(refs, lambda r: r.type = '"quoted"' AND r.id IS NOT NULL)[1].id) AS qt,
        CASE WHEN conv IS NOT NULL AND conv <> tid THEN conv END AS root0,
        CASE WHEN NOT _uni THEN {extract_sql('_tx', HASHTAG_RE2, '#', 1)} END AS _h,
        CASE WHEN NOT _uni THEN {mentions_sql('_tx', '_at')} END AS _m,
        CASE WHEN NOT _uni THEN {extract_sql('_tx', LINK_RE2, '://')} END AS _l,
        (_ok AND tid IS NOT NULL AND _id_ok(j.id) AND _id_ok(j.author_id) AND _id_ok(j.conversation_id)
         AND _s_ok(j.text) AND _ts_ok(j.created_at)
         AND _obj_ok(j.public_metrics) AND {' AND '.join(f'_cnt_ok(pm.{c})' for c in counts)}
         AND _obj_ok(j.entities) AND _objs_ok(ent.hashtags) AND _objs_ok(ent.mentions) AND _objs_ok(ent.urls)
         AND {_all('tags_j', '_s_ok(e)')} AND {_all('ments_j', '_s_ok(e)')}
         AND {_all('urls_j', '_s_ok(e.url) AND _s_ok(e.expanded_url)')} AND {_all('urls_v', '_a_ok(e)')}
         AND _obj_ok(j.attachments) AND (att.media_keys IS NULL OR (starts_with(att.media_keys, '[')
              AND {mkeys_ok}))
         AND (NOT _main OR _objs_ok(att.media))
         AND {_all('mlist', '_a_ok(e.media_key) AND _a_ok(e.type) AND _s_ok(e.url) AND _s_ok(e.preview_image_url)')}
         AND _obj_ok(j.note_tweet) AND _s_ok(nt.text)
         AND _obj_ok(j.geo) AND (geo.place_id IS NULL OR starts_with(geo.place_id, '"'))
         AND _obj_ok(j.author) AND _id_ok(au.id) AND _s_ok(au.username) AND _s_ok(au.name)
         AND _s_ok(au.description) AND _s_ok(au.location) AND _ts_ok(au.created_at)
         AND (au.verified IN ('true', 'false') OR (au.verified IS NULL AND _a_ok(au.verified_type)))
         AND _obj_ok(au.public_metrics)
         AND _cnt_ok(aupm.followers_count) AND _cnt_ok(aupm.following_count) AND _cnt_ok(aupm.tweet_count)
         AND (j.referenced_tweets IS NULL OR starts_with(j.referenced_tweets, '['))
         AND (_main OR _objs_ok(j.referenced_tweets))
         AND {refs_ok}
        ) AS _plain
      FROM t3),
    t5 AS (
      SELECT *,
        _dd(elinks) AS links0,
        CASE WHEN _hraw IS NOT NULL THEN NULL WHEN len(tags) > 0 THEN _dd(tags) WHEN _uni THEN NULL
           ELSE {ent['hashtags']} END AS hashtags,
        CASE WHEN _mraw IS NOT NULL THEN NULL WHEN len(ments) > 0 THEN _dd(ments) WHEN _uni THEN NULL
           ELSE {ent['mentions']} END AS mentions
      FROM t4)
    SELECT _row, _ord, _plain, _uni, _hraw, _mraw,
      'x' AS platform, tid AS post_id,
      CASE WHEN _main THEN coalesce(aid, _id(au.id)) ELSE aid END AS account_id,
      _ts(j.created_at) AS created_at,
      CASE WHEN rep IS NOT NULL THEN 'reply' WHEN rtw IS NOT NULL OR qt IS NOT NULL THEN 'share'
           WHEN root0 IS NOT NULL THEN 'reply' ELSE 'post' END AS kind,
      coalesce(rep, rtw, qt) AS parent_id,
      coalesce(root0, rep, rtw, qt) AS root_id,
      text, hashtags, mentions,
      CASE WHEN len(links0) > 0 THEN links0 WHEN _uni THEN NULL ELSE {ent['links']} END AS links,
      CASE WHEN len(mkeys) > 1 THEN 'carousel' WHEN len(mkeys) = 1 THEN mtypes[1]
           WHEN len(links0) > 0 THEN 'link' ELSE 'text' END AS media_type,
      CASE WHEN handle IS NOT NULL THEN 'https://x.com/' || handle || '/status/' || tid
           ELSE 'https://x.com/i/web/status/' || tid END AS url,
      _cnt(pm.like_count) AS likes, _cnt(pm.reply_count) AS comments,
      CASE WHEN _cnt(pm.retweet_count) IS NULL AND _cnt(pm.quote_count) IS NULL THEN NULL
           ELSE coalesce(_cnt(pm.retweet_count), 0) + coalesce(_cnt(pm.quote_count), 0) END AS shares,
      _cnt(pm.impression_count) AS views, _cnt(pm.bookmark_count) AS saves,
      CAST(NULL AS VARCHAR) AS geo, coalesce(files, CAST([] AS VARCHAR[])) AS media_files,
      {lit(fmt + ':' + file + ':')} || _row AS source,
      _id(au.id) AS acc_account_id, _s(au.username) AS acc_handle, _s(au.name) AS acc_display_name,
      nullif(_s(au.description), '') AS acc_bio, nullif(_s(au.location), '') AS acc_location_text,
      _ts(au.created_at) AS acc_created_at,
      _cnt(aupm.followers_count) AS acc_followers, _cnt(aupm.following_count) AS acc_following,
      _cnt(aupm.tweet_count) AS acc_post_count,
      CASE WHEN au.verified = 'true' THEN true WHEN au.verified = 'false' THEN false
           WHEN au.verified_type IS NOT NULL AND au.verified_type <> '"none"' THEN true END AS acc_verified
    FROM t5"""
