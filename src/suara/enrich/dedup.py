"""Near-duplicate clusters (copy-pasted narratives, copypasta) with MinHash LSH (datasketch).

Each text is shingled into word 3-grams of its normalised form (character 5-grams for short
texts); texts whose estimated Jaccard similarity passes ``threshold`` share a cluster id,
the key of the first text seen in the cluster. The band layout is datasketch's (its
``_optimal_param`` for the threshold); signatures and the band index are vectorised here
(datasketch's own index costs two thirds of the stage's time on unique texts, see
docs/enrich.md), with the same candidates: two texts meet when a whole band agrees. The index lives for the whole run and can be
primed with already-enriched posts, so new copies join old clusters.

Example
-------
>>> d = NearDuplicates()
>>> d.add_many(["a", "b", "c"], [
...     "jangan pilih dia karena dia korupsi dana desa kita semua warga kampung sini ya",
...     "jangan pilih dia karena dia korupsi dana desa kita semua warga kampung sini kan",
...     "harga beras naik lagi di pasar segiri hari ini"])
['a', 'a', None]
"""
from __future__ import annotations

import hashlib
import re

import zlib

import numpy as np

from suara.enrich.base import Batch, Component, register

__all__ = ["NearDuplicates"]

_W = re.compile(r"[a-z0-9]+")


#: datasketch's band layout (b, r) for (threshold, num_perm), precomputed for the defaults:
#: importing datasketch (scipy.integrate) costs more CPU than a small run's whole dedup
_KNOWN_BANDS = {(0.7, 64): (8, 8), (0.8, 64): (5, 11), (0.6, 64): (10, 6), (0.5, 64): (14, 4),
                (0.9, 64): (3, 21)}


def _band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    got = _KNOWN_BANDS.get((round(float(threshold), 4), num_perm))
    if got is None:
        from datasketch.lsh import _optimal_param
        got = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return got


_PRIME = np.uint64((1 << 61) - 1)
_MASK = np.uint64((1 << 32) - 1)


def _shingles(text: str) -> set[bytes]:
    w = _W.findall(text.lower())
    if len(w) >= 6:
        return {" ".join(w[i:i + 3]).encode() for i in range(len(w) - 2)}
    s = " ".join(w)
    return {s[i:i + 5].encode() for i in range(max(1, len(s) - 4))} if s else set()


@register
class NearDuplicates(Component):
    """MinHash LSH clustering; assigns ``dup_cluster`` (None for texts with no near copy)."""

    name, version, order = "dedup", "v1", 120
    requires, assigns = ("text_norm",), ("dup_cluster",)

    def __init__(self, threshold: float | None = None, num_perm: int = 64, min_chars: int = 20):
        self._given = threshold is not None
        self.threshold = 0.7 if threshold is None else threshold
        self.num_perm, self.min_chars = num_perm, min_chars
        self._bands(self.threshold)
        self._cluster: dict[str, str] = {}   # key -> cluster id (the first member's key)
        self._members: dict[str, list[str]] = {}
        self._exact: dict[str, str] = {}
        self.dirty: set[str] = set()
        self._seq: dict[str, int] = {}
        rng = np.random.RandomState(1)
        self._a = rng.randint(1, 1 << 32, size=num_perm, dtype=np.uint64)
        self._b = rng.randint(0, 1 << 32, size=num_perm, dtype=np.uint64)

    def initialize(self, election=None, workspace=None, settings=None, pipeline=None):
        """Take ``dedup_threshold`` from the settings unless a threshold was given."""
        t = (settings or {}).get("dedup_threshold")
        if not self._given and t is not None and float(t) != self.threshold and not self._cluster:
            self.threshold = float(t)
            self._bands(self.threshold)
        return super().initialize(election, workspace, settings, pipeline)

    def _bands(self, threshold: float) -> None:
        """Band layout (b bands of r rows, datasketch's choice for the threshold) and one
        table per band: band value -> the first text indexed with it (only the earliest
        candidate is ever used, see `add_many`)."""
        self.b, self.r = _band_layout(threshold, self.num_perm)
        self._tables: list[dict[bytes, str]] = [{} for _ in range(self.b)]

    def _band_keys(self, sigs: np.ndarray) -> list[list[bytes]]:
        """Per band, the bytes of each signature's band (equal bytes = the band agrees)."""
        r = self.r
        return [np.ascontiguousarray(sigs[:, i * r:(i + 1) * r]).view(
            np.dtype((np.void, 8 * r))).ravel().tolist() for i in range(self.b)]

    def _signatures(self, shingle_sets: list[set[bytes]]) -> np.ndarray:
        """MinHash signatures of many shingle sets at once, (n, num_perm) uint64.

        Hand-vectorised (datasketch's own MinHash hashes one set at a time and cost most of
        the stage's time); the signatures feed datasketch's LSH index unchanged."""
        lens = np.array([len(x) for x in shingle_sets])
        h = np.fromiter((zlib.crc32(x) for st in shingle_sets for x in st), dtype=np.uint64,
                        count=int(lens.sum()))
        p = (h[:, None] * self._a[None, :] + self._b[None, :]) % _PRIME & _MASK
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        return np.minimum.reduceat(p, starts, axis=0)

    def add(self, key: str, text: str) -> str | None:
        """Index one text; returns its cluster id when it joins (or forms) a cluster."""
        return self.add_many([key], [text])[0]

    def add_many(self, keys, texts) -> list[str | None]:
        """Index texts in order; returns each one's cluster id (None when alone so far)."""
        keys = list(keys)
        items = []  # (key, exact hash, shingles or None) in input order
        fresh: set[str] = set()
        for key, text in zip(keys, texts):
            t = (text or "").strip()
            if len(t) < self.min_chars or key in self._cluster:
                continue
            h = hashlib.blake2b(" ".join(_W.findall(t.lower())).encode(), digest_size=8).hexdigest()
            first = h not in self._exact and h not in fresh
            fresh.add(h)
            items.append((key, h, _shingles(t) if first else None))
        need = [sh for _, _, sh in items if sh]
        bands = list(zip(*self._band_keys(self._signatures(need)))) if need else []
        row = iter(bands)
        tables, seq = self._tables, self._seq
        # one pass in input order, so the result does not depend on how posts are batched
        for key, h, sh in items:
            if sh is None:
                if h in self._exact:  # exact copy of an earlier text: no LSH needed
                    self._join(key, self._exact[h])
                continue
            self._exact[h] = key
            if not sh:
                continue
            seq[key] = len(seq)
            first = None  # the earliest text sharing a band (results do not depend on order)
            for tbl, k in zip(tables, next(row)):
                f = tbl.setdefault(k, key)
                if f is not key and (first is None or seq[f] < seq[first]):
                    first = f
            if first is not None:
                self._join(key, first)
        return [self._cluster.get(k) for k in keys]

    def _join(self, key: str, other: str) -> str:
        cid = self._cluster.get(other) or other
        if other not in self._cluster:
            self.dirty.add(other)  # an earlier text just got a cluster: its row needs updating
        self._cluster[other] = cid
        self._cluster[key] = cid
        self._members.setdefault(cid, [cid]).append(key)
        return cid

    def cluster_of(self, key: str) -> str | None:
        return self._cluster.get(key)

    def members(self, cid: str) -> list[str]:
        return list(self._members.get(cid, []))

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        if "_key" in df:
            keys = df["_key"].tolist()
        else:
            keys = [f"row{len(self._exact)}-{i}" for i in range(len(df))]
        self.add_many(keys, df["text_norm"].tolist())
        batch.cache["dup_keys"] = keys
        df["dup_cluster"] = [self._cluster.get(k) for k in keys]
        return batch

    @property
    def sizes(self) -> np.ndarray:
        return np.array([len(v) for v in self._members.values()])
