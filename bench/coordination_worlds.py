"""Evaluation worlds for coordination detection, built independently of the simulator.

Nothing here is imported by detector code, and nothing here reads detector code: each world
is a table of posts and accounts in the canonical schema with a ground-truth set of
coordinated accounts, built the way real buzzer teams and real crowds behave:

* ``easy``: copy-paste networks posting the same text, tags and link within seconds.
* ``hard``: networks of 12-40 accounts posting in 10-20 waves over two weeks; a wave is
  spread over 5-40 minutes (some networks up to 3 hours); in each wave a member picks one
  of three different texts that share only the candidate and the hashtags, adds its own
  emoji or filler; about a third of posts append unrelated trending tags; some waves reply
  into the same conversation; members also post a few ordinary posts. Authentic crowds:
  organic trending bursts (120 accounts, one hashtag, different texts, 15 minutes) and
  chants (250 supporters, identical slogan, 5 minutes, several events, each otherwise
  posting varied texts), and viral texts copied by 15-60 ordinary accounts over a day or two.
* ``cocomment``: YouTube / TikTok / Instagram comment sections; networks comment on the same
  videos within minutes to an hour, texts varied; organic commenters pile onto popular videos.
* ``forward``: WhatsApp / Telegram groups; a network forwards the same message into many
  groups within minutes; ordinary members forward viral messages too, over hours.
* ``organic``: the hard world without networks (bursts and chants kept).

``metadata=True`` adds account creation dates and follower counts with a realistic mix
(bought and hijacked old accounts among the buzzers, many new citizen accounts); without it
the accounts carry neither, as tweet-harvest CSVs and comment exports do.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

T0 = pd.Timestamp("2024-10-01")
DAY = 86400
EMOJI = ["🔥", "💯", "👍", "🙏", "❤️", "💪", "😍", "👏", "✨", "🇮🇩", "!!", "mantap", "setuju", "gas",
         "yuk", "pokoknya", "bener", "sip", "wajib", "ayo"]
CANDIDATES = ["rudy", "isran", "seno", "hadi"]
CAND_TAGS = {"rudy": ["RudySeno", "KaltimMaju"], "isran": ["IsranHadi", "LanjutkanKaltim"]}


def _vocab(rng, n=4000):
    syl = ["ka", "ma", "ta", "ri", "su", "lo", "pe", "an", "ng", "bu", "di", "sa", "ra", "ku", "ti", "na",
           "ba", "se", "ga", "ha", "ja", "mu", "le", "wi", "pa", "da", "ya", "ke", "ne", "to"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syl, rng.integers(2, 4))))
    words = sorted(words)
    rng.shuffle(words)
    p = 1.0 / np.arange(1, n + 1) ** 1.05
    return np.array(words), p / p.sum()


class _World:
    def __init__(self, seed: int, platform: str = "x"):
        self.rng = np.random.default_rng(seed)
        self.words, self.wp = _vocab(self.rng)
        self.platform = platform
        self.posts: list[dict] = []
        self.accounts: dict[str, str] = {}     # account_id -> role (citizen|buzzer|chant)
        self.truth: set[str] = set()
        self._pid = 0

    def sentence(self, lo=8, hi=22, cand=None):
        w = list(self.rng.choice(self.words, self.rng.integers(lo, hi), p=self.wp))
        if cand:
            w.insert(int(self.rng.integers(0, len(w))), cand)
        return " ".join(w)

    def post(self, acc, ts, text, tags=(), kind="post", parent=None, root=None, links=(), platform=None):
        self._pid += 1
        pid = f"p{self._pid}"
        self.posts.append({"platform": platform or self.platform, "post_id": pid, "account_id": acc,
                           "created_at": T0 + pd.Timedelta(seconds=float(ts)), "kind": kind,
                           "parent_id": parent, "root_id": root or parent,
                           "text": (text + " " + " ".join("#" + t for t in tags)).strip(),
                           "hashtags": list(tags), "links": list(links), "mentions": []})
        return pid

    def trending(self, day):
        r = np.random.default_rng(1000 + day)
        return [f"Trend{x}" for x in r.integers(0, 60, 6)]

    def organic_population(self, n, days=14, rate=(3, 40)):
        """n citizens, each posting its own varied texts at its own pace (Zipf-like activity)."""
        accs = [f"c{i}" for i in range(n)]
        act = np.clip(self.rng.pareto(1.2, n) * rate[0] + 1, 1, rate[1] * 4).astype(int)
        for a, k in zip(accs, act):
            self.accounts[a] = "citizen"
            lean = self.rng.choice(list(CAND_TAGS))
            for _ in range(k):
                d = int(self.rng.integers(0, days))
                ts = d * DAY + self.rng.uniform(6, 24) * 3600
                tags = []
                if self.rng.random() < 0.35:
                    tags.append(self.rng.choice(CAND_TAGS[lean]))
                if self.rng.random() < 0.25:
                    tags.append(self.rng.choice(self.trending(d)))
                links = [f"https://news{self.rng.integers(0, 30)}.id/read?post={self.rng.integers(0, 400)}"] \
                    if self.rng.random() < 0.1 else []
                self.post(a, ts, self.sentence(cand=lean if self.rng.random() < 0.4 else None), tags,
                          links=links)
        return accs

    def replies_into_popular(self, accs, n_threads=40, days=14):
        """Ordinary conversation: popular posts get replies from many accounts over hours."""
        for _ in range(n_threads):
            host = self.rng.choice(accs)
            d = int(self.rng.integers(0, days))
            t = d * DAY + self.rng.uniform(8, 20) * 3600
            root = self.post(host, t, self.sentence())
            for a in self.rng.choice(accs, int(self.rng.integers(10, 80)), replace=False):
                self.post(a, t + self.rng.exponential(3 * 3600), self.sentence(4, 14), kind="reply", parent=root)
        return

    def copypasta(self, accs, n=12, days=14):
        """Ordinary people copying a viral text (a joke, a prayer, a rumour) over a day or two."""
        for _ in range(n):
            text = self.sentence(14, 24)
            t = self.rng.uniform(0, days - 2) * DAY
            for a in self.rng.choice(accs, int(self.rng.integers(15, 60)), replace=False):
                extra = " ".join(self.rng.choice(EMOJI, int(self.rng.integers(0, 2))))
                self.post(a, t + self.rng.exponential(10 * 3600), (text + " " + extra).strip())

    def bursts(self, accs, n=6, size=120, days=14):
        """Organic trending bursts: many accounts, one hashtag, different texts, 15 minutes."""
        for i in range(n):
            t = int(self.rng.integers(0, days)) * DAY + self.rng.uniform(9, 22) * 3600
            tag = f"Viral{i}"
            for a in self.rng.choice(accs, size, replace=False):
                self.post(a, t + self.rng.uniform(0, 900), self.sentence(5, 16), [tag])

    def chants(self, n_events=5, size=250, pool=330, days=14):
        """Supporters chanting the same slogan together at rallies and debates."""
        crowd = [f"s{i}" for i in range(pool)]
        for a in crowd:
            self.accounts[a] = "chant"
            for _ in range(int(self.rng.integers(4, 30))):      # their own varied posts
                d = int(self.rng.integers(0, days))
                tags = [self.rng.choice(CAND_TAGS["rudy"])] if self.rng.random() < 0.4 else []
                self.post(a, d * DAY + self.rng.uniform(6, 24) * 3600, self.sentence(cand="rudy"), tags)
        slogans = ["rudy seno menang satu putaran kaltim maju", "pilih nomor satu rudy seno untuk kaltim"]
        for i in range(n_events):
            t = (1 + 2 * i) * DAY + 20 * 3600
            for a in self.rng.choice(crowd, size, replace=False):
                self.post(a, t + self.rng.uniform(0, 300), slogans[i % 2], ["DebatPilkadaKaltim"])

    def network(self, nid, size, waves=(10, 20), spread=(300, 2400), paraphrase=True, days=14,
                hijack=1 / 3, reply_share=0.3, ordinary=(2, 6), copy_link=False, platform=None):
        members = [f"b{nid}_{i}" for i in range(size)]
        cand = self.rng.choice(["rudy", "isran"])
        tags = [CAND_TAGS[cand][0], f"{cand.capitalize()}Bangkit{nid}"][:1 + int(self.rng.random() < 0.7)]
        link = f"https://s.id/k{nid}x{self.rng.integers(1000, 9999)}"
        for m in members:
            self.accounts[m] = "buzzer"
            self.truth.add(m)
            for _ in range(int(self.rng.integers(*ordinary))):   # a few ordinary-looking posts
                d = int(self.rng.integers(0, days))
                self.post(m, d * DAY + self.rng.uniform(6, 24) * 3600, self.sentence(), platform=platform)
        n_waves = int(self.rng.integers(*waves))
        days_of = np.sort(self.rng.uniform(0, days, n_waves))
        for d in days_of:
            t = np.floor(d) * DAY + self.rng.uniform(7, 22) * 3600
            sp = self.rng.uniform(*spread)
            texts = [self.sentence(10, 20, cand=cand) for _ in range(3 if paraphrase else 1)]
            conv = None
            if self.rng.random() < reply_share:
                conv = self.post(f"host{nid}_{int(d)}", t - 600, self.sentence(), platform=platform)
                self.accounts.setdefault(f"host{nid}_{int(d)}", "citizen")
            for m in members:
                if self.rng.random() > self.rng.uniform(0.6, 0.95):
                    continue
                base = texts[int(self.rng.integers(len(texts)))]
                own = " ".join(self.rng.choice(EMOJI, int(self.rng.integers(0, 3))))
                text = (base + " " + own).strip() if self.rng.random() < 0.5 else (own + " " + base).strip()
                tg = list(tags)
                if self.rng.random() < hijack:
                    tg += list(self.rng.choice(self.trending(int(d)), int(self.rng.integers(1, 3)), replace=False))
                ts = t + self.rng.uniform(0, sp)
                self.post(m, ts, text, tg, kind="reply" if conv else "post", parent=conv,
                          links=[link] if copy_link and self.rng.random() < 0.6 else [], platform=platform)
        return members

    def frame(self, metadata: bool):
        posts = pd.DataFrame(self.posts)
        posts["media_type"] = "text"
        acc = pd.DataFrame({"platform": self.platform, "account_id": list(self.accounts)})
        if posts["platform"].nunique() > 1:
            acc = posts[["platform", "account_id"]].drop_duplicates()
        acc["handle"] = acc["account_id"]
        if metadata:
            r = self.rng
            buzz = acc["account_id"].isin(self.truth).to_numpy()
            n = len(acc)
            # buzzers: 55 % fresh with few followers, the rest bought / hijacked old accounts;
            # citizens: a quarter made recently, follower counts heavy-tailed
            new = np.where(buzz, r.random(n) < 0.55, r.random(n) < 0.25)
            age = np.where(new, r.uniform(5, 80, n), r.uniform(200, 3000, n))
            acc["created_at"] = T0 - pd.to_timedelta(age, unit="D")
            fol = np.where(buzz & new, r.integers(0, 150, n), r.lognormal(5.5, 1.6, n)).astype(int)
            acc["followers"] = fol
        return posts, acc


def build(name: str, seed: int = 1, metadata: bool = False):
    """(posts, accounts, truth set) of one evaluation world."""
    if name == "easy":
        w = _World(seed)
        pop = w.organic_population(2500)
        w.replies_into_popular(pop)
        w.bursts(pop, n=4)
        for i in range(6):
            w.network(i, int(w.rng.integers(12, 40)), spread=(5, 60), paraphrase=False, hijack=0.0,
                      reply_share=0.1, copy_link=True)
    elif name in ("hard", "organic"):
        w = _World(seed)
        pop = w.organic_population(3000)
        w.replies_into_popular(pop)
        w.bursts(pop, n=6)
        w.copypasta(pop)
        w.chants()
        if name == "hard":
            for i in range(6):
                slow = i % 3 == 2
                w.network(i, int(w.rng.integers(12, 41)), spread=(3600, 10800) if slow else (300, 2400))
    elif name == "cocomment":
        w = _cocomment(seed)
    elif name == "forward":
        w = _forward(seed)
    else:
        raise ValueError(f"unknown world {name!r}")
    posts, acc = w.frame(metadata)
    return posts, acc, w.truth


def _cocomment(seed: int) -> _World:
    w = _World(seed, platform="youtube")
    plats = ["youtube", "tiktok", "instagram"]
    videos = []
    for i in range(400):
        p = plats[i % 3]
        ch = f"ch{i % 40}"
        w.accounts[ch] = "citizen"
        t = w.rng.uniform(0, 14) * DAY
        vid = w.post(ch, t, w.sentence(), platform=p)
        videos.append((p, vid, t, 1 / (1 + i % 97) ** 0.8))
    pop = np.array([v[3] for v in videos])
    pop = pop / pop.sum()
    commenters = [f"c{i}" for i in range(4000)]
    for a in commenters:
        w.accounts[a] = "citizen"
        for _ in range(int(np.clip(w.rng.pareto(1.3) * 2 + 1, 1, 60))):
            p, vid, t, _ = videos[int(w.rng.choice(len(videos), p=pop))]
            w.post(a, t + w.rng.exponential(8 * 3600), w.sentence(3, 14), kind="comment", parent=vid, platform=p)
    for nid in range(6):
        members = [f"b{nid}_{i}" for i in range(int(w.rng.integers(12, 40)))]
        p = plats[nid % 3]
        targets = [v for v in videos if v[0] == p]
        chosen = w.rng.choice(len(targets), int(w.rng.integers(10, 20)), replace=False)
        texts = [w.sentence(6, 14, cand="rudy") for _ in range(6)]
        for m in members:
            w.accounts[m] = "buzzer"
            w.truth.add(m)
        for c in chosen:
            _, vid, t, _ = targets[c]
            start = t + w.rng.uniform(600, 2 * DAY)
            spread = w.rng.uniform(300, 3600)
            for m in members:
                if w.rng.random() < 0.8:
                    text = texts[int(w.rng.integers(len(texts)))] if w.rng.random() < 0.5 else w.sentence(4, 12, "rudy")
                    w.post(m, start + w.rng.uniform(0, spread), text + " " + w.rng.choice(EMOJI), kind="comment",
                           parent=vid, platform=p)
    return w


def _forward(seed: int) -> _World:
    w = _World(seed, platform="whatsapp")
    groups = [(("whatsapp", "telegram")[g % 2], f"grp{g}") for g in range(120)]
    members = {g: [f"m{x}" for x in w.rng.choice(3000, int(w.rng.integers(20, 120)), replace=False)] for g in groups}
    for g, ms in members.items():
        for a in ms:
            w.accounts.setdefault(a, "citizen")
            for _ in range(int(w.rng.integers(1, 8))):
                w.post(a, w.rng.uniform(0, 14) * DAY, w.sentence(3, 20), kind="post", parent=g[1], platform=g[0])
    # viral messages forwarded by ordinary members over hours and days
    for v in range(30):
        text = w.sentence(15, 30)
        t = w.rng.uniform(0, 12) * DAY
        for g in w.rng.choice(len(groups), int(w.rng.integers(5, 40)), replace=False):
            pl, gid = groups[g]
            a = w.rng.choice(members[groups[g]])
            w.post(a, t + w.rng.exponential(10 * 3600), "Diteruskan: " + text, parent=gid, platform=pl)
    # networks: each member forwards the day's message into several groups within minutes
    for nid in range(5):
        ms = [f"b{nid}_{i}" for i in range(int(w.rng.integers(12, 30)))]
        for m in ms:
            w.accounts[m] = "buzzer"
            w.truth.add(m)
        for _ in range(int(w.rng.integers(8, 16))):
            text = w.sentence(15, 30, cand="isran")
            t = w.rng.uniform(0, 14) * DAY
            for m in ms:
                if w.rng.random() < 0.75:
                    for g in w.rng.choice(len(groups), int(w.rng.integers(2, 6)), replace=False):
                        pl, gid = groups[g]
                        w.post(m, t + w.rng.uniform(0, 1800), text, parent=gid, platform=pl)
    return w
