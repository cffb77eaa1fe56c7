"""detect_coordination: traces -> windows -> co-activity pairs -> filtered network ->
Leiden communities -> account buzzer scores and network profiles."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd

from suara.analyse import base
from suara.detect.coordination._export import (EDGE_COLUMNS, NETWORK_COLUMNS, _safe_csv, coortweet, gephi_edges,
                                              profile_networks)
from suara.detect.coordination._network import co_activity, communities, estimate_window, filter_edges
from suara.detect.coordination._multiscale import multiscale_edges
from suara.detect.coordination._similarity import similarity_edges
from suara.detect.coordination._traces import (FORWARD_GROUPS, KINDS, forward_sprays, load_posts,
                                                structural_traces, tag_tokens, text_counts, text_traces)

#: weights of the supporting signals (they only count for coordinated accounts)
SIGNAL_WEIGHTS = {"new_account": 0.25, "few_followers": 0.15, "duplicated": 0.25,
                  "focus": 0.2, "burstiness": 0.15, "forwarding": 0.15}
#: score = COORD_WEIGHT * coordination + (1 - COORD_WEIGHT) * signals * min(1, 2 * coordination)
COORD_WEIGHT = 0.75
FLAG_THRESHOLD = 0.5
#: distinct coordinated objects and partners at which coordination saturates
COORD_OBJECTS = 10
COORD_PARTNERS = 5
#: partners similar beyond chance at which similarity-based coordination saturates
SIMILAR_PARTNERS = 4
#: coordination of a network member with one or more beyond-chance ties inside the network
NETWORK_MEMBER = 0.7

ACCOUNT_COLUMNS = ["platform", "account_id", "handle", "cluster", "buzzer_score", "flagged", "account_type",
                   "coordination", "partners", "coordinated_objects", "similar_partners", "similarity",
                   "timed_partners", "co_events", "scale", "new_account", "few_followers",
                   "duplicated", "focus", "burstiness", "forwarding", "sprays", "focus_candidate", "posts",
                   "followers", "created_at", "first_post", "last_post", "reasons"]


@dataclass
class CoordinationResult:
    """What :func:`detect_coordination` found.

    Attributes: ``accounts`` (one row per account that posted, with ``buzzer_score`` 0..1,
    ``flagged`` and ``reasons``), ``edges`` (the filtered co-activity network), ``networks``
    (one row per Leiden community of at least ``min_cluster_size`` accounts), ``windows``
    (seconds per trace kind), ``stats`` (counts, thresholds, timings) and ``run_id``.
    """

    accounts: pd.DataFrame
    edges: pd.DataFrame
    networks: pd.DataFrame
    windows: dict[str, int]
    stats: dict[str, Any]
    params: dict[str, Any]
    run_id: str
    salt: str | None = None
    #: every trace on an object that two or more accounts acted on: platform, account_id,
    #: kind, obj, ts, post_id (the CooRTweet-shaped export is written from it)
    traces: pd.DataFrame | None = None
    scored_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(
        tzinfo=None, microsecond=0))

    @property
    def flagged(self) -> pd.DataFrame:
        """Accounts with ``buzzer_score >= 0.5``.

        >>> import suara, tempfile
        >>> len(detect_coordination(suara.init(tempfile.mkdtemp()), store=False).flagged)
        0
        """
        return self.accounts[self.accounts["flagged"]]

    def save(self, out_dir: str | Path, pseudonymise: bool = True) -> dict[str, Path]:
        """Write ``accounts.csv``, ``edges.csv`` (Gephi spreadsheet: ``Source``, ``Target``,
        ``Weight``, ``Type`` first), ``networks.csv``, ``network.gexf`` (colour by network,
        size by score, time intervals), ``coortweet.csv`` (``account_id, object_id,
        content_id, timestamp_share``) and ``summary.json`` into ``out_dir``; returns the paths.

        With ``pseudonymise`` (default, and when the workspace's ``pseudonymise`` setting is
        on) the ``handle`` of citizen/unknown accounts is replaced by the workspace pseudonym
        (``warga-...``) and so is its account id, in accounts, edges, network members and the
        GEXF (``suara detect coordination --real-handles`` writes them as they are).

        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> sorted(detect_coordination(ws, store=False).save(tempfile.mkdtemp()))
        ['accounts', 'coortweet', 'edges', 'gexf', 'networks', 'summary']
        """
        from suara.detect.coordination._gexf import write_gexf

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"accounts": out / "accounts.csv", "edges": out / "edges.csv",
                 "networks": out / "networks.csv", "gexf": out / "network.gexf",
                 "coortweet": out / "coortweet.csv", "summary": out / "summary.json"}
        acc = self.accounts.sort_values(["buzzer_score", "platform", "account_id"],
                                        ascending=[False, True, True]).copy()
        edges, nets = self.edges.copy(), self.networks.copy()
        if pseudonymise and self.salt:
            # citizens leave as pseudonyms: handle *and* account id (for Instagram and TikTok
            # Research exports the id is the user name), in every file, the same in each
            from suara.analyse.privacy import display_handle, is_public, pseudonym
            public = {(pl, str(a)) for t, pl, a in zip(acc["account_type"], acc["platform"], acc["account_id"])
                      if is_public(t if isinstance(t, str) else None)}

            def pid(pl, a) -> str:
                return str(a) if (pl, str(a)) in public else pseudonym(pl, str(a), self.salt)
            acc["handle"] = [display_handle(t if isinstance(t, str) else None, pl, str(a),
                                            h if isinstance(h, str) else None, self.salt)
                             for t, pl, a, h in zip(acc["account_type"], acc["platform"],
                                                    acc["account_id"], acc["handle"])]
            acc["account_id"] = [pid(pl, a) for pl, a in zip(acc["platform"], acc["account_id"])]
            if len(edges):
                for side in ("source", "target"):
                    edges[f"{side}_account"] = [pid(pl, a) for pl, a in
                                                zip(edges[f"{side}_platform"], edges[f"{side}_account"])]
            if len(nets) and "members" in nets:
                nets["members"] = [json.dumps([f"{m.split(':', 1)[0]}:{pid(*m.split(':', 1))}" for m in json.loads(v)])
                                   if isinstance(v, str) else v for v in nets["members"]]
        _safe_csv(acc[ACCOUNT_COLUMNS], paths["accounts"])
        traces = self.traces
        if pseudonymise and self.salt and traces is not None and len(traces):
            traces = traces.copy()
            traces["account_id"] = [pid(pl, a) for pl, a in zip(traces["platform"], traces["account_id"])]
        _safe_csv(gephi_edges(edges), paths["edges"])
        _safe_csv(nets[NETWORK_COLUMNS], paths["networks"])
        _safe_csv(coortweet(traces), paths["coortweet"])
        write_gexf(acc, edges, paths["gexf"])
        paths["summary"].write_text(json.dumps(self.summary(), indent=2, default=str), encoding="utf-8")
        return paths

    def summary(self) -> dict[str, Any]:
        """A JSON-able digest: run id, windows, counts, thresholds and the networks.

        >>> import suara, tempfile
        >>> detect_coordination(suara.init(tempfile.mkdtemp()), store=False).summary()["flagged"]
        0
        """
        return {"run_id": self.run_id, "windows": self.windows, "stats": self.stats,
                "params": self.params, "flagged": int(self.accounts["flagged"].sum()) if len(self.accounts) else 0,
                "networks": self.networks.drop(columns=["members"]).to_dict(orient="records")}

    def store(self, ws) -> None:
        """Replace ``account_scores`` and ``networks`` in the workspace in one transaction.

        >>> import suara, tempfile
        >>> ws = suara.init(tempfile.mkdtemp())
        >>> detect_coordination(ws, store=False).store(ws)
        >>> ws.store.meta("coordination.run_id").startswith("coord-")
        True
        """
        a = self.accounts
        scores = pd.DataFrame({
            "platform": a["platform"].astype(str), "account_id": a["account_id"].astype(str),
            "run_id": self.run_id, "cluster": a["cluster"].astype(object),
            "buzzer_score": a["buzzer_score"].astype(float), "flagged": a["flagged"].astype(bool),
            "reasons": a["reasons"].astype(str), "scored_at": self.scored_at})
        n = self.networks
        nets = pd.DataFrame({
            "run_id": self.run_id, "cluster": n["cluster"].astype(str), "size": n["size"].astype("int64"),
            "candidate": n["candidate"].astype(object), "stance": n["stance"].astype(object),
            "summary": [json.dumps({k: r[k] for k in NETWORK_COLUMNS if k not in
                                    ("cluster", "size", "candidate", "stance", "first_activity", "last_activity")},
                                   default=str, ensure_ascii=False) for _, r in n.iterrows()],
            "first_activity": pd.to_datetime(n["first_activity"]), "last_activity": pd.to_datetime(n["last_activity"])})
        with ws.store.transaction():
            ws.store.replace("account_scores", scores)
            ws.store.replace("networks", nets)
            ws.store.set_meta("coordination.run_id", self.run_id)
            ws.store.set_meta("coordination.summary", json.dumps(
                {"windows": self.windows, "stats": self.stats, "params": self.params}, default=str))
            from suara.store import aggregates
            aggregates.refresh(ws.store)   # the days of accounts whose flag changed


def detect_coordination(ws, window: int | None = None, *, min_weight: int = 2,
                        edge_percentile: float = 0.5, min_symmetry: float = 0.3,
                        min_participation: int = 4, min_cluster_size: int = 3, max_fanout: int = 200,
                        text_threshold: float = 0.6, q: float = 0.1, p: float = 0.5,
                        min_similarity: float = 0.35, sim_alpha: float = 1e-3, time_alpha: float = 1e-6,
                        seed: int = 42, store: bool = True) -> CoordinationResult:
    """Find coordinated networks and score every posting account (buzzer score 0..1).

    Parameters
    ----------
    ws : Workspace
    window : int, optional
        Co-activity window in seconds for every trace kind; None estimates one per kind with
        CooRnet's rule (``p`` quantile of the time the fastest ``q`` of objects take to reach
        half their traces).
    min_weight : int
        Least number of distinct objects two accounts must share within the window.
    edge_percentile : float
        Edges must also reach this percentile of the weights of all repeated pairs.
    min_symmetry : float
        Least ``weight / max(activity)``: drops edges of hyperactive accounts.
    min_participation : int
        Least number of distinct coordinated objects for an account to stay in the network.
    min_cluster_size : int
        Least size of a Leiden community reported as a network.
    max_fanout : int
        Traces kept per (object, window bucket): bounds the pairs a viral object produces.
    store : bool
        Replace ``account_scores`` and ``networks`` in the workspace.

    Returns
    -------
    CoordinationResult

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> r = detect_coordination(ws)
    >>> len(r.accounts), len(r.networks)
    (0, 0)
    """
    import time
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    params = dict(window=window, min_weight=min_weight, edge_percentile=edge_percentile,
                  min_symmetry=min_symmetry, min_participation=min_participation,
                  min_cluster_size=min_cluster_size, max_fanout=max_fanout,
                  text_threshold=text_threshold, q=q, p=p, min_similarity=min_similarity,
                  sim_alpha=sim_alpha, time_alpha=time_alpha, seed=seed)
    if window is not None and window < 1:
        raise ValueError(f"window must be at least 1 second, got {window}")
    posts, stats = load_posts(ws)
    tr = structural_traces(ws, posts)
    timings["structural_s"] = time.perf_counter() - t0
    tx = text_traces(ws, posts, threshold=text_threshold)
    timings["traces_s"] = time.perf_counter() - t0
    traces = pd.concat([tr, tx], ignore_index=True)
    stats["traces"] = int(len(traces))
    tags = tag_tokens(posts)
    ntext = text_counts(posts)
    timings["tokens_s"] = time.perf_counter() - t0

    def key(d):
        return d["platform"].astype(str) + "\x1f" + d["account_id"].astype(str)
    # node = (platform, account_id); sorted factorize keeps ids stable across runs
    nodes = pd.Index(pd.unique(pd.concat([key(traces), key(tags), key(ntext)], ignore_index=True))).sort_values()
    traces["node"] = nodes.get_indexer(key(traces))
    traces["obj"], objs = pd.factorize(traces["obj"], sort=True)
    # account-level similarity (time-free): trace objects + single hashtags + private texts
    tok = pd.concat([traces[["node", "obj"]].assign(tf=1),
                     pd.DataFrame({"node": nodes.get_indexer(key(tags)),
                                   "obj": len(objs) + pd.factorize(tags["obj"])[0], "tf": tags["tf"]})],
                    ignore_index=True).rename(columns={"obj": "token"})
    shared_posts = tx.groupby(["platform", "account_id"])["post_id"].nunique().rename("n_dup").reset_index() \
        if len(tx) else pd.DataFrame(columns=["platform", "account_id", "n_dup"])
    nt = ntext.merge(shared_posts, on=["platform", "account_id"], how="left")
    private = pd.Series((nt["n_text"] - nt["n_dup"].fillna(0)).clip(lower=0).to_numpy(dtype=float),
                        index=nodes.get_indexer(key(nt)))
    t5 = time.perf_counter()
    sim, sim_stats = similarity_edges(tok, private, alpha=sim_alpha, min_cos=min_similarity)
    stats.update(sim_stats)
    timings["similarity_s"] = time.perf_counter() - t5
    t6 = time.perf_counter()
    slow, ms_stats = multiscale_edges(traces, max_df=sim_stats.get("sim_max_df") or 150, alpha=time_alpha)
    stats.update(ms_stats)
    timings["multiscale_s"] = time.perf_counter() - t6
    traces["kind"] = traces["kind"].map({k: i for i, k in enumerate(KINDS)}).astype("int64")
    windows: dict[str, int] = {}
    pooled = window or estimate_window(traces, q=q, p=p) or 60
    for i, k in enumerate(KINDS):
        # a kind with few objects of its own borrows the pooled estimate
        windows[k] = int(window) if window else (
            estimate_window(traces[traces["kind"] == i], q=q, p=p, min_objects=50) or pooled)
    traces["win"] = traces["kind"].map({i: windows[k] for i, k in enumerate(KINDS)}).astype("int64")
    # activity: objects an account acted on that at least one other account also acted on
    shared_obj = traces.groupby("obj")["node"].transform("nunique") >= 2
    export = traces.loc[shared_obj, ["platform", "account_id", "kind", "post_id", "ts"]].assign(
        obj=objs[traces.loc[shared_obj, "obj"].to_numpy()]) if len(traces) else None
    activity = traces[shared_obj].groupby("node")["obj"].nunique()
    edges = pd.DataFrame(columns=["lo", "hi", "weight", "symmetry"])
    po = pairs = None
    if len(traces) and shared_obj.any():
        t1 = time.perf_counter()
        po, pairs = co_activity(traces[shared_obj], max_fanout=max_fanout)
        edges, th = filter_edges(pairs, activity, min_weight=min_weight,
                                 edge_percentile=edge_percentile, min_symmetry=min_symmetry)
        stats.update(th)
        timings["pairs_s"] = time.perf_counter() - t1
    # minimum participation: distinct coordinated objects over the kept edges
    part = pd.Series(dtype="int64")
    if len(edges) and po is not None:
        ke = ibis.memtable(edges[["lo", "hi"]].rename(columns={"lo": "klo", "hi": "khi"}))
        kp = po.inner_join(ke, [po.lo == ke.klo, po.hi == ke.khi]).select("lo", "hi", "obj").execute()
        both = pd.concat([kp[["lo", "obj"]].rename(columns={"lo": "node"}),
                          kp[["hi", "obj"]].rename(columns={"hi": "node"})])
        part = both.groupby("node")["obj"].nunique()
        keep = part[part >= min_participation].index
        edges = edges[edges["lo"].isin(keep) & edges["hi"].isin(keep)].reset_index(drop=True)
    for t in (po, pairs):
        if t is not None:
            try:
                t.release()
            except Exception:  # noqa: BLE001 - a cache that is already gone is fine
                pass
    edges = combine_edges(edges, sim, slow)
    t2 = time.perf_counter()
    comm = communities(edges.assign(weight=edges["strength"]), seed=seed)
    sizes = pd.Series(comm).value_counts() if comm else pd.Series(dtype="int64")
    label = {c: f"N{r + 1:02d}" for r, c in enumerate(sorted(sizes[sizes >= min_cluster_size].index))}
    timings["leiden_s"] = time.perf_counter() - t2
    node_df = pd.DataFrame({"node": np.arange(len(nodes)), "key": nodes})
    node_df[["platform", "account_id"]] = node_df["key"].str.split("\x1f", n=1, expand=True) \
        if len(node_df) else pd.DataFrame(columns=["platform", "account_id"])
    node_df["cluster"] = node_df["node"].map(lambda n: label.get(comm.get(n, -1)))
    t3 = time.perf_counter()
    cand = _candidate_posts(ws, posts)
    timings["candidates_s"] = time.perf_counter() - t3
    accounts = _score_accounts(ws, posts, node_df, edges, part, tx, windows, cand, forward_sprays(posts))
    timings["scores_s"] = time.perf_counter() - t3
    edges_out = _edges_out(edges, node_df)
    t4 = time.perf_counter()
    networks = profile_networks(ws, posts, accounts, cand, edges_out)
    timings["profiles_s"] = time.perf_counter() - t4
    stats.update({"accounts_scored": int(len(accounts)), "edges": int(len(edges_out)),
                  "networks": int(len(networks)),
                  "flagged": int(accounts["flagged"].sum()) if len(accounts) else 0})
    timings["total_s"] = time.perf_counter() - t0
    stats["timings"] = {k: round(v, 3) for k, v in timings.items()}
    run_id = "coord-" + hashlib.sha1(json.dumps([params, stats["posts"], stats["traces"]],
                                                default=str).encode()).hexdigest()[:10]
    from suara.analyse.privacy import Pseudonymiser
    pz = Pseudonymiser(ws)
    res = CoordinationResult(accounts=accounts, edges=edges_out, networks=networks, windows=windows, traces=export,
                             stats=stats, params=params, run_id=run_id, salt=pz.salt if pz.enabled else None)
    if store:
        res.store(ws)
    return res


def combine_edges(temporal: pd.DataFrame, similar: pd.DataFrame, slow: pd.DataFrame | None = None) -> pd.DataFrame:
    """One network from the co-activity edges, the similarity edges and the multi-scale
    edges: per pair the co-activity counts (0 when the pair never acted within the window),
    the trace similarity and its shared tokens (0 when not similar beyond chance), the
    multi-scale ``co_events`` (0 when not beyond the time-shuffled null) and
    ``strength = max(min(1, weight / COORD_OBJECTS), similarity, min(1, co_events / COORD_OBJECTS))``
    in 0..1.

    >>> t = pd.DataFrame({"lo": [0], "hi": [1], "weight": [5], "symmetry": [0.8]})
    >>> s = pd.DataFrame({"lo": [0, 2], "hi": [1, 3], "cos": [0.4, 0.6], "shared": [4, 6], "p": [1e-9, 1e-9]})
    >>> e = combine_edges(t, s)
    >>> e["weight"].tolist(), e["similarity"].tolist(), e["strength"].tolist()
    ([5, 0], [0.4, 0.6], [0.5, 0.6])
    """
    t = temporal.copy()
    if "weight" not in t:
        t["weight"] = pd.Series(dtype="int64")
    s = similar.rename(columns={"cos": "similarity", "shared": "shared_tokens", "p": "similarity_p"})
    if len(t) and len(s):
        e = t.merge(s[["lo", "hi", "similarity", "shared_tokens", "similarity_p"]], on=["lo", "hi"], how="outer")
    elif len(s):
        e = s[["lo", "hi", "similarity", "shared_tokens", "similarity_p"]].copy()
    else:
        e = t.assign(similarity=0.0, shared_tokens=0, similarity_p=1.0)
    if slow is not None and len(slow):
        e = e.merge(slow[["lo", "hi", "co_events", "scale", "p_time"]], on=["lo", "hi"], how="outer")
    for c in ["weight", "tight", "symmetry", "shared_tokens", "co_events", "scale", *[f"n_{k}" for k in KINDS]]:
        e[c] = pd.to_numeric(e[c], errors="coerce").fillna(0) if c in e else 0
    for c in ["first", "last", "mean_dt"]:
        e[c] = pd.to_numeric(e[c], errors="coerce") if c in e else np.nan
    e["similarity"] = pd.to_numeric(e["similarity"], errors="coerce").fillna(0.0)
    e["similarity_p"] = pd.to_numeric(e["similarity_p"], errors="coerce").fillna(1.0)
    e["p_time"] = pd.to_numeric(e["p_time"], errors="coerce").fillna(1.0) if "p_time" in e else 1.0
    e["co_events"] = e["co_events"].astype("int64")
    e["scale"] = e["scale"].astype("int64")
    e["weight"] = e["weight"].astype("int64")
    e["shared_tokens"] = e["shared_tokens"].astype("int64")
    e["strength"] = np.maximum.reduce([np.minimum(1.0, e["weight"] / COORD_OBJECTS), e["similarity"],
                                       np.minimum(1.0, e["co_events"] / COORD_OBJECTS)]).round(4)
    return e.sort_values(["lo", "hi"]).reset_index(drop=True)


def _edges_out(edges: pd.DataFrame, node_df: pd.DataFrame) -> pd.DataFrame:
    if edges.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    nd = node_df.set_index("node")
    e = edges.copy()
    out = pd.DataFrame({
        "source_platform": nd.loc[e["lo"], "platform"].to_numpy(),
        "source_account": nd.loc[e["lo"], "account_id"].to_numpy(),
        "target_platform": nd.loc[e["hi"], "platform"].to_numpy(),
        "target_account": nd.loc[e["hi"], "account_id"].to_numpy(),
        "weight": e["weight"].astype("int64").to_numpy(),
        "symmetry": e["symmetry"].astype(float).round(4).to_numpy(),
        "similarity": e["similarity"].astype(float).round(4).to_numpy(),
        "shared_tokens": e["shared_tokens"].astype("int64").to_numpy(),
        "co_events": e["co_events"].astype("int64").to_numpy(),
        "scale": e["scale"].astype("int64").to_numpy(),
        "strength": e["strength"].astype(float).to_numpy(),
        "mean_dt": e["mean_dt"].astype(float).round(1).to_numpy(),
    })
    for k in KINDS:
        out[f"n_{k}"] = e[f"n_{k}"].astype("int64").to_numpy()
    out["first"] = pd.to_datetime(e["first"].to_numpy(), unit="s")
    out["last"] = pd.to_datetime(e["last"].to_numpy(), unit="s")
    cl_lo = nd.loc[e["lo"], "cluster"].to_numpy()
    cl_hi = nd.loc[e["hi"], "cluster"].to_numpy()
    out["cluster"] = np.where(cl_lo == cl_hi, cl_lo, None)
    return out.sort_values(["strength", "weight", "source_platform", "source_account", "target_account"],
                           ascending=[False, False, True, True, True]).reset_index(drop=True)


def _candidate_terms(election) -> dict[str, tuple[set[str], str | None]]:
    """ballot -> (lowercase hashtags, alias regex) from the election config."""
    out = {}
    for c in election.candidates:
        tags = {h.lower().lstrip("#") for h in c.hashtags}
        words = [w for w in [*c.aliases, *c.nicknames, c.short] if w and len(w) >= 3]
        rx = r"\b(" + "|".join(re.escape(w.lower()) for w in words) + r")\b" if words else None
        out[c.ballot] = (tags, rx)
    return out


def _candidate_posts(ws, posts: ibis.Table) -> pd.DataFrame:
    """Per post: candidate and direction (push|attack|mention), from the current mentions
    when the workspace is enriched, else from the election's hashtags (push) and aliases."""
    v = base.current_version(ws)
    m = ws.store.table("mentions")
    if v and int(m.filter(m.version == v).count().execute()) > 0:
        m = m.filter(m.version == v)
        j = posts.select("platform", "post_id", "account_id").inner_join(m, ["platform", "post_id"])
        d = j.select("platform", "account_id", "post_id", "candidate", "sentiment").execute()
        d["direction"] = d["sentiment"].map({"positive": "push", "negative": "attack"}).fillna("mention")
        d["method"] = "sentiment"
        return d[["platform", "account_id", "post_id", "candidate", "direction", "method"]]
    parts = []
    for ballot, (tags, rx) in _candidate_terms(ws.election).items():
        tagged = posts.hashtags.map(lambda x: x.lower()).filter(lambda x: x.isin(sorted(tags) or [""])).length() > 0
        hit = posts.hashtags.notnull() & tagged
        said = posts.text.lower().re_search(rx) if rx else ibis.literal(False)
        q = posts.filter(ibis.coalesce(hit, False) | ibis.coalesce(said, False))
        parts.append(q.select("platform", "account_id", "post_id", candidate=ibis.literal(ballot),
                              direction=ibis.ifelse(ibis.coalesce(hit, False), "push", "mention")))
    if not parts:
        return pd.DataFrame(columns=["platform", "account_id", "post_id", "candidate", "direction", "method"])
    u = parts[0]
    for x in parts[1:]:
        u = u.union(x, distinct=False)
    d = u.execute()
    d["method"] = "config"
    return d


def _score_accounts(ws, posts, node_df, edges, part, tx, windows, cp, sprays) -> pd.DataFrame:
    e = ws.election
    # per-account activity and burstiness (Goh & Barabasi B = (sd - mean)/(sd + mean) of gaps)
    w = ibis.window(group_by=[posts.platform, posts.account_id], order_by=posts.ts)
    g = posts.mutate(gap=posts.ts - posts.ts.lag().over(w),
                     is_text=posts.text.notnull() & (posts.kind.isnull() | (posts.kind != "share")))
    act = g.group_by(["platform", "account_id"]).aggregate(
        posts=g.count(), first_ts=g.ts.min(), last_ts=g.ts.max(), n_text=g.is_text.sum(),
        gap_mean=g.gap.mean(), gap_sd=g.gap.std()).execute()
    if act.empty:
        return pd.DataFrame(columns=ACCOUNT_COLUMNS)
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "created_at", "followers",
                                            "account_type").execute()
    a = act.merge(acc, on=["platform", "account_id"], how="left")
    a = a.merge(node_df[["platform", "account_id", "node", "cluster"]], on=["platform", "account_id"], how="left")
    # coordination: kept partners, coordinated objects, membership of a network
    def degree(m):
        e = edges[m] if len(edges) else edges
        return pd.concat([e["lo"], e["hi"]]).value_counts() if len(e) else pd.Series(dtype="int64")
    a["partners"] = a["node"].map(degree(edges["lo"] >= 0 if len(edges) else [])).fillna(0).astype("int64")
    tpart = a["node"].map(degree(edges["weight"] > 0 if len(edges) else [])).fillna(0).astype("int64")
    a["similar_partners"] = a["node"].map(degree(edges["similarity"] > 0 if len(edges) else [])).fillna(0) \
        .astype("int64")
    a["timed_partners"] = a["node"].map(degree(edges["co_events"] > 0 if len(edges) else [])).fillna(0) \
        .astype("int64")
    chance = a["node"].map(degree((edges["similarity"] > 0) | (edges["co_events"] > 0) if len(edges) else [])) \
        .fillna(0).to_numpy()
    if len(edges):
        both = pd.concat([edges[["lo", "similarity", "co_events", "scale"]].rename(columns={"lo": "node"}),
                          edges[["hi", "similarity", "co_events", "scale"]].rename(columns={"hi": "node"})])
        g = both.groupby("node")
        a["similarity"] = a["node"].map(g["similarity"].max()).fillna(0.0)
        a["co_events"] = a["node"].map(g["co_events"].max()).fillna(0).astype("int64")
        timed = both[both["co_events"] > 0]
        a["scale"] = a["node"].map(timed.groupby("node")["scale"].min()).fillna(0).astype("int64")
    else:
        a["similarity"], a["co_events"], a["scale"] = 0.0, 0, 0
    a["coordinated_objects"] = a["node"].map(part).fillna(0).astype("int64")
    a.loc[tpart == 0, "coordinated_objects"] = 0
    # co-activity: full coordination needs COORD_OBJECTS distinct objects shared within the
    # window; many partners add the last 30 %. Beyond chance: traces similar (configuration
    # null) or timed together across scales (time-shuffled null) with SIMILAR_PARTNERS
    # accounts. The stronger of the two counts.
    co = np.where(tpart > 0, np.minimum(1, a["coordinated_objects"] / COORD_OBJECTS)
                  * (0.7 + 0.3 * np.minimum(1, tpart / COORD_PARTNERS)), 0.0)
    sim = np.minimum(1, chance / SIMILAR_PARTNERS)
    # a member of a detected network (3+ members coordinated on their own evidence) with at
    # least one beyond-chance tie counts as coordinated too
    own = np.maximum(co, sim)
    strong = pd.Series(own >= NETWORK_MEMBER, index=a.index).groupby(a["cluster"]).transform("sum")
    member = a["cluster"].notna().to_numpy() & (chance > 0) & (strong.fillna(0).to_numpy() >= 3)
    a["coordination"] = np.maximum(own, np.where(member, NETWORK_MEMBER, 0.0))
    a["coordination_kind"] = np.where(co >= sim, "co-activity", "similarity")
    # new account: created during the campaign (or shortly before: accounts are made ahead)
    camp = pd.Timestamp(e.dates.campaign_start) - pd.Timedelta(days=60)
    created = pd.to_datetime(a["created_at"])
    first_post = pd.to_datetime(a["first_ts"], unit="s")
    age_days = (first_post - created).dt.total_seconds() / 86400
    a["new_account"] = np.where(created.isna(), 0.0,
                                np.where(created >= camp, 1.0, np.clip(1 - age_days / 365, 0, 1) * 0.5))
    f = pd.to_numeric(a["followers"], errors="coerce")
    a["few_followers"] = np.select([f.isna(), f < 100, f < 1000, f < 10000], [0.0, 1.0, 0.5, 0.2], 0.0)
    # duplicated content: share of the account's own texts that are near-duplicates of another account's
    if len(tx):
        multi = tx.groupby("obj")["account_id"].transform("nunique") >= 2
        dup = tx[multi].groupby(["platform", "account_id"])["post_id"].nunique().rename("n_dup").reset_index()
        a = a.merge(dup, on=["platform", "account_id"], how="left")
    else:
        a["n_dup"] = 0
    a["duplicated"] = (a["n_dup"].fillna(0) / a["n_text"].clip(lower=1)).clip(0, 1)
    # single-candidate focus: share of the account's candidate posts going one direction
    if len(cp):
        cp = cp.copy()
        cp["dkey"] = cp["candidate"].astype(str) + ":" + cp["direction"].astype(str)
        cnt = cp.groupby(["platform", "account_id", "dkey"]).size().rename("n").reset_index()
        tot = cnt.groupby(["platform", "account_id"])["n"].sum().rename("tot")
        top = cnt.sort_values(["n", "dkey"], ascending=[False, True]).drop_duplicates(["platform", "account_id"])
        top = top.merge(tot.reset_index(), on=["platform", "account_id"])
        top["focus"] = top["n"] / top["tot"] * np.minimum(1, top["tot"] / 3)
        a = a.merge(top[["platform", "account_id", "focus", "dkey"]].rename(columns={"dkey": "focus_candidate"}),
                    on=["platform", "account_id"], how="left")
    else:
        a["focus"], a["focus_candidate"] = 0.0, None
    a["focus"] = a["focus"].fillna(0.0)
    mean, sd = a["gap_mean"].astype(float), a["gap_sd"].astype(float)
    bval = ((sd - mean) / (sd + mean)).where((a["posts"] >= 4) & ((sd + mean) > 0))
    a["burstiness"] = bval.abs().fillna(0.0).clip(0, 1)
    a = a.merge(sprays, on=["platform", "account_id"], how="left") if len(sprays) else a.assign(sprays=0)
    a["sprays"] = pd.to_numeric(a["sprays"], errors="coerce").fillna(0).astype("int64")
    a["forwarding"] = np.minimum(1.0, a["sprays"] / 3)
    # the supporting signals as a weighted mean (a signal with no data counts 0)
    sig = sum(SIGNAL_WEIGHTS[k] * a[k] for k in SIGNAL_WEIGHTS) / sum(SIGNAL_WEIGHTS.values())
    a["buzzer_score"] = (COORD_WEIGHT * a["coordination"]
                         + (1 - COORD_WEIGHT) * sig * np.minimum(1, 2 * a["coordination"])).round(4)
    a["flagged"] = a["buzzer_score"] >= FLAG_THRESHOLD
    a["reasons"] = [_reasons(r, windows, bv) for r, bv in zip(a.itertuples(index=False), bval)]
    a["created_at"] = created
    a["first_post"] = pd.to_datetime(a["first_ts"], unit="s")
    a["last_post"] = pd.to_datetime(a["last_ts"], unit="s")
    return a[ACCOUNT_COLUMNS].sort_values(["platform", "account_id"]).reset_index(drop=True)


def _reasons(r, windows, bval) -> str:
    out = []
    net = f" (network {r.cluster})" if isinstance(r.cluster, str) else ""
    if r.coordinated_objects > 0:
        out.append(f"acted on {r.coordinated_objects} shared objects within the co-activity window of other "
                   f"account(s), {r.partners} partner(s) in all" + net)
        net = ""
    if r.similar_partners > 0:
        out.append(f"posts the same text families, hashtags, links or targets as {r.similar_partners} other "
                   f"account(s) far beyond chance (trace similarity up to {r.similarity:.2f})" + net)
    if r.timed_partners > 0:
        out.append(f"met {r.timed_partners} other account(s) within the same {r.scale // 60}-minute spans on up to "
                   f"{r.co_events} long-lived objects, far more often than time-shuffled chance" + net)
    if r.new_account >= 0.5 and pd.notna(r.created_at):
        out.append(f"account created {pd.Timestamp(r.created_at).date()} (campaign-period account)")
    if r.few_followers >= 0.5 and pd.notna(r.followers):
        out.append(f"{int(r.followers)} followers")
    if r.duplicated >= 0.3:
        out.append(f"{r.duplicated:.0%} of its texts are near-duplicates of other accounts' posts")
    if r.focus >= 0.6 and isinstance(r.focus_candidate, str):
        cand, direction = r.focus_candidate.split(":", 1)
        out.append(f"{r.focus:.0%} single-candidate focus ({direction} pair {cand})")
    if r.sprays > 0:
        out.append(f"forwarded {r.sprays} message(s) into {FORWARD_GROUPS}+ groups within 15 minutes")
    if r.burstiness >= 0.5 and pd.notna(bval):
        out.append(("bursty" if bval > 0 else "clock-regular") + f" posting (B={bval:+.2f})")
    return "; ".join(out)
