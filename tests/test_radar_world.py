"""A small canonical world for the radar, alert and case tests: ten days of posts with a daily
rhythm, enrichment rows and mentions, one coordinated negative crisis on an issue, one hoax
burst and a quiet near-duplicate narrative. Rows go straight into the store (the enrichment
stage is not needed)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from suara.analyse.base import ENRICH_VERSION_KEY

START = dt.datetime(2024, 11, 1)
CRISIS_AT = dt.datetime(2024, 11, 9, 10, 7)
HOAX_AT = dt.datetime(2024, 11, 8, 3, 2)
ISSUES = ["banjir", "ikn", "harga_pokok"]


def world_frames(seed: int = 3, days: int = 10, crisis: bool = True):
    """(accounts, posts, enrichments, mentions, account_scores) DataFrames."""
    r = np.random.default_rng(seed)
    rows = []
    bins = days * 96
    t = np.arange(bins)
    lam = 6.0 * (1 + 0.8 * np.sin(2 * np.pi * (t % 96) / 96 - 1.2))
    counts = r.poisson(lam)
    n_citizens = 400
    for b, c in enumerate(counts):
        for _ in range(c):
            at = START + dt.timedelta(minutes=15 * b, seconds=int(r.integers(0, 900)))
            rows.append(dict(account=f"c{r.integers(0, n_citizens)}", at=at,
                             cand=str(r.integers(1, 3)),
                             sent=r.choice(["negative", "neutral", "positive"], p=[0.25, 0.4, 0.35]),
                             issue=r.choice(ISSUES + [None] * 3), hoax=None, dup=None))
    if crisis:
        for k in range(70):
            at = CRISIS_AT + dt.timedelta(seconds=int(k * 100 + r.integers(0, 60)))
            rows.append(dict(account=f"b{k % 15}", at=at, cand="2", sent="negative", issue="banjir",
                             hoax=None, dup="dup-crisis"))
        for k in range(14):
            at = HOAX_AT + dt.timedelta(seconds=int(k * 120))
            rows.append(dict(account=f"c{k}", at=at, cand="1", sent="negative", issue="ikn",
                             hoax="claim-7", dup=None))
    posts, enr, men = [], [], []
    now = dt.datetime(2024, 12, 1)
    for i, x in enumerate(sorted(rows, key=lambda x: x["at"])):
        pid = f"p{i}"
        plat = "tiktok" if x["account"].startswith("b") and i % 3 == 0 else "x"
        posts.append(dict(platform=plat, post_id=pid, account_id=x["account"], created_at=x["at"],
                          kind="post", text=f"post {i} tentang {x['issue'] or 'umum'} paslon {x['cand']}",
                          url=f"https://example.org/{plat}/{pid}", likes=int(r.integers(0, 20)),
                          comments=1, shares=int(r.integers(0, 5)), views=100,
                          source="test", ingested_at=now))
        enr.append(dict(platform=plat, post_id=pid, version="v1", enriched_at=now,
                        candidates=[x["cand"]], sentiment=x["sent"], hate_speech=False,
                        abusive=False, sara="none", issues=[x["issue"]] if x["issue"] else [],
                        hoax_claim_id=x["hoax"], hoax_score=0.9 if x["hoax"] else None,
                        dup_cluster=x["dup"]))
        men.append(dict(platform=plat, post_id=pid, version="v1", candidate=x["cand"],
                        sentiment=x["sent"], score=0.0))
    posts = pd.DataFrame(posts)
    accs = posts[["platform", "account_id"]].drop_duplicates()
    accs = accs.assign(handle=accs["account_id"], account_type="citizen", followers=50)
    scores = pd.DataFrame([dict(platform=p, account_id=f"b{k}", flagged=True, buzzer_score=0.9,
                                cluster="net-1", run_id="r1") for k in range(15) for p in ("x", "tiktok")])
    return accs, posts, pd.DataFrame(enr), pd.DataFrame(men), scores


def load_world(ws, frames, until: dt.datetime | None = None, since: dt.datetime | None = None,
               ingested_at: dt.datetime | None = None) -> int:
    """Insert the world's rows with created_at in [since, until); returns posts inserted."""
    accs, posts, enr, men, scores = frames
    sel = posts
    if until is not None:
        sel = sel[sel["created_at"] < until]
    if since is not None:
        sel = sel[sel["created_at"] >= since]
    if ingested_at is not None:
        sel = sel.assign(ingested_at=ingested_at)
    keys = sel[["platform", "post_id"]]
    st = ws.store
    with st.transaction():
        st.upsert("accounts", accs)
        st.upsert("account_scores", scores)
        st.append("posts", sel)
        st.append("enrichments", enr.merge(keys))
        st.append("mentions", men.merge(keys))
        st.set_meta(ENRICH_VERSION_KEY, "v1")
    return len(sel)


def test_world_loads(workspace):
    frames = world_frames(days=3, crisis=False)
    n = load_world(workspace, frames)
    assert n == workspace.store.count("posts") > 500
