"""The enrich stage: normalisation, language, candidate tagging, targeted sentiment, emotion,
toxicity/SARA, issues, hoax matching, near-duplicates and OCR over batches of posts.

See docs/enrich.md. Components register in `REGISTRY`; `enrich_workspace` runs them all on a
workspace, `enrich_texts` on a list of texts.

Example
-------
>>> from suara.enrich import enrich_texts
>>> enrich_texts(["saya senang sekali"], components=["sentiment"]).sentiment.tolist()
['positive']
"""
from suara.enrich.base import REGISTRY, Batch, Component
from suara.enrich.discover import discover_issues
from suara.enrich.hoax import HoaxMatcher, load_claims
from suara.enrich.normalise import Normaliser, clean_text
from suara.enrich.pipeline import Pipeline, enrich_texts, enrich_workspace
from suara.enrich.tagging import CandidateTagger, Mention

__all__ = ["REGISTRY", "Batch", "Component", "discover_issues", "HoaxMatcher", "load_claims",
           "Normaliser", "clean_text", "Pipeline", "enrich_texts", "enrich_workspace",
           "CandidateTagger", "Mention"]
