"""Benchmark the region map: the shipped boundary files (bytes, units, vertices), the time to
load them, and per shipped election the time to build the map block and its HTML and the
HTML's size, plus a national race with every shipped kabupaten/kota and every province as
its regions. Regions get deterministic synthetic figures (the map's cost does not depend on
the numbers); ``--workspace DIR`` measures a real workspace's regions section instead.

Usage::

    python bench/map.py                      # every shipped election
    python bench/map.py --workspace suara-demo
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from importlib.resources import files


def _ms(fn, n: int) -> tuple[float, object]:
    out, ts = None, []
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), out


def _synthetic(e) -> dict:
    regs = {}
    for i, r in enumerate(e.regions):
        shares = [((i + 1) * (k + 2)) % 7 + 1 for k, _ in enumerate(e.ballots)]
        tot = sum(shares)
        regs[r.code] = {"name": r.name, "mentions": 100 + i, "posts": 90 + i, "conversation_index": 0.5 + i / 10,
                        "pairs": {b: {"share": s / tot, "net_sentiment": (s - 4) / 10, "mentions": s}
                                  for b, s in zip(e.ballots, shares)}}
    return {"all": {"regions": regs}, "filtered": {"regions": regs}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", default=None)
    ap.add_argument("--n", type=int, default=20)
    a = ap.parse_args()
    from suara.analyse.audience.region_map import map_block
    from suara.config import builtin_elections, load_election
    from suara.config.geo import DATA_FILES, layer
    from suara.render.maps import map_html
    geo = files("suara.config.geo")
    print("shipped boundaries")
    total = 0
    for level, name in DATA_FILES.items():
        raw = geo.joinpath(name).read_bytes()
        fc = json.loads(gzip.decompress(raw))
        verts = sum(len(ring) for f in fc["features"] for poly in
                    ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"])
                    for ring in poly)
        total += len(raw)
        t = time.perf_counter()
        layer.cache_clear()
        layer(level)
        load = (time.perf_counter() - t) * 1000
        print(f"  {name:28s} {len(fc['features']):4d} units {verts:7,d} vertices {len(raw):9,d} bytes gzip "
              f"({len(gzip.decompress(raw)):,} JSON), first load {load:.0f} ms")
    print(f"  total {total:,} bytes")
    runs = []
    if a.workspace:
        import suara
        from suara.analyse.section import get
        ws = suara.open(a.workspace)
        runs.append((f"workspace {a.workspace} ({ws.election.id})", ws.election, get("regions").run(ws)))
    else:
        for eid in builtin_elections():
            e = load_election(eid)
            runs.append((eid, e, _synthetic(e)))
        # a national race by kabupaten/kota and by province (the pilpres config with every shipped unit)
        from suara.config.election import Election
        base = load_election("pilpres-2024").model_dump()
        for level in ("adm2", "adm1"):
            base["regions"] = [{"code": c, "name": f["properties"]["name"]} for c, f in layer(level).items()]
            e = Election.model_validate(base)
            runs.append((f"pilpres by {level} (synthetic)", e, _synthetic(e)))
    print(f"map per page view (median of {a.n})")
    for label, e, res in runs:
        t_block, b = _ms(lambda: map_block(res, e, "id"), a.n)
        t_html, h = _ms(lambda: map_html(b, "m"), a.n)
        print(f"  {label:28s} {len(e.regions):3d} regions, {len(b['layers'])} layers: block {t_block:.1f} ms, "
              f"HTML {t_html:.1f} ms, {len(h):,} bytes HTML, missing {b['missing'] or 'none'}")


if __name__ == "__main__":
    main()
