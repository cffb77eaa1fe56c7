"""Administrative boundaries of Indonesia, shipped with the package, for offline region maps.

Two GeoJSON layers keyed by **BPS code** (the code of ``regions`` in the election configs):
kabupaten/kota (4-digit codes, ``indonesia-adm2``) and provinces (2-digit codes,
``indonesia-adm1``), from cahyadsn/wilayah_boundaries (MIT, see ``LICENSE`` and ``SOURCE.md``
beside this module; :data:`ATTRIBUTION`), simplified by ``tools/build_boundaries.py``.

Example
-------
>>> fc, missing = boundaries(["6472", "6403", "9999"])
>>> [f["id"] for f in fc["features"]], [f["properties"]["name"] for f in fc["features"]], missing
(['6472', '6403'], ['Samarinda', 'Kutai Kartanegara'], ['9999'])
>>> boundaries(["64"])[0]["features"][0]["properties"]["name"]
'Kalimantan Timur'
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

__all__ = ["boundaries", "level_of", "layer", "ATTRIBUTION", "LICENSE_FILE", "DATA_FILES"]

#: the data credit shown under every map (the MIT notice itself ships as LICENSE_FILE)
ATTRIBUTION = "cahyadsn/wilayah_boundaries (MIT)"
LICENSE_FILE = "LICENSE-cahyadsn-wilayah_boundaries.txt"
DATA_FILES = {"adm2": "indonesia-adm2.geojson.gz", "adm1": "indonesia-adm1.geojson.gz"}


def level_of(code: str) -> str | None:
    """``adm1`` for a 2-digit province code, ``adm2`` for a 4-digit kabupaten/kota code.

    >>> level_of("64"), level_of("6472"), level_of("64.72")
    ('adm1', 'adm2', None)
    """
    c = str(code)
    if c.isdigit() and len(c) == 2:
        return "adm1"
    if c.isdigit() and len(c) == 4:
        return "adm2"
    return None


@lru_cache(maxsize=2)
def layer(level: str) -> dict[str, dict]:
    """BPS code -> GeoJSON feature of one shipped layer (``adm1`` or ``adm2``)."""
    with gzip.open(files(__name__).joinpath(DATA_FILES[level]).open("rb")) as fh:
        fc = json.load(fh)
    return {f["id"]: f for f in fc["features"]}


def boundaries(codes: Iterable[str]) -> tuple[dict, list[str]]:
    """(FeatureCollection of the given BPS codes, in order, codes without a shipped boundary).

    Codes of both levels may be mixed; an unknown or malformed code is listed as missing."""
    feats, missing = [], []
    for c in codes:
        lv = level_of(c)
        f = layer(lv).get(str(c)) if lv else None
        (feats.append(f) if f else missing.append(str(c)))
    return {"type": "FeatureCollection", "features": feats}, missing
