"""Ingest: one module per source format (`formats/`), plus detection, quarantine and upsert."""
from suara.ingest.base import FileError, ImportContext, Importer, Item, RowError, Source
from suara.ingest.pipeline import FileReport, ingest_paths, ingest_source
from suara.ingest.registry import detect, formats, get, register

__all__ = ["FileError", "FileReport", "ImportContext", "Importer", "Item", "RowError", "Source",
           "detect", "formats", "get", "ingest_paths", "ingest_source", "register"]
