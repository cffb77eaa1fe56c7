"""The coordinated-networks view: the graph of flagged accounts with a server-side igraph
layout, the networks and the flagged accounts with their reasons, citizens pseudonymised
unless the caller may see them. Reads what the coordination run stored.

Example
-------
>>> import suara, tempfile
>>> network_data(suara.init(tempfile.mkdtemp()), False, "s")["nodes"]
[]
"""
from __future__ import annotations

from typing import Any

from suara.analyse.base import import_igraph
from suara.analyse.explorer import local_offset
from suara.analyse.privacy import display_handle

__all__ = ["network_data", "conversation_graph", "network_gexf", "network_edges", "MAX_CONVERSATION_NODES"]

#: the whole conversation graph shows at most this many accounts (the most connected ones)
MAX_CONVERSATION_NODES = 400
#: ... and at most this many of the heaviest edges among them
MAX_CONVERSATION_EDGES = 3000


def network_data(ws, show_identities: bool, salt: str, max_accounts: int = 300, db=None) -> dict[str, Any]:
    """The coordinated-networks graph with a server-side igraph layout, the networks and the
    flagged accounts with reasons; citizens pseudonymised unless ``show_identities``.

    Edges come from the detector's stored results (``<workspace>/coordination/edges.csv``,
    written by ``suara detect`` / the demo); without them the graph shows members only.

    Example
    -------
    >>> import suara, tempfile
    >>> network_data(suara.init(tempfile.mkdtemp()), False, "s")["nodes"]
    []
    """
    import pandas as pd

    st = db if db is not None else ws.store
    scores = st.sql("""SELECT s.platform, s.account_id, s.cluster, s.buzzer_score AS score, s.flagged, s.reasons,
                              a.handle, a.account_type
                       FROM account_scores s LEFT JOIN accounts a USING (platform, account_id)
                       WHERE s.flagged OR s.cluster IS NOT NULL ORDER BY s.buzzer_score DESC""")
    nets = st.sql("SELECT * FROM networks ORDER BY size DESC")
    for c in ("first_activity", "last_activity"):  # shown in the election's time zone
        if c in nets:
            nets[c] = (pd.to_datetime(nets[c]) + local_offset(ws.election)).dt.strftime("%Y-%m-%d %H:%M")

    def label(r) -> str:
        if show_identities:
            return r.get("handle") or str(r["account_id"])
        return display_handle(r.get("account_type"), r["platform"], str(r["account_id"]), r.get("handle"), salt)

    info = {(r["platform"], str(r["account_id"])): r for r in scores.to_dict("records")}
    edges_df = pd.DataFrame()
    f = ws.path / "coordination" / "edges.csv"
    if f.exists():
        try:
            edges_df = pd.read_csv(f, dtype=str)
        except Exception:  # noqa: BLE001 - a broken results file leaves the graph without edges
            edges_df = pd.DataFrame()
    keys: list[tuple[str, str]] = []
    idx: dict[tuple[str, str], int] = {}

    def node(k):
        if k not in idx:
            idx[k] = len(keys)
            keys.append(k)
        return idx[k]

    from suara.analyse.privacy import PSEUDONYM_RE, resolve_pseudonym

    def real(p, a):  # the detector writes citizens' ids as pseudonyms: back to the account
        if isinstance(a, str) and PSEUDONYM_RE.match(a):
            hit = [k for k in resolve_pseudonym(ws, a, salt) if k[0] == p]
            return hit[0] if hit else (p, a)
        return (p, a)

    pairs = []
    if not edges_df.empty:
        for r in edges_df.to_dict("records"):
            a = node(real(r["source_platform"], r["source_account"]))
            b = node(real(r["target_platform"], r["target_account"]))
            pairs.append((a, b, float(r.get("Weight") or r.get("weight") or 1)))
    for k, r in info.items():
        if r.get("flagged") and r.get("cluster"):
            node(k)
    nodes, edges = [], []
    if keys:
        ig = import_igraph()
        g = ig.Graph(n=len(keys), edges=[(a, b) for a, b, _ in pairs])
        g.es["weight"] = [w for _, _, w in pairs] if pairs else []
        lay = g.layout_fruchterman_reingold(weights="weight" if pairs else None, niter=500, seed=None) \
            if pairs else g.layout_circle()
        for i, (p, a) in enumerate(keys):
            r = info.get((p, a), {"platform": p, "account_id": a})
            nodes.append({"id": i, "x": round(lay[i][0], 3), "y": round(lay[i][1], 3), "platform": p,
                          "label": label({**r, "platform": p, "account_id": a}),
                          "cluster": r["cluster"] if isinstance(r.get("cluster"), str) and r["cluster"] else "?",
                          "score": float(r["score"]) if r.get("score") == r.get("score") and r.get("score") is not None else None})
        edges = [{"source": a, "target": b, "weight": w} for a, b, w in pairs]
        for n, (p, a) in zip(nodes, keys):
            n["account_ref"] = str(a) if show_identities else n["label"]
            n["flagged"] = bool((info.get((p, a)) or {}).get("flagged"))
        if not edges_df.empty and "cluster" in edges_df:
            cl = {}
            for (a, b, _), c in zip(pairs, edges_df["cluster"].tolist()):
                cl.setdefault(a, c)
                cl.setdefault(b, c)
            for n in nodes:
                if n["cluster"] == "?" and isinstance(cl.get(n["id"]), str):
                    n["cluster"] = cl[n["id"]]
    leaning = {}
    if len(nets) and "cluster" in nets:
        for r in nets.to_dict("records"):
            cand = r.get("candidate")
            leaning[str(r["cluster"])] = (str(cand) if isinstance(cand, str) and cand else None,
                                         r.get("stance") if isinstance(r.get("stance"), str) else None)
    for n in nodes:
        n["candidate"], n["stance"] = leaning.get(str(n["cluster"]), (None, None))
    accounts = []
    for r in scores[scores.flagged.fillna(False)].head(max_accounts).to_dict("records"):
        lab = label(r)
        accounts.append({"label": lab, "platform": r["platform"],
                         "cluster": r["cluster"] if isinstance(r.get("cluster"), str) else None,
                         "score": r.get("score"), "reasons": r.get("reasons"),
                         "account_ref": str(r["account_id"]) if show_identities else lab})
    note = None if pairs else "Edges of the coordination graph are not stored in this workspace; run `suara detect`."
    return {"nodes": nodes, "edges": edges, "networks": nets.to_dict("records"), "accounts": accounts, "note": note,
            "mode": "coordinated"}


_EDGES_SQL = """
WITH e AS (
    SELECT p.platform, p.account_id AS src, q.account_id AS dst, 1 AS reply, 0 AS mention
    FROM posts p JOIN posts q ON p.platform = q.platform AND p.parent_id = q.post_id
    WHERE p.parent_id IS NOT NULL AND p.account_id <> q.account_id
    UNION ALL
    SELECT m.platform, m.account_id, a.account_id, 0, 1
    FROM (SELECT platform, account_id, lower(ltrim(unnest(mentions), '@')) AS h
          FROM posts WHERE mentions IS NOT NULL AND len(mentions) > 0) m
    JOIN accounts a ON a.platform = m.platform AND lower(ltrim(a.handle, '@')) = m.h
    WHERE a.account_id <> m.account_id)
SELECT platform, least(src, dst) AS a, greatest(src, dst) AS b, count(*) AS weight,
       sum(reply) AS replies, sum(mention) AS mentions
FROM e GROUP BY 1, 2, 3"""


def conversation_graph(ws, show_identities: bool, salt: str, max_nodes: int = MAX_CONVERSATION_NODES,
                       max_edges: int = MAX_CONVERSATION_EDGES, db=None) -> dict[str, Any]:
    """The whole conversation graph, not only flagged accounts: accounts linked by replies,
    comments and shares (to the parent post's author) and by @mentions, undirected and
    weighted by how often. Bounded: the ``max_nodes`` accounts with the most weighted links
    and the ``max_edges`` heaviest links among them (``accounts_total``/``edges_total`` say
    how many there were). Each account leans to the pair it mentions most, as ``push``
    (supporter), ``attack`` (opponent) or ``mixed`` (:func:`suara.analyse.accounts.account_stances`);
    flagged accounts carry their network. Citizens pseudonymised unless ``show_identities``.

    Example
    -------
    >>> import suara, tempfile
    >>> conversation_graph(suara.init(tempfile.mkdtemp()), False, "s")["nodes"]
    []
    """
    import pandas as pd

    from suara.analyse.accounts import account_profiles, account_stances
    st = db if db is not None else ws.store
    out: dict[str, Any] = {"nodes": [], "edges": [], "networks": [], "accounts": [], "note": None, "mode": "all",
                           "cap": max_nodes, "accounts_total": 0, "edges_total": 0}
    e = st.sql(_EDGES_SQL)
    if e.empty:
        out["note"] = "No replies, comments, shares or mentions between accounts in this workspace."
        return out
    e["a"], e["b"] = e["a"].astype(str), e["b"].astype(str)
    deg = pd.concat([e[["platform", "a", "weight"]].rename(columns={"a": "acc"}),
                     e[["platform", "b", "weight"]].rename(columns={"b": "acc"})]).groupby(["platform", "acc"])["weight"].sum()
    out["accounts_total"], out["edges_total"] = int(len(deg)), int(len(e))
    keep = deg.sort_values(ascending=False, kind="stable").head(max_nodes)
    keys = list(keep.index)
    idx = {k: i for i, k in enumerate(keys)}
    ia = [idx.get(k) for k in zip(e.platform, e.a)]
    ib = [idx.get(k) for k in zip(e.platform, e.b)]
    e = e.assign(ia=ia, ib=ib).dropna(subset=["ia", "ib"])
    e = e.sort_values("weight", ascending=False, kind="stable").head(max_edges)
    prof = account_profiles(ws)
    prof = prof.set_index([prof.platform.astype(str), prof.account_id.astype(str)])
    stance = account_stances(ws)
    ballots = set(ws.election.ballots)
    lean: dict[tuple, tuple] = {}
    if len(stance):
        s = stance[stance.candidate.astype(str).isin(ballots)].sort_values("n", ascending=False, kind="stable")
        for r in s.drop_duplicates(["platform", "account_id"]).itertuples(index=False):
            lean[(str(r.platform), str(r.account_id))] = (
                str(r.candidate), {"supporter": "push", "opponent": "attack"}.get(r.stance, "mixed"))
    flags = st.sql("SELECT platform, account_id, cluster, buzzer_score, flagged FROM account_scores")
    flag = {(str(p), str(a)): (c if isinstance(c, str) else None, float(sc) if sc == sc and sc is not None else None,
                               bool(f) if f == f and f is not None else False)
            for p, a, c, sc, f in zip(flags.platform, flags.account_id, flags.cluster, flags.buzzer_score, flags.flagged)}
    ig = import_igraph()
    g = ig.Graph(n=len(keys), edges=list(zip(e.ia.astype(int), e.ib.astype(int))))
    g.es["weight"] = e.weight.astype(float).tolist()
    lay = g.layout_fruchterman_reingold(weights="weight", niter=300) if g.ecount() else g.layout_circle()
    for i, (p, a) in enumerate(keys):
        pr = prof.loc[(p, a)] if (p, a) in prof.index else None
        handle = pr["handle"] if pr is not None and isinstance(pr["handle"], str) else None
        label = (handle or a) if show_identities else (pr["display"] if pr is not None else
                                                       display_handle(None, p, a, handle, salt))
        cand, stn = lean.get((p, a), (None, None))
        cl, score, flagged = flag.get((p, a), (None, None, False))
        out["nodes"].append({
            "id": i, "x": round(lay[i][0], 3), "y": round(lay[i][1], 3), "platform": p, "label": label,
            "account_ref": a if show_identities else label, "candidate": cand, "stance": stn,
            "cluster": cl if flagged and cl else "", "score": score, "flagged": flagged,
            "type": pr["type"] if pr is not None else None, "links": int(keep[(p, a)])})
    out["edges"] = [{"source": int(r.ia), "target": int(r.ib), "weight": float(r.weight),
                     "replies": int(r.replies), "mentions": int(r.mentions)} for r in e.itertuples(index=False)]
    return out


def network_edges(net: dict) -> tuple[list[str], list[list]]:
    """The edge list of a network view (:func:`network_data` or :func:`conversation_graph`)
    as CSV columns and rows, accounts by the label the caller may see.

    Example
    -------
    >>> network_edges({"nodes": [{"id": 0, "label": "a", "platform": "x"}, {"id": 1, "label": "b", "platform": "x"}],
    ...                "edges": [{"source": 0, "target": 1, "weight": 2.0}]})[1]
    [['a', 'x', 'b', 'x', 2.0, '', '', '']]
    """
    nodes = {n["id"]: n for n in net.get("nodes") or []}
    cols = ["source", "source_platform", "target", "target_platform", "weight", "replies", "mentions", "network"]
    rows = []
    for ed in net.get("edges") or []:
        a, b = nodes.get(ed["source"]), nodes.get(ed["target"])
        if a is None or b is None:
            continue
        same = a.get("cluster") if a.get("cluster") and a.get("cluster") == b.get("cluster") and a["cluster"] != "?" else ""
        rows.append([a["label"], a["platform"], b["label"], b["platform"], ed.get("weight"),
                     ed.get("replies", ""), ed.get("mentions", ""), same])
    return cols, rows


def network_gexf(net: dict, election=None) -> bytes:
    """A network view as GEXF 1.3 for Gephi: nodes with the label the caller may see, platform,
    network, the pair it pushes or attacks, buzzer score, the page's layout and the pair's
    colour (grey when none); weighted edges.

    Example
    -------
    >>> b = network_gexf({"nodes": [{"id": 0, "label": "a", "platform": "x", "x": 0.5, "y": 1.0}], "edges": []})
    >>> b.startswith(b"<?xml") and b'<node id="0" label="a">' in b
    True
    """
    import xml.etree.ElementTree as ET
    viz = "http://gexf.net/1.3/viz"
    colours = {c.ballot: c.colour for c in election.candidates} if election is not None else {}
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "suara serve"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    attrs = [("platform", "string"), ("network", "string"), ("candidate", "string"), ("stance", "string"),
             ("buzzer_score", "double"), ("flagged", "boolean")]
    na = ET.SubElement(graph, "attributes", {"class": "node"})
    for i, (name, typ) in enumerate(attrs):
        ET.SubElement(na, "attribute", {"id": str(i), "title": name, "type": typ})
    nodes_el = ET.SubElement(graph, "nodes")
    for n in net.get("nodes") or []:
        el = ET.SubElement(nodes_el, "node", {"id": str(n["id"]), "label": str(n.get("label") or n["id"])})
        av = ET.SubElement(el, "attvalues")
        vals = [n.get("platform"), n.get("cluster") if n.get("cluster") not in (None, "", "?") else None,
                n.get("candidate"), n.get("stance"), n.get("score"),
                None if n.get("flagged") is None else str(bool(n["flagged"])).lower()]
        for i, v in enumerate(vals):
            if v is not None:
                ET.SubElement(av, "attvalue", {"for": str(i), "value": str(v)})
        rgb = _rgb(colours.get(n.get("candidate") or "", "#aaaaaa"))
        ET.SubElement(el, f"{{{viz}}}color", {"r": str(rgb[0]), "g": str(rgb[1]), "b": str(rgb[2])})
        ET.SubElement(el, f"{{{viz}}}size", {"value": f"{4 + 16 * float(n.get('score') or 0):.2f}"})
        if n.get("x") is not None:
            ET.SubElement(el, f"{{{viz}}}position", {"x": f"{100 * n['x']:.2f}", "y": f"{100 * n['y']:.2f}", "z": "0"})
    edges_el = ET.SubElement(graph, "edges")
    for i, ed in enumerate(net.get("edges") or []):
        ET.SubElement(edges_el, "edge", {"id": str(i), "source": str(ed["source"]), "target": str(ed["target"]),
                                         "weight": str(float(ed.get("weight") or 1))})
    ET.register_namespace("viz", viz)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _rgb(colour: str) -> tuple[int, int, int]:
    c = (colour or "#aaaaaa").lstrip("#")
    try:
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    except (ValueError, IndexError):
        return 170, 170, 170


