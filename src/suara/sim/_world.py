"""The simulated population: accounts per platform with type, region, true support, network.

Only compact per-account state lives in memory (one small object per account); posts are
streamed to files by `suara.sim._engine`.

Example
-------
>>> import numpy as np
>>> from suara.config import load_election
>>> w = build_world(load_election("kaltim-2024"), np.random.default_rng(1), n_citizens=400,
...                 n_official=3, networks=[])
>>> {"citizen", "official"} <= {a.type for a in w.accounts["x"]}
True
"""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

import numpy as np

from suara.config.election import Election
from suara.sim._persona import persona_bio
from suara.sim._text import load_flavour

__all__ = ["Account", "Network", "World", "build_world", "PLATFORMS", "region_weights", "support_shares"]

PLATFORMS = ("instagram", "facebook", "tiktok", "x")
#: share of citizens present on each platform (APJII-style usage mix, rounded)
PLATFORM_SHARE = {"instagram": 0.30, "facebook": 0.25, "tiktok": 0.25, "x": 0.20}

_FIRST = ("adi agus ahmad aldi alif andi anisa annisa ari arif ayu bagas bayu budi citra dani dewi dian dimas "
          "dina eka eko fajar fitri gilang hana hendra ilham indah intan irfan joko kiki lina lutfi maya nanda "
          "nadia nur nurul puput putri rahmat raka rina rizky rudi sari sinta siti tari teguh tika wahyu wulan "
          "yoga yudi yuni zahra fikri hafiz reza ratna desi riski galih bima jihan salsa alya syifa").split()
_LAST = ("saputra pratama wijaya hidayat kurniawan setiawan lestari utami rahmawati santoso nugroho wibowo "
         "ramadhan syahputra maulana permana anggraini handayani susanti fauzi hakim firmansyah gunawan "
         "hasibuan siregar noor effendi rusdi mahmud ansyari arsyad bakri yusuf").split()


@dataclass(slots=True)
class Account:
    """One account on one platform (compact)."""

    platform: str
    uid: str
    handle: str
    name: str
    type: str                 # citizen|city|media|influencer|public|official|buzzer
    region: int               # index into election.regions, -1 = none / province-wide
    support: str | None       # ballot or None
    network: int = -1
    created: int = 0          # epoch seconds (UTC)
    followers: int = 0
    following: int = 0
    posts: int = 0
    verified: bool = False
    bio: str = ""
    location: str = ""
    activity: float = 1.0
    places: list = field(default_factory=list)
    items: int = 0            # items this account authored that are visible in the exports


@dataclass
class Network:
    """A buzzer network pushing or attacking one pair: mostly fresh accounts, some bought or
    hijacked old ones."""

    id: int
    platforms: tuple
    candidate: str            # the pair the stance is about
    stance: str               # push | attack
    works_for: str            # the pair that benefits
    size: int
    tags: list
    link: str
    members: dict = field(default_factory=dict)   # platform -> list of account indices


@dataclass
class World:
    election: Election
    accounts: dict            # platform -> list[Account]
    networks: list
    tz_hours: float


def region_weights(e: Election) -> np.ndarray:
    """Share of accounts per region: proportional to DPT (population, else equal, as fallback).

    >>> from suara.config import load_election
    >>> round(float(region_weights(load_election("kaltim-2024")).sum()), 6)
    1.0
    """
    if not e.regions:
        return np.array([])
    w = np.array([float(r.dpt or r.population or 0) for r in e.regions])
    if w.sum() <= 0:
        w = np.ones(len(e.regions))
    return w / w.sum()


def support_shares(e: Election) -> list[dict]:
    """True vote share per region (ballot -> share) from the official ``result``; equal if absent.

    >>> from suara.config import load_election
    >>> s = support_shares(load_election("kaltim-2024"))
    >>> round(sum(s[0].values()), 6)
    1.0
    """
    out = []
    for r in e.regions or []:
        res = {b: float(r.result.get(b, 0)) for b in e.ballots}
        tot = sum(res.values())
        out.append({b: v / tot for b, v in res.items()} if tot > 0 else {b: 1 / len(e.ballots) for b in e.ballots})
    return out


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


class _Handles:
    """Unique, realistic handles per platform."""

    def __init__(self, r: random.Random):
        self.r = r
        self.used: set[str] = set()

    def take(self, base: str, platform: str) -> str:
        base = re.sub(r"[^a-z0-9._]", "", base.lower())[:24].strip("._") or "user"
        if platform in ("x", "tiktok"):
            base = base.replace(".", "_")
        h = base
        while h in self.used:
            h = f"{base}{self.r.randint(1, 999)}"
        self.used.add(h)
        return h

    def person(self, first: str, last: str, platform: str, place: str | None) -> str:
        r = self.r
        yy = r.choice(["", str(r.randint(80, 99)), str(r.randint(0, 9)).zfill(2), str(r.randint(1, 99))])
        pats = [f"{first}{last}", f"{first}_{last}", f"{first}.{last}", f"{first}{yy}", f"{first}_{last[:3]}{yy}",
                f"its{first}", f"{first}{first[-1] * 2}", f"{first}.{yy or 'x'}", f"{last}{first[:2]}",
                f"{first}_{_slug(place)[:6]}" if place else f"{first}_{last}"]
        return self.take(r.choice(pats), platform)

    def buzzer(self, first: str, platform: str, tag: str) -> str:
        r = self.r
        pats = [f"{first}{r.randint(10000, 99999999)}", f"{first}_{tag[:6].lower()}{r.randint(1, 99)}",
                f"{first}{r.choice(_LAST)[:4]}{r.randint(100, 9999)}"]
        return self.take(r.choice(pats), platform)


def old_created_rm(rm: random.Random) -> int:
    """An account made between 2010 and mid-2023 (from the given stream)."""
    return int(dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc).timestamp() + rm.random() * 13.5 * 365 * 86400)


def build_world(e: Election, g: np.random.Generator, n_citizens: int, n_official: int,
                networks: list[Network], tz_hours: float = 8.0, seed: int = 0) -> World:
    """Create every account on every platform (deterministic for a given generator).

    ``n_citizens`` is the total over all platforms; ``n_official`` the official accounts
    per pair per platform (capped at ``election.max_official_accounts_per_platform``).
    """
    r = random.Random(seed * 7919 + 17)
    fl = load_flavour(e.province)
    prov = e.id.split("-")[0]
    rw = region_weights(e)
    shares = support_shares(e)
    n_official = min(n_official, e.max_official_accounts_per_platform)
    camp = dt.datetime.combine(e.dates.campaign_start, dt.time()).replace(tzinfo=dt.timezone.utc).timestamp()
    accounts: dict[str, list[Account]] = {}
    tracked = {(t.platform, t.account_type): [] for t in e.tracked_accounts}
    for t in e.tracked_accounts:
        tracked[(t.platform, t.account_type)].append(t)

    # account ages and reach drawn from their own stream, so the rest of the world is unchanged:
    # a fifth of citizens made their account recently; buzzer networks mix fresh accounts
    # with bought and hijacked old ones (years old, hundreds to thousands of followers)
    rm = random.Random(seed * 31 + 5)

    def old_created() -> int:
        return int(dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc).timestamp() + r.random() * 13.5 * 365 * 86400)

    def uid(platform: str, created: int) -> str:
        if platform == "x":       # snowflake ids for accounts created since 2013, short ids before
            if created > 1.39e9:
                return str(((created * 1000 - 1288834974657) << 22) | r.getrandbits(22))
            return str(r.randint(10**7, 2 * 10**9))
        if platform == "tiktok":
            return str(r.randint(6 * 10**18, 73 * 10**17))
        if platform == "instagram":
            return str(r.randint(10**7, 7 * 10**10))
        return str(r.randint(10**14, 10**15 - 1))

    def region_signal(a: Account, reg: int) -> None:
        if reg < 0 or not e.regions:
            return
        region = e.regions[reg]
        places = region.places or [region.name]
        a.places = places
        x = r.random()
        if x < 0.36:
            a.location = r.choice([region.name, f"{region.name}, {e.province or ''}".strip(", "),
                                   r.choice(region.aliases or [region.name]), f"📍{r.choice(places)}",
                                   f"{r.choice(places)}, {region.name}", e.province or region.name, "Indonesia"])
        if r.random() < 0.22:
            a.bio = r.choice(fl["bio"]).format(place=r.choice(places + [region.name]))
        if a.platform == "instagram" and r.random() < 0.08:   # "Rina | Smd": place in the display name
            a.name = f"{a.name} | {r.choice(region.aliases or [region.name])}"

    for p in PLATFORMS:
        hs = _Handles(r)
        accs: list[Account] = []
        nc = max(20, int(n_citizens * PLATFORM_SHARE[p]))
        regs = g.choice(len(rw), size=nc, p=rw) if len(rw) else np.full(nc, -1)
        acts = g.lognormal(0.0, 1.1, size=nc)
        fols = g.lognormal(5.0, 1.4, size=nc)
        for i in range(nc):
            reg = int(regs[i])
            sup = None
            if reg >= 0 and r.random() < 0.6:
                sh = shares[reg]
                sup = r.choices(list(sh), weights=list(sh.values()))[0]
            elif reg < 0 and r.random() < 0.6:
                sup = r.choice(e.ballots)
            first, last = r.choice(_FIRST), r.choice(_LAST)
            region_places = (e.regions[reg].places or [e.regions[reg].name]) if reg >= 0 else []
            h = hs.person(first, last, p, r.choice(region_places) if region_places and r.random() < 0.3 else None)
            created = old_created()
            if rm.random() < 0.2:
                created = int(camp - rm.uniform(-20, 150) * 86400)
            a = Account(p, uid(p, created), h, f"{first.capitalize()} {last.capitalize()}" if r.random() < 0.7
                        else first.capitalize(), "citizen", reg, sup, created=created,
                        followers=int(fols[i]), following=int(g.lognormal(5.3, 0.9)), posts=int(g.lognormal(4, 1.3)),
                        activity=float(acts[i]) * (1.4 if sup else 0.8))
            region_signal(a, reg)
            extra = persona_bio(first, a.uid, seed)   # own random stream: nothing else changes
            if extra:
                a.bio = f"{a.bio} | {extra}" if a.bio else extra
            accs.append(a)
        # city info accounts ("samarinda.info" style), one per region where the platform has them
        for ri, region in enumerate(e.regions):
            if p == "tiktok" and r.random() < 0.5:
                continue
            given = [t.handle for t in tracked.get((p, "city"), []) if _slug(region.name) in _slug(t.handle)]
            base = given[0] if given else r.choice([f"{_slug(region.name)}.info", f"info{_slug(region.name)}",
                                                    f"{_slug(region.name)}update", f"kabar{_slug(region.name)}"])
            created = old_created()
            a = Account(p, uid(p, created), hs.take(base, p), f"Info {region.name}", "city", ri, None,
                        created=created, followers=int(g.lognormal(11, 0.8)), following=r.randint(50, 900),
                        posts=r.randint(2000, 30000), activity=25.0, location=region.name,
                        bio=f"Info seputar {region.name} 📍 DM untuk iklan", places=region.places or [region.name])
            accs.append(a)
        # media
        media = [t.handle for t in tracked.get((p, "media"), [])]
        for suffix in ("today", "news", "terkini", "post", "update", "kini"):
            if len(media) >= 6:
                break
            media.append(f"{prov}{suffix}")
        for m in media[:6]:
            created = old_created()
            a = Account(p, uid(p, created), hs.take(m, p), m.replace(".", " ").title(), "media", -1, None,
                        created=created, followers=int(g.lognormal(11.5, 0.7)), following=r.randint(10, 400),
                        posts=r.randint(5000, 60000), verified=r.random() < 0.5, activity=30.0,
                        bio=f"Portal berita {e.province or prov}", location=e.province or "")
            accs.append(a)
        # influencers and public figures
        for kind, n, mu, act in (("influencer", max(4, nc // 120), 10.0, 8.0), ("public", max(2, nc // 400), 11.5, 5.0)):
            for _ in range(n):
                first, last = r.choice(_FIRST), r.choice(_LAST)
                reg = int(g.choice(len(rw), p=rw)) if len(rw) else -1
                created = old_created()
                a = Account(p, uid(p, created), hs.person(first, last, p, None),
                            f"{first.capitalize()} {last.capitalize()}", kind, reg,
                            r.choice(e.ballots) if r.random() < 0.5 else None, created=created,
                            followers=int(g.lognormal(mu, 0.8)), following=r.randint(100, 1500),
                            posts=r.randint(300, 5000), verified=kind == "public" or r.random() < 0.2, activity=act)
                region_signal(a, reg)
                accs.append(a)
        # official accounts of each pair (registered with the election body; capped)
        for c in e.candidates:
            given = list(c.official_accounts.get(p, []))
            tags = [_slug(t) for t in c.hashtags] or [_slug(c.short)]
            bases = given + [f"{tags[0]}.official", f"{_slug(c.short)}_{_slug(e.id.split('-')[0])}",
                             f"relawan{_slug(c.short)}", f"tim{_slug(c.short)}", f"{tags[-1]}_id"]
            regs_cycle = [_slug(x.name) for x in e.regions] or ["pusat"]
            k = 0
            while len(bases) < n_official:
                bases.append(f"{_slug(c.short)}_{regs_cycle[k % len(regs_cycle)]}")
                k += 1
            for b in bases[:n_official]:
                created = int(camp - r.randint(30, 900) * 86400)
                a = Account(p, uid(p, created), hs.take(b, p), f"{c.short} Official" if "official" in b else b,
                            "official", -1, c.ballot, created=created, followers=int(g.lognormal(9.5, 0.9)),
                            following=r.randint(20, 300), posts=r.randint(100, 2000), verified=r.random() < 0.4,
                            activity=10.0, bio=f"Akun resmi pasangan {c.name}, nomor urut {c.ballot}")
                accs.append(a)
        # buzzer networks: fresh accounts, few followers, tiny following
        for net in networks:
            if p not in net.platforms:
                continue
            members = []
            for _ in range(net.size):
                created = int(camp + r.uniform(-10, 25) * 86400)
                followers, following = int(g.integers(0, 60)), int(g.integers(0, 25))
                kind = rm.random()
                if kind < 0.3:      # bought: an aged account with purchased followers
                    created = int(camp - rm.uniform(400, 3000) * 86400)
                    followers, following = rm.randint(300, 6000), rm.randint(100, 1500)
                elif kind < 0.45:   # hijacked: a real person's old account taken over
                    created = old_created_rm(rm)
                    followers, following = int(rm.lognormvariate(5.5, 1.0)), rm.randint(50, 800)
                first = r.choice(_FIRST)
                a = Account(p, uid(p, created), hs.buzzer(first, p, net.tags[0]),
                            first.capitalize() + r.choice(["", " " + r.choice(_LAST).capitalize(), " ✨", "_"]),
                            "buzzer", -1, net.works_for, network=net.id, created=created,
                            followers=followers, following=following,
                            posts=int(g.integers(5, 300)), activity=1.0,
                            bio=r.choice(["", "", "#" + net.tags[0], "NKRI harga mati", "cinta damai 🇮🇩"]),
                            location=r.choice(["", "", e.province or "", "Indonesia"]))
                members.append(len(accs))
                accs.append(a)
            net.members[p] = members
        accounts[p] = accs
    return World(e, accounts, networks, tz_hours)
