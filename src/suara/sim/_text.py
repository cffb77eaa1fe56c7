"""Informal Indonesian campaign text: templates, slot fillers and a slang/flavour pass.

Every generator returns ``(text, stance)`` where ``stance`` maps ballot -> "pos"|"neg"|"neu"
for each candidate the text is about; that is the label written to
``ground_truth/post_labels.csv``. Templates are hand-written (no offline generator of
Indonesian campaign talk exists); variety comes from combining many templates, slot fillers
(nicknames, jargon, ballot references, issues, places), a slang pass (yg/gak/bgt,
elongation, emoji) and province flavour from ``data/flavour.yaml``.

Example
-------
>>> import random
>>> from suara.config import load_election
>>> t = TextMaker(load_election("kaltim-2024"), random.Random(1))
>>> text, stance, _ = t.support("1")
>>> stance
{'1': 'pos'}
"""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import yaml

from suara.config.election import Candidate, Election

__all__ = ["TextMaker", "load_flavour"]

_DATA = Path(__file__).with_name("data")


@lru_cache(maxsize=8)
def load_flavour(province: str | None) -> dict:
    """Flavour vocabulary for a province (falls back to ``_generic``).

    >>> "ikam" in str(load_flavour("Kalimantan Timur")["swaps"])
    True
    """
    data = yaml.safe_load((_DATA / "flavour.yaml").read_text(encoding="utf-8"))
    base = dict(data["_generic"])
    if province and province in data:
        base.update(data[province])
    return base


# --- slot fillers -------------------------------------------------------------------------
# Written apart from the sentiment models: no phrase here (after normalisation) is one of the
# campaign cue phrases of `suara.enrich.components` (tests/test_sim.py checks it), so the
# simulator's stance words are paraphrases the models never saw as cues ("bisa dipegang
# omongannya" where a cue list has "amanah"). Figures measured on simulated posts still
# flatter the models a little (templates are regular); docs/enrich.md says which are
# simulator-only.
POS_ADJ = ["mantap", "kece", "bisa dipegang omongannya", "dekat sama wong cilik", "berani ambil sikap",
           "mau dengar warga", "lurus orangnya", "sudah kenyang asam garam", "cerdas", "paling siap",
           "bener2 kerja", "sat set", "humble bgt", "ada hasilnya", "solutif"]
NEG_ADJ = ["kebanyakan gaya", "cuma cari panggung", "gak jelas", "janji palsu", "lebay", "gak kompeten",
           "bikin nyesel", "cuma jualan", "kurang ngerti lapangan", "ngawur", "gak konsisten",
           "asal ngomong"]
POS_EMO = ["🔥", "💪", "👍", "❤️", "🙏", "😍", "✨", "💯", "👏", "🤝"]
NEG_EMO = ["😡", "🤮", "🙄", "😤", "👎", "💩", "😒", "🤡"]
NEU_EMO = ["🤔", "😅", "🙂", "👀", "📢", "🗳️", "📌"]
LAUGH = ["wkwk", "wkwkwk", "awokawok", "haha", "xixixi", "😂", "🤣"]
ENGLISH = ["no debat", "real talk", "big W", "so far so good", "red flag", "literally", "trust me",
           "anyway", "top tier", "low key", "fix", "vibes nya dapet", "overrated", "game changer"]
ISSUE_WANT = ["beresin", "perhatiin", "fokus ke", "serius ngurus", "cari jalan keluar soal", "turun langsung liat"]
ISSUE_COMPLAIN = ["makin parah", "gitu2 terus", "bikin susah warga", "dari dulu gitu2 aja",
                  "tiap tahun sama", "nyusahin banget"]

_POS_SUPPORT = [
    "{ref} {adj} {emo}",
    "pokoknya {ref}! {jargon} {emo}",
    "udah mantep suaraku buat {ref}, {adj} orangnya {emo}",
    "{jargon}!! {ref} buat {prov} yg lebih baik {emo}",
    "liat programnya {ref} soal {issue}, logis bgt {emo}",
    "{people} {place} siap antar {ref} ke kursi gubernur {emo}",
    "angkat topi buat {nick}, {adj} dan dekat sama rakyat",
    "tanggal {voteday} jangan lupa ke TPS, nomornya {ballotref} ya {emo}",
    "{ref} satu2nya yg serius soal {issue} {emo}",
    "dari awal aku di barisan {ref}, {english} {emo}",
    "semoga {nick} jadi, {prov} butuh pemimpin {adj}",
    "kemarin ketemu {nick} di {place}, orangnya {adj} bgt {emo}",
    "{ref} udah ada hasil kerjanya, bukan cuma omongan",
    "yg lain boleh ngomong, {ref} yg kerja {emo} {jargon}",
    "aku sekeluarga suaranya ke {ballotref}! {emo}{emo}",
    "program {issue} dari {ref} paling membumi menurutku",
    "{nick} {adj}, {english}. {jargon}",
    "mantap {nick}, teruskan! {emo}",
    "nonton kampanye {ref} di {place} rame bgt {emo}",
    "bismillah {ballotref} {emo} {jargon}",
]
_NEG_ATTACK = [
    "{ref} {nadj} {nemo}",
    "janji {nick} soal {issue} cuma pemanis kampanye {nemo}",
    "jangan mau ditipu {ref}, {nadj}",
    "{ref} kemana aja pas {issue} {complain}? {nemo}",
    "ogah kasih suara ke {ballotref}, {nadj} {nemo}",
    "debatnya {nick} {nadj}, gak nyambung sama pertanyaan",
    "{ref} bisanya ngomong soal {issue}, buktinya mana {nemo}",
    "udah cukup {nick}, {prov} gak butuh pemimpin {nadj}",
    "kasian {people} {place}, dijanjiin {ref} tapi {complain}",
    "{english}, {ref} {nadj} {nemo}",
    "heran masih ada yg belain {ref} {nemo}",
    "{ref} sama aja kayak yg dulu2, {nadj}",
]
_SARCASM = [  # positive words, negative intent
    "wah luar biasa ya {nick}, {issue} {complain} tapi baliho dimana2 🙃",
    "mantap {ref}, janji {issue} tiap 5 tahun selalu sama 👏👏",
    "kece sih {nick}, jago bgt ngomong di panggung {laugh}",
    "luar biasa {ref}, {issue} {complain} tapi katanya berhasil 🙂",
    "asik {nick} udah mampir {place} pas kampanye aja {laugh}",
    "prestasi {ref} emang top, top banget bikin {issue} {complain} 🤡",
]
_COMPARE = [
    "{a} lebih baik dari {b}, {english} {emo}",
    "bandingin aja programnya, {a} jauh lebih jelas drpd {b}",
    "{b} kebanyakan gaya, {a} udah ada hasilnya {emo}",
    "soal {issue} jelas {a} unggul jauh dari {b}",
    "mending {a} lah daripada {b} {emo}",
    "debat kemarin {a} lebih nguasai materi, {b} kebanyakan muter2",
]
_NEUTRAL_ELECTION = [
    "jadi bingung suaraku mau ke {ref} atau {ref2} 🤔",
    "ada yg tau visi misi {ref} soal {issue}?",
    "siapapun yg jadi nanti, tolong {want} {issue} di {place}",
    "nunggu debat berikutnya dulu baru mutusin {emo}",
    "{people} {place} jgn lupa tanggal {voteday} datang ke TPS ya {emo}",
    "kampanye {ref} lewat {place} tadi, macet dikit {laugh}",
    "yg penting pilkada damai, beda pilihan tetap saudara 🤝",
    "masih nimbang2 antara {ballotref} sama {ballotref2}",
]
_ISSUE_ONLY = [
    "{issue} di {place} {complain} {nemo}",
    "tolong lah pemerintah {want} {issue}, {people} udah lelah",
    "siapa pun gubernurnya nanti, {issue} harus jadi prioritas",
    "pagi2 udah kena {issue} lagi di {place} {nemo}",
    "{issue} {complain}, kapan beresnya? {emo}",
    "{english}, {issue} di {prov} ini masalah serius",
]
_DEBATE = [
    "nonton debat malam ini, {ref} {adj} {emo} #DebatPilkada",
    "debat {n}: {ref} jawab soal {issue} mantap {emo}",
    "debatnya seru, tapi {ref2} {nadj} {nemo}",
    "live debat! {ref} vs {ref2}, siapa yg unggul menurut kalian?",
    "skor debat malam ini {ref} 1-0 {ref2} {laugh}",
    "{ref2} keliatan gugup pas ditanya {issue} {laugh}",
]
_NEWS = [
    "{prov}TERKINI - Paslon {ballot} {short} kampanye di {place} hari ini, bahas {issue}.",
    "KPU {prov} tetapkan jadwal debat, paslon diminta siapkan program {issue}.",
    "Bawaslu ingatkan paslon tidak kampanye saat masa tenang {quiet}.",
    "{short} janjikan program {issue} jika terpilih. Selengkapnya di link bio.",
    "Warga {place} keluhkan {issue}, kedua paslon diminta beri jalan keluar.",
    "Survei terbaru: elektabilitas paslon di {region} masih ketat.",
    "Debat {n} Pilkada {prov} digelar malam ini, tema {issue}.",
    "Paslon {ballot} {short} temui warga {place}, serap aspirasi soal {issue}.",
    "Pengamat: isu {issue} jadi penentu di Pilkada {prov}.",
]
_CITY = [
    "Info {place}: lalu lintas padat merayap sore ini, hati2 di jalan ya {emo}",
    "Hujan deras guyur {place}, waspada genangan gaes 🌧️",
    "Pasar murah di {place} besok pagi, jangan sampai ketinggalan!",
    "Ada yg tau kenapa listrik di {place} padam dari tadi?",
    "Kuliner baru di {place}, antri panjang bgt {emo}",
    "Kebakaran di {place}, semoga gak ada korban 🙏",
    "Kampanye paslon {ballot} di {place} hari ini, siap2 macet ya.",
    "Antrian solar di {place} makin panjang, ada info?",
    "Sunset di {place} sore ini cakep bgt ✨",
]
_OFFICIAL = [
    "{jargon}! Bersama {short}, {prov} {adj}. #{tag} {emo}",
    "Salam hormat buat {people} {place} atas sambutan hangatnya! {jargon} #{tag}",
    "Program {issue}: komitmen {short} untuk rakyat {prov}. Ingat nomor {ballot}! #{tag}",
    "Hari ini {nick} menyapa warga {place}. {jargon} 🙏 #{tag}",
    "Ayo antar {short} nomor urut {ballot} ke kursi gubernur! #{tag} #{tag2}",
    "Saksikan debat malam ini, bersama {short}! {jargon} #{tag}",
]
_CALL = [
    "📢 Ayo ramaikan #{drive} malam ini jam {hour}.00! Bersama {short} {jargon}",
    "Serentak jam {hour} malam, kita trendingkan #{drive} ya {people}! {emo}",
]
_DRIVE_JOIN = [
    "#{drive} {emo} {jargon}",
    "ikut ramaikan #{drive}!! {ref} {adj} {emo}",
    "#{drive} #{tag} {emo}{emo}",
    "hadir! #{drive} {ballotref} juara {emo}",
    "{jargon} #{drive}",
]
_COMMENT_GENERIC = [
    "sepakat bgt", "betul itu", "{laugh}", "mantap", "hmm 🤔", "nah ini", "sepakat {emo}",
    "gak sepakat sih", "bener bgt kak", "teruskan", "aamiin 🙏", "😂😂", "sumber?", "ini kabar palsu bukan?",
    "info lengkapnya dong", "{english}", "up", "👍", "kece", "siapa yg nanya {laugh}",
]
_LIVE = ["hadir dari {place}!", "{ballotref} juara!", "gaspol {nick} {emo}", "{jargon}!!", "salam dari {place} 🙏",
         "mantap pak {emo}", "❤️❤️❤️", "live nya jernih", "{nick}!! {emo}", "hadir", "#{tag}"]
_CRISIS = [
    "viral video {nick} soal {issue}, parah sih {nemo}",
    "{ref} ternyata gitu soal {issue}?? nyesel bgt {nemo}",
    "udah liat klarifikasi {nick} soal {issue}? makin gak logis {nemo}",
    "gara2 kasus {issue} ini suaraku batal ke {ballotref} {nemo}",
    "tim {short} kok diem aja soal {issue}? {nemo}",
    "kasus {issue} {ref} harus diusut! {nemo}",
]
_BLACK = [  # smear without a checkable claim (black campaign): identity and family insinuations
    "{ref} itu bukan putra daerah, jangan mau dipimpin orang luar {nemo}",
    "kasih suara ke {ref} sama aja nerusin kekuasaan keluarga, {people} sadar dong {nemo}",
    "{nick} antek juragan tambang, ingat itu sebelum ke TPS {nemo}",
    "{ref} cuma boneka partai, yg ngatur orang jakarta {nemo}",
    "jangan kasih suara ke {ballotref}, keluarganya aja gak beres {nemo}",
]
_HOAX_CLAIMS = [
    ("{short} akan menghapus program {issue} jika terpilih",
     "BREAKING!! bocoran dokumen: {short} akan menghapus program {issue} kalau jadi. sebarkan sebelum dihapus!! {link}"),
    ("{nick} terlibat penyelewengan dana {issue}",
     "ternyata {nick} terlibat penyelewengan dana {issue}, ada buktinya di sini {link} #{htag}"),
    ("KPU sudah menetapkan pemenang sebelum pencoblosan",
     "KPU {prov} udah tetapkan pemenang sebelum hari H, {short} dipastikan kalah. share!! {link}"),
]
_DEBUNK = [
    "[CEK FAKTA] Klaim \"{claim}\" tidak benar. Cek faktanya di {link}",
    "Cek fakta: beredar pesan \"{claim}\". Faktanya, klaim tersebut keliru.",
]
_SLANG = {"yang": ["yg"], "tidak": ["gak", "ga", "nggak", "tdk"], "banget": ["bgt", "bngt"],
          "sudah": ["udah", "udh", "sdh"], "dengan": ["dgn", "sama"], "untuk": ["utk", "buat"],
          "sama": ["sm"], "tapi": ["tp"], "karena": ["krn", "karna"], "aku": ["aku", "aq", "ak"],
          "juga": ["jg"], "saja": ["aja"], "bisa": ["bs"], "lagi": ["lg"], "kalau": ["kalo", "klo"],
          "gimana": ["gmn"], "orang": ["org"]}


def _two(b: str) -> str:
    return b.zfill(2) if b.isdigit() else b


class TextMaker:
    """Makes post and comment texts for one election with one RNG (deterministic)."""

    def __init__(self, election: Election, rng: random.Random):
        self.e = election
        self.r = rng
        self.fl = load_flavour(election.province)
        self.prov = election.id.split("-")[0].capitalize()
        self.issues = election.issues or []
        self.places = [p for reg in election.regions for p in (reg.places or [reg.name])] or [election.name]
        self.voteday = f"{election.dates.vote_day.day} {_MONTHS[election.dates.vote_day.month - 1]}"
        self.quiet = f"{election.dates.quiet_start.day}-{election.dates.quiet_end.day} " \
                     f"{_MONTHS[election.dates.quiet_end.month - 1]}"
        self.cand = {c.ballot: c for c in election.candidates}

    # --- slot helpers ---
    def ref(self, c: Candidate) -> str:
        r = self.r.random()
        if r < 0.25 and c.nicknames:
            return self.r.choice(c.nicknames)
        if r < 0.45:
            return self.r.choice([f"paslon {_two(c.ballot)}", f"nomor {c.ballot}", f"no {c.ballot}",
                                  f"{_two(c.ballot)}", f"paslon nomor {c.ballot}", f"nomor urut {c.ballot}"])
        if r < 0.75 and c.aliases:
            return self.r.choice(c.aliases)
        if r < 0.85 and c.hashtags:
            return "#" + self.r.choice(c.hashtags)
        return c.short

    def ballotref(self, c: Candidate) -> str:
        return self.r.choice([f"{_two(c.ballot)}", f"nomor {c.ballot}", f"paslon {_two(c.ballot)}", f"no.{c.ballot}"])

    def nick(self, c: Candidate) -> str:
        return self.r.choice(c.nicknames or c.aliases or [c.short])

    def jargon(self, c: Candidate) -> str:
        if c.jargon:
            return self.r.choice(c.jargon)
        return "#" + self.r.choice(c.hashtags) if c.hashtags else f"{c.short} menang"

    def issue(self, issue_id: str | None = None) -> tuple[str | None, str]:
        if not self.issues:
            return None, "pembangunan"
        iss = next((i for i in self.issues if i.id == issue_id), None) if issue_id else None
        iss = iss or self.r.choice(self.issues)
        return iss.id, self.r.choice(iss.seeds)

    def place(self, region_places: list[str] | None = None) -> str:
        return self.r.choice(region_places) if region_places else self.r.choice(self.places)

    def _slots(self, c: Candidate | None, other: Candidate | None, places, issue_id=None) -> tuple[dict, str | None]:
        iid, iss = self.issue(issue_id)
        c = c or self.r.choice(self.e.candidates)
        other = other or self._other(c)
        s = {
            "ref": self.ref(c), "ref2": self.ref(other), "nick": self.nick(c), "jargon": self.jargon(c),
            "ballotref": self.ballotref(c), "ballotref2": self.ballotref(other), "ballot": c.ballot,
            "short": c.short, "adj": self.r.choice(POS_ADJ), "nadj": self.r.choice(NEG_ADJ),
            "emo": self.r.choice(POS_EMO), "nemo": self.r.choice(NEG_EMO), "laugh": self.r.choice(LAUGH),
            "english": self.r.choice(ENGLISH), "issue": iss, "want": self.r.choice(ISSUE_WANT),
            "complain": self.r.choice(ISSUE_COMPLAIN), "place": self.place(places), "prov": self.prov,
            "people": self.r.choice(self.fl["people"]), "voteday": self.voteday, "quiet": self.quiet,
            "region": self.r.choice(self.e.regions).name if self.e.regions else self.e.name,
            "tag": self.r.choice(c.hashtags) if c.hashtags else c.short.replace("-", ""),
            "tag2": self.r.choice(c.hashtags) if c.hashtags else "Pilkada" + self.prov,
            "n": self.r.randint(1, max(1, len(self.e.dates.debates) or 1)),
        }
        return s, iid

    def _other(self, c: Candidate) -> Candidate:
        rest = [x for x in self.e.candidates if x.ballot != c.ballot]
        return self.r.choice(rest) if rest else c

    # --- finishing pass ---
    def casual(self, text: str, strength: float = 1.0) -> str:
        """Slang, province flavour, elongation, casing and emoji: the informal finish."""
        r = self.r
        words = text.split(" ")
        swaps = self.fl.get("swaps") or {}
        out = []
        for w in words:
            lw = w.lower()
            if lw in _SLANG and r.random() < 0.7 * strength:
                w = r.choice(_SLANG[lw])
            elif lw in swaps and r.random() < 0.45 * strength:
                w = r.choice(swaps[lw])
            out.append(w)
        text = " ".join(out)
        x = r.random()
        if x < 0.12 * strength:  # elongation of one word ending in a vowel
            ws = text.split(" ")
            i = r.randrange(len(ws))
            if ws[i] and ws[i][-1] in "aiueo" and ws[i].isalpha():
                ws[i] = ws[i] + ws[i][-1] * r.randint(2, 5)
            text = " ".join(ws)
        if r.random() < 0.18 * strength:
            text = text + " " + r.choice(self.fl["particles"])
        if r.random() < 0.10 * strength:
            text = r.choice(self.fl["openers"]) + ", " + text
        if r.random() < 0.08 * strength:
            text = text + " " + r.choice(self.fl["phrases"])
        if r.random() < 0.55:
            text = text.lower()
        elif r.random() < 0.05:
            text = text.upper()
        if r.random() < 0.15:
            text = text + r.choice(["!!", "!!!", "??", "..", " 🙏", " 😭"])
        return text

    def _fmt(self, tpl: str, s: dict) -> str:
        return tpl.format(**s)

    # --- generators: each returns (text, stance dict, issue id) ---
    def support(self, ballot: str, places=None, issue_id=None, casual=True):
        """A supporter praising ``ballot``."""
        c = self.cand[ballot]
        s, iid = self._slots(c, None, places, issue_id)
        t = self._fmt(self.r.choice(_POS_SUPPORT), s)
        if c.hashtags and self.r.random() < 0.35:
            tag = self.r.choice(c.hashtags)
            if "#" + tag.lower() not in t.lower():
                t += " #" + tag
        return (self.casual(t) if casual else t), {ballot: "pos"}, (iid if "{issue}" in t or issue_id else None)

    def attack(self, ballot: str, places=None, issue_id=None, casual=True):
        """Criticism of ``ballot`` (sometimes sarcastic)."""
        c = self.cand[ballot]
        s, iid = self._slots(c, None, places, issue_id)
        tpl = self.r.choice(_SARCASM) if self.r.random() < 0.2 else self.r.choice(_NEG_ATTACK)
        t = self._fmt(tpl, s)
        return (self.casual(t) if casual else t), {ballot: "neg"}, (iid if "{issue}" in tpl else None)

    def compare(self, better: str, worse: str, places=None):
        """``better`` is better than ``worse`` ("01 lebih baik dari 02")."""
        a, b = self.cand[better], self.cand[worse]
        s, iid = self._slots(a, b, places)
        s["a"], s["b"] = self.r.choice([self.ref(a), _two(a.ballot)]), self.r.choice([self.ref(b), _two(b.ballot)])
        tpl = self.r.choice(_COMPARE)
        return self.casual(self._fmt(tpl, s)), {better: "pos", worse: "neg"}, (iid if "{issue}" in tpl else None)

    def neutral(self, places=None):
        """Undecided / procedural talk that names candidates without taking sides."""
        c = self.r.choice(self.e.candidates)
        o = self._other(c)
        s, iid = self._slots(c, o, places)
        tpl = self.r.choice(_NEUTRAL_ELECTION)
        st = {}
        if "{ref}" in tpl or "{ballotref}" in tpl:
            st[c.ballot] = "neu"
        if "{ref2}" in tpl or "{ballotref2}" in tpl:
            st[o.ballot] = "neu"
        return self.casual(self._fmt(tpl, s)), st, (iid if "{issue}" in tpl else None)

    def issue_talk(self, places=None, issue_id=None):
        """A complaint about a local issue, no candidate."""
        s, iid = self._slots(None, None, places, issue_id)
        return self.casual(self._fmt(self.r.choice(_ISSUE_ONLY), s)), {}, iid

    def debate(self, favour: str, n: int, places=None):
        """Debate-night reaction favouring ``favour``."""
        c = self.cand[favour]
        o = self._other(c)
        s, iid = self._slots(c, o, places)
        s["n"] = n
        tpl = self.r.choice(_DEBATE)
        st = {favour: "pos"} if "{ref}" in tpl else {}
        if "{nadj}" in tpl or "gugup" in tpl:
            st[o.ballot] = "neg"
        elif "{ref2}" in tpl:
            st[o.ballot] = "neu"
        if "siapa yg unggul" in tpl:
            st = {favour: "neu", o.ballot: "neu"}
        return self.casual(self._fmt(tpl, s)), st, (iid if "{issue}" in tpl else None)

    def news(self, places=None, issue_id=None, n: int = 1):
        """A media headline (formal, not casual)."""
        c = self.r.choice(self.e.candidates)
        s, iid = self._slots(c, None, places, issue_id)
        s["n"] = n
        tpl = self.r.choice(_NEWS)
        st = {c.ballot: "neu"} if ("{short}" in tpl or "{ballot}" in tpl) else {}
        return self._fmt(tpl, s), st, (iid if "{issue}" in tpl else None)

    def city(self, places=None):
        """A city info account's local post (mostly not about the election)."""
        c = self.r.choice(self.e.candidates)
        s, iid = self._slots(c, None, places)
        tpl = self.r.choice(_CITY)
        st = {c.ballot: "neu"} if "{ballot}" in tpl else {}
        return self._fmt(tpl, s), st, None

    def official(self, ballot: str, places=None, issue_id=None):
        """An official campaign account's post."""
        c = self.cand[ballot]
        s, iid = self._slots(c, None, places, issue_id)
        tpl = self.r.choice(_OFFICIAL)
        return self._fmt(tpl, s), {ballot: "pos"}, (iid if "{issue}" in tpl else None)

    def call_to_action(self, ballot: str, drive_tag: str, hour: int):
        """An official call to a hashtag drive at ``hour`` local time."""
        c = self.cand[ballot]
        s, _ = self._slots(c, None, None)
        s["drive"], s["hour"] = drive_tag, hour
        return self._fmt(self.r.choice(_CALL), s), {ballot: "pos"}, None

    def drive_join(self, ballot: str, drive_tag: str):
        """A supporter joining a hashtag drive."""
        c = self.cand[ballot]
        s, _ = self._slots(c, None, None)
        s["drive"] = drive_tag
        return self.casual(self._fmt(self.r.choice(_DRIVE_JOIN), s), 0.6), {ballot: "pos"}, None

    def comment(self, support: str | None, about: dict, places=None):
        """A comment reacting to a post whose stance is ``about`` (ballot -> stance)."""
        r = self.r.random()
        if support and about and r < 0.55:
            target = self.r.choice(sorted(about))
            if target == support:
                return self.support(support, places)
            return self.attack(target, places) if r < 0.35 else self.support(support, places)
        if support and r < 0.7:
            return self.support(support, places)
        s, _ = self._slots(None, None, places)
        return self.casual(self._fmt(self.r.choice(_COMMENT_GENERIC), s)), {}, None

    def live_comment(self, ballot: str, places=None):
        """A short live-stream comment on ``ballot``'s live."""
        c = self.cand[ballot]
        s, _ = self._slots(c, None, places)
        tpl = self.r.choice(_LIVE)
        st = {} if tpl in ("hadir", "live nya jernih", "❤️❤️❤️") else {ballot: "pos"}
        return self.casual(self._fmt(tpl, s), 0.5), st, None

    def crisis(self, ballot: str, issue_id: str, places=None):
        """A post in a negative crisis about ``ballot`` on ``issue_id``."""
        c = self.cand[ballot]
        s, iid = self._slots(c, None, places, issue_id)
        return self.casual(self._fmt(self.r.choice(_CRISIS), s)), {ballot: "neg"}, iid

    def black(self, ballot: str, places=None):
        """A black-campaign smear against ``ballot`` (identity/dynasty insinuation, no claim)."""
        c = self.cand[ballot]
        s, _ = self._slots(c, None, places)
        return self.casual(self._fmt(self.r.choice(_BLACK), s), 0.6), {ballot: "neg"}, None

    def hoax_claim(self, ballot: str, issue_id: str, link: str) -> tuple[str, str]:
        """(claim summary, circulated message) for an injected hoax against ``ballot``."""
        c = self.cand[ballot]
        s, _ = self._slots(c, None, None, issue_id)
        s["link"] = link
        s["htag"] = (c.hashtags[0] if c.hashtags else c.short.replace("-", "")) + "Bohong"
        i = self.r.randrange(len(_HOAX_CLAIMS))
        claim_t, msg_t = _HOAX_CLAIMS[i]
        return claim_t.format(**s), msg_t.format(**s)

    def hoax_share(self, message: str) -> str:
        """A citizen passing a hoax on, with their own words around it."""
        pre = self.r.choice(["", "beneran nih? ", "astaga ", "pantes aja.. ", "share ya gaes ", "cek dulu: ",
                             "😱 ", "ini serius?? "])
        return self.casual(pre + message, 0.4)

    def debunk(self, claim: str, link: str) -> str:
        """A fact-check post about ``claim``."""
        return self.r.choice(_DEBUNK).format(claim=claim, link=link)

    def paraphrase(self, text: str) -> str:
        """A light paraphrase of a coordinated message: reorder clauses, swap words, new emoji."""
        r = self.r
        parts = [p.strip() for p in text.replace("!!", "!").split(",") if p.strip()]
        if len(parts) > 1 and r.random() < 0.5:
            r.shuffle(parts)
        t = ", ".join(parts)
        for a, bs in (("mantap", ["kece", "top", "top markotop"]), ("suaraku", ["suara kami", "suaraku"]),
                      ("bgt", ["banget", "bener"]), ("jangan", ["jgn", "jgn sampe"]),
                      ("buat", ["untuk", "demi"]), ("yg", ["yang"]), ("gak", ["tidak", "ga"])):
            if a in t and r.random() < 0.6:
                t = t.replace(a, r.choice(bs), 1)
        for e in POS_EMO + NEG_EMO:
            if e in t:
                t = t.replace(e, r.choice(POS_EMO if e in POS_EMO else NEG_EMO))
        return self.casual(t, 0.5)


_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"]
