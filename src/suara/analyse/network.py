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

from suara.analyse.explorer import local_offset

__all__ = ["network_data"]


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

    from suara.analyse.privacy import display_handle
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
        import igraph as ig
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
        if not edges_df.empty and "cluster" in edges_df:
            cl = {}
            for (a, b, _), c in zip(pairs, edges_df["cluster"].tolist()):
                cl.setdefault(a, c)
                cl.setdefault(b, c)
            for n in nodes:
                if n["cluster"] == "?" and isinstance(cl.get(n["id"]), str):
                    n["cluster"] = cl[n["id"]]
    accounts = []
    for r in scores[scores.flagged.fillna(False)].head(max_accounts).to_dict("records"):
        lab = label(r)
        accounts.append({"label": lab, "platform": r["platform"],
                         "cluster": r["cluster"] if isinstance(r.get("cluster"), str) else None,
                         "score": r.get("score"), "reasons": r.get("reasons"),
                         "account_ref": str(r["account_id"]) if show_identities else lab})
    note = None if pairs else "Edges of the coordination graph are not stored in this workspace; run `suara detect`."
    return {"nodes": nodes, "edges": edges, "networks": nets.to_dict("records"), "accounts": accounts, "note": note}


