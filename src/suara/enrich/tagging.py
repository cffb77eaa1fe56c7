"""Candidate tagging from the election config: who is a post about?

Every term comes from the election YAML (persons, aliases, nicknames, jargon, hashtags,
official accounts, ballot numbers), so nothing is tied to one race. Terms are matched
case-insensitively with flexible separators ("Isran-Hadi", "Isran Hadi", "#IsranHadi").

Ambiguous terms (short nicknames such as "Kai" or "Rudy", common words such as "Harum" or
"Paham", bare zero-padded ballots such as "02", and "no 1") count only in context: another
mention of a candidate in the same post, an honorific right before ("pak Rudy"), or
election vocabulary in the post (paslon, pilgub, coblos, debat, the province...). A common
word must in addition be capitalised as a name ("Harum", not "harum").

Example
-------
>>> from suara.config import load_election
>>> t = CandidateTagger(load_election("kaltim-2024"))
>>> [(m.ballot, m.evidence) for m in t.tag("01 jelas lebih baik dari 02, 02 cuma janji")]
[('1', '01'), ('2', '02'), ('2', '02')]
>>> t.tag("wangi harum bunga melati")
[]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from suara.enrich.normalise import clean_text, load_lexicon

__all__ = ["CandidateTagger", "Mention"]

_NUM_WORDS = {"1": "satu", "2": "dua", "3": "tiga", "4": "empat", "5": "lima", "6": "enam"}
_HONORIFIC = re.compile(r"(?:pak|bapak|pk|bpk|bang|abang|abah|ustadz|ustad|haji|h\.|mas|om|kak|"
                        r"cagub|cawagub|gubernur|gub|wagub|paslon|calon|sama|vs|dukung)\s*$")
_POLITICS = ["pilgub", "pilkada", "paslon", "cagub", "cawagub", "gubernur", "wagub", "calon",
             "kampanye", "coblos", "nyoblos", "debat", "pemilu", "kpu", "bawaslu", "pilih",
             "milih", "menang", "suara", "visi", "misi", "program", "janji", "tps", "relawan",
             "timses", "pendukung", "dukung", "pasangan", "petahana", "kandidat", "elektabilitas",
             "survei", "survey", "quick count", "golput", "nomor urut", "pencoblosan", "pemilih",
             "pilpres", "capres", "cawapres"]


_CLAUSE_START = re.compile(r"(?:^|[.!?,;:\n(]|\b(?:dan|tapi|sedangkan|vs|dari|daripada))\s*[#\"']?$")
_WORD_AFTER = re.compile(r"[\s,]+[a-z]")
_TIME_AFTER = re.compile(r"\s+(?:pagi|siang|sore|malam|wib|wita|wit|menit|detik|jam|hari|bulan|tahun|"
                         r"kali|orang|persen|%|x\b)")


@dataclass(frozen=True)
class Mention:
    """One accepted mention of a candidate in a text (character span in the input)."""

    ballot: str
    evidence: str   #: the matched text as written
    start: int
    end: int
    kind: str       #: name | nickname | jargon | hashtag | account | ballot


def _flex(term: str) -> str:
    """Regex for a term with optional separators between its words and optional apostrophes."""
    words = re.split(r"[\s\-_]+", term.strip().lower())
    parts = [re.escape(w).replace("'", "'?").replace("\\'", "'?") for w in words if w]
    return r"[\s\-_.]*".join(parts)


class CandidateTagger:
    """Find candidate mentions in texts, resolved against context.

    Parameters
    ----------
    election : suara.config.Election
    common_min : int
        corpus count above which a one-word term counts as an ordinary word (ambiguous).

    Example
    -------
    >>> from suara.config import load_election
    >>> t = CandidateTagger(load_election("kaltim-2024"))
    >>> sorted({m.ballot for m in t.tag("Debat semalam: Pak Rudy lawan Kai, seru!")})
    ['1', '2']
    """

    name = "tag"
    version = "v1"

    def __init__(self, election, common_min: int = 4):
        self.election = election
        freq = load_lexicon()["freq"]
        self._terms: dict[str, tuple[str, str, bool, bool]] = {}  # lower -> (ballot, kind, ambiguous, common)
        ballots = [c.ballot for c in election.candidates]
        # a word of a candidate's own name is a name even when the training corpora use it
        # often (they discuss the same politicians: "anies", "prabowo")
        person_words = {w for c in election.candidates for p in c.persons
                        for w in re.findall(r"[a-z0-9']+", p.lower())}

        def add(term: str, ballot: str, kind: str):
            t = term.strip().lower()
            if not t or len(t) < 2:
                return
            toks = re.findall(r"[a-z0-9']+", t)
            common = bool(toks) and all(freq.get(w, 0) >= common_min for w in toks) and (
                len(toks) == 1 or kind == "jargon")  # "Hadi Mulyadi" is a name; "Generasi Emas" a phrase
            if len(toks) == 1 and toks[0] in person_words:
                common = False
            ambiguous = common or (len(toks) == 1 and len(toks[0]) <= 4 and kind != "account")
            key = re.sub(r"[\s\-_.']+", "", t)
            prev = self._terms.get(key)
            if prev and prev[0] != ballot:
                self._terms[key] = (None, kind, True, common)  # shared by two candidates: unusable
                return
            if not prev or (prev[2] and not ambiguous):
                self._terms[key] = (ballot, kind, ambiguous, common)

        for c in election.candidates:
            for p in c.persons + c.aliases + [c.short, c.name]:
                add(p, c.ballot, "name")
            for p in c.nicknames:
                add(p, c.ballot, "nickname")
            for p in c.jargon:
                add(p, c.ballot, "jargon")
            for h in c.hashtags:
                add(h, c.ballot, "hashtag")
            for handles in c.official_accounts.values():
                for h in handles:
                    add("@" + h.lstrip("@"), c.ballot, "account")
        for a in getattr(election, "tracked_accounts", []):
            if a.candidate and a.account_type in ("official", "party"):
                add("@" + a.handle.lstrip("@"), a.candidate, "account")
        pats = sorted({_flex(k0) for k0 in self._all_raw_terms(election)}, key=len, reverse=True)
        self._re = re.compile(r"(?<![\w@])(?:" + "|".join(pats) + r")(?![\w])", re.I) if pats else None

        nums = [b for b in ballots if b.isdigit()]
        if nums:
            alt = "|".join(sorted({f"0?{b}" for b in nums} | {_NUM_WORDS.get(b, b) for b in nums}))
            strong = (r"(?:paslon|pasangan|calon|cagub|kandidat|coblos|nyoblos|pilih|salam|"
                      r"nomor\s*urut|no\.?\s*urut|nmr\s*urut|urut)")
            self._ballot_strong = re.compile(
                rf"(?<![\w])(?:{strong}\s*(?:nomor|nomer|no\.?|nmr|urut|\s)*\s*#?({alt})"
                rf"|salam\s*({alt})\s*jari)(?![\w])", re.I)
            self._ballot_weak = re.compile(
                rf"(?<![\w:.])(?:(?:nomor|nomer|no\.?|nmr)\s*({alt})|#?(0(?:{'|'.join(nums)})))(?![\w%:.,]\d)"
                rf"(?![\w])", re.I)
        else:
            self._ballot_strong = self._ballot_weak = None
        words = set(_POLITICS)
        if election.province:  # every word of the province name, for any province
            words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", election.province)}
            if "kalimantan timur" in election.province.lower():
                words.add("kaltim")
        prov = (election.id.split("-")[0] or "").lower()
        if prov:
            words.add(prov)
        self._context = re.compile(r"(?<![\w])(?:" + "|".join(
            re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")", re.I)

    @staticmethod
    def _all_raw_terms(election):
        for c in election.candidates:
            yield from c.persons + c.aliases + [c.short, c.name] + c.nicknames + c.jargon + c.hashtags
            for handles in c.official_accounts.values():
                yield from ("@" + h.lstrip("@") for h in handles)
        for a in getattr(election, "tracked_accounts", []):
            if a.candidate and a.account_type in ("official", "party"):
                yield "@" + a.handle.lstrip("@")

    # ----- matching --------------------------------------------------------------------
    def _num_ballot(self, s: str) -> str | None:
        s = s.lstrip("#").lower()
        for b, w in _NUM_WORDS.items():
            if s == w:
                return b
        s = s.lstrip("0") or "0"
        return s if s in self.election.ballots else None

    def tag(self, text) -> list[Mention]:
        """Accepted mentions in text order (a candidate may appear several times)."""
        s = clean_text(text)
        if not s:
            return []
        low = s.lower()
        found: list[tuple[Mention, bool, bool]] = []  # (mention, ambiguous, common)
        if self._re is not None:
            for m in self._re.finditer(low):
                k = re.sub(r"[\s\-_.']+", "", m.group(0))
                info = self._terms.get(k)
                if not info or info[0] is None:
                    continue
                b, kind, amb, common = info
                if s[m.start() - 1: m.start()] == "#":
                    kind, amb, common = "hashtag", False, False
                found.append((Mention(b, s[m.start():m.end()], m.start(), m.end(), kind), amb, common))
        taken = [(mm.start, mm.end) for mm, _, _ in found]
        if self._ballot_strong is not None:
            for rx, amb in ((self._ballot_strong, False), (self._ballot_weak, True)):
                for m in rx.finditer(low):
                    g = next((x for x in m.groups() if x), None)
                    b = self._num_ballot(g) if g else None
                    if b is None or any(a < m.end() and m.start() < z for a, z in taken):
                        continue
                    taken.append((m.start(), m.end()))
                    found.append((Mention(b, s[m.start():m.end()], m.start(), m.end(), "ballot"),
                                  amb, False))
        if not found:
            return []
        strong = {mm.ballot for mm, amb, _ in found if not amb}
        context = bool(strong) or self._context.search(low) is not None
        # ambiguous references to two different candidates support each other ("Isran vs Rudy")
        weak = {mm.ballot for mm, amb, _ in found if amb}
        out = []
        for mm, amb, common in found:
            if amb and mm.kind == "ballot" and mm.evidence.lstrip("#")[:1] == "0" and _CLAUSE_START.search(low[:mm.start]) \
                    and _WORD_AFTER.match(low, mm.end) and not _TIME_AFTER.match(low, mm.end):
                amb = False  # "02 cuma janji": a sentence about 02, not a time or a count
            if amb:
                honor = _HONORIFIC.search(low[max(0, mm.start - 12):mm.start]) is not None
                ok = context or honor or len(weak) > 1
                if common:
                    ok = ok and (mm.evidence[:1].isupper() or honor or mm.ballot in strong)
                if not ok:
                    continue
            out.append(mm)
        out.sort(key=lambda m: m.start)
        return out

    def __call__(self, texts) -> list[list[Mention]]:
        return [self.tag(t) for t in texts]

    def candidates(self, text) -> list[str]:
        """Ballots mentioned in a text, in ballot order. Example: ``t.candidates("#Gratispol")`` -> ``['2']``."""
        found = {m.ballot for m in self.tag(text)}
        return [b for b in self.election.ballots if b in found]
