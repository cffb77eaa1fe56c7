"""Audiences and targeting, one section per module: regions and regional gaps
(:mod:`.regions`), audience segments (:mod:`.segments`) and message recommendations
(:mod:`.recommendations`). Where accounts live is inferred by the ``regions`` enrich step
(:mod:`suara.enrich.regions`), re-exported here.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> segments_section(ws)["all"]["accounts"]
0
"""
from suara.analyse.accounts import interaction_edges
from suara.analyse.audience.labels import group_label
from suara.analyse.audience.recommendations import message_resonance, recommendation_text, recommendations_section
from suara.analyse.audience.regions import regions_section
from suara.analyse.audience.segments import account_segments, persuadables, segments_section
from suara.enrich.regions import MIN_INTERACTIONS, REGION_WEIGHTS, RegionMatcher, ensure_regions, infer_regions, region_matcher

__all__ = ["infer_regions", "ensure_regions", "region_matcher", "RegionMatcher", "interaction_edges",
           "regions_section", "segments_section", "persuadables", "account_segments",
           "message_resonance", "recommendations_section", "group_label", "recommendation_text",
           "REGION_WEIGHTS", "MIN_INTERACTIONS"]
