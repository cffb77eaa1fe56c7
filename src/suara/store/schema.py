"""The canonical schema: the contract between ingest and every later stage.

Tables are declared once here as ``{name: [(column, duckdb_type), ...]}`` with their keys,
so that the DuckDB store, the Parquet lake (Spark) and the tests all read the same truth.
Timestamps are UTC (``TIMESTAMP`` without zone, always UTC by convention).
"""
from __future__ import annotations

SCHEMA_VERSION = 6

#: meta key holding the enrichment version that analyses read (set by the enrich stage)
ENRICH_VERSION_KEY = "enrich.current_version"

ACCOUNT_TYPES = ("official", "party", "media", "city", "influencer", "citizen", "unknown")
POST_KINDS = ("post", "comment", "reply", "share", "live_comment")
#: chat messages add audio (voice notes), document, sticker, and media (an attachment the
#: export does not describe, e.g. WhatsApp's "<Media omitted>")
MEDIA_TYPES = ("text", "photo", "video", "reel", "carousel", "live", "link", "audio", "document",
               "sticker", "media")
#: the platforms Suara knows; a chat or channel (whatsapp, telegram) is the parent of its messages
PLATFORMS = ("instagram", "facebook", "tiktok", "x", "youtube", "threads", "telegram", "whatsapp")

TABLES: dict[str, list[tuple[str, str]]] = {
    "accounts": [
        ("platform", "VARCHAR NOT NULL"), ("account_id", "VARCHAR NOT NULL"),
        ("handle", "VARCHAR"), ("display_name", "VARCHAR"), ("bio", "VARCHAR"),
        ("location_text", "VARCHAR"), ("created_at", "TIMESTAMP"),
        ("followers", "BIGINT"), ("following", "BIGINT"), ("post_count", "BIGINT"),
        ("verified", "BOOLEAN"), ("account_type", "VARCHAR"), ("region", "VARCHAR"),
        ("first_seen", "TIMESTAMP"), ("last_seen", "TIMESTAMP"),
    ],
    "posts": [
        ("platform", "VARCHAR NOT NULL"), ("post_id", "VARCHAR NOT NULL"),
        ("account_id", "VARCHAR"), ("created_at", "TIMESTAMP"), ("kind", "VARCHAR"),
        ("parent_id", "VARCHAR"), ("root_id", "VARCHAR"), ("text", "VARCHAR"),
        ("media_type", "VARCHAR"), ("url", "VARCHAR"),
        ("hashtags", "VARCHAR[]"), ("mentions", "VARCHAR[]"), ("links", "VARCHAR[]"),
        ("likes", "BIGINT"), ("comments", "BIGINT"), ("shares", "BIGINT"),
        ("views", "BIGINT"), ("saves", "BIGINT"), ("is_paid", "BOOLEAN"),
        ("geo", "VARCHAR"), ("media_files", "VARCHAR[]"),
        ("source", "VARCHAR"), ("ingested_at", "TIMESTAMP"),
    ],
    "metric_observations": [
        ("platform", "VARCHAR NOT NULL"), ("post_id", "VARCHAR NOT NULL"),
        ("observed_at", "TIMESTAMP NOT NULL"), ("likes", "BIGINT"), ("comments", "BIGINT"),
        ("shares", "BIGINT"), ("views", "BIGINT"), ("import_id", "VARCHAR"),
    ],
    # one row per (post, enrichment version); per-candidate results live in `mentions`
    "enrichments": [
        ("platform", "VARCHAR NOT NULL"), ("post_id", "VARCHAR NOT NULL"),
        ("version", "VARCHAR NOT NULL"), ("enriched_at", "TIMESTAMP"),
        ("text_norm", "VARCHAR"), ("language", "VARCHAR"), ("language_conf", "DOUBLE"),
        ("candidates", "VARCHAR[]"), ("sentiment", "VARCHAR"), ("sentiment_score", "DOUBLE"),
        ("sentiment_conf", "DOUBLE"),
        ("emotion", "VARCHAR"), ("emotion_score", "DOUBLE"),
        ("hate_speech", "BOOLEAN"), ("hate_score", "DOUBLE"),
        ("abusive", "BOOLEAN"), ("abusive_score", "DOUBLE"),
        ("hs_target", "VARCHAR"), ("sara", "VARCHAR"), ("sara_score", "DOUBLE"), ("hs_strength", "VARCHAR"),
        ("issues", "VARCHAR[]"), ("hoax_claim_id", "VARCHAR"), ("hoax_score", "DOUBLE"),
        ("dup_cluster", "VARCHAR"), ("ocr_text", "VARCHAR"), ("models", "VARCHAR"),
    ],
    # long form: one row per candidate mentioned in a post (targeted sentiment)
    "mentions": [
        ("platform", "VARCHAR NOT NULL"), ("post_id", "VARCHAR NOT NULL"),
        ("version", "VARCHAR NOT NULL"), ("candidate", "VARCHAR NOT NULL"),
        ("sentiment", "VARCHAR"), ("score", "DOUBLE"), ("evidence", "VARCHAR"),
    ],
    "quarantine": [
        ("import_id", "VARCHAR"), ("file", "VARCHAR"), ("row", "BIGINT"), ("field", "VARCHAR"),
        ("reason", "VARCHAR"), ("raw", "VARCHAR"), ("format", "VARCHAR"),
        ("quarantined_at", "TIMESTAMP"),
    ],
    "imports": [
        ("import_id", "VARCHAR NOT NULL"), ("file", "VARCHAR"), ("sha256", "VARCHAR"),
        ("format", "VARCHAR"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"),
        ("accepted", "BIGINT"), ("updated", "BIGINT"), ("quarantined", "BIGINT"),
        ("status", "VARCHAR"),
    ],
    # coordination results (detect.coordination); `flagged` drives every filtered metric
    "account_scores": [
        ("platform", "VARCHAR NOT NULL"), ("account_id", "VARCHAR NOT NULL"),
        ("run_id", "VARCHAR"), ("cluster", "VARCHAR"), ("buzzer_score", "DOUBLE"),
        ("flagged", "BOOLEAN"), ("reasons", "VARCHAR"), ("scored_at", "TIMESTAMP"),
    ],
    "networks": [
        ("run_id", "VARCHAR"), ("cluster", "VARCHAR NOT NULL"), ("size", "BIGINT"),
        ("candidate", "VARCHAR"), ("stance", "VARCHAR"), ("summary", "VARCHAR"),
        ("first_activity", "TIMESTAMP"), ("last_activity", "TIMESTAMP"),
    ],
    "alerts": [
        ("alert_id", "VARCHAR NOT NULL"), ("kind", "VARCHAR"), ("candidate", "VARCHAR"),
        ("issue", "VARCHAR"), ("type", "VARCHAR"), ("severity", "VARCHAR"),
        ("severity_score", "DOUBLE"), ("onset_at", "TIMESTAMP"), ("detected_at", "TIMESTAMP"),
        ("metric", "VARCHAR"), ("value", "DOUBLE"), ("baseline", "DOUBLE"),
        ("posts", "BIGINT"), ("top_accounts", "VARCHAR"), ("evidence", "VARCHAR"),
        ("status", "VARCHAR"), ("created_at", "TIMESTAMP"),
    ],
    "cases": [
        ("case_id", "VARCHAR NOT NULL"), ("alert_id", "VARCHAR"), ("title", "VARCHAR"),
        ("status", "VARCHAR"), ("assignee", "VARCHAR"), ("playbook", "VARCHAR"),
        ("notes", "VARCHAR"), ("opened_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP"),
        ("resolved_at", "TIMESTAMP"),
    ],
    "actions": [
        ("action_id", "VARCHAR NOT NULL"), ("kind", "VARCHAR"), ("name", "VARCHAR"),
        ("candidate", "VARCHAR"), ("target", "VARCHAR"), ("starts_at", "TIMESTAMP"),
        ("ends_at", "TIMESTAMP"), ("goal", "BIGINT"), ("goal_metric", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ],
    "live_sessions": [
        ("platform", "VARCHAR NOT NULL"), ("session_id", "VARCHAR NOT NULL"),
        ("account_id", "VARCHAR"), ("root_id", "VARCHAR"), ("started_at", "TIMESTAMP"),
        ("ended_at", "TIMESTAMP"), ("comments", "BIGINT"), ("registered", "BOOLEAN"),
    ],
    "volunteers": [
        ("volunteer_id", "VARCHAR NOT NULL"), ("name", "VARCHAR"), ("platform", "VARCHAR"),
        ("account_id", "VARCHAR"), ("handle", "VARCHAR"), ("consent_at", "TIMESTAMP"),
        ("consent_text", "VARCHAR"), ("withdrawn_at", "TIMESTAMP"),
    ],
    "audit_log": [
        ("at", "TIMESTAMP NOT NULL"), ("actor", "VARCHAR"), ("action", "VARCHAR"),
        ("target", "VARCHAR"), ("detail", "VARCHAR"),
    ],
    # inferred home region of an account (analyse.audience), kept apart from exported data
    "account_regions": [
        ("platform", "VARCHAR NOT NULL"), ("account_id", "VARCHAR NOT NULL"),
        ("region", "VARCHAR"), ("confidence", "DOUBLE"), ("method", "VARCHAR"),
        ("inferred_at", "TIMESTAMP"),
    ],
    # estimated demographics of an account (enrich.demographics): internal, read only by the
    # aggregate section with small-cell suppression, never shown per account; erased by forget
    "account_demographics": [
        ("platform", "VARCHAR NOT NULL"), ("account_id", "VARCHAR NOT NULL"),
        ("person", "VARCHAR"), ("person_conf", "DOUBLE"), ("gender", "VARCHAR"), ("gender_conf", "DOUBLE"),
        ("age_band", "VARCHAR"), ("age_conf", "DOUBLE"), ("occupation", "VARCHAR"),
        ("occupation_conf", "DOUBLE"), ("evidence", "VARCHAR"), ("version", "VARCHAR"),
        ("estimated_at", "TIMESTAMP"),
    ],
    "webhook_deliveries": [
        ("delivery_id", "VARCHAR NOT NULL"), ("alert_id", "VARCHAR"), ("channel", "VARCHAR"),
        ("dedup_key", "VARCHAR"), ("status", "VARCHAR"), ("attempts", "BIGINT"),
        ("last_attempt_at", "TIMESTAMP"), ("error", "VARCHAR"),
    ],
    "users": [
        ("username", "VARCHAR NOT NULL"), ("password_hash", "VARCHAR"), ("role", "VARCHAR"),
        ("created_at", "TIMESTAMP"), ("disabled", "BOOLEAN"),
    ],
    "api_tokens": [
        ("token_hash", "VARCHAR NOT NULL"), ("name", "VARCHAR"), ("username", "VARCHAR"),
        ("role", "VARCHAR"), ("created_at", "TIMESTAMP"), ("last_used_at", "TIMESTAMP"),
        ("revoked_at", "TIMESTAMP"),
    ],
    # server-side browser sessions (store.users): only the hash of the cookie's id is kept
    "sessions": [
        ("session_hash", "VARCHAR NOT NULL"), ("username", "VARCHAR NOT NULL"),
        ("created_at", "TIMESTAMP NOT NULL"), ("last_seen_at", "TIMESTAMP NOT NULL"),
        ("expires_at", "TIMESTAMP NOT NULL"), ("address", "VARCHAR"),
    ],
    "jobs": [
        ("job_id", "VARCHAR NOT NULL"), ("kind", "VARCHAR"), ("status", "VARCHAR"),
        ("done", "BIGINT"), ("total", "BIGINT"), ("message", "VARCHAR"),
        ("created_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP"),
    ],
    # daily aggregates kept when raw posts are purged by the retention policy
    "aggregates_daily": [
        ("day", "DATE NOT NULL"), ("platform", "VARCHAR NOT NULL"), ("candidate", "VARCHAR NOT NULL"),
        ("region", "VARCHAR NOT NULL"), ("mentions", "BIGINT"), ("positive", "BIGINT"),
        ("negative", "BIGINT"), ("neutral", "BIGINT"), ("unique_accounts", "BIGINT"),
        ("engagement", "BIGINT"),
    ],
    # candidate mentions of the current enrichment version summed per election-local day,
    # kept up to date by ingest/enrich/detect/erasure (store.aggregates) and read by sections
    # and pages; no key: rebuilt by day partitions
    "agg_daily": [
        ("day", "DATE"), ("platform", "VARCHAR"), ("candidate", "VARCHAR"), ("region", "VARCHAR"),
        ("sentiment", "VARCHAR"), ("flagged", "BOOLEAN"), ("mentions", "BIGINT"), ("posts", "BIGINT"),
        ("score_sum", "DOUBLE"), ("weighted", "DOUBLE"), ("engagement", "BIGINT"), ("likes", "BIGINT"),
        ("comments", "BIGINT"), ("shares", "BIGINT"), ("views", "BIGINT"),
    ],
    "agg_account_daily": [
        ("day", "DATE"), ("platform", "VARCHAR"), ("account_id", "VARCHAR"), ("candidate", "VARCHAR"),
        ("region", "VARCHAR"), ("flagged", "BOOLEAN"), ("mentions", "BIGINT"), ("positive", "BIGINT"),
        ("negative", "BIGINT"), ("score_sum", "DOUBLE"), ("weighted", "DOUBLE"), ("engagement", "BIGINT"),
        ("posts", "BIGINT"),
    ],
    "meta": [("key", "VARCHAR NOT NULL"), ("value", "VARCHAR")],
    # the team's own labels (append-only: the newest row per post, task, target and labeller
    # wins). Posts of the store are keyed by (platform, post_id); rows of an imported label
    # file by platform 'file' and a hash of the normalised text, with the text kept here
    # (the workspace's own data) so that the model can be refitted without the file.
    "labels": [
        ("platform", "VARCHAR NOT NULL"), ("post_id", "VARCHAR NOT NULL"),
        ("task", "VARCHAR NOT NULL"), ("target", "VARCHAR"), ("label", "VARCHAR NOT NULL"),
        ("labeller", "VARCHAR NOT NULL"), ("labelled_at", "TIMESTAMP NOT NULL"),
        ("text", "VARCHAR"), ("source", "VARCHAR"),
    ],
    # custom categories a workspace model assigned to a post (enrich, long form, positives only)
    "categories": [
        ("platform", "VARCHAR NOT NULL"), ("post_id", "VARCHAR NOT NULL"),
        ("version", "VARCHAR NOT NULL"), ("category", "VARCHAR NOT NULL"), ("score", "DOUBLE"),
    ],
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("platform", "account_id"),
    "posts": ("platform", "post_id"),
    "metric_observations": ("platform", "post_id", "observed_at"),
    "enrichments": ("platform", "post_id", "version"),
    "mentions": ("platform", "post_id", "version", "candidate"),
    "imports": ("import_id",),
    "account_scores": ("platform", "account_id"),
    "alerts": ("alert_id",),
    "cases": ("case_id",),
    "actions": ("action_id",),
    "live_sessions": ("platform", "session_id"),
    "volunteers": ("volunteer_id",),
    "account_regions": ("platform", "account_id"),
    "account_demographics": ("platform", "account_id"),
    "webhook_deliveries": ("delivery_id",),
    "users": ("username",),
    "api_tokens": ("token_hash",),
    "sessions": ("session_hash",),
    "jobs": ("job_id",),
    "aggregates_daily": ("day", "platform", "candidate", "region"),
    "meta": ("key",),
    "categories": ("platform", "post_id", "version", "category"),
}


#: tables whose key the writers keep unique (`Store.append` / `Store.upsert`: a batch is
#: de-duplicated, new keys are an anti-join, stored ones an UPDATE) without a DuckDB PRIMARY
#: KEY: the index behind one makes every import of posts and their metric observations, the
#: two biggest tables an import writes, about a third slower (DuckDB maintains the index row
#: by row and writes it out at each checkpoint), and nothing reads them by single key.
UNINDEXED_KEYS = frozenset({"posts", "metric_observations"})


def columns(table: str) -> list[str]:
    """Column names of a canonical table, in order."""
    return [c for c, _ in TABLES[table]]


def create_sql(table: str) -> str:
    cols = ", ".join(f'"{c}" {t}' for c, t in TABLES[table])
    pk = PRIMARY_KEYS.get(table)
    if pk and table not in UNINDEXED_KEYS:
        cols += ", PRIMARY KEY (" + ", ".join(f'"{c}"' for c in pk) + ")"
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({cols})'


def _rebuild_sql(table: str) -> list[str]:
    """SQL that rebuilds ``table`` as `create_sql` declares it now, keeping its rows."""
    tmp = f"{table}__rebuild"
    cols = ", ".join(f'"{c}"' for c in columns(table))
    return [create_sql(table).replace(f'"{table}"', f'"{tmp}"', 1),
            f'INSERT INTO "{tmp}" SELECT {cols} FROM "{table}"',
            f'DROP TABLE "{table}"', f'ALTER TABLE "{tmp}" RENAME TO "{table}"']


# Migrations: version -> list of SQL statements that bring a store from version-1 to version.
# A store records its version in meta('schema_version'); opening an older store applies the
# missing steps in one transaction; opening a newer one is refused with a clear message.
_V3_TABLES = ("labels", "categories")
MIGRATIONS: dict[int, list[str]] = {
    1: [create_sql(t) for t in TABLES],
    2: [create_sql("account_demographics")],
    3: [create_sql(t) for t in _V3_TABLES],  # team labels and custom categories
    # server-side sessions; revocable API tokens
    4: [create_sql("sessions"), "ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS revoked_at TIMESTAMP"],
    # pre-aggregated mentions (store.aggregates); built by the next enrich or analyse
    5: [create_sql("agg_daily"), create_sql("agg_account_daily")],
    # posts and metric observations without a PRIMARY KEY index (UNINDEXED_KEYS): rebuilt
    6: [stmt for t in sorted(UNINDEXED_KEYS) for stmt in _rebuild_sql(t)],
}
