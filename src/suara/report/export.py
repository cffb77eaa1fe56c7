"""Safe CSV/JSON writers, kept here for existing imports; they live in :mod:`suara.store.export`
(below analyse, which writes evidence files with them)."""
from suara.store.export import atomic_write, neutralise, neutralise_frame, sha256_text, write_csv, write_json

__all__ = ["neutralise", "neutralise_frame", "write_csv", "write_json", "sha256_text", "atomic_write"]
