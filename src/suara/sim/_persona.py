"""Public self-descriptions for simulated citizens, so the demo has demographics to aggregate.

A share of citizens get a bio fragment naming a walk of life and sometimes an age cue, the
way Indonesian users write them ("guru honorer | ibu 2 anak", "mhs Unmul angkatan 2022",
"pensiunan PNS"). Fragments agree with the gender the first name usually signals; mining,
plantation and fishing work is more common where the region's name suggests it. The random
stream is the account's own (seeded by its id), so adding personas changes nothing else in a
simulated world.

Example
-------
>>> persona_bio("siti", "6472", 2)
'ibu rumah tangga | ibu dari 2 anak'
>>> persona_bio("siti", "6472", 11) is None     # most citizens describe no walk of life
True
"""
from __future__ import annotations

import random

__all__ = ["persona_bio", "FEMALE_FIRST"]

#: first names of the simulator's list that usually signal a woman (unisex ones left out)
FEMALE_FIRST = set("anisa annisa ayu citra dewi dina fitri hana indah intan lina maya nadia nurul puput putri "
                   "rina sari sinta siti tari tika wulan yuni zahra ratna desi jihan salsa alya syifa".split())
_ANY = [("mahasiswa {uni} angkatan {cohort}", 0.16), ("pelajar SMA | {hobby}", 0.07), ("guru honorer", 0.06),
        ("PNS | {hobby}", 0.06), ("driver ojol", 0.06), ("jualan online, order via DM", 0.07),
        ("karyawan swasta", 0.08), ("pensiunan PNS, kakek 3 cucu", 0.03), ("lahir {year} | {hobby}", 0.08),
        ("kerja di tambang", 0.09), ("petani sawit", 0.07), ("nelayan", 0.03), ("ustadz | dakwah", 0.02)]
_F = [("ibu rumah tangga | ibu dari 2 anak", 0.12), ("mahasiswi {uni} angkatan {cohort}", 0.08),
      ("ibu dari {n} anak | guru SD", 0.05), ("bidan desa", 0.02), ("mamah muda, jualan online", 0.04)]
_M = [("bapak 2 anak | kerja di tambang", 0.06), ("ayah dari {n} anak", 0.05), ("operator alat berat", 0.03)]
_UNIS = ["Unmul", "Polnes", "UINSI", "ITK", "Uniba"]
_HOBBY = ["kopi & bola", "mancing", "Persiba", "Borneo FC", "healing", "K-pop"]


def persona_bio(first: str, uid: str, seed: int, share: float = 0.4) -> str | None:
    """A self-description for one citizen (or None: most people write none)."""
    rng = random.Random(f"{seed}:{uid}:persona")
    if rng.random() >= share:
        return None
    opts = list(_ANY) + (_F if first.lower() in FEMALE_FIRST else _M)
    text = rng.choices([o for o, _ in opts], weights=[w for _, w in opts])[0]
    return text.format(uni=rng.choice(_UNIS), cohort=rng.randint(2019, 2024), hobby=rng.choice(_HOBBY),
                       year=rng.choice([rng.randint(1960, 1978), rng.randint(1980, 1998), rng.randint(2001, 2006)]),
                       n=rng.choice(["2", "3", "dua"]))
