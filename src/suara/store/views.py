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

__all__ = ["current_version", "enriched", "ENRICH_VERSION_KEY"]


def current_version(store) -> str | None:
    """The enrichment version analyses use (set by the last `suara enrich`)."""
    return store.meta(ENRICH_VERSION_KEY)


def enriched(store) -> ibis.Table:
    """Posts left-joined with their current enrichment (one row per post); one expression
    per read scope (:meth:`suara.store.Store.scoped`) where the store has them."""
    scoped = getattr(store, "scoped", None)
    return _enriched(store) if scoped is None else scoped(("expr", "enriched"), lambda: _enriched(store))


def _enriched(store) -> ibis.Table:
    p = store.table("posts")
    e = store.table("enrichments")
    v = current_version(store)
    e = e.filter(e.version == (v or ""))
    e = e.drop("version", "enriched_at", "models")
    return p.left_join(e, [p.platform == e.platform, p.post_id == e.post_id]).drop(
        "platform_right", "post_id_right")
