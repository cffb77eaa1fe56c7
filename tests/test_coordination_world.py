"""A small synthetic campaign written straight into the canonical tables, with ground truth:
organic citizens (some of them enthusiastic supporters who share the same viral posts), one
hyperactive sharer, and planted buzzer networks that copy text, links and hashtags, comment
on the same posts and share the same posts within seconds (or with jitter)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

WORDS = ("harga sembako naik jalan rusak banjir samarinda balikpapan sekolah gratis rumah sakit "
         "listrik air bersih pekerjaan muda petani nelayan tambang hutan ikn investasi pajak "
         "desa kota jembatan pasar beras minyak guru honorer kesehatan bpjs pemuda olahraga").split()


def build_world(ws, seed: int = 0, n_organic: int = 300, networks: int = 2, net_size: int = 15,
                actions: int = 25, jitter: float = 30.0, hyperactive: bool = True,
                organic_viral: int = 30) -> pd.DataFrame:
    """Write posts and accounts; return ground truth (platform, account_id, is_buzzer, network_id)."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2024, 10, 1)
    accounts, posts, truth = [], [], []

    def acc(aid, created, followers, kind="citizen", plat="twitter"):
        accounts.append(dict(platform=plat, account_id=aid, handle=aid, created_at=created,
                             followers=int(followers), account_type=kind))

    def post(aid, t, kind="post", text=None, parent=None, tags=(), links=(), plat="twitter"):
        pid = f"p{len(posts)}"
        posts.append(dict(platform=plat, post_id=pid, account_id=aid, created_at=t, kind=kind,
                          parent_id=parent, root_id=parent, text=text, hashtags=list(tags),
                          links=list(links), mentions=[], likes=int(rng.integers(0, 50)),
                          shares=0, views=int(rng.integers(10, 1000))))
        return pid

    def sec(x):
        return dt.timedelta(seconds=float(x))

    # official accounts and their posts (the viral objects organic supporters share)
    official = []
    for c in ("1", "2"):
        aid = f"official{c}"
        acc(aid, start - dt.timedelta(days=900), 50000, "official")
        for i in range(organic_viral):
            t = start + sec(rng.uniform(0, 20 * 86400))
            official.append((post(aid, t, text=f"kampanye pasangan {c} hari ke {i} " + " ".join(
                rng.choice(WORDS, 8)), tags=[f"paslon{c}"]), t, c))
    # organic citizens
    org = [f"warga{i}" for i in range(n_organic)]
    for aid in org:
        created = start - dt.timedelta(days=float(rng.uniform(-20, 2000)))
        acc(aid, created, rng.lognormal(5, 1.5))
        truth.append(("twitter", aid, False, -1))
        fav = str(rng.integers(1, 3))
        for _ in range(int(rng.integers(2, 12))):
            t = start + sec(rng.uniform(0, 20 * 86400))
            tags = [f"paslon{fav}"] if rng.random() < 0.4 else []
            if rng.random() < 0.3:
                tags.append(str(rng.choice(["kaltim", "pilgub", "samarinda"])))
            post(aid, t, text=" ".join(rng.choice(WORDS, int(rng.integers(6, 15)))), tags=tags,
                 links=[f"https://news.example.com/a{int(rng.integers(0, 400))}"] if rng.random() < 0.2 else [])
        # enthusiastic supporters share their pair's viral posts, at human delays
        for pid, t0, c in official:
            if c == fav and rng.random() < 0.25:
                post(aid, t0 + sec(rng.exponential(3600) + 20), kind="share", parent=pid)
            elif rng.random() < 0.03:
                post(aid, t0 + sec(rng.exponential(5400) + 30), kind="comment", parent=pid,
                     text=" ".join(rng.choice(WORDS, 6)))
    if hyperactive:
        aid = "hyper"
        acc(aid, start - dt.timedelta(days=400), 300)
        truth.append(("twitter", aid, False, -1))
        for pid, t0, c in official:
            post(aid, t0 + sec(rng.uniform(5, 120)), kind="share", parent=pid)
    # buzzer networks
    for n in range(networks):
        works_for = str(1 + n % 2)
        members = [f"bz{n}_{i}" for i in range(net_size)]
        for aid in members:
            acc(aid, start + dt.timedelta(days=float(rng.uniform(-10, 5))), rng.integers(0, 60))
            truth.append(("twitter", aid, True, n))
        slogans = [f"pilih nomor {works_for} " + " ".join(rng.choice(WORDS, 10)) for _ in range(6)]
        for k in range(actions):
            t0 = start + sec(rng.uniform(0, 20 * 86400))
            what = k % 4
            link = f"https://blog{n}.example.net/artikel-{k}"
            target = official[int(rng.integers(0, len(official)))][0]
            tags = [f"paslon{works_for}", f"menang{works_for}", "kaltimbangkit"]
            for aid in members:
                if rng.random() > 0.8:
                    continue
                t = t0 + sec(rng.uniform(0, jitter))
                if what == 0:
                    post(aid, t, text=slogans[k % 6] + " " + link, tags=tags, links=[link])
                elif what == 1:
                    post(aid, t, kind="comment", parent=target, text=slogans[(k + 1) % 6])
                elif what == 2:
                    post(aid, t, text=slogans[(k + 2) % 6], tags=tags)
                else:
                    post(aid, t, kind="share", parent=target)
            # members also post organic-looking filler
        for aid in members:
            for _ in range(3):
                post(aid, start + sec(rng.uniform(0, 20 * 86400)), text=" ".join(rng.choice(WORDS, 9)))
    a = pd.DataFrame(accounts)
    p = pd.DataFrame(posts)
    ws.store.upsert("accounts", a)
    ws.store.upsert("posts", p)
    return pd.DataFrame(truth, columns=["platform", "account_id", "is_buzzer", "network_id"])
