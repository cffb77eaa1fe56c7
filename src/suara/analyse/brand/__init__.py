"""Image and brand awareness, one section per module: share of voice (:mod:`.sov`), reach and
engagement (:mod:`.engagement`), influencers (:mod:`.influencers`) and exposure
(:mod:`.exposure`). Every figure twice: ``all`` accounts and ``filtered`` (accounts flagged
as coordinated removed). Definitions in docs/analytics.md.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> share_of_voice_section(ws)["all"]["1"]["mentions"]
0
"""
from suara.analyse.accounts import ACTIVITY_LEVELS, STANCE_THRESHOLD, account_profiles, account_stances, drop_flagged
from suara.analyse.base import (ORGANIC_REACH, candidate_mentions, data_signature, local_time, objcols, pair_label,
                                pct, region_names, safe_float, tz_offset_minutes, wilson_lower)
from suara.analyse.brand.engagement import engagement_section
from suara.analyse.brand.exposure import FOLLOWER_BANDS, exposure_section
from suara.analyse.brand.influencers import influencers_section
from suara.analyse.brand.sov import share_of_voice, share_of_voice_section

__all__ = [
    "share_of_voice", "share_of_voice_section", "engagement_section", "influencers_section",
    "exposure_section", "candidate_mentions", "account_stances", "account_profiles",
    "local_time", "tz_offset_minutes", "wilson_lower", "FOLLOWER_BANDS", "ORGANIC_REACH",
    "STANCE_THRESHOLD", "ACTIVITY_LEVELS", "objcols", "safe_float", "pair_label", "region_names",
    "data_signature", "drop_flagged", "pct",
]
