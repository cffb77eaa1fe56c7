"""GEXF 1.3 writer for Gephi.

Hand-written (about 40 lines of ElementTree) because networkx is not a dependency and the
format needs only nodes and edges with typed attributes.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

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
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    na = ET.SubElement(graph, "attributes", {"class": "node"})
    for i, (name, typ) in enumerate(_NODE_ATTRS):
        ET.SubElement(na, "attribute", {"id": str(i), "title": name, "type": typ})
    ea = ET.SubElement(graph, "attributes", {"class": "edge"})
    ekinds = [c for c in edges.columns if c.startswith("n_")] + ["symmetry", "mean_dt"]
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
    for r in sel.itertuples(index=False):
        nid = f"{r.platform}:{r.account_id}"
        n = ET.SubElement(nodes_el, "node", {"id": nid, "label": str(r.handle if pd.notna(r.handle) else r.account_id)})
        av = ET.SubElement(n, "attvalues")
        for i, (name, typ) in enumerate(_NODE_ATTRS):
            v = getattr(r, name, None)
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                continue
            v = str(bool(v)).lower() if typ == "boolean" else (str(int(v)) if typ == "long" else str(v))
            ET.SubElement(av, "attvalue", {"for": str(i), "value": v})
    edges_el = ET.SubElement(graph, "edges")
    for i, r in enumerate(edges.itertuples(index=False)):
        ed = ET.SubElement(edges_el, "edge", {
            "id": str(i), "source": f"{r.source_platform}:{r.source_account}",
            "target": f"{r.target_platform}:{r.target_account}", "weight": str(float(r.weight))})
        av = ET.SubElement(ed, "attvalues")
        for j, name in enumerate(ekinds):
            ET.SubElement(av, "attvalue", {"for": str(j), "value": str(float(getattr(r, name)))})
    ET.indent(root)
    Path(path).write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return Path(path)
