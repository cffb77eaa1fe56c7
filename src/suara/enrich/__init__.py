"""The enrich stage: normalisation, language, candidate tagging, targeted sentiment, emotion,
toxicity/SARA, issues, hoax matching, near-duplicates and OCR over batches of posts.

See docs/enrich.md. Components register in `REGISTRY` (third-party ones through the
``suara.enrich_components`` entry-point group); `enrich_workspace` runs the default pipeline
on a workspace, `enrich_texts` on a list of texts.

Example
-------
>>> from suara.enrich import enrich_texts
>>> enrich_texts(["saya senang sekali"], components=["sentiment"]).sentiment.tolist()
['positive']
"""
from suara.enrich.base import REGISTRY, Batch, Component, Pipeline, load_plugins
# the built-in components register on import, before any plugin
from suara.enrich.components import (Emotion, Features, Issues, LanguageId, Normalise, Sentiment,
                                     Tag, TargetedSentiment, Toxicity)
from suara.enrich.dedup import NearDuplicates
from suara.enrich.discover import discover_issues
from suara.enrich.hoax import HoaxMatcher, load_claims
from suara.enrich.normalise import Normaliser, clean_text
from suara.enrich.ocr import OcrReader
from suara.enrich.pipeline import components_by_name, enrich_texts, enrich_workspace
from suara.enrich.tagging import CandidateTagger, Mention

__all__ = ["REGISTRY", "Batch", "Component", "discover_issues", "HoaxMatcher", "load_claims",
           "Normaliser", "clean_text", "Pipeline", "enrich_texts", "enrich_workspace",
           "CandidateTagger", "Mention", "load_plugins", "components_by_name", "Emotion",
           "Features", "Issues", "LanguageId", "Normalise", "Sentiment", "Tag",
           "TargetedSentiment", "Toxicity", "NearDuplicates", "OcrReader"]
