"""Platform-native record shapes, modelled on the real samples in ``shared/fixtures``.

* Instagram posts: Zeeschuimer NDJSON (envelope + ``data`` = web API media item).
* Instagram comments: Graph API comment objects (``id, text, timestamp, username, from,
  like_count, media{id,shortcode}, replies{data}``) in a ``{"data": [...], "paging"}`` page.
* TikTok videos: Zeeschuimer NDJSON; comments: Research API ``video/comment/list`` response.
* Facebook page posts: CrowdTangle dashboard search CSV export (BOM, 41 columns, local time
  with zone abbreviation, id-ID formatted Total Interactions); comments: Graph API
  ``/{post-id}/comments`` objects with ``from`` and ``parent``.
* X: twarc2 JSONL, one API page per line (``data``, ``includes.users``, ``includes.tweets``,
  ``meta``, ``__twarc``).

Example
-------
>>> shortcode(3828214581177566955)
'DUgjOD7D0br'
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path

import orjson

__all__ = ["shortcode", "Out", "iso_z", "iso_fb", "ig_record", "tt_record", "ct_row", "CT_HEADER",
           "fb_comment", "ig_comment", "tt_comment", "tweet", "x_user"]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

CT_HEADER = ["Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country", "Page Description",
             "Page Created", "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date",
             "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha",
             "Sad", "Angry", "Care", "Video Share Status", "Is Video Owner?", "Post Views", "Total Views",
             "Total Views For All Crossposts", "Video Length", "URL", "Message", "Link", "Final Link", "Image Text",
             "Link Text", "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category",
             "Total Interactions (weighted  \u2014  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
             "Angry 1x Care 1x )", "Overperforming Score"]


def shortcode(pk: int) -> str:
    """Instagram shortcode of a media pk (base64url of the id, as Instagram does)."""
    s = ""
    while pk:
        pk, rem = divmod(pk, 64)
        s = _B64[rem] + s
    return s


def iso_z(ts: float) -> str:
    """``2024-10-01T12:00:00.000Z`` (X API v2)."""
    return dt.datetime.fromtimestamp(int(ts), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iso_fb(ts: float) -> str:
    """``2024-10-01T12:00:00+0000`` (Graph API)."""
    return dt.datetime.fromtimestamp(int(ts), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _id_num(n: int) -> str:
    """Locale-formatted integer as in an Indonesian CrowdTangle dashboard (``12.345``)."""
    return f"{n:,}".replace(",", ".")


class Out:
    """A deterministic output file: plain or gzip with a fixed mtime and no file name."""

    def __init__(self, path: Path, gz: bool):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = open(path, "wb")
        self._f = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=5) if gz else self._raw
        self.n = 0
        self.first = True

    def write(self, b: bytes) -> None:
        self._f.write(b)

    def close(self) -> None:
        if self._f is not self._raw:
            self._f.close()
        self._raw.close()


# --- Instagram ------------------------------------------------------------------------------
def ig_record(p: dict, acc, collected_ms: int, m: dict, loc: dict | None, nav: int) -> dict:
    pk = p["pk"]
    code = shortcode(pk)
    video = p["media"] in ("video", "reel")
    user = {"pk": acc.uid, "id": acc.uid, "username": acc.handle, "full_name": acc.name, "is_verified": acc.verified,
            "is_private": False, "profile_pic_url": f"https://scontent.cdninstagram.com/v/t51.2885-19/{acc.uid}_n.jpg",
            "is_unpublished": False, "__typename": "XDTUserDict"}
    data = {
        "id": f"{pk}_{acc.uid}", "user": user, "pk": str(pk), "inventory_source": "media_or_ad",
        "carousel_media": None, "media_type": 2 if video else (8 if p["media"] == "carousel" else 1),
        "original_height": 1350, "original_width": 1080, "code": code,
        "video_versions": [{"type": 101, "width": 720, "height": 1280,
                            "url": f"https://scontent.cdninstagram.com/o1/v/t16/{pk}.mp4"}] if video else None,
        "product_type": "clips" if video else ("carousel_container" if p["media"] == "carousel" else "feed"),
        "accessibility_caption": None if video else f"Photo by {acc.name}.",
        "image_versions2": {"candidates": [{"url": f"https://scontent.cdninstagram.com/v/t51.2885-15/{pk}_n.jpg",
                                            "height": 1350, "width": 1080}]},
        "usertags": None, "taken_at": int(p["ts"]), "link": None, "like_count": m["likes"],
        "coauthor_producers": [], "is_paid_partnership": bool(p.get("paid")), "sponsor_tags": None,
        "location": loc, "caption": {"pk": str(pk + 7), "text": p["text"], "created_at": int(p["ts"]),
                                     "user_id": acc.uid, "has_translation": None},
        "caption_is_edited": False, "view_count": m["views"] if video else None,
        "play_count": m["views"] if video else None, "fb_like_count": None, "like_and_view_counts_disabled": False,
        "comment_count": m["comments"], "comments_disabled": None, "can_viewer_reshare": True,
        "boosted_status": None, "owner": {"id": acc.uid, "show_account_transparency_details": True},
        "has_audio": True if video else None,
    }
    return {"nav_index": f"1:{nav}:0", "item_id": data["id"], "timestamp_collected": collected_ms,
            "source_platform": "instagram.com", "source_platform_url": "https://www.instagram.com/explore/",
            "source_url": "https://www.instagram.com/graphql/query",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0", "data": data}


def ig_comment(c: dict, acc, media_pk: int) -> dict:
    out = {"id": str(c["cid"]), "text": c["text"], "timestamp": iso_fb(c["ts"]), "username": acc.handle,
           "from": {"id": acc.uid, "username": acc.handle}, "like_count": c["likes"],
           "media": {"id": str(media_pk), "shortcode": shortcode(media_pk)}}
    if c.get("parent_cid"):
        out["parent_id"] = str(c["parent_cid"])
    return out


# --- TikTok ---------------------------------------------------------------------------------
def tt_record(p: dict, acc, collected_ms: int, m: dict, nav: int, tags: list[str]) -> dict:
    vid = str(p["pk"])
    data = {
        "id": vid, "desc": p["text"], "createTime": int(p["ts"]),
        "video": {"id": vid, "height": 1024, "width": 576, "duration": p.get("dur", 30), "ratio": "540p",
                  "cover": f"https://p16-sign-sg.tiktokcdn.com/obj/tos-alisg-p-0037/{vid}", "format": "mp4"},
        "author": {"id": acc.uid, "uniqueId": acc.handle, "nickname": acc.name, "signature": acc.bio,
                   "verified": acc.verified, "secUid": "MS4wLjABAAAA" + acc.uid[::-1] + acc.handle[:8],
                   "secret": False, "privateAccount": False},
        "music": {"id": str(p["pk"] + 1), "title": f"suara asli - {acc.name}", "original": True,
                  "authorName": acc.name, "duration": p.get("dur", 30)},
        "challenges": [{"id": str(abs(hash_tag(t))), "title": t, "desc": ""} for t in tags],
        "stats": {"diggCount": m["likes"], "shareCount": m["shares"], "commentCount": m["comments"],
                  "playCount": m["views"], "collectCount": m["saves"]},
        "textExtra": [{"hashtagName": t, "hashtagId": str(abs(hash_tag(t))), "type": 1} for t in tags],
        "authorStats": {"followingCount": acc.following, "followerCount": acc.followers,
                        "heartCount": acc.followers * 11, "videoCount": acc.posts, "diggCount": 0},
        "duetInfo": {"duetFromId": "0"}, "originalItem": False, "officalItem": False,
        "isAd": bool(p.get("paid")), "privateItem": False, "duetEnabled": True, "stitchEnabled": True,
        "shareEnabled": True,
    }
    return {"nav_index": f"1:{nav}:0", "item_id": vid, "timestamp_collected": collected_ms,
            "source_platform": "tiktok.com", "source_platform_url": "https://www.tiktok.com/search/video",
            "source_url": "https://www.tiktok.com/api/search/item/full/",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0", "data": data}


def hash_tag(t: str) -> int:
    """Stable numeric id for a hashtag (FNV-1a; Python's hash() is salted per process)."""
    h = 0xcbf29ce484222325
    for ch in t.lower().encode():
        h = ((h ^ ch) * 0x100000001b3) & 0xFFFFFFFFFFFF
    return h


def tt_comment(c: dict, video_id: int) -> dict:
    return {"text": c["text"], "video_id": video_id, "create_time": int(c["ts"]), "id": c["cid"],
            "like_count": c["likes"], "parent_comment_id": c.get("parent_cid") or video_id,
            "reply_count": c.get("replies", 0)}


# --- Facebook -------------------------------------------------------------------------------
_CT_TYPE = {"photo": "Photo", "video": "Native Video", "live": "Live Video Complete", "link": "Link", "text": "Status"}
_PAGE_CAT = {"media": "MEDIA_NEWS_COMPANY", "city": "COMMUNITY", "official": "POLITICAL_CANDIDATE",
             "influencer": "PERSONAL_BLOG", "public": "PUBLIC_FIGURE", "citizen": "COMMUNITY",
             "buzzer": "COMMUNITY"}


def ct_row(p: dict, acc, m: dict, tz_abbr: str, tz_hours: float, sponsor: tuple | None) -> list:
    local = dt.datetime.fromtimestamp(int(p["ts"]), dt.timezone.utc) + dt.timedelta(hours=tz_hours)
    created = dt.datetime.fromtimestamp(acc.created, dt.timezone.utc) + dt.timedelta(hours=tz_hours)
    media = p["media"]
    total = m["likes"] + m["comments"] + m["shares"] + m["love"] + m["wow"] + m["haha"] + m["sad"] + m["angry"] + m["care"]
    is_video = media in ("video", "live")
    dur = p.get("dur", 0)
    url = f"https://www.facebook.com/{acc.uid}/posts/{p['pk']}"
    link = (f"https://www.facebook.com/{acc.handle}/videos/{p['pk']}/" if is_video else
            p.get("link") or f"https://www.facebook.com/photo.php?fbid={p['pk'] + 3}&set=a.{acc.uid}&type=3")
    return [acc.name, acc.handle, acc.uid, _PAGE_CAT.get(acc.type, "COMMUNITY"), "ID", acc.bio,
            created.strftime("%Y-%m-%d %H:%M:%S"), acc.followers, acc.followers + acc.followers // 9,
            local.strftime("%Y-%m-%d %H:%M:%S ") + tz_abbr, local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S"),
            _CT_TYPE.get(media, "Photo"), _id_num(total), m["likes"], m["comments"], m["shares"], m["love"], m["wow"],
            m["haha"], m["sad"], m["angry"], m["care"], "owned" if is_video else "", "Yes" if is_video else "-",
            m["views"] if is_video else 0, m["views"] if is_video else 0, 0,
            f"{dur // 3600:02d}:{dur // 60 % 60:02d}:{dur % 60:02d}" if is_video else "N/A", url, p["text"], link,
            p.get("link") or "", "", "", "", sponsor[0] if sponsor else "", sponsor[1] if sponsor else "",
            "POLITICAL_CANDIDATE" if sponsor else "", _id_num(total),
            f"{m['over']:.2f}".replace(".", ",").rstrip("0").rstrip(",")]


def ct_header_bytes() -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(CT_HEADER)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def ct_row_bytes(row: list) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    return buf.getvalue().encode("utf-8")


def fb_comment(c: dict, acc, page_uid: str, post_pk: int) -> dict:
    cid = c["cid"]
    parent = c.get("parent_cid")
    url = f"https://www.facebook.com/{page_uid}/posts/{post_pk}/?comment_id={parent or cid}"
    if parent:
        url += f"&reply_comment_id={cid}"
    out = {"id": f"{post_pk}_{cid}", "from": {"id": acc.uid, "name": acc.name}, "message": c["text"],
           "created_time": iso_fb(c["ts"]), "like_count": c["likes"], "comment_count": c.get("replies", 0),
           "permalink_url": url}
    if parent:
        out["parent"] = {"id": f"{post_pk}_{parent}"}
    return out


# --- X (twarc2) -----------------------------------------------------------------------------
def x_user(acc) -> dict:
    return {"id": acc.uid, "name": acc.name, "username": acc.handle, "created_at": iso_z(acc.created),
            "description": acc.bio, "location": acc.location, "protected": False, "verified": acc.verified,
            "url": "", "profile_image_url": "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
            "public_metrics": {"followers_count": acc.followers, "following_count": acc.following,
                               "tweet_count": acc.posts, "listed_count": acc.followers // 500}}


def tweet(t: dict, acc, m: dict) -> dict:
    ents: dict = {}
    text = t["text"]
    tags = []
    for tag in t.get("tags", []):
        i = text.find("#" + tag)
        if i >= 0:
            tags.append({"start": i, "end": i + 1 + len(tag), "tag": tag})
    if tags:
        ents["hashtags"] = tags
    if t.get("mention"):
        i = text.find("@" + t["mention"][0])
        ents["mentions"] = [{"start": max(i, 0), "end": max(i, 0) + 1 + len(t["mention"][0]),
                             "username": t["mention"][0], "id": t["mention"][1]}]
    if t.get("link"):
        i = text.find(t["link"])
        ents["urls"] = [{"start": max(i, 0), "end": max(i, 0) + len(t["link"]), "url": t["link"],
                         "expanded_url": t["link"], "display_url": t["link"].split("//")[-1][:26]}]
    out = {"id": str(t["pk"]), "text": text, "created_at": iso_z(t["ts"]), "author_id": acc.uid,
           "conversation_id": str(t.get("conv") or t["pk"]), "lang": "in",
           "public_metrics": {"retweet_count": m["shares"], "reply_count": m["comments"], "like_count": m["likes"],
                              "quote_count": m.get("quotes", 0), "bookmark_count": m["saves"],
                              "impression_count": m["views"]},
           "reply_settings": "everyone", "source": t.get("source", "Twitter for Android"), "possibly_sensitive": False,
           "edit_history_tweet_ids": [str(t["pk"])]}
    if ents:
        out["entities"] = ents
    if t.get("ref"):
        out["referenced_tweets"] = [{"type": t["ref"][0], "id": str(t["ref"][1])}]
        if t["ref"][0] == "replied_to" and t.get("reply_to_user"):
            out["in_reply_to_user_id"] = t["reply_to_user"]
    return out


def dumps(o) -> bytes:
    return orjson.dumps(o)
