"""Campaign cue phrases: hand-weighted logit shifts for political talk that the sentiment
training sets (reviews, general tweets) never saw.

Example
-------
>>> cue_shift("janji doang, cuma pencitraan") < 0 < cue_shift("terbukti kerja nyata")
True
"""
from __future__ import annotations

import re

__all__ = ["POLITICAL_CUES", "CUE_RE", "cue_shift"]

# Campaign talk the training sets (reviews, general tweets) never saw, hand-weighted as
# logit shifts toward positive (+) or negative (-). The simulator (suara.sim._text) writes none
# of these phrases (tests/test_sim.py checks it): its stance words are separate paraphrases,
# so simulated accuracy is not inflated by the model recognising its own phrases. Words an
# election config uses as jargon or issue seeds ("paham", "amplop") are not cues.
_POLITICAL_CUES = {
    # negative: broken promises, image-building, dynasty, vote buying, incompetence
    "cuma janji": -1.5, "janji doang": -1.5, "janji manis": -1.5, "omong kosong": -1.5,
    "pencitraan": -1.2, "php": -1.0, "bohong": -1.2, "pembohong": -1.5, "korup": -1.5,
    "korupsi": -1.2, "curang": -1.2, "gagal": -1.2, "mangkrak": -1.2, "dinasti": -1.0,
    "oligarki": -1.0, "jangan pilih": -2.0, "tidak becus": -1.5, "nol besar": -1.5,
    "hoaks": -0.6, "hoax": -0.6, "jual mimpi": -1.5, "cuma mimpi": -1.5, "mimpi": -0.6,
    "ngomong doang": -1.5, "bicara doang": -1.5, "doang": -0.6, "basi": -1.0, "muak": -1.2,
    "gelagapan": -1.2, "blepotan": -1.2, "politik uang": -1.2,
    "serangan fajar": -1.2, "sombong": -1.0, "kecewa": -1.2,
    "mengecewakan": -1.2, "ngapain milih": -1.5, "tidak ada perubahan": -1.2, "nostalgia": -0.8,
    "capek": -0.6, "pensiun": -0.6, "omdo": -1.5, "golput": -0.5,
    # positive: proven record, calls to vote, endorsement
    "lanjutkan": 1.2, "gaskeun": 1.0, "gas": 0.6, "gas pol": 0.8, "menang": 0.6,
    "amanah": 1.2, "merakyat": 1.2, "terbukti": 1.2, "bukti nyata": 1.5, "kerja nyata": 1.5,
    "pilihan tepat": 1.5, "dukung": 0.8, "mendukung": 0.8, "siap menangkan": 1.2,
    "menangkan": 1.0, "pro rakyat": 1.2, "peduli": 0.8, "jujur": 0.8, "solusi": 0.8,
    "keren": 0.8, "hebat": 1.0, "salut": 1.2, "bangga": 1.0, "pilih": 0.8, "coblos": 0.8,
    "mencoblos": 0.8, "masuk akal": 1.0, "respect": 1.2, "berpengalaman": 1.0, "tegas": 0.8,
    "konkret": 1.0, "the best": 1.2, "setuju": 0.8, "bulat": 0.6, "terima kasih": 0.8,
    "makasih": 0.8, "semangat": 0.8, "perubahan": 0.6, "realistis": 0.8,
}
_CUE_RE = re.compile(r"(?<![\w])(" + "|".join(re.escape(k) for k in sorted(_POLITICAL_CUES, key=len, reverse=True)) + r")(?![\w])")


def _cue_shift(text: str) -> float:
    return float(sum(_POLITICAL_CUES[m] for m in _CUE_RE.findall(text)))


POLITICAL_CUES, CUE_RE, cue_shift = _POLITICAL_CUES, _CUE_RE, _cue_shift
