"""Shared Ibis building blocks for every analysis: the current enrichment, mentions with
their post and author, and the coordinated-account filter.

All functions return Ibis expressions (never DataFrames), so each analysis composes them and
runs unchanged on DuckDB or Spark.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> mentions(ws).count().execute()
0
"""
from __future__ import annotations

import ibis

from suara.store import views
from suara.store.schema import ENRICH_VERSION_KEY

__all__ = ["current_version", "posts", "enriched", "mentions", "flagged", "without_flagged",
           "account_region", "ENRICH_VERSION_KEY"]


def current_version(ws) -> str | None:
    """The enrichment version analyses use (set by the last `suara enrich`)."""
    return views.current_version(ws.store)


def posts(ws) -> ibis.Table:
    return ws.store.table("posts")


def enriched(ws) -> ibis.Table:
    """Posts left-joined with their current enrichment (one row per post)."""
    return views.enriched(ws.store)


def account_region(ws) -> ibis.Table:
    """(platform, account_id, region, region_confidence): the exported region when present,
    else the inferred one."""
    a = ws.store.table("accounts").select("platform", "account_id", "region")
    r = ws.store.table("account_regions").select(
        "platform", "account_id", inferred=ibis._.region, region_confidence=ibis._.confidence)
    j = a.left_join(r, ["platform", "account_id"])
    return j.select(
        "platform", "account_id",
        region=ibis.coalesce(j.region, j.inferred),
        region_confidence=ibis.ifelse(j.region.notnull(), 1.0, j.region_confidence))


def mentions(ws) -> ibis.Table:
    """One row per (post, candidate mentioned) for the current enrichment version, with the
    post's time, platform, kind, media type, engagement, author and author region."""
    m = ws.store.table("mentions")
    v = current_version(ws)
    m = m.filter(m.version == (v or "")).drop("version")
    p = posts(ws).select("platform", "post_id", "account_id", "created_at", "kind", "media_type",
                         "likes", "comments", "shares", "views", "is_paid")
    j = m.inner_join(p, ["platform", "post_id"])
    ar = account_region(ws)
    return j.left_join(ar, ["platform", "account_id"]).drop(
        *[c for c in ("platform_right", "account_id_right") if c in
          j.left_join(ar, ["platform", "account_id"]).columns])


def flagged(ws) -> ibis.Table:
    """(platform, account_id) of accounts flagged as coordinated (buzzer_score >= 0.5)."""
    s = ws.store.table("account_scores")
    return s.filter(s.flagged).select("platform", "account_id")


def without_flagged(t: ibis.Table, ws) -> ibis.Table:
    """Rows of ``t`` (which has platform and account_id) whose account is not flagged."""
    return t.anti_join(flagged(ws), ["platform", "account_id"])
