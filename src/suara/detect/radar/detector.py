"""The radar's statistical detector: each bin of a count series against the same time of
day over the previous days (median and MAD, three window sums and a CUSUM), alarms opening
episodes that last while the series stays elevated.

Example
-------
>>> eps = detect_series([5] * 700 + [60] * 4 + [5] * 40, RadarSettings())
>>> len(eps) >= 1
True
"""
from __future__ import annotations

import dataclasses
from typing import Iterable

import numpy as np



METRICS = ("volume", "negative", "toxic", "hoax", "neg_share")


@dataclasses.dataclass
class RadarSettings:
    """Detector parameters (all configurable; defaults tuned with ``bench/radar.py``).

    Parameters
    ----------
    bin_minutes: width of one bin.
    baseline_days: how many previous days of the same time of day form the baseline.
    min_history_days: no alarm before this many baseline days exist.
    windows: window lengths in bins tested at once (1 = 15 min, 4 = 1 h, 16 = 4 h).
    z: robust z-score threshold, ``(x - median) / sqrt(max(median, (1.4826 MAD)^2) + 1)``.
    min_count: minimum posts in the window for an alarm.
    min_excess: minimum posts above the baseline median.
    cusum_k, cusum_h: CUSUM allowance and decision threshold on 15-minute z-scores.
    cooldown_bins: quiet bins needed before the same series can alarm again.
    share_z: binomial z threshold for ``neg_share``; ``share_min_count`` posts needed.

    Example
    -------
    >>> RadarSettings(z=6).windows
    (1, 4, 16)
    """

    bin_minutes: int = 15
    baseline_days: int = 7
    min_history_days: int = 2
    windows: tuple[int, ...] = (1, 4, 16)
    z: float = 5.0
    min_count: int = 6
    min_excess: int = 5
    cusum_k: float = 1.5
    cusum_h: float = 12.0
    cooldown_bins: int = 8
    share_z: float = 6.0
    share_min_count: int = 20
    metrics: tuple[str, ...] = METRICS
    #: per-metric z thresholds: known-hoax matches have a near-zero baseline, so a handful
    #: of them is already meaningful
    metric_z: dict = dataclasses.field(default_factory=lambda: {"hoax": 3.0, "toxic": 4.5})
    #: threshold for the pair x issue series: small counts with near-Poisson tails, where a
    #: crisis stands out most; a lower z there buys sensitivity at little false-alarm cost
    specific_z: float = 4.0
    #: an alert needs posts in at least this many threads (root posts): a lively comment
    #: section under one post is not a crisis by itself
    min_threads: int = 3

    @property
    def bins_per_day(self) -> int:
        return 24 * 60 // self.bin_minutes


@dataclasses.dataclass
class Episode:
    """One anomalous stretch of one series (bin indices relative to the series start)."""

    onset: int
    detected: int
    end: int
    peak_z: float
    value: float
    baseline: float
    window: int
    method: str


# ----------------------------------------------------------------------------- detection
def _shift(a: np.ndarray, k: int) -> np.ndarray:
    out = np.full_like(a, np.nan, dtype=float)
    if k < len(a):
        out[k:] = a[: len(a) - k]
    return out


def _baseline(x: np.ndarray, s: RadarSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, MAD and trimmed mean (largest 10% dropped) of x at the same time of day
    (+/- one bin) over the previous days; NaN where too few days exist."""
    bpd = s.bins_per_day
    samples = [_shift(x, k * bpd + j) for k in range(1, s.baseline_days + 1) for j in (-1, 0, 1)
               if k * bpd + j > 0]
    st = np.vstack(samples)
    valid = np.sum(~np.isnan(st), axis=0)
    cols = np.arange(st.shape[1])
    # sorting once with NaN -> inf is several times faster than np.nanmedian here
    srt = np.sort(np.where(np.isnan(st), np.inf, st), axis=0)
    lo, hi = np.clip((valid - 1) // 2, 0, len(st) - 1), np.clip(valid // 2, 0, len(st) - 1)
    with np.errstate(all="ignore"):
        med = (srt[lo, cols] + srt[hi, cols]) / 2
        dev = np.sort(np.where(np.isnan(st), np.inf, np.abs(st - med)), axis=0)
        mad = (dev[lo, cols] + dev[hi, cols]) / 2
        keep = np.maximum(valid - np.maximum(valid // 10, 1), 1)
        csum = np.cumsum(np.where(np.isfinite(srt), srt, 0.0), axis=0)
        tmean = csum[np.clip(keep - 1, 0, len(st) - 1), cols] / keep
    enough = valid >= 3 * s.min_history_days
    med[~enough] = np.nan
    return med, mad, np.where(enough, tmean, np.nan)


class _quiet:
    """Silence numpy's 'All-NaN slice' warnings: NaN there means 'no baseline yet'."""

    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _rolling_avail(avail: np.ndarray, w: int) -> np.ndarray:
    """True where the whole window lies inside the data."""
    if w == 1:
        return avail
    c = np.concatenate([[0], np.cumsum(~avail)])
    out = np.zeros(len(avail), dtype=bool)
    out[w - 1:] = (c[w:] - c[:-w]) == 0
    return out


def _rolling(x: np.ndarray, w: int) -> np.ndarray:
    if w == 1:
        return x.astype(float)
    c = np.concatenate([[0.0], np.cumsum(x, dtype=float)])
    out = np.empty(len(x), dtype=float)
    out[w - 1:] = c[w:] - c[:-w]
    out[: w - 1] = c[1:w]          # partial windows at the start
    return out


def detect_series(counts: Iterable[float], settings: RadarSettings | None = None,
                  totals: Iterable[float] | None = None, start: int = 0,
                  z: float | None = None) -> list[Episode]:
    """Find anomalous episodes in one binned count series.

    Parameters
    ----------
    counts: posts per bin (for ``neg_share``: negative posts per bin).
    settings: detector settings.
    totals: for a share series, all posts per bin; ``counts`` are then tested with a
        binomial z-score against the baseline share.
    start: only episodes detected at or after this bin index are returned (incremental runs
        pass the first new bin; earlier bins only feed the baseline).
    z: threshold overriding ``settings.z``.

    Returns
    -------
    list of :class:`Episode`, in time order.

    Example
    -------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.poisson(5, 96 * 10).astype(float)
    >>> x[900:904] += 40                       # a burst on day 10
    >>> [e.detected for e in detect_series(x)]
    [900]
    """
    s = settings or RadarSettings()
    zthr = s.z if z is None else z
    x = np.asarray(list(counts) if not isinstance(counts, np.ndarray) else counts, dtype=float)
    n = len(x)
    if n == 0:
        return []
    avail = ~np.isnan(x)           # NaN = before the data starts: not a zero baseline
    x0 = np.nan_to_num(x)
    alarm = np.zeros(n, dtype=bool)
    zbest = np.full(n, -np.inf)
    wbest = np.ones(n, dtype=int)
    vbest = np.zeros(n)
    bbest = np.zeros(n)
    method = np.array([""] * n, dtype=object)
    if totals is not None:
        tot = np.asarray(list(totals) if not isinstance(totals, np.ndarray) else totals, dtype=float)
        for w in s.windows:
            xw, nw = _rolling(x0, w), _rolling(np.nan_to_num(tot), w)
            xw[~_rolling_avail(avail, w)] = np.nan
            # baseline share: pooled share of the same bins over the previous days
            num, _ = _baseline_sum(xw, s)
            den, _ = _baseline_sum(np.where(np.isnan(xw), np.nan, nw), s)
            with np.errstate(all="ignore"):
                p0 = np.clip(num / den, 0.02, 0.98)
                z = (xw - nw * p0) / np.sqrt(nw * p0 * (1 - p0))
            z[np.isnan(z)] = -np.inf
            hit = (z >= s.share_z) & (nw >= s.share_min_count) & (xw >= s.min_count)
            better = z > zbest
            zbest = np.where(better, z, zbest)
            wbest = np.where(better, w, wbest)
            vbest = np.where(better, xw / np.maximum(nw, 1), vbest)
            bbest = np.where(better, p0, bbest)
            method = np.where(hit & ~alarm, f"share{w}", method)
            alarm |= hit
        z1 = np.where(np.isfinite(zbest), zbest, 0.0)
    else:
        z1 = None
        for w in s.windows:
            xw = _rolling(x0, w)
            xw[~_rolling_avail(avail, w)] = np.nan
            med, mad, tmean = _baseline(xw, s)
            # expected count: the larger of median and trimmed mean (a median of small
            # Poisson counts under-estimates); overdispersion factor from the MAD.
            lam = np.fmax(med, tmean)
            phi = np.clip((1.4826 * mad) ** 2 / np.maximum(lam, 0.5), 1.0, 25.0)
            # the local MAD of 21 samples is noisy: floor it with the series' typical
            # over-dispersion (median over the bins that have a baseline)
            ok = np.isfinite(phi) & np.isfinite(lam) & (lam >= 1)
            if ok.sum() >= s.bins_per_day:
                phi = np.fmax(phi, float(np.median(phi[ok])))
            with np.errstate(all="ignore"):
                # Anscombe transform: near-normal tails even for counts of a few posts
                z = 2 * (np.sqrt(xw + 0.375) - np.sqrt(lam + 0.375)) / np.sqrt(phi)
            med = lam
            hit = (z >= zthr) & (xw >= s.min_count) & (xw - np.nan_to_num(med) >= s.min_excess)
            better = z > zbest
            zbest = np.where(better, z, zbest)
            wbest = np.where(better, w, wbest)
            vbest = np.where(better, xw, vbest)
            bbest = np.where(better, med, bbest)
            method = np.where(hit & ~alarm, f"window{w}", method)
            alarm |= hit
            if w == 1:
                z1 = np.where(np.isfinite(z), z, 0.0)
                med1 = np.nan_to_num(med)
        # CUSUM on 15-minute z-scores catches slow build-ups no single window shows
        cs = 0.0
        cstart = 0
        excess = 0.0
        rising = np.flatnonzero(np.isfinite(zbest) & (z1 > s.cusum_k))
        for t in (range(int(rising[0]), n) if len(rising) else ()):
            if not np.isfinite(zbest[t]):
                cs, excess = 0.0, 0.0
                continue
            inc = min(z1[t], 6.0) - s.cusum_k
            if cs == 0.0 and inc > 0:
                cstart, excess = t, 0.0
            cs = max(0.0, cs + inc)
            excess = excess + (x0[t] - med1[t]) if cs > 0 else 0.0
            if cs >= s.cusum_h and excess >= max(s.min_count, s.min_excess) and not alarm[t]:
                alarm[t] = True
                method[t] = "cusum"
    if z1 is None:
        z1 = np.zeros(n)
    episodes: list[Episode] = []
    t = 0
    hits = np.flatnonzero(alarm)
    while t < n:
        nxt = hits[np.searchsorted(hits, t):]
        if not len(nxt):
            break
        det = t = int(nxt[0])
        # onset: start of the run of elevated 15-minute bins that led to the alarm
        on = det
        gap = 0
        look = max(int(wbest[det]), 16)
        while on - 1 >= max(0, det - look * 2):
            if z1[on - 1] > 1.0:
                on -= 1
                gap = 0
            elif gap == 0 and on - 2 >= 0 and z1[on - 2] > 1.0:
                on -= 2
                gap = 1
            else:
                break
        # the episode lasts while elevated, plus a cooldown
        end, quiet = det, 0
        peak_t = det
        u = det + 1
        while u < n and quiet < s.cooldown_bins:
            if alarm[u] or zbest[u] > 1.0:
                end, quiet = u, 0
                if zbest[u] > zbest[peak_t]:
                    peak_t = u
            else:
                quiet += 1
            u += 1
        if det >= start:
            episodes.append(Episode(onset=int(on), detected=int(det), end=int(end),
                                    peak_z=float(zbest[peak_t]), value=float(vbest[det]),
                                    baseline=float(bbest[det]), window=int(wbest[det]),
                                    method=str(method[det] or "window")))
        t = u
    return episodes


def _baseline_sum(x: np.ndarray, s: RadarSettings) -> tuple[np.ndarray, int]:
    bpd = s.bins_per_day
    samples = [_shift(x, k * bpd + j) for k in range(1, s.baseline_days + 1) for j in (-1, 0, 1)]
    st = np.vstack(samples)
    valid = np.sum(~np.isnan(st), axis=0)
    tot = np.nansum(st, axis=0)
    tot[valid < 3 * s.min_history_days] = np.nan
    return tot, 0
