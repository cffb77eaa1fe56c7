"""Build the boundary files shipped in ``src/suara/config/geo/`` from ``shared/geo``.

usage (from the project root, with shapely>=2.1: ``pip install -e .[geo]``)::

    python tools/build_boundaries.py ../shared/geo src/suara/config/geo

Input: ``indonesia-adm2.geojson`` (514 kabupaten/kota) and ``indonesia-adm1.geojson`` (38
provinces) of cahyadsn/wilayah_boundaries (MIT), as prepared in ``shared/geo`` (SOURCE.txt
there: codes, repairs, winding). Output, keyed by **BPS code** (the code the election configs
use; BPS and Kemendagri codes disagree, e.g. BPS 6403 Kutai Kartanegara = Kemendagri 64.02):

- ``indonesia-adm2.geojson.gz``: kabupaten/kota with a BPS code (488; the 26 units of the four
  Papua provinces created in 2022 have no verified BPS code and are left out);
- ``indonesia-adm1.geojson.gz``: the provinces with a BPS code (34 of 38, same reason).

Each feature is ``{"type": "Feature", "id": BPS, "properties": {"name", "name_full",
"kemendagri", "prov", "label"}, "geometry"}``; ``label`` is [lon, lat] of the pole of
inaccessibility of the unit's largest part (where its name is written on the map). Recipe, the same for both levels:

1. drop islets: a part is kept when its area is at least ``MIN_PART`` deg^2 or at least 5 % of
   the unit's largest part (so an island regency like Kepulauan Seribu keeps its islands), and
   the largest part is always kept;
2. simplify per province with ``shapely.coverage_simplify`` (shared edges between neighbours
   stay shared: no slivers or gaps appear), tolerance ``TOL``;
3. snap to a 1e-4 degree grid (about 11 m) with ``shapely.set_precision`` (stays valid);
4. wind exterior rings clockwise (``orient(sign=-1)``): d3-geo / Plotly ``choropleth``
   draw a counter-clockwise ring as "the world minus the region".

The script prints the sizes and vertex counts; rerunning it on the same input gives
byte-identical files (gzip without a time stamp).
"""
from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

TOL = {"adm2": 0.003, "adm1": 0.01}          # coverage_simplify tolerance, degrees
MIN_PART = {"adm2": 1e-4, "adm1": 1e-3}      # islet area threshold, deg^2 (1e-4 ~ 1.2 km2)
GRID = 1e-4


def _drop_islets(g, min_area: float):
    parts = list(getattr(g, "geoms", [g]))
    big = max(parts, key=lambda p: p.area)
    keep = [p for p in parts if p is big or p.area >= min(min_area, 0.05 * big.area)]
    return MultiPolygon(keep) if len(keep) > 1 else keep[0]


def _orient(g):
    if g.geom_type == "Polygon":
        return orient(g, sign=-1.0)
    polys = [orient(p, sign=-1.0) for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"]
    return MultiPolygon(polys) if len(polys) > 1 else polys[0]


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    return obj


def build(src: Path, level: str) -> tuple[dict, int]:
    gj = json.loads((src / f"indonesia-{level}.geojson").read_text(encoding="utf-8"))
    feats = [f for f in gj["features"] if f["properties"].get("bps")]
    groups: dict[str, list[int]] = defaultdict(list)   # simplify one province at a time
    for i, f in enumerate(feats):
        groups[f["properties"].get("prov_kemendagri") or "all"].append(i)
    geoms = [_drop_islets(shape(f["geometry"]), MIN_PART[level]) for f in feats]
    out = [None] * len(feats)
    for idx in groups.values():
        simp = shapely.coverage_simplify([geoms[i] for i in idx], TOL[level])
        simp = shapely.set_precision(simp, GRID)
        for i, g in zip(idx, simp):
            g = shapely.make_valid(g) if not g.is_valid else g
            if g.geom_type == "GeometryCollection":
                g = MultiPolygon([p for p in g.geoms if p.geom_type == "Polygon"])
            out[i] = _orient(g)
    features, verts = [], 0
    for f, g in sorted(zip(feats, out), key=lambda fg: fg[0]["properties"]["bps"]):
        p = f["properties"]
        verts += int(shapely.get_num_coordinates(g))
        big = max(getattr(g, "geoms", [g]), key=lambda q: q.area)
        lab = polylabel(big, tolerance=max(1e-4, (big.area ** 0.5) / 200))
        features.append({"type": "Feature", "id": p["bps"],
                         "properties": {"name": p["name"], "name_full": p.get("name_full") or p["name"],
                                        "kemendagri": p["kemendagri"],
                                        "prov": p.get("prov_name") or p["name"],
                                        "label": [round(lab.x, 3), round(lab.y, 3)]},
                         "geometry": {"type": g.geom_type, "coordinates": _round(mapping(g)["coordinates"])}})
    return {"type": "FeatureCollection", "features": features}, verts


def main(src: str, dst: str) -> None:
    s, d = Path(src), Path(dst)
    d.mkdir(parents=True, exist_ok=True)
    for level in ("adm2", "adm1"):
        fc, verts = build(s, level)
        raw = json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path = d / f"indonesia-{level}.geojson.gz"
        with path.open("wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
            gz.write(raw)
        print(f"{path.name}: {len(fc['features'])} features, {verts:,} vertices, "
              f"{len(raw):,} bytes JSON, {path.stat().st_size:,} bytes gzip")


if __name__ == "__main__":
    main(*(sys.argv[1:3] if len(sys.argv) >= 3 else ("../shared/geo", "src/suara/config/geo")))
