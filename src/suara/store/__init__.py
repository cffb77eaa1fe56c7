"""Storage: the canonical schema in DuckDB (default) or a Parquet lake for Spark."""
from suara.store.schema import SCHEMA_VERSION, TABLES, columns
from suara.store.store import Store, StoreError, StoreLockedError, utcnow

__all__ = ["SCHEMA_VERSION", "TABLES", "Store", "StoreError", "StoreLockedError", "columns", "utcnow"]
