"""Instaloader metadata files: ``<name>.json`` / ``<name>.json.xz`` (post, profile, story
item) and ``<name>_comments.json`` (comments with their answers).

A metadata file is ``{"node": {...Instagram GraphQL node...}, "instaloader": {"version": ...,
"node_type": "Post"|"Profile"|"StoryItem"|"Hashtag"}}``. Posts are stored under their
shortcode and accounts under their username (the numeric ``owner.id`` only when the
username is missing), as the other Instagram importers do.

Semantics
---------
* ``taken_at_timestamp`` / ``created_at`` are epoch seconds (UTC).
* Caption = ``edge_media_to_caption.edges[0].node.text``; likes from
  ``edge_media_preview_like`` (or ``edge_liked_by``); comments from
  ``edge_media_to_comment`` (or ``edge_media_to_parent_comment``); views =
  ``video_view_count``; ``is_paid`` = ``is_paid_partnership``.
* Media type: ``GraphSidecar`` -> carousel, ``GraphVideo`` -> video (``product_type``
  ``clips`` -> reel), ``GraphImage`` -> photo.
* A comments file does not name its post; Instaloader writes it next to the post's metadata
  file with the same prefix, so the shortcode is read from that sibling
  (``<prefix>.json`` or ``<prefix>.json.xz``). Without the sibling the comments are still
  imported, with ``root_id``/``parent_id`` unknown for top-level comments.

Example
-------
>>> Instaloader().map({"node": {"__typename": "GraphImage", "id": "1", "shortcode": "Cx1",
...     "taken_at_timestamp": 1732068900, "owner": {"id": "9", "username": "a"}},
...     "instaloader": {"node_type": "Post"}}, None)[0].post["created_at"]
datetime.datetime(2024, 11, 20, 2, 15)
"""
from __future__ import annotations

import lzma
from pathlib import Path
from typing import Any, Iterator

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_int)
from suara.ingest.formats._apijson import foreign_envelope, head_keys, iter_records, loads

__all__ = ["Instaloader"]

_TYPENAME = {"GraphImage": "photo", "GraphVideo": "video", "GraphSidecar": "carousel",
             "XDTGraphImage": "photo", "XDTGraphVideo": "video", "XDTGraphSidecar": "carousel"}


def _edge_count(node: dict, *keys: str) -> int | None:
    for k in keys:
        e = node.get(k)
        if isinstance(e, dict) and "count" in e:
            try:
                return to_int(e["count"])
            except ValueError as err:
                raise RowError(f"{k}.count", str(err)) from None
    return None


def _time(value: Any, field: str):
    try:
        return parse_time(value)
    except (ValueError, OverflowError, OSError) as e:
        raise RowError(field, str(e)) from None


def _sibling_shortcode(source: Source) -> str | None:
    """Shortcode of the post whose comments file this is (same prefix, next to it)."""
    if source.member is not None:
        return None
    name = source.path.name
    for suf in ("_comments.json.xz", "_comments.json"):
        if name.endswith(suf):
            prefix = name[: -len(suf)]
            break
    else:
        return None
    for cand in (prefix + ".json", prefix + ".json.xz"):
        p = Path(source.path.parent, cand)
        if p.is_file() and p.stat().st_size < 64 * 1024**2:
            try:
                data = lzma.open(p).read() if cand.endswith(".xz") else p.read_bytes()
                node = loads(data).get("node") or {}
                return node.get("shortcode")
            except (OSError, ValueError, AttributeError, lzma.LZMAError):
                return None
    return None


class Instaloader(Importer):
    """Instaloader ``--metadata-json`` files and ``--comments`` files."""

    name = "instaloader"
    title = "Instaloader metadata JSON (.json, .json.xz) and comments"
    platforms = ("instagram",)
    extensions = (".json", ".xz")

    def sniff(self, head: str, source: Source) -> float:
        keys = head_keys(head)
        if foreign_envelope(keys):
            return 0.0
        if "instaloader" in keys and "node_type" in keys and "node" in keys:
            return 0.97
        if head.lstrip().startswith("[") and {"created_at", "owner", "likes_count", "answers"} <= keys:
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        shortcode: list = []

        def split(doc):
            if isinstance(doc, dict) and "node" in doc:
                return [doc]
            if isinstance(doc, dict) and {"created_at", "text"} <= set(doc):
                doc = [doc]
            if isinstance(doc, list):
                if not shortcode:
                    shortcode.append(_sibling_shortcode(source))
                return [{"_comment": c, "_post": shortcode[0]} if isinstance(c, dict) else c for c in doc]
            raise RowError("(document)", "neither Instaloader metadata nor a comments list")
        return iter_records(source, split)

    def map(self, raw: Any, ctx: ImportContext | None):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        if "_comment" in raw:
            return self._comment(raw["_comment"], raw.get("_post"), None)
        node = raw.get("node")
        if not isinstance(node, dict):
            raise RowError("node", "missing or not an object")
        ntype = ((raw.get("instaloader") or {}).get("node_type") or "Post")
        if ntype == "Profile":
            return [Item(account=self._profile(node))]
        if ntype in ("Post", "StoryItem"):
            return self._post(node, ntype)
        return []  # Hashtag / Highlight metadata describe no post

    def _profile(self, node: dict) -> dict:
        user = node.get("username")
        aid = user or node.get("id")
        if not aid:
            raise RowError("node.id", "missing id and username")
        bio = node.get("biography")
        return {"platform": "instagram", "account_id": str(aid), "handle": user,
                "display_name": node.get("full_name") or None, "bio": bio or None,
                "followers": _edge_count(node, "edge_followed_by"),
                "following": _edge_count(node, "edge_follow"),
                "post_count": _edge_count(node, "edge_owner_to_timeline_media"),
                "verified": node.get("is_verified") if isinstance(node.get("is_verified"), bool) else None}

    def _post(self, node: dict, ntype: str) -> list[Item]:
        pid = node.get("shortcode") or node.get("id")
        if not pid:
            raise RowError("node.shortcode", "missing shortcode and id")
        pid = str(pid)
        edges = ((node.get("edge_media_to_caption") or {}).get("edges") or [])
        text = None
        if edges and isinstance(edges[0], dict):
            text = (edges[0].get("node") or {}).get("text")
        if text is None and isinstance(node.get("caption"), str):
            text = node["caption"]
        tn = node.get("__typename") or ""
        mtype = _TYPENAME.get(tn) or ("video" if node.get("is_video") else "photo")
        if node.get("product_type") == "clips":
            mtype = "reel"
        owner = node.get("owner") if isinstance(node.get("owner"), dict) else {}
        user = owner.get("username")
        aid = user or owner.get("id")
        acc = None
        if aid:
            acc = {"platform": "instagram", "account_id": str(aid), "handle": user,
                   "display_name": owner.get("full_name") or None,
                   "followers": _edge_count(owner, "edge_followed_by"),
                   "verified": owner.get("is_verified") if isinstance(owner.get("is_verified"), bool) else None}
        loc = node.get("location") if isinstance(node.get("location"), dict) else {}
        views = node.get("video_view_count")
        try:
            views = to_int(views)
        except ValueError as e:
            raise RowError("node.video_view_count", str(e)) from None
        post = fill_entities({
            "platform": "instagram", "post_id": pid, "account_id": aid and str(aid),
            "created_at": _time(node.get("taken_at_timestamp") or node.get("date"), "node.taken_at_timestamp"),
            "kind": "post", "text": text or None, "media_type": mtype,
            "url": f"https://www.instagram.com/p/{pid}/" if node.get("shortcode") else None,
            "likes": _edge_count(node, "edge_media_preview_like", "edge_liked_by"),
            "comments": _edge_count(node, "edge_media_to_comment", "edge_media_to_parent_comment"),
            "views": views, "geo": loc.get("name") or None,
            "is_paid": node.get("is_paid_partnership") if isinstance(node.get("is_paid_partnership"), bool) else None,
            "media_files": [u for u in (node.get("display_url"),) if u]})
        return [Item(post=post, account=acc)]

    def _comment(self, c: dict, post: str | None, parent: str | None) -> list[Item]:
        cid = c.get("id")
        if not cid:
            raise RowError("id", "missing comment id")
        owner = c.get("owner") if isinstance(c.get("owner"), dict) else {}
        user = owner.get("username")
        aid = user or owner.get("id")
        acc = None
        if aid:
            acc = {"platform": "instagram", "account_id": str(aid), "handle": user,
                   "display_name": owner.get("full_name") or None,
                   "verified": owner.get("is_verified") if isinstance(owner.get("is_verified"), bool) else None}
        try:
            likes = to_int(c.get("likes_count"))
        except ValueError as e:
            raise RowError("likes_count", str(e)) from None
        answers = [a for a in c.get("answers") or [] if isinstance(a, dict)]
        p = fill_entities({
            "platform": "instagram", "post_id": str(cid), "account_id": aid and str(aid),
            "created_at": _time(c.get("created_at"), "created_at"),
            "kind": "reply" if parent else "comment", "parent_id": parent or post,
            "root_id": post, "text": c.get("text") or None, "media_type": "text", "likes": likes,
            "comments": len(answers) if parent is None else None})
        items = [Item(post=p, account=acc)]
        for a in answers:
            items += self._comment(a, post, str(cid))
        return items


IMPORTERS = [Instaloader]
