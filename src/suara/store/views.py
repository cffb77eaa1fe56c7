"""Read views over the store that every later stage shares: the current enrichment version
and posts joined with their current enrichment.

They sit in the store layer so that enrich, detect and analyse read them without importing
one another. All return Ibis expressions (never DataFrames), so they run on DuckDB and Spark.

Example
-------
>>> from suara.store import Store
>>> s = Store()
>>> current_version(s) is None, enriched(s).count().execute()
(True, 0)
"""
from __future__ import annotations

import ibis

from suara.store.schema import ENRICH_VERSION_KEY

__all__ = ["current_version", "enriched", "current_enrichments", "ENRICH_VERSION_KEY"]


def current_version(store) -> str | None:
    """The enrichment version analyses use (set by the last `suara enrich`)."""
    return store.meta(ENRICH_VERSION_KEY)


def enriched(store) -> ibis.Table:
    """Posts left-joined with their current enrichment (one row per post); one expression
    per read scope (:meth:`suara.store.Store.scoped`) where the store has them."""
    scoped = getattr(store, "scoped", None)
    return _enriched(store) if scoped is None else scoped(("expr", "enriched"), lambda: _enriched(store))


def current_enrichments(store) -> ibis.Table:
    """The enrichments of the current version (one row per enriched post), without the
    version's own columns: the right side of :func:`enriched`. A query that needs only a few
    posts' enrichments (those with issues, unnested) filters these before joining the posts:
    the engine then joins a few thousand rows instead of every post with its enrichment.

    >>> from suara.store import Store
    >>> "issues" in current_enrichments(Store()).columns
    True
    """
    e = store.table("enrichments")
    e = e.filter(e.version == (current_version(store) or ""))
    return e.drop("version", "enriched_at", "models")


def _enriched(store) -> ibis.Table:
    p = store.table("posts")
    e = current_enrichments(store)
    return p.left_join(e, [p.platform == e.platform, p.post_id == e.post_id]).drop(
        "platform_right", "post_id_right")
