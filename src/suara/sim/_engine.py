"""The campaign timeline: day by day, events are planned, sorted and streamed to export files.

Memory stays bounded: one day's compact event tuples, per-account state, a bounded cache of
recent X posts (for retweets/replies) and a bounded reservoir of posts re-exported in the
final "snapshot" files. Everything is drawn from generators seeded by ``seed``.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from collections import OrderedDict, defaultdict, deque
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from suara.config import load_election
from suara.config.election import Election
from suara.sim import _formats as F
from suara.sim._text import TextMaker
from suara.sim._world import PLATFORMS, Network, build_world, region_weights, support_shares

__all__ = ["SCALES", "VARIANTS", "run"]

#: items (posts + comments), citizens over all platforms, official accounts per pair per platform,
#: buzzer networks, network size range, live sessions
SCALES = {
    "small": dict(items=20_000, citizens=2_400, official=4, networks=4, size=(10, 24), lives=4, posts=0.28),
    "medium": dict(items=500_000, citizens=40_000, official=12, networks=10, size=(25, 120), lives=16, posts=0.35),
    "large": dict(items=5_000_000, citizens=150_000, official=20, networks=20, size=(40, 300), lives=40, posts=0.35),
}
VARIANTS = ("plain", "jitter", "paraphrase", "mixed", "slow", "organic", "calm", "hard", "chants")
#: variants with authentic crowds chanting one slogan together on debate nights
_CHANT_VARIANTS = ("hard", "chants")
#: unrelated tags trending on a given day (hijacked by networks in the "hard" variant)
_TRENDING = ("TimnasIndonesia", "KonserAkbar", "HariBatik", "BeritaViral", "JumatBerkah", "InfoBMKG",
             "LiburPanjang", "PialaAFF", "KopiPagi", "DramaKorea", "HargaBBM", "MudikAman")

_HOUR_W = [0.6, 0.35, 0.2, 0.15, 0.25, 0.6, 1.1, 1.5, 1.4, 1.2, 1.2, 1.3, 1.6, 1.5, 1.2, 1.1, 1.2, 1.4, 1.6, 2.0,
           2.2, 2.1, 1.7, 1.1]
_POST_SHARE = {"instagram": 0.34, "facebook": 0.10, "tiktok": 0.26, "x": 0.30}
_COMMENT_MEAN = {"citizen": 0.45, "city": 3.0, "media": 3.0, "influencer": 4.0, "public": 3.5, "official": 4.5,
                 "buzzer": 0.3}
_TZ_ABBR = {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Jayapura": "WIT", "Asia/Pontianak": "WIB"}


def _scale(scale) -> dict:
    if isinstance(scale, (int, float)) or (isinstance(scale, str) and scale.isdigit()):
        n = int(scale)
        f = n / 20_000
        # below ~20k items the fixed parts (institutional accounts, events) weigh more: fewer organic posts
        return dict(items=n, citizens=max(300, int(2_400 * f ** 0.8)), official=3, networks=max(2, min(20, int(4 * f ** 0.3))),
                    size=(max(6, int(10 * f ** 0.3)), max(10, int(24 * f ** 0.4))), lives=max(2, int(4 * f ** 0.5)),
                    posts=0.28 * min(1.0, f) ** 0.35 if f < 1 else 0.35)
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {sorted(SCALES)} or a number of items")
    return SCALES[scale]


class _Sim:
    def __init__(self, out: Path, seed: int, scale, election: Election, variant: str, progress):
        self.out, self.seed, self.variant, self.progress = out, seed, variant, progress
        self.e = election
        self.cfg = _scale(scale)
        self.scale_name = scale if isinstance(scale, str) else str(scale)
        self.r = random.Random(seed)
        self.g = np.random.default_rng(seed)
        self.tm = TextMaker(election, random.Random(seed + 1))
        zone = ZoneInfo(election.timezone)
        self.tzh = zone.utcoffset(dt.datetime.combine(election.dates.vote_day, dt.time(12))).total_seconds() / 3600
        self.tz_abbr = _TZ_ABBR.get(election.timezone, "UTC")
        if self.tz_abbr == "UTC":
            self.tzh = 0.0
        d = election.dates
        self.day0 = d.campaign_start - dt.timedelta(days=5)
        self.ndays = (d.vote_day - self.day0).days + 3
        self.gz = self.cfg["items"] > 60_000
        self._seq = 0
        self.items = 0
        self._since_progress = 0
        self.files: list[str] = []
        self.counts = defaultdict(int)
        self.crisis_hours: dict[str, dict] = defaultdict(lambda: defaultdict(int))
        self.x_cache: OrderedDict = OrderedDict()
        self.targets = {p: defaultdict(lambda: deque(maxlen=40)) for p in PLATFORMS}
        self.snap = {"instagram": [], "x": []}
        self.snap_seen = {"instagram": 0, "x": 0}
        self.snap_cap = min(3000, max(200, self.cfg["items"] // 40))

    # --- time helpers ---
    def day_start(self, d: int) -> float:
        day = self.day0 + dt.timedelta(days=d)
        return dt.datetime.combine(day, dt.time(), dt.timezone.utc).timestamp() - self.tzh * 3600

    def local_date(self, ts: float) -> dt.date:
        return (dt.datetime.fromtimestamp(ts, dt.timezone.utc) + dt.timedelta(hours=self.tzh)).date()

    def at(self, d: int, hour: float) -> float:
        return self.day_start(d) + hour * 3600

    def rand_time(self, d: int) -> float:
        h = self.r.choices(range(24), weights=_HOUR_W)[0]
        return self.day_start(d) + h * 3600 + self.r.random() * 3600

    def day_index(self, date: dt.date) -> int:
        return (date - self.day0).days

    def week(self, d: int) -> int:
        return d // 7

    def next_id(self) -> int:
        self._seq += 1
        return self._seq

    # --- planning ---
    def plan(self) -> None:
        e, r, cfg = self.e, self.r, self.cfg
        dts = e.dates
        self.debate_days = {self.day_index(db.date): i + 1 for i, db in enumerate(dts.debates)}
        w = []
        for d in range(self.ndays):
            date = self.day0 + dt.timedelta(days=d)
            x = 0.5 + 1.0 * d / self.ndays
            if date < dts.campaign_start:
                x *= 0.6
            if d in self.debate_days:
                x *= 2.6
            if d - 1 in self.debate_days:
                x *= 1.6
            if dts.quiet_start <= date <= dts.quiet_end:
                x *= 0.7
            if date == dts.vote_day:
                x *= 2.3
            if date > dts.vote_day:
                x *= 1.4
            w.append(x)
        self.day_w = np.array(w) / sum(w)
        ballots = e.ballots
        shares = support_shares(e)
        rw = region_weights(e)
        totals = {b: sum(s[b] * float(wt) for s, wt in zip(shares, rw)) for b in ballots} if shares else \
            {b: 1 / len(ballots) for b in ballots}
        self.leader = max(ballots, key=lambda b: totals[b])
        nets: list[Network] = []
        if self.variant != "organic":
            for i in range(cfg["networks"]):
                works = ballots[(i // 2) % len(ballots)]
                rivals = [b for b in ballots if b != works] or [works]
                stance = "push" if i % 2 == 0 or len(ballots) == 1 else "attack"
                cand = works if stance == "push" else r.choice(rivals)
                plats = [("x",), ("instagram",), ("tiktok",), ("facebook",), ("x", "instagram")][i % 5]
                c = e.candidate(works)
                tag = (c.hashtags[0] if c.hashtags else c.short.replace("-", "")) if stance == "push" else \
                    r.choice(["SelamatkanKaltim", "JanganPilihDia", "TolakLupa", "AsalBukan", "CukupSudah"]).replace(
                        "Kaltim", e.id.split("-")[0].capitalize())
                tags = [tag] + r.sample(c.hashtags, k=min(1, len(c.hashtags))) if stance == "push" else \
                    [tag, f"Pilkada{e.id.split('-')[0].capitalize()}"]
                size = r.randint(*cfg["size"])
                link = f"https://{r.choice(['bit.ly', 'tinyurl.com', 's.id'])}/{r.choice('abcdefghkmnpqrstuvwxyz')}" \
                       f"{r.randint(1000, 99999)}"
                nets.append(Network(i + 1, plats, cand, stance, works, size, tags, link))
        self.networks = nets
        self.world = build_world(e, self.g, cfg["citizens"], cfg["official"], nets, self.tzh, self.seed)
        self.acc = self.world.accounts
        self._weights()
        self._plan_specials()

    def _weights(self) -> None:
        mixed = self.variant in ("mixed", "hard")   # buzzers also post ordinary-looking posts
        self.poster_w, self.commenter_w, self.by_type = {}, {}, {}
        for p, accs in self.acc.items():
            pw = np.array([a.activity if (a.type != "buzzer" or mixed) and (p != "facebook" or a.type != "citizen")
                           else 0.0 for a in accs])
            cw = np.array([a.activity if a.type in ("citizen", "influencer") or (mixed and a.type == "buzzer") else 0.0
                           for a in accs])
            self.poster_w[p] = pw / pw.sum()
            self.commenter_w[p] = cw / cw.sum()
            bt = defaultdict(list)
            for i, a in enumerate(accs):
                bt[a.type].append(i)
                if a.type == "citizen" and a.support:
                    bt["sup:" + a.support].append(i)
                if a.type == "citizen" and a.followers < 400:
                    bt["small"].append(i)   # low-reach accounts: where hoaxes start
                if a.type == "official":
                    bt["off:" + a.support].append(i)
            self.by_type[p] = bt
        self._pool = {p: deque() for p in PLATFORMS}

    def commenter(self, p: str) -> int:
        pool = self._pool[p]
        if not pool:
            pool.extend(self.g.choice(len(self.commenter_w[p]), size=4096, p=self.commenter_w[p]).tolist())
        return pool.popleft()

    def _plan_specials(self) -> None:
        """Crises, hoax, hashtag drives and live sessions with known onsets (ground truth)."""
        e, r, N = self.e, self.r, self.cfg["items"]
        dts = e.dates
        camp0, camp1 = self.day_index(dts.campaign_start), self.day_index(dts.campaign_end)
        self.special = defaultdict(list)   # day -> [(ts, kind, payload)]
        self.crises = []
        ballots = e.ballots
        issues = [i.id for i in e.issues] or [None]
        if self.variant in _CHANT_VARIANTS:
            # genuine supporters chanting the same slogan together on debate nights
            for dd in sorted(self.debate_days):
                for b in ballots:
                    self._add(self.at(dd, 20 + r.random()), "chant", (b,))
        if self.variant != "calm":
            # injected hoax against the leading pair
            hd = camp0 + int((camp1 - camp0) * 0.55)
            t0 = self.at(hd, 9 + r.random() * 2)
            target = self.leader
            iss = r.choice(issues)
            link = f"https://{r.choice(['berita-terkini', 'info-fakta', 'kabar-viral'])}.blogspot.com/{r.randint(100, 999)}"
            claim, msg = self.tm.hoax_claim(target, iss, link)
            self.hoax = dict(id="hoax-1", target=target, issue=iss, claim=claim, msg=msg, link=link, onset=t0)
            self.crises.append(dict(crisis_id="hoax-1", kind="hoax", candidate=target, issue=iss, onset=t0))
            for k, dtm in enumerate((0, 1200, 2700)):
                self._add(t0 + dtm, "hoax_origin", (("x", "x", "tiktok")[k],))
            n_share = max(30, int(N * 0.012))
            for _ in range(n_share):
                self._add(t0 + 1800 + r.gammavariate(2.0, 5.0) * 3600, "hoax_share",
                          (r.choices(("x", "tiktok", "instagram"), weights=(5, 2, 2))[0],))
            for _ in range(r.randint(2, 4)):
                self._add(t0 + r.uniform(20, 40) * 3600, "debunk", (r.choice(PLATFORMS),))
            # a network attacking the target amplifies it within seconds
            for net in self.networks:
                if net.stance == "attack" and net.candidate == target:
                    for lag in (1.5, 3.0):
                        self._add(t0 + lag * 3600, "net_op", (net.id, "hoax"))
            # negative crisis on an issue about the other pair
            cd = camp0 + int((camp1 - camp0) * 0.78)
            t1 = self.at(cd, 7 + r.random() * 3)
            victim = r.choice([b for b in ballots if b != target] or ballots)
            iss = r.choice(issues)
            self.crises.append(dict(crisis_id="crisis-1", kind="negative_crisis", candidate=victim, issue=iss, onset=t1))
            for _ in range(max(40, int(N * 0.015))):
                self._add(t1 + r.gammavariate(1.5, 9.0) * 3600, "crisis",
                          ("crisis-1", victim, iss, r.choices(("x", "tiktok", "instagram"), weights=(5, 3, 3))[0]))
            # black campaign against the rival of the leader: an attack network's smear burst
            # echoed by opponents
            bd = camp0 + int((camp1 - camp0) * 0.35)
            t3 = self.at(bd, 18 + r.random() * 2)
            smeared = next((n.candidate for n in self.networks if n.stance == "attack" and n.candidate != target),
                           victim)
            self.crises.append(dict(crisis_id="black-1", kind="black_campaign", candidate=smeared, issue=None,
                                    onset=t3))
            for net in self.networks:
                if net.stance == "attack" and net.candidate == smeared:
                    for lag in (0.0, 2.0, 20.0, 26.0):
                        self._add(t3 + lag * 3600, "net_op", (net.id, "black"))
            for _ in range(max(20, int(N * 0.004))):
                self._add(t3 + r.gammavariate(1.3, 8.0) * 3600, "black",
                          ("black-1", smeared, r.choices(("x", "tiktok", "instagram"), weights=(5, 3, 3))[0]))
            # positive surge for the leader after the last debate
            if dts.debates:
                ld = self.day_index(dts.debates[-1].date)
                t2 = self.at(ld, 21.5)
                self.crises.append(dict(crisis_id="surge-1", kind="positive_surge", candidate=self.leader, issue=None,
                                        onset=t2))
                for _ in range(max(30, int(N * 0.008))):
                    self._add(t2 + r.gammavariate(1.2, 5.0) * 3600, "surge",
                              ("surge-1", self.leader, r.choices(("x", "tiktok", "instagram"), weights=(5, 3, 3))[0]))
        else:
            self.hoax = None
        # hashtag drives (calls to action): two per pair
        self.drives = []
        for c in e.candidates:
            for k in range(2):
                dd = r.randint(camp0 + 5, camp1 - 2)
                base = (c.hashtags[0] if c.hashtags else c.short.replace("-", "").replace(" ", ""))
                tag = base + r.choice(["Menang", "Pasti", "Jilid2", "Bersatu", "Satu", "Hebat"]) + ("" if k == 0 else "Lagi")
                ann = self.at(dd, 10 + r.random() * 2)
                start = self.at(dd, 20)
                did = f"drive-{c.ballot}-{k + 1}"
                self.drives.append(dict(drive_id=did, candidate=c.ballot, hashtag=tag, announce=ann, start=start))
                for p in ("x", "instagram"):
                    self._add(ann + r.random() * 600, "call", (did, c.ballot, tag, p))
                for _ in range(max(20, int(N * 0.005))):
                    self._add(start + r.expovariate(1 / 1500), "drive",
                              (did, c.ballot, tag, r.choices(("x", "instagram", "tiktok"), weights=(6, 2, 2))[0]))
        # live sessions on Facebook official pages
        self.lives = []
        for k in range(self.cfg["lives"]):
            b = ballots[k % len(ballots)]
            offs = self.by_type["facebook"].get("off:" + b)
            if not offs:
                continue
            dd = r.randint(camp0 + 3, camp1)
            if k == 0 and self.debate_days:
                dd = min(self.debate_days)   # a live on the first debate night
            t = self.at(dd, r.choice([15.5, 16, 19, 19.5, 20]))
            self._add(t, "live", (b, offs[0], r.randint(30, 90) * 60))
        # official posts during the quiet period and paid posts outside the paid window
        q0, q1 = self.day_index(dts.quiet_start), self.day_index(dts.quiet_end)
        for c in e.candidates:
            for p in ("instagram", "facebook", "tiktok"):
                offs = self.by_type[p].get("off:" + c.ballot)
                if not offs:
                    continue
                self._add(self.at(r.randint(q0, q1), 8 + r.random() * 12), "official", (p, offs[-1], "quiet"))
                if dts.paid_ads_start:
                    pd = self.day_index(dts.paid_ads_start) - r.randint(3, 20)
                    self._add(self.at(max(camp0, pd), 9 + r.random() * 10), "official", (p, offs[0], "paid_outside"))

    def _add(self, ts: float, kind: str, payload: tuple) -> None:
        d = int((ts - self.day_start(0)) // 86400)
        if 0 <= d < self.ndays:
            self.special[d].append((ts, kind, payload))

    # --- output plumbing ---
    def open(self, rel: str) -> F.Out:
        gz = self.gz or rel.endswith((".ndjson", ".jsonl"))
        rel = rel + (".gz" if gz else "")
        o = F.Out(self.out / rel, gz)
        o.rel = rel
        self.files.append(rel)
        return o

    def _open_week(self, wk: int) -> None:
        lbl = (self.day0 + dt.timedelta(days=wk * 7)).isoformat()
        self.cur = {
            "ig": self.open(f"instagram/zeeschuimer-instagram-{lbl}.ndjson"),
            "igc": self.open(f"instagram/graph-comments-{lbl}.json"),
            "tt": self.open(f"tiktok/zeeschuimer-tiktok-{lbl}.ndjson"),
            "ttc": self.open(f"tiktok/research-comments-{lbl}.json"),
            "fb": self.open(f"facebook/crowdtangle-{lbl}.csv"),
            "fbc": self.open(f"facebook/graph-comments-{lbl}.json"),
            "x": self.open(f"x/twarc2-{lbl}.jsonl"),
        }
        self.cur["fb"].write(F.ct_header_bytes())
        for k in ("igc", "fbc"):
            self.cur[k].write(b'{"data":[')
        self.cur["ttc"].write(b'{"data":{"comments":[')
        self.x_page, self.x_users, self.x_incl = [], {}, {}
        self.collected = self.day_start(min(self.ndays, (wk + 1) * 7)) + 86400 + 3600 * 3
        self.nav = 0

    def _close_week(self) -> None:
        self._flush_x()
        c = self.cur
        c["igc"].write(b'],"paging":{"cursors":{"before":"QVFIUmJ","after":"QVFIUmx"}}}')
        c["fbc"].write(b'],"paging":{"cursors":{"before":"MTAxNT","after":"MTAxNj"}},'
                       b'"summary":{"order":"chronological","total_count":' + str(c["fbc"].n).encode() +
                       b',"can_comment":true}}')
        c["ttc"].write(b'],"has_more":false,"cursor":' + str(c["ttc"].n).encode() +
                       b'},"error":{"code":"ok","message":"","log_id":"20241201000000' +
                       str(self.r.randint(10**11, 10**12)).encode() + b'"}}')
        for o in c.values():
            o.close()
            if o.n == 0 and o.rel in self.files:   # no empty exports (an empty page is not a real file)
                o.path.unlink()
                self.files.remove(o.rel)

    def _json_item(self, key: str, obj: dict) -> None:
        o = self.cur[key]
        if o.n:
            o.write(b",")
        o.write(F.dumps(obj))
        o.n += 1

    def _flush_x(self, final_page: bool = True) -> None:
        if not self.x_page:
            return
        ids = [t["id"] for t in self.x_page]
        page = {"data": self.x_page,
                "includes": {"users": list(self.x_users.values()),
                             **({"tweets": list(self.x_incl.values())} if self.x_incl else {})},
                "meta": {"newest_id": max(ids, key=int), "oldest_id": min(ids, key=int),
                         "result_count": len(self.x_page), "next_token": f"b26v89c19zqg8o3f{self.r.randint(10**9, 10**10)}"},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2C"
                                   "referenced_tweets.id&max_results=100",
                            "version": "2.14.0", "retrieved_at": F.iso_z(self.collected).replace(".000Z", "+00:00")}}
        self.cur["x"].write(F.dumps(page) + b"\n")
        self.cur["x"].n += 1
        self.x_page, self.x_users, self.x_incl = [], {}, {}

    def _label(self, platform: str, pid: str, kind: str, acc, stance: dict, issue, crisis="", network="",
               drive="", paid=False, violation="") -> None:
        cands = ";".join(sorted(stance))
        st = ";".join(f"{b}:{s}" for b, s in sorted(stance.items()))
        self.labels.writerow([platform, pid, kind, _gt_id(acc) if acc else "", cands, st, issue or "", crisis, network,
                              drive, int(bool(paid)), violation])
        self.counts[f"{platform}:{kind}"] += 1
        if acc is not None and not (platform == "tiktok" and kind != "post"):   # TikTok comments are anonymous
            acc.items += 1
        self.items += 1
        self._since_progress += 1
        if self._since_progress >= 1000 and self.progress:
            self.progress(self._since_progress)
            self._since_progress = 0
        if crisis:
            h = int(self._ts_for_label // 3600) * 3600
            self.crisis_hours[crisis][h] += 1

    # --- metrics ---
    def final_metrics(self, acc, media: str, boost: float = 1.0) -> dict:
        g = self.g
        v = float(g.lognormal(0.0, 0.9)) * boost
        likes = int(0.05 * (acc.followers + 20) ** 0.9 * v) + int(g.poisson(1.5))
        video = media in ("video", "reel", "live")
        return {"likes": likes, "comments": int(likes * g.uniform(0.01, 0.05)),
                "shares": int(likes * g.uniform(0.02, 0.15)), "saves": int(likes * g.uniform(0.01, 0.06)),
                "views": int(likes * g.uniform(12, 40)) if video else int(likes * g.uniform(6, 15)),
                "quotes": int(likes * g.uniform(0.0, 0.02))}

    @staticmethod
    def grown(m: dict, age_s: float, written: int, tau: float = 86400.0) -> dict:
        f = 1 - math.exp(-max(age_s, 0) / tau)
        out = {k: int(v * f) for k, v in m.items()}
        out["comments"] = written + out["comments"]
        return out

    # --- the day loop ---
    def run(self) -> dict:
        self.out.mkdir(parents=True, exist_ok=True)
        gt = self.out / "ground_truth"
        gt.mkdir(exist_ok=True)
        self._clear_previous(gt)
        self.plan()
        lab_f = open(gt / "post_labels.csv", "w", newline="", encoding="utf-8")
        self.labels = csv.writer(lab_f, lineterminator="\n")
        self.labels.writerow(["platform", "post_id", "kind", "account_id", "candidates", "stance", "issue",
                              "crisis_id", "network_id", "drive_id", "is_paid", "violation"])
        self._ts_for_label = 0.0
        # organic posts; the rest of the items are comments, network, crisis and drive posts.
        # The share is calibrated per scale (bench/simulate.py) so totals land near the target.
        n_posts = self.cfg["items"] * self.cfg.get("posts", 0.30)
        cur_week = None
        for d in range(self.ndays):
            wk = self.week(d)
            if wk != cur_week:
                if cur_week is not None:
                    self._close_week()
                self._open_week(wk)
                cur_week = wk
            events = []
            for p in PLATFORMS:
                n = int(self.g.poisson(n_posts * _POST_SHARE[p] * self.day_w[d]))
                authors = self.g.choice(len(self.poster_w[p]), size=n, p=self.poster_w[p]) if n else []
                for a in authors:
                    events.append((self.rand_time(d), self.next_id(), "organic", (p, int(a))))
            events.extend((ts, self.next_id(), k, pl) for ts, k, pl in self.special.pop(d, []))
            events.extend(self._network_ops(d))
            events.extend(self._share_waves(d))
            events.sort(key=lambda ev: (ev[0], ev[1]))
            for ev in events:
                self._dispatch(d, *ev)
        self._close_week()
        self._write_snapshots()
        lab_f.close()
        if self.progress and self._since_progress:
            self.progress(self._since_progress)
        return self._ground_truth(gt)

    _PREFIXES = ("zeeschuimer-", "graph-comments-", "research-comments-", "crowdtangle-", "twarc2-")
    _GT_FILES = ("accounts.csv", "networks.csv", "crises.csv", "support.csv", "post_labels.csv", "drives.csv",
                 "live_sessions.csv", "hoaxes.csv", "manifest.json")

    def _clear_previous(self, gt: Path) -> None:
        """Remove the files an earlier simulation wrote here (only ours), so no stale week lingers."""
        for p in PLATFORMS:
            d = self.out / p
            if d.is_dir():
                for f in d.iterdir():
                    if f.is_file() and f.name.startswith(self._PREFIXES):
                        f.unlink()
        for name in self._GT_FILES:
            (gt / name).unlink(missing_ok=True)

    def _network_ops(self, d: int) -> list:
        evs = []
        date = self.day0 + dt.timedelta(days=d)
        if date < self.e.dates.campaign_start - dt.timedelta(days=2):
            return evs
        for net in self.networks:
            lam = 0.55 * self.day_w[d] * self.ndays
            for _ in range(int(self.g.poisson(lam))):
                evs.append((self.rand_time(d), self.next_id(), "net_op", (net.id, "auto")))
        return evs

    def _share_waves(self, d: int) -> list:
        mult = 3 if self.variant == "organic" else 1
        lam = 0.5 * mult * self.day_w[d] * self.ndays * (self.cfg["items"] / 20_000) ** 0.5
        return [(self.rand_time(d), self.next_id(), "wave", ()) for _ in range(int(self.g.poisson(lam)))]

    def _dispatch(self, d: int, ts: float, seq: int, kind: str, pl: tuple) -> None:
        r, tm = self.r, self.tm
        self._ts_for_label = ts
        if kind == "organic":
            p, ai = pl
            self.organic(d, ts, p, ai)
        elif kind == "official":
            p, ai, why = pl
            a = self.acc[p][ai]
            text, st, iss = tm.official(a.support, None)
            paid = why == "paid_outside"
            self.emit(p, ts, ai, text, st, iss, media="photo", paid=paid,
                      violation="quiet_period" if why == "quiet" else "paid_outside_window")
        elif kind == "net_op":
            self.network_op(ts, *pl)
        elif kind == "wave":
            self.share_wave(ts)
        elif kind in ("hoax_origin", "hoax_share"):
            p = pl[0]
            ai = r.choice(self.by_type[p]["small"] or self.by_type[p]["citizen"])
            h = self.hoax
            text = h["msg"] if kind == "hoax_origin" else tm.hoax_share(h["msg"])
            self.emit(p, ts, ai, text, {h["target"]: "neg"}, h["issue"], media="video" if p == "tiktok" else "photo",
                      crisis="hoax-1", link=h["link"])
        elif kind == "debunk":
            p = pl[0]
            ai = r.choice(self.by_type[p]["media"])
            h = self.hoax
            self.emit(p, ts, ai, tm.debunk(h["claim"], "https://turnbackhoax.id/"), {h["target"]: "neu"}, h["issue"],
                      media="photo", crisis="hoax-1")
        elif kind == "crisis":
            cid, victim, iss, p = pl
            ai = self._author_not_supporting(p, victim)
            text, st, _ = tm.crisis(victim, iss, self.acc[p][ai].places)
            self.emit(p, ts, ai, text, st, iss, media="video" if p == "tiktok" else "photo", crisis=cid)
        elif kind == "black":
            cid, b, p = pl
            ai = self._author_not_supporting(p, b)
            text, st, iss = tm.black(b, self.acc[p][ai].places)
            self.emit(p, ts, ai, text, st, iss, media="video" if p == "tiktok" else "photo", crisis=cid)
        elif kind == "surge":
            cid, b, p = pl
            sup = self.by_type[p].get("sup:" + b) or self.by_type[p]["citizen"]
            ai = r.choice(sup)
            text, st, iss = tm.support(b, self.acc[p][ai].places)
            self.emit(p, ts, ai, text, st, iss, media="video" if p == "tiktok" else "photo", crisis=cid)
        elif kind == "call":
            did, b, tag, p = pl
            offs = self.by_type[p].get("off:" + b)
            if offs:
                text, st, _ = tm.call_to_action(b, tag, 20)
                self.emit(p, ts, offs[0], text, st, None, media="photo", drive=did, tags=[tag])
        elif kind == "drive":
            did, b, tag, p = pl
            sup = self.by_type[p].get("sup:" + b) or self.by_type[p]["citizen"]
            ai = r.choice(sup)
            text, st, _ = tm.drive_join(b, tag)
            self.emit(p, ts, ai, text, st, None, media="video" if p == "tiktok" else "photo", drive=did, tags=[tag],
                      n_comments=0)
        elif kind == "live":
            b, ai, dur = pl
            self.live(ts, b, ai, dur)
        elif kind == "chant":
            self.chant(ts, pl[0])

    def _author_not_supporting(self, p: str, b: str) -> int:
        cit = self.by_type[p]["citizen"]
        for _ in range(20):
            ai = cit[int(self.g.integers(len(cit)))]
            if self.acc[p][ai].support != b:
                return ai
        return ai

    # --- organic posts ---
    def organic(self, d: int, ts: float, p: str, ai: int) -> None:
        a = self.acc[p][ai]
        r, tm = self.r, self.tm
        places = a.places or None
        media = {"instagram": r.choice(["photo", "photo", "carousel", "reel"]), "tiktok": "video",
                 "facebook": r.choice(["photo", "photo", "video", "text"]), "x": "text"}[p]
        paid = False
        t = a.type
        if d in self.debate_days and t in ("citizen", "influencer", "buzzer") and r.random() < 0.45:
            ts = self.at(d, 19.5 + r.random() * 3.5)
            fav = a.support or r.choice(self.e.ballots)
            text, st, iss = tm.debate(fav, self.debate_days[d], places)
        elif t == "media":
            text, st, iss = tm.news(places, n=r.randint(1, max(1, len(self.e.dates.debates))))
            if r.random() < 0.6:   # news posts link to the article
                link = f"https://{a.handle.replace('.', '').replace('_', '')}.co.id/read/{r.randint(100000, 999999)}"
                self.emit(p, ts, ai, text, st, iss, media="link" if p == "facebook" else media, link=link)
                return
        elif t == "city":
            text, st, iss = tm.city(places) if r.random() < 0.7 else tm.news(places)
        elif t == "official":
            text, st, iss = tm.official(a.support, places)
            date = self.local_date(ts)
            dts = self.e.dates
            if dts.quiet_start <= date <= dts.vote_day:
                return   # official accounts stay silent in the quiet period (violations are planned)
            if dts.paid_ads_start and dts.paid_ads_start <= date <= dts.paid_ads_end and p != "x":
                paid = r.random() < 0.35
        else:
            text, st, iss = self._opinion(a, places)
        self.emit(p, ts, ai, text, st, iss, media=media, paid=paid)

    def _opinion(self, a, places):
        r, tm, e = self.r, self.tm, self.e
        x = r.random()
        if a.support:
            rivals = [b for b in e.ballots if b != a.support]
            if x < 0.45:
                return tm.support(a.support, places)
            if x < 0.62 and rivals:
                return tm.attack(r.choice(rivals), places)
            if x < 0.70 and rivals:
                return tm.compare(a.support, r.choice(rivals), places)
            if x < 0.80:
                return tm.neutral(places)
            return tm.issue_talk(places)
        if x < 0.35:
            return tm.neutral(places)
        if x < 0.82:
            return tm.issue_talk(places)
        return tm.attack(r.choice(e.ballots), places)

    # --- one post (+ its comments) on one platform ---
    def emit(self, p: str, ts: float, ai: int, text: str, stance: dict, issue, *, media="photo", paid=False,
             violation="", crisis="", network="", drive="", link=None, tags=None, n_comments=None,
             ref=None, boost=1.0) -> dict:
        a = self.acc[p][ai]
        r = self.r
        if link and link not in text:
            text = f"{text} {link}"
        if tags:
            for tg in tags:
                if "#" + tg not in text:
                    text += " #" + tg
        pk = self._post_id(p, ts)
        m = self.final_metrics(a, media, boost)
        post = {"pk": pk, "ts": ts, "text": text, "media": media, "paid": paid, "link": link,
                "dur": r.randint(8, 180) if media in ("video", "reel") else 0}
        if n_comments is None:
            n_comments = int(self.g.poisson(_COMMENT_MEAN.get(a.type, 1.0) * (1.6 if p == "facebook" else 1.0)))
        kind = "post"
        if p == "x" and ref:
            kind = {"retweeted": "share", "replied_to": "reply", "quoted": "post"}[ref[0]]
        pid = self._pid(p, pk)
        self._label(p, pid, kind, a, stance, issue, crisis, network, drive, paid, violation)
        comments = self._comments(p, ts, a, stance, n_comments, pk, author_ai=ai)
        written = len(comments)
        mm = self.grown(m, self.collected - ts, written)
        if p == "instagram":
            loc = None
            if a.places and r.random() < 0.3 and a.region >= 0:
                reg = self.e.regions[a.region]
                name = r.choice(a.places)
                loc = {"pk": str(F.hash_tag(name)), "short_name": name, "name": f"{name}, {reg.name}",
                       "city": reg.name, "lng": reg.lon, "lat": reg.lat, "has_viewer_saved": False}
            post["loc"] = loc
            self.nav += 1
            self.cur["ig"].write(F.dumps(F.ig_record(post, a, int(self.collected * 1000), mm, loc, self.nav)) + b"\n")
            self.cur["ig"].n += 1
            for c in comments:
                self._json_item("igc", F.ig_comment(c, self.acc[p][c["ai"]], pk))
            self._reserve("instagram", (post, ai, m, written))
            if a.type in ("official", "media", "influencer"):
                self.targets[p][a.support or "media"].append((pk, ai))
        elif p == "tiktok":
            self.nav += 1
            tgs = [w[1:].rstrip(".,!?") for w in text.split() if w.startswith("#") and len(w) > 1]
            self.cur["tt"].write(F.dumps(F.tt_record(post, a, int(self.collected * 1000), mm, self.nav, tgs)) + b"\n")
            self.cur["tt"].n += 1
            for c in comments:
                self._json_item("ttc", F.tt_comment(c, pk))
        elif p == "facebook":
            for k, v in zip(("love", "wow", "haha", "sad", "angry", "care"),
                            self.g.multinomial(max(1, mm["likes"] // 3),
                                               [0.45, 0.05, 0.2, 0.05, 0.15, 0.1] if "neg" not in stance.values()
                                               else [0.1, 0.1, 0.35, 0.1, 0.3, 0.05])):
                mm[k] = int(v)
            mm["over"] = float(self.g.lognormal(0, 0.6))
            sponsor = (a.uid, a.name) if paid else None
            self.cur["fb"].write(F.ct_row_bytes(F.ct_row(post, a, mm, self.tz_abbr, self.tzh, sponsor)))
            self.cur["fb"].n += 1
            for c in comments:
                self._json_item("fbc", F.fb_comment(c, self.acc[p][c["ai"]], a.uid, pk))
            if a.type in ("official", "media", "influencer", "city"):
                self.targets[p][a.support or "media"].append((pk, ai))
        else:
            t = {"pk": pk, "ts": ts, "text": text, "ref": ref, "link": link,
                 "tags": [w[1:].rstrip(".,!?") for w in text.split() if w.startswith("#") and len(w) > 1],
                 "conv": ref[2] if ref and ref[0] == "replied_to" else None,
                 "reply_to_user": ref[3] if ref and ref[0] == "replied_to" else None}
            if ref and ref[0] == "retweeted":
                mm = {k: 0 for k in mm}
                mm["shares"] = 0
            self._x_emit(t, a, mm)
            if not ref or ref[0] == "quoted":
                self.x_cache[pk] = (t, ai, m, stance)
                if len(self.x_cache) > 4000:
                    self.x_cache.popitem(last=False)
                self._reserve("x", (t, ai, m, written))
                if a.type in ("official", "media", "influencer"):
                    self.targets[p][a.support or "media"].append((pk, ai))
            for c in comments:
                ca = self.acc[p][c["ai"]]
                rt = {"pk": c["cid"], "ts": c["ts"], "text": c["text"], "ref": ("replied_to", pk),
                      "conv": t["conv"] or pk, "reply_to_user": a.uid, "tags": []}
                self._x_emit(rt, ca, {"likes": c["likes"], "comments": 0, "shares": 0, "saves": 0, "views": c["likes"] * 9})
        return post

    def _x_emit(self, t: dict, a, m: dict) -> None:
        tw = F.tweet(t, a, m)
        self.x_page.append(tw)
        self.x_users[a.uid] = F.x_user(a)
        if t.get("ref"):
            ref_id = t["ref"][1]
            cached = self.x_cache.get(ref_id)
            if cached:
                ot, oai, om, _ = cached
                oa = self.acc["x"][oai]
                self.x_incl[str(ref_id)] = F.tweet(ot, oa, self.grown(om, self.collected - ot["ts"], 0))
                self.x_users[oa.uid] = F.x_user(oa)
        if len(self.x_page) >= 100:
            self._flush_x()

    def _post_id(self, p: str, ts: float) -> int:
        r = self.r
        if p == "x":
            return ((int(ts * 1000) - 1288834974657) << 22) | r.getrandbits(22)
        if p == "tiktok":
            return (int(ts) << 32) | r.getrandbits(32)
        if p == "instagram":
            return ((int(ts * 1000) - 1314220021721) << 23) | r.getrandbits(23)
        return self._fb_id(ts)

    def _fb_id(self, ts: float) -> int:
        # a per-run counter in the low digits keeps ids unique even within one second
        self._fb_seq = getattr(self, "_fb_seq", 0) + 1
        return 10**15 + int(ts - 1.7e9) * 10**4 + self._fb_seq % 10**4

    @staticmethod
    def _pid(p: str, pk: int) -> str:
        return F.shortcode(pk) if p == "instagram" else str(pk)

    def _cid(self, p: str, ts: float) -> int:
        if p == "x":
            return self._post_id("x", ts)
        if p == "tiktok":
            return (int(ts) << 32) | self.r.getrandbits(32)
        if p == "instagram":
            return 17800000000000000 + self.r.getrandbits(46)
        return self._fb_id(ts)

    def _comment_pid(self, p: str, post_pk: int, cid: int) -> str:
        return str(cid)   # importers key Graph comments by the bare comment id

    def _comments(self, p: str, ts: float, author, stance: dict, n: int, post_pk: int, burst: tuple | None = None,
                  ballot: str | None = None, author_ai: int | None = None) -> list:
        out = []
        tm, r = self.tm, self.r
        horizon = self.collected - ts - 60
        for i in range(n):
            if burst:
                cts = burst[0] + min(burst[1], r.expovariate(3 / burst[1]))
            else:
                cts = ts + min(max(horizon, 120), r.expovariate(1 / 7200) + 30)
            ci = self.commenter(p)
            ca = self.acc[p][ci]
            if burst:
                text, st, iss = tm.live_comment(ballot, ca.places)
            else:
                text, st, iss = tm.comment(ca.support, stance, ca.places)
            cid = self._cid(p, cts)
            kind = "live_comment" if burst else "comment"
            c = {"cid": cid, "ts": cts, "text": text, "ai": ci, "likes": int(self.g.poisson(1.2)), "replies": 0}
            out.append(c)
            self._ts_for_label = cts
            self._label(p, self._comment_pid(p, post_pk, cid), kind if p != "x" else "reply", ca, st, iss)
            if not burst and r.random() < 0.18:
                ri = author_ai if (author_ai is not None and r.random() < 0.3) else self.commenter(p)
                ra = self.acc[p][ri]
                rts = cts + r.expovariate(1 / 3600) + 20
                rtext, rst, riss = tm.comment(ra.support, st, ra.places)
                rcid = self._cid(p, rts)
                c["replies"] = 1
                self._label(p, self._comment_pid(p, post_pk, rcid), "reply", ra, rst, riss)
                out.append({"cid": rcid, "ts": rts, "text": rtext, "ai": ri, "likes": int(self.g.poisson(0.5)),
                            "parent_cid": cid, "replies": 0})
        out.sort(key=lambda c: c["ts"])
        return out

    # --- buzzer networks ---
    def network_op(self, ts: float, net_id: int, what: str) -> None:
        net = self.networks[net_id - 1]
        r, tm = self.r, self.tm
        p = r.choice(net.platforms)
        if what in ("hoax", "black"):
            p = "x" if "x" in net.platforms else p
            if p == "facebook":   # Facebook networks only comment; smear goes out as raids there
                return
        members = net.members.get(p) or []
        if not members:
            return
        participants = [m for m in members if r.random() < r.uniform(0.6, 0.95)] or members[:1]
        offs = self._offsets(len(participants))
        stance_d = {net.candidate: "pos" if net.stance == "push" else "neg"}
        op = "post"
        if what in ("hoax", "black"):
            op = what
        elif p == "facebook" or (p in ("instagram", "x") and r.random() < 0.35):
            op = "raid"
        elif p == "x" and r.random() < 0.3 and self.x_cache:
            op = "rt"
        nid = str(net.id)
        if op == "raid":
            key = net.candidate if net.stance == "attack" else net.works_for
            pool = self.targets[p].get(key) or self.targets[p].get("media")
            if not pool:
                return
            tpk, tai = pool[int(self.g.integers(len(pool)))]
            base = (tm.attack(net.candidate, None, casual=False) if net.stance == "attack"
                    else tm.support(net.candidate, None, casual=False))[0]
            ta = self.acc[p][tai]
            for k, m in enumerate(participants):
                ma = self.acc[p][m]
                text = self._member_text(base, k) + " " + " ".join("#" + t for t in net.tags[:1])
                cts = ts + offs[k]
                cid = self._cid(p, cts)
                self._ts_for_label = cts
                if p == "x":
                    t = {"pk": cid, "ts": cts, "text": text, "ref": ("replied_to", tpk), "conv": tpk,
                         "reply_to_user": ta.uid, "tags": net.tags[:1]}
                    self._label(p, str(cid), "reply", ma, stance_d, None, network=nid)
                    self._x_emit(t, ma, {"likes": 0, "comments": 0, "shares": 0, "saves": 0, "views": 3})
                elif p == "instagram":
                    self._label(p, str(cid), "comment", ma, stance_d, None, network=nid)
                    self._json_item("igc", F.ig_comment({"cid": cid, "ts": cts, "text": text, "likes": 0}, ma, tpk))
                else:
                    self._label(p, str(cid), "comment", ma, stance_d, None, network=nid)
                    self._json_item("fbc", F.fb_comment({"cid": cid, "ts": cts, "text": text, "likes": 0}, ma, ta.uid, tpk))
            return
        if op == "rt":
            cands = [(k, v) for k, v in self.x_cache.items() if self.acc["x"][v[1]].support == net.works_for
                     and v[3].get(net.candidate) == stance_d[net.candidate]]
            if not cands:
                return
            opk, (ot, oai, _, ost) = cands[int(self.g.integers(len(cands)))]
            oa = self.acc["x"][oai]
            for k, m in enumerate(participants):
                self._ts_for_label = ts + offs[k]
                self.emit("x", ts + offs[k], m, f"RT @{oa.handle}: {ot['text']}"[:140], ost, None,
                          media="text", network=nid, n_comments=0, ref=("retweeted", opk))
            return
        if op == "hoax":
            base, iss, crisis, link = self.hoax["msg"], self.hoax["issue"], "hoax-1", None
        elif op == "black":
            base, _, iss = tm.black(net.candidate, None)
            crisis, link = "black-1", None
        else:
            gen = tm.attack if net.stance == "attack" else tm.support
            base, _, iss = gen(net.candidate, None, casual=False)
            crisis, link = "", (net.link if r.random() < 0.6 else None)
        media = "video" if p == "tiktok" else ("photo" if p == "instagram" else "text")
        # hard: three different texts per wave (sharing only the pair and the tags), each
        # member picks one and adds its own emoji; a third hijack the day's trending tags
        bases = [base]
        if self.variant == "hard" and op == "post":
            bases += [gen(net.candidate, None, casual=False)[0] for _ in range(2)]
        for k, m in enumerate(participants):
            text = self._member_text(bases[int(self.g.integers(len(bases)))], k)
            tags = list(net.tags)
            if self.variant == "hard" and r.random() < 1 / 3:
                day = int((ts - self.day_start(0)) // 86400)
                tags += random.Random(day).sample(_TRENDING, 3)[:r.randint(1, 2)]
            self.emit(p, ts + offs[k], m, text, stance_d, iss, media=media, network=nid, crisis=crisis,
                      link=link, tags=tags, n_comments=int(self.g.poisson(0.3)))

    def _offsets(self, n: int) -> list:
        r, v = self.r, self.variant
        if v == "jitter":
            xs = [r.uniform(60, 1500) for _ in range(n)]
        elif v == "hard":
            # a wave spread over 5-40 minutes; one in three networks spreads it over up to 3 hours
            top = r.uniform(2 * 3600, 3 * 3600) if r.random() < 1 / 3 else r.uniform(300, 2400)
            xs = [r.uniform(0, top) for _ in range(n)]
        elif v == "slow":
            xs = [r.uniform(0, 6 * 3600) for _ in range(n)]
        else:
            xs = [r.uniform(0, 50) for _ in range(n)]
        xs.sort()
        if xs:
            xs[0] = 0.0
        return xs

    def _member_text(self, base: str, k: int) -> str:
        r = self.r
        if self.variant == "paraphrase":
            return self.tm.paraphrase(base)
        if self.variant == "hard":
            own = " ".join(r.choice(["🔥", "💯", "👍", "🙏", "💪", "👏", "mantap", "setuju", "gas", "ayo"])
                           for _ in range(r.randint(0, 2)))
            return f"{base} {own}".strip() if r.random() < 0.6 else f"{own} {base}".strip()
        if k == 0 or r.random() < 0.65:
            return base
        return base + r.choice([" 🔥", "!!", " 💯", ".", " 👍", " 🙏"])   # near-identical copies

    # --- organic share waves: enthusiastic supporters passing on a viral post ---
    def share_wave(self, ts: float) -> None:
        if not self.x_cache:
            return
        r = self.r
        keys = list(self.x_cache.keys())[-400:]
        opk = keys[int(self.g.integers(len(keys)))]
        ot, oai, om, ost = self.x_cache[opk]
        oa = self.acc["x"][oai]
        b = oa.support
        if not b or oa.type == "buzzer":
            return
        sup = self.by_type["x"].get("sup:" + b) or []
        if not sup:
            return
        n = min(len(sup), int(self.g.integers(5, 25 if self.variant != "organic" else 40)))
        for m in r.sample(sup, n):
            t = ts + self.g.lognormal(8.5, 1.0)   # median ~80 minutes: hours, not seconds
            self._ts_for_label = t
            if self.variant == "organic" and r.random() < 0.4:
                self.emit("x", t, m, ot["text"], ost, None, media="text", n_comments=0)   # copy-paste
            else:
                self.emit("x", t, m, f"RT @{oa.handle}: {ot['text']}"[:140], ost, None, media="text", n_comments=0,
                          ref=("retweeted", opk))

    # --- authentic chants: supporters posting one slogan together while watching a debate ---
    def chant(self, ts: float, b: str) -> None:
        sup = [i for i in self.by_type["x"].get("sup:" + b) or [] if self.acc["x"][i].type == "citizen"]
        if len(sup) < 20:
            return
        c = self.e.candidate(b)
        slogan = f"{c.short} menang! {c.short} untuk {self.e.province or 'kita'} #Debat{c.short.replace('-', '')}"
        for m in self.r.sample(sup, min(250, len(sup) // 3)):
            t = ts + self.r.uniform(0, 300)
            self._ts_for_label = t
            self.emit("x", t, m, slogan, {b: "pos"}, None, media="text", n_comments=0)

    # --- live sessions ---
    def live(self, ts: float, b: str, ai: int, dur: int) -> None:
        a = self.acc["facebook"][ai]
        text = f"LIVE: {self.tm.official(b)[0]}"
        n = max(20, int(self.g.poisson(self.cfg["items"] ** 0.5 * 0.8)))
        post = self.emit("facebook", ts, ai, text, {b: "pos"}, None, media="live", n_comments=0, boost=3.0)
        post_pk = post["pk"]
        comments = self._comments("facebook", ts, a, {b: "pos"}, n, post_pk, burst=(ts, dur), ballot=b)
        for c in comments:
            self._json_item("fbc", F.fb_comment(c, self.acc["facebook"][c["ai"]], a.uid, post_pk))
        self.lives.append(dict(platform="facebook", post_id=str(post_pk), account_id=_gt_id(a), candidate=b,
                               start_utc=F.iso_z(ts), end_utc=F.iso_z(ts + dur), comments=len(comments)))

    # --- snapshots: the same posts again, later, with grown counts ---
    def _reserve(self, p: str, item: tuple) -> None:
        self.snap_seen[p] += 1
        s = self.snap[p]
        if len(s) < self.snap_cap:
            s.append(item)
        else:
            j = int(self.g.integers(self.snap_seen[p]))
            if j < self.snap_cap:
                s[j] = item

    def _write_snapshots(self) -> None:
        when = self.day_start(self.ndays) + 3 * 86400   # after every weekly collection
        self.collected = when
        lbl = self.local_date(when).isoformat()
        o = self.open(f"instagram/zeeschuimer-instagram-snapshot-{lbl}.ndjson")
        for k, (post, ai, m, written) in enumerate(sorted(self.snap["instagram"], key=lambda x: x[0]["ts"])):
            a = self.acc["instagram"][ai]
            o.write(F.dumps(F.ig_record(post, a, int(when * 1000), self.grown(m, when - post["ts"], written),
                                        post.get("loc"), k + 1)) + b"\n")
        o.close()
        self.cur = {"x": self.open(f"x/twarc2-snapshot-{lbl}.jsonl")}
        self.x_page, self.x_users, self.x_incl = [], {}, {}
        for t, ai, m, written in sorted(self.snap["x"], key=lambda x: x[0]["ts"]):
            a = self.acc["x"][ai]
            self.x_page.append(F.tweet(t, a, self.grown(m, when - t["ts"], written)))
            self.x_users[a.uid] = F.x_user(a)
            if len(self.x_page) >= 100:
                self._flush_x()
        self._flush_x()
        self.cur["x"].close()
        self.counts["snapshot:instagram"] = len(self.snap["instagram"])
        self.counts["snapshot:x"] = len(self.snap["x"])

    # --- ground truth ---
    def _ground_truth(self, gt: Path) -> dict:
        e = self.e
        with open(gt / "accounts.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["platform", "account_id", "handle", "account_type", "region", "support", "is_buzzer",
                        "network_id", "followers", "following", "created_at", "location_text", "bio", "platform_uid",
                        "items"])
            for p in PLATFORMS:
                for a in self.acc[p]:
                    w.writerow([p, _gt_id(a), a.handle, a.type, e.regions[a.region].code if a.region >= 0 else "",
                                a.support or "none", int(a.type == "buzzer"), a.network if a.network > 0 else "",
                                a.followers, a.following, F.iso_z(a.created), a.location, a.bio, a.uid, a.items])
        with open(gt / "networks.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["network_id", "platforms", "candidate", "stance", "works_for", "size", "variant", "hashtags",
                        "link"])
            for n in self.networks:
                w.writerow([n.id, ";".join(n.platforms), n.candidate, n.stance, n.works_for,
                            sum(len(v) for v in n.members.values()), self.variant, ";".join(n.tags), n.link])
        with open(gt / "crises.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["crisis_id", "kind", "candidate", "issue", "onset_utc", "peak_utc", "posts"])
            for c in self.crises:
                hours = self.crisis_hours.get(c["crisis_id"], {})
                peak = max(hours, key=lambda h: (hours[h], -h)) if hours else c["onset"]
                w.writerow([c["crisis_id"], c["kind"], c["candidate"], c["issue"] or "", F.iso_z(c["onset"]),
                            F.iso_z(peak), sum(hours.values())])
        with open(gt / "support.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["region", "region_name", "ballot", "true_share", "votes", "dpt"])
            for reg, sh in zip(e.regions, support_shares(e)):
                for b in e.ballots:
                    w.writerow([reg.code, reg.name, b, f"{sh[b]:.6f}", reg.result.get(b, ""), reg.dpt or ""])
        with open(gt / "drives.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["drive_id", "candidate", "hashtag", "announce_utc", "start_utc"])
            for dv in self.drives:
                w.writerow([dv["drive_id"], dv["candidate"], dv["hashtag"], F.iso_z(dv["announce"]), F.iso_z(dv["start"])])
        with open(gt / "live_sessions.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["platform", "post_id", "account_id", "candidate", "start_utc", "end_utc", "comments"])
            for lv in self.lives:
                w.writerow(list(lv.values()))
        self._hoaxes(gt / "hoaxes.csv")
        start, end = self.day_start(0), self.day_start(self.ndays)
        posts = {k: v for k, v in sorted(self.counts.items())}
        manifest = {"seed": self.seed, "scale": self.scale_name, "variant": self.variant, "election": e.id,
                    "timezone": e.timezone, "items": self.items, "counts": posts,
                    "accounts": {p: len(self.acc[p]) for p in PLATFORMS},
                    "buzzers": sum(1 for p in PLATFORMS for a in self.acc[p] if a.type == "buzzer"),
                    "networks": len(self.networks), "time_range": [F.iso_z(start), F.iso_z(end)],
                    "files": self.files}
        (gt / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        # the platform folders to ingest (ground_truth/ is not an export)
        manifest["export_dirs"] = [str(self.out / p) for p in PLATFORMS if (self.out / p).is_dir()]
        manifest["ground_truth"] = str(gt)
        return manifest
        (gt / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def _hoaxes(self, path: Path) -> None:
        r, e = self.r, self.e
        prov = e.province or e.name
        c = r.choice(e.candidates)
        rows = [
            ("FAKE", "Surat suara sudah dicoblos sebelum hari pemungutan suara",
             f"Beredar foto surat suara Pilkada {prov} yang sudah dicoblos untuk salah satu paslon di gudang logistik."),
            ("FAKE", "Pencoblosan diundur satu minggu",
             f"KPU umumkan pencoblosan Pilkada {prov} diundur seminggu karena logistik belum siap. Sebarkan!"),
            ("FAKE", f"Video {c.short} bagi-bagi uang di masjid",
             f"Video paslon {c.short} bagi-bagi amplop di masjid saat kampanye, viral di WA grup."),
            ("FAKE", "Pemilih wajib bawa KTP asli dan KK ke TPS",
             "Tanpa KK asli tidak bisa mencoblos, kata petugas KPPS. Info ini beredar di grup WhatsApp."),
            ("REAL", f"KPU {prov} tetapkan jadwal debat publik",
             f"KPU {prov} menetapkan {len(e.dates.debates)} kali debat publik pasangan calon."),
        ]
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["ID", "label", "tanggal", "judul", "text", "nama file gambar"])
            base = 9000 + r.randint(0, 500)
            day = self.day0 + dt.timedelta(days=10)
            if self.hoax:
                hd = self.local_date(self.hoax["onset"] + 86400)
                w.writerow([base, "FAKE", f"{hd.day}-{hd.strftime('%b-%y')}", f"[HOAKS] {self.hoax['claim']}",
                            self.hoax["msg"], f"{base}.jpg"])
            for k, (lab, judul, text) in enumerate(rows):
                dd = day + dt.timedelta(days=7 * k)
                w.writerow([base + k + 1, lab, f"{dd.day}-{dd.strftime('%b-%y')}", judul, text, f"{base + k + 1}.png"])


def _gt_id(a) -> str:
    """The account id the importers store: Instagram formats agree only on the username."""
    return a.handle if a.platform == "instagram" else a.uid


def run(out_dir, seed=7, scale="small", election="kaltim-2024", variant=None, progress=None) -> dict:
    e = election if isinstance(election, Election) else load_election(election)
    variant = variant or "plain"
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}: use one of {', '.join(VARIANTS)}")
    sim = _Sim(Path(out_dir), int(seed), scale, e, variant, progress)
    return sim.run()
