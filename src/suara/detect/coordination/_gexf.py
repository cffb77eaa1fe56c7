"""GEXF 1.3 writer for Gephi.

Hand-written (ElementTree) because networkx is not a dependency and the format needs only
nodes and edges with typed attributes, ``viz`` colour and size, and time intervals: the
graph is dynamic (``timeformat="datetime"``), a node lives from its account's first to its
last post, an edge from the pair's first to last co-activity (for an edge of trace
similarity alone: the overlap of the two accounts' activity), so Gephi's timeline replays
the network. Nodes are coloured by network (grey outside any) and sized by buzzer score.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

VIZ = "http://gexf.net/1.3/viz"
#: colours of networks N01, N02, ... (Tableau 10), then repeated
PALETTE = [(78, 121, 167), (242, 142, 43), (225, 87, 89), (118, 183, 178), (89, 161, 79),
           (237, 201, 72), (176, 122, 161), (255, 157, 167), (156, 117, 95), (186, 176, 172)]
GREY = (170, 170, 170)

_NODE_ATTRS = [("platform", "string"), ("handle", "string"), ("cluster", "string"),
               ("buzzer_score", "double"), ("flagged", "boolean"), ("followers", "long"),
               ("reasons", "string")]


def write_gexf(accounts: pd.DataFrame, edges: pd.DataFrame, path: str | Path) -> Path:
    """Write the co-activity network (nodes = accounts on an edge, weighted edges).

    >>> import tempfile, os
    >>> p = write_gexf(pd.DataFrame(columns=["platform", "account_id"]), pd.DataFrame(),
    ...                os.path.join(tempfile.mkdtemp(), "n.gexf"))
    >>> ET.parse(p).getroot().tag.endswith("gexf")
    True
    """
    ns = "http://gexf.net/1.3"
    root = ET.Element("gexf", {"xmlns": ns, "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "suara detect coordination"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "dynamic",
                                          "timeformat": "datetime", "timerepresentation": "interval"})
    na = ET.SubElement(graph, "attributes", {"class": "node"})
    for i, (name, typ) in enumerate(_NODE_ATTRS):
        ET.SubElement(na, "attribute", {"id": str(i), "title": name, "type": typ})
    ea = ET.SubElement(graph, "attributes", {"class": "edge"})
    ekinds = [c for c in edges.columns if c.startswith("n_")] + [
        c for c in ("symmetry", "similarity", "shared_tokens", "mean_dt") if c in edges.columns]
    for i, name in enumerate(ekinds):
        ET.SubElement(ea, "attribute", {"id": str(i), "title": name, "type": "double"})
    nodes_el = ET.SubElement(graph, "nodes")
    keys = set()
    if len(edges):
        keys = set(zip(edges["source_platform"], edges["source_account"])) | set(
            zip(edges["target_platform"], edges["target_account"]))
    if len(accounts):
        on_edge = pd.Series([k in keys for k in zip(accounts["platform"], accounts["account_id"])],
                            index=accounts.index, dtype=bool)
        flagged = accounts["flagged"].fillna(False).astype(bool) if "flagged" in accounts else False
        sel = accounts[on_edge | flagged]
    else:
        sel = accounts
    span = {}
    for r in sel.itertuples(index=False):
        nid = f"{r.platform}:{r.account_id}"
        attrs = {"id": nid, "label": str(r.handle if pd.notna(r.handle) else r.account_id)}
        start, end = _when(getattr(r, "first_post", None)), _when(getattr(r, "last_post", None))
        if start and end:
            attrs.update(start=start, end=end)
            span[nid] = (start, end)
        n = ET.SubElement(nodes_el, "node", attrs)
        cl = getattr(r, "cluster", None)
        rgb = PALETTE[(int(cl[1:]) - 1) % len(PALETTE)] if isinstance(cl, str) and cl[1:].isdigit() else GREY
        score = float(getattr(r, "buzzer_score", 0) or 0)
        av = ET.SubElement(n, "attvalues")
        for i, (name, typ) in enumerate(_NODE_ATTRS):
            v = getattr(r, name, None)
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                continue
            v = str(bool(v)).lower() if typ == "boolean" else (str(int(v)) if typ == "long" else str(v))
            ET.SubElement(av, "attvalue", {"for": str(i), "value": v})
        ET.SubElement(n, f"{{{VIZ}}}color", {"r": str(rgb[0]), "g": str(rgb[1]), "b": str(rgb[2])})
        ET.SubElement(n, f"{{{VIZ}}}size", {"value": f"{4 + 16 * score:.2f}"})
    edges_el = ET.SubElement(graph, "edges")
    for i, r in enumerate(edges.itertuples(index=False)):
        src, dst = f"{r.source_platform}:{r.source_account}", f"{r.target_platform}:{r.target_account}"
        w = getattr(r, "strength", None)
        attrs = {"id": str(i), "source": src, "target": dst,
                 "weight": str(float(w if w is not None and pd.notna(w) else r.weight))}
        start, end = _when(getattr(r, "first", None)), _when(getattr(r, "last", None))
        if not (start and end) and src in span and dst in span:
            start, end = max(span[src][0], span[dst][0]), min(span[src][1], span[dst][1])
        if start and end and start <= end:
            attrs.update(start=start, end=end)
        ed = ET.SubElement(edges_el, "edge", attrs)
        av = ET.SubElement(ed, "attvalues")
        for j, name in enumerate(ekinds):
            v = getattr(r, name)
            if v is not None and pd.notna(v):
                ET.SubElement(av, "attvalue", {"for": str(j), "value": str(float(v))})
    ET.register_namespace("viz", VIZ)
    ET.indent(root)
    Path(path).write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return Path(path)


def _when(v) -> str | None:
    """ISO datetime (seconds) for GEXF, or None."""
    if v is None:
        return None
    t = pd.to_datetime(v, errors="coerce")
    return None if pd.isna(t) else t.strftime("%Y-%m-%dT%H:%M:%S")
