"""Coordinated inauthentic behaviour: buzzer networks and account buzzer scores.

Accounts that act on the same object (link, near-duplicate text, hashtag set, post they
comment on or share, account they reply to) within a short window, again and again, are
joined by weighted edges; filters drop one-off and lopsided edges; Leiden finds the
networks; each account gets a buzzer score in 0..1 with the reasons behind it. Results are
stored in ``account_scores`` / ``networks`` so every metric can be recomputed without the
flagged accounts (:func:`suara.analyse.base.without_flagged`). See docs/coordination.md.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> detect_coordination(ws).stats["networks"]
0
"""
from suara.detect.coordination._core import (COORD_WEIGHT, FLAG_THRESHOLD, SIGNAL_WEIGHTS,
                                              CoordinationResult, detect_coordination)
from suara.detect.coordination._gexf import write_gexf
from suara.detect.coordination._network import co_activity, communities, estimate_window, filter_edges, parse_window
from suara.detect.coordination._traces import KINDS, near_duplicate_clusters

__all__ = ["detect_coordination", "CoordinationResult", "estimate_window", "parse_window", "co_activity",
           "filter_edges", "communities", "near_duplicate_clusters", "write_gexf", "KINDS",
           "SIGNAL_WEIGHTS", "COORD_WEIGHT", "FLAG_THRESHOLD"]
