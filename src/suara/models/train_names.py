"""Build the given-name lexicon that the demographics estimate reads, deterministically.

    python -m suara.models.train_names [--data ../shared/data] [--out src/suara/models]

Reads ``id_given_names/names.csv`` (CC BY-SA 4.0, see its README and SOURCE.txt) and writes
``given-names-1.json.gz``: every name with its gender (``m``, ``f``, ``u``) and how many
independent source families list it, plus name-ending rules learned from the lexicon
(``-wati`` -> f, ``-yanto`` -> m) for names that are not in it. The faker lists of three
languages are one family (they copy each other), so a name's ``families`` counts real
agreement. Attribution and licence texts travel next to the file in
``given-names-1.NOTICE.txt``.

Example
-------
>>> rules = learn_endings({"maryani": "f", "handayani": "f", "suryani": "f",
...                        "prasetyo": "m", "nugroho": "m", "wibowo": "m"}, min_support=3)
>>> rules["ani"], rules["owo"] if "owo" in rules else None
(['f', 1.0, 3], None)
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path

__all__ = ["load_names", "families", "learn_endings", "build", "FILE", "VERSION"]

VERSION = "1"
FILE = f"given-names-{VERSION}.json.gz"
DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"

#: source id prefix -> family (the three faker lists copy one another)
_FAMILY = {"fakerpy": "faker", "fakerphp": "faker", "fakerjs": "faker", "wikt2022": "wiktionary",
           "wikt2023": "wiktionary", "mutiawsr": "mutiawsr", "ironarachne": "ironarachne",
           "curated": "curated"}
#: endings shorter than this carry too little (``-a`` is both Eka and Dewa)
MIN_ENDING, MAX_ENDING = 2, 5


def families(sources: str) -> list[str]:
    """Distinct source families of a ``sources`` cell (``fakerpy_first_m;wikt2022_m``)."""
    out = []
    for s in str(sources or "").split(";"):
        f = _FAMILY.get(s.split("_", 1)[0])
        if f and f not in out:
            out.append(f)
    return out


def load_names(data: Path) -> list[dict]:
    """Rows of ``names.csv``: name, gender, families (list)."""
    f = Path(data) / "id_given_names" / "names.csv"
    with f.open(encoding="utf-8", newline="") as fh:
        rows = []
        for i, r in enumerate(csv.DictReader(fh), start=2):
            name, g = (r.get("name") or "").strip(), (r.get("gender") or "").strip()
            if not name.isascii() or not name.isalpha() or g not in ("m", "f", "u"):
                raise ValueError(f"{f}: row {i}: field name/gender: unexpected value {name!r}/{g!r}")
            rows.append({"name": name, "gender": g, "families": families(r.get("sources", ""))})
    return rows


def learn_endings(names: dict[str, str], min_support: int = 8, min_purity: float = 0.9) -> dict[str, list]:
    """Name endings that predict a gender: ``{ending: [gender, purity, support]}``.

    An ending is kept when at least ``min_support`` gendered names (m/f) end with it and at
    least ``min_purity`` of them share one gender. Unisex names count against purity.
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for n, g in names.items():
        for k in range(MIN_ENDING, MAX_ENDING + 1):
            if len(n) > k + 1:   # the ending must leave a stem
                counts[n[-k:]][g] += 1
    out = {}
    for end, c in sorted(counts.items()):
        tot = c["m"] + c["f"] + c["u"]
        g, n = ("m", c["m"]) if c["m"] >= c["f"] else ("f", c["f"])
        if n >= min_support and n / tot >= min_purity:
            out[end] = [g, round(n / tot, 3), n]
    return out


def build(data: Path = DEFAULT_DATA, out: Path | None = None, holdout: set[str] | None = None) -> dict:
    """The lexicon document (``names``, ``endings``, ``meta``); written to ``out`` when given.
    ``holdout`` names are left out of both parts (for scoring the lexicon on itself)."""
    rows = [r for r in load_names(data) if not holdout or r["name"] not in holdout]
    names = {r["name"]: [r["gender"], len([f for f in r["families"] if f != "curated"])] for r in rows}
    doc = {"meta": {"version": VERSION, "source": "id_given_names (CC BY-SA 4.0)", "names": len(names),
                    "licence": "CC BY-SA 4.0", "notice": f"given-names-{VERSION}.NOTICE.txt"},
           "names": names,
           "endings": learn_endings({n: v[0] for n, v in names.items()})}
    doc["meta"]["endings"] = len(doc["endings"])
    if out is not None:
        out = Path(out)
        payload = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        with gzip.GzipFile(out / FILE, "wb", mtime=0) as fh:  # mtime 0: byte-identical rebuilds
            fh.write(payload)
        src = Path(data) / "id_given_names"
        notice = ("given-names-1.json.gz is derived from the Indonesian given-name gender lexicon\n"
                  "(id_given_names): names lower-cased, gender kept, sources reduced to a count of\n"
                  "independent source families, name endings learned from it. Licence: CC BY-SA 4.0\n"
                  "(https://creativecommons.org/licenses/by-sa/4.0/); this derived file is under the\n"
                  "same licence. The lexicon's provenance and the notices its sources require follow.\n\n"
                  + (src / "SOURCE.txt").read_text(encoding="utf-8") + "\n\n"
                  + (src / "THIRD_PARTY_NOTICES.txt").read_text(encoding="utf-8"))
        (out / f"given-names-{VERSION}.NOTICE.txt").write_text(notice, encoding="utf-8")
    return doc


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    a = ap.parse_args(argv)
    doc = build(a.data, a.out)
    print(json.dumps(doc["meta"]))


if __name__ == "__main__":
    main()
