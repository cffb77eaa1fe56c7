"""Issue & crisis radar: early warning on 15-minute series, emerging narratives, cascades.

How it works
------------
1. **Series** (Ibis, engine-neutral): posts of the current enrichment are counted in
   15-minute bins per candidate, per issue and per candidate x issue, for five metrics:
   ``volume``, ``negative``, ``toxic`` (hate speech, abusive or SARA), ``hoax`` (posts
   matching a known hoax claim) and ``neg_share`` (negative / volume).
2. **Detection** (numpy on the reduced series): every bin is compared with the *same time of
   day* over the previous days (default 7 days, +/- one bin, i.e. 21 samples) using the
   median and the MAD, so the daily rhythm and a few past spikes do not distort the
   baseline. Three windows are tested at once (15 min, 1 h, 4 h sums) plus a CUSUM on the
   15-minute residuals for slow build-ups; a minimum count and a minimum excess keep
   small-number noise out. An alarm opens an *episode* that lasts while the series stays
   elevated, plus a cooldown, so one crisis gives one alert.
3. **Alerts**: episodes on the same (candidate, issue) that overlap in time are merged;
   each alert is typed (hoax, black campaign, SARA / hate, opponent attack, organic
   criticism, positive surge) from the posts inside it, gets a severity from reach, speed
   and toxicity, and keeps its evidence (shares, sample posts, cascade trace).
4. **Narratives**: near-duplicate clusters (``dup_cluster``) that are new and growing fast.
5. **Incremental**: a watermark in ``meta`` (``radar.watermark``) remembers the last bin
   processed; a run reads only the baseline window before it and the new data. Alert ids
   are stable (hash of series key and onset), so re-running is idempotent and an ongoing
   alert is updated in place.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> run_radar(ws)["alerts"]
0
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any, Iterable

import ibis
import numpy as np
import pandas as pd

from suara.analyse.alerts import ALERT_TYPES, SEVERITIES, list_alerts
from suara.analyse.base import current_version, enriched, flagged

__all__ = ["RadarSettings", "Episode", "detect_series", "build_series", "run_radar", "list_alerts",
           "alert_posts", "trace_cascade", "emerging_narratives",
           "ALERT_TYPES", "SEVERITIES", "WATERMARK_KEY"]

WATERMARK_KEY = "radar.watermark"
VERSION_KEY = "radar.enrich_version"
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


# ----------------------------------------------------------------------------- series
def _flags(ws) -> ibis.Table:
    e = enriched(ws)
    toxic = (e.hate_speech.fill_null(False) | e.abusive.fill_null(False)
             | (e.sara.notnull() & (e.sara != "none") & (e.sara != "")))
    return e.select("platform", "post_id", "account_id", "created_at",
                    sentiment=e.sentiment, issues=e.issues,
                    toxic=toxic.cast("int64"),
                    hoax=e.hoax_claim_id.notnull().cast("int64"))


def build_series(ws, since: dt.datetime | None = None, until: dt.datetime | None = None,
                 settings: RadarSettings | None = None) -> pd.DataFrame:
    """Binned counts per series as a tidy DataFrame (computed with Ibis, then reduced).

    Columns: ``candidate``, ``issue`` ('' when not part of the key), ``bin`` (epoch bin
    index), ``volume``, ``negative``, ``positive``, ``toxic``, ``hoax``.

    Example
    -------
    >>> import suara, tempfile
    >>> build_series(suara.init(tempfile.mkdtemp())).empty
    True
    """
    s = settings or RadarSettings()
    width = s.bin_minutes * 60
    f = _flags(ws)
    if since is not None:
        f = f.filter(f.created_at >= since)
    if until is not None:
        f = f.filter(f.created_at < until)
    f = f.filter(f.created_at.notnull())
    f = f.mutate(bin=(f.created_at.epoch_seconds() // width).cast("int64"),
                 neg=(f.sentiment == "negative").fill_null(False).cast("int64"),
                 pos=(f.sentiment == "positive").fill_null(False).cast("int64"))
    m = ws.store.table("mentions")
    m = m.filter(m.version == (current_version(ws) or "")).select("platform", "post_id", "candidate")
    fm = f.inner_join(m, ["platform", "post_id"])

    def agg(t, keys):
        return t.group_by(keys + ["bin"]).aggregate(
            volume=t.count(), negative=t.neg.sum(), positive=t.pos.sum(),
            toxic=t.toxic.sum(), hoax=t.hoax.sum())

    by_cand = agg(fm, ["candidate"]).mutate(issue=ibis.literal(""))
    fi = f.filter(f.issues.notnull()).mutate(issue=f.issues.unnest())
    by_issue = agg(fi, ["issue"]).mutate(candidate=ibis.literal(""))
    fmi = fm.filter(fm.issues.notnull()).mutate(issue=fm.issues.unnest())
    by_both = agg(fmi, ["candidate", "issue"])
    cols = ["candidate", "issue", "bin", "volume", "negative", "positive", "toxic", "hoax"]
    parts = [t.select(cols).execute() for t in (by_cand, by_issue, by_both)]
    df = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=cols)
    for c in cols[3:]:
        df[c] = pd.to_numeric(df[c]).fillna(0).astype("int64")
    return df


# metrics tested per kind of series: the candidate x issue series only carry the
# harmful signals, to keep the number of tests (and so false alarms) down
_SERIES_METRICS = {
    "candidate": ("volume", "negative", "toxic", "hoax", "neg_share"),
    "issue": ("volume", "negative", "toxic", "hoax"),
    "both": ("negative", "hoax"),
}


def _episodes(df: pd.DataFrame, b0: int, b1: int, start_bin: int, s: RadarSettings,
              first_bin: int | None = None) -> list[dict]:
    out = []
    nb = b1 - b0
    if nb <= 0 or df.empty:
        return out
    for (cand, iss), g in df.groupby(["candidate", "issue"], sort=True):
        kind = "both" if cand and iss else ("candidate" if cand else "issue")
        idx = (g["bin"].to_numpy() - b0).astype(int)
        keep = (idx >= 0) & (idx < nb)
        dense = {}
        for c in ("volume", "negative", "toxic", "hoax"):
            a = np.zeros(nb)
            a[idx[keep]] = g[c].to_numpy()[keep]
            if first_bin is not None and first_bin > b0:
                a[: min(first_bin - b0, nb)] = np.nan
            dense[c] = a
        for metric in _SERIES_METRICS[kind]:
            if metric not in s.metrics:
                continue
            if metric == "neg_share":
                eps = detect_series(dense["negative"], s, totals=dense["volume"], start=start_bin - b0)
            else:
                zm = s.metric_z.get(metric)
                if kind == "both":
                    zm = min(zm or s.specific_z, s.specific_z)
                eps = detect_series(dense[metric], s, start=start_bin - b0, z=zm)
            for e in eps:
                out.append(dict(candidate=cand or None, issue=iss or None, metric=metric,
                                onset_bin=b0 + e.onset, detected_bin=b0 + e.detected,
                                end_bin=b0 + e.end, peak_z=e.peak_z, value=e.value,
                                baseline=e.baseline, window=e.window, method=e.method))
    return out


def _bin_time(b: int, s: RadarSettings) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(b) * s.bin_minutes * 60)


def _merge(eps: list[dict]) -> list[dict]:
    """Group episodes on the same (candidate, issue) whose spans overlap into one incident."""
    eps = sorted(eps, key=lambda e: (e["candidate"] or "", e["issue"] or "", e["onset_bin"]))
    out: list[dict] = []
    for e in eps:
        last = out[-1] if out else None
        if (last and last["candidate"] == e["candidate"] and last["issue"] == e["issue"]
                and e["onset_bin"] <= last["end_bin"]):
            last["episodes"].append(e)
            last["end_bin"] = max(last["end_bin"], e["end_bin"])
            last["onset_bin"] = min(last["onset_bin"], e["onset_bin"])
            last["detected_bin"] = min(last["detected_bin"], e["detected_bin"])
            if e["peak_z"] > last["peak_z"]:
                last.update(metric=e["metric"], value=e["value"], baseline=e["baseline"],
                            peak_z=e["peak_z"])
        else:
            out.append(dict(e, episodes=[e]))
    return out


def _absorb(incidents: list[dict]) -> list[dict]:
    """A candidate-only or issue-only incident overlapping a candidate x issue incident on the
    same candidate/issue is the same event seen coarser: keep the specific one, earliest times."""
    specific = [i for i in incidents if i["candidate"] and i["issue"]]
    out = []
    for inc in incidents:
        if inc["candidate"] and inc["issue"]:
            out.append(inc)
            continue
        host = None
        for sp in specific:
            same = (inc["candidate"] and sp["candidate"] == inc["candidate"]) or \
                   (inc["issue"] and sp["issue"] == inc["issue"])
            if same and inc["onset_bin"] <= sp["end_bin"] and sp["onset_bin"] <= inc["end_bin"]:
                host = sp
                break
        if host is None:
            out.append(inc)
        else:
            host["episodes"].extend(inc["episodes"])
            host["onset_bin"] = min(host["onset_bin"], inc["onset_bin"])
            host["detected_bin"] = min(host["detected_bin"], inc["detected_bin"])
            host["end_bin"] = max(host["end_bin"], inc["end_bin"])
    return out


# ----------------------------------------------------------------------------- posts, typing
def _posts_query(ws, pred) -> ibis.Table:
    """Posts with enrichment flags, author handle/type/followers and coordinated flag."""
    e = enriched(ws)
    e = e.filter(pred(e))
    a = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type",
                                          "followers")
    fl = flagged(ws).mutate(coordinated=ibis.literal(True))
    j = e.left_join(a, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    j = j.left_join(fl, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    return j.select("platform", "post_id", "account_id", "handle", "account_type", "followers",
                    "created_at", "kind", "root_id", "text", "url", "likes", "comments", "shares", "views",
                    "sentiment", "hate_speech", "abusive", "sara", "hoax_claim_id", "hoax_score",
                    "dup_cluster", "issues", coordinated=j.coordinated.fill_null(False))


def alert_posts(ws, candidate: str | None, issue: str | None, start: dt.datetime,
                end: dt.datetime, limit: int | None = None) -> pd.DataFrame:
    """Posts inside an alert's window matching its candidate/issue, oldest first, with the
    enrichment flags, author type and whether the author is flagged as coordinated.

    Example
    -------
    >>> import suara, tempfile, datetime as dt
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> alert_posts(ws, "1", None, dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)).empty
    True
    """
    j = _posts_query(ws, lambda e: (e.created_at >= start) & (e.created_at < end)
                     & (e.issues.contains(issue) if issue else ibis.literal(True)))
    if candidate:
        m = ws.store.table("mentions")
        m = m.filter((m.version == (current_version(ws) or "")) & (m.candidate == candidate))
        j = j.semi_join(m, ["platform", "post_id"])
    j = j.order_by(["created_at", "platform", "post_id"])
    if limit:
        j = j.limit(limit)
    return j.execute()


class _WindowPosts:
    """All posts of a run's alert windows, fetched in one query, then sliced per alert in
    pandas (one query per alert was the radar's main cost)."""

    def __init__(self, ws, windows: list[tuple[dt.datetime, dt.datetime]]):
        self.label = _labeller(ws)
        ranges: list[list[dt.datetime]] = []
        for a, b in sorted(windows):
            if ranges and a <= ranges[-1][1]:
                ranges[-1][1] = max(ranges[-1][1], b)
            else:
                ranges.append([a, b])
        if len(ranges) > 64:                      # keep the predicate small
            ranges = [[ranges[0][0], max(r[1] for r in ranges)]]
        if not ranges:
            self.df = pd.DataFrame(columns=["platform", "post_id", "created_at", "candidates"])
            return

        def pred(e):
            cond = ibis.literal(False)
            for a, b in ranges:
                cond = cond | ((e.created_at >= a) & (e.created_at < b))
            return cond
        q = _posts_query(ws, pred)
        df = q.order_by(["created_at", "platform", "post_id"]).execute()
        m = ws.store.table("mentions")
        m = m.filter(m.version == (current_version(ws) or "")).select("platform", "post_id", "candidate")
        mk = q.select("platform", "post_id").inner_join(m, ["platform", "post_id"]).select(
            "platform", "post_id", "candidate").execute()
        cands = mk.groupby(["platform", "post_id"])["candidate"].agg(lambda x: set(x.astype(str)))
        df["candidates"] = [cands.get((p, i), set()) for p, i in zip(df["platform"], df["post_id"])]
        df["created_at"] = pd.to_datetime(df["created_at"])
        self.df = df

    def get(self, candidate: str | None, issue: str | None, start, end) -> pd.DataFrame:
        d = self.df
        if d.empty:
            return d
        sel = (d["created_at"] >= pd.Timestamp(start)) & (d["created_at"] < pd.Timestamp(end))
        d = d[sel]
        if candidate:
            d = d[d["candidates"].map(lambda c: candidate in c)]
        if issue:
            d = d[d["issues"].map(lambda v: v is not None and not isinstance(v, float) and issue in list(v))]
        return d


def _official_accounts(ws) -> dict[str, str]:
    """(platform:handle lower) -> ballot of every official account in the election config."""
    out = {}
    for c in ws.election.candidates:
        for plat, handles in (c.official_accounts or {}).items():
            for h in handles:
                out[f"{plat}:{h.lstrip('@').lower()}"] = c.ballot
    return out


def _shares(p: pd.DataFrame, candidate: str | None, official: dict[str, str]) -> dict[str, float]:
    n = max(len(p), 1)
    sara = p["sara"].fillna("none").astype(str)
    toxic = (p["hate_speech"].fillna(False).astype(bool) | p["abusive"].fillna(False).astype(bool)
             | ~sara.isin(["none", ""]))
    handles = (p["platform"].astype(str) + ":" + p["handle"].fillna("").astype(str)
               .str.lstrip("@").str.lower())
    owner = handles.map(official)
    opp = owner.notna() & (owner != candidate) if candidate else owner.notna()
    return {
        "negative": float((p["sentiment"] == "negative").sum() / n),
        "positive": float((p["sentiment"] == "positive").sum() / n),
        "toxic": float(toxic.sum() / n),
        "sara": float((~sara.isin(["none", ""])).sum() / n),
        "hoax": float(p["hoax_claim_id"].notna().sum() / n),
        "coordinated": float(p["coordinated"].astype(bool).sum() / n),
        "opponent_official": float(opp.sum() / n),
    }


def _classify(sh: dict[str, float], metric: str) -> tuple[str, str]:
    """Alert type and the reason, from the shares of the posts inside the alert."""
    if metric == "hoax" or sh["hoax"] >= 0.2:
        return "hoax", f"{sh['hoax']:.0%} of posts match a known hoax claim"
    if metric == "toxic" or sh["toxic"] >= 0.3:
        return "sara_hate", f"{sh['toxic']:.0%} of posts are hate speech, abusive or SARA"
    neg = sh["negative"] >= max(sh["positive"], 0.25) or metric in ("negative", "neg_share")
    if neg and sh["opponent_official"] >= 0.05:
        return "opponent_attack", f"{sh['opponent_official']:.0%} of posts come from the opponent's official accounts"
    if neg and sh["coordinated"] >= 0.25:
        return "black_campaign", f"{sh['coordinated']:.0%} of posts come from coordinated accounts"
    if neg:
        return "organic_criticism", f"{sh['negative']:.0%} negative, {sh['coordinated']:.0%} coordinated"
    if sh["positive"] >= 0.4:
        return "positive_surge", f"{sh['positive']:.0%} of posts are positive"
    return "volume_spike", "volume above the usual level for this time of day"


def _severity(p: pd.DataFrame, sh: dict, hours: float, ratio: float, kind: str) -> tuple[float, str]:
    """Severity in 0..1 from reach (log views+engagement, accounts), speed (posts/h and the
    ratio to baseline) and toxicity; positive surges are capped at medium."""
    eng = float(p[["likes", "comments", "shares"]].fillna(0).sum().sum())
    views = float(p["views"].fillna(0).sum())
    followers = float(p.drop_duplicates(["platform", "account_id"])["followers"].fillna(0).sum())
    reach = np.log10(1 + max(views, followers) + 10 * eng) / 7.0          # 10M -> 1.0
    accts = np.log10(1 + p["account_id"].nunique()) / 3.0                   # 1000 accounts -> 1
    speed = np.log10(1 + len(p) / max(hours, 0.25)) / 3.0                   # 1000 posts/h -> 1
    surge = min(np.log2(1 + max(ratio, 0)) / 5.0, 1.0)
    harm = max(sh["toxic"], sh["hoax"] * 1.5, sh["coordinated"], sh["negative"] * 0.6)
    score = float(np.clip(0.3 * min(reach, 1) + 0.15 * min(accts, 1) + 0.2 * min(speed, 1)
                          + 0.1 * surge + 0.25 * min(harm, 1), 0, 1))
    if kind == "hoax":
        score = max(score, 0.4)
    label = "critical" if score >= 0.7 else "high" if score >= 0.5 else "medium" if score >= 0.3 else "low"
    if kind in ("positive_surge", "volume_spike") and label in ("high", "critical"):
        label = "medium"
    return round(score, 3), label


def _account_label(r) -> str:
    h = r.get("handle")
    return f"{r['platform']}:{h if isinstance(h, str) and h else r['account_id']}"


def _public(label, r) -> bool:
    return getattr(label, "public", lambda r: True)(r)


def _labeller(ws):
    """Account label for alert outputs: citizens become stable pseudonyms when the workspace
    pseudonymises (the default); public accounts keep their handle. Evidence exports of a
    case keep the real accounts (they go to platforms and Bawaslu)."""
    if not getattr(ws.config, "pseudonymise", True):
        return _account_label
    from suara.analyse.privacy import display_handle, is_public, workspace_salt
    salt = workspace_salt(ws)

    def label(r) -> str:
        at = r.get("account_type")
        at = at if isinstance(at, str) else None
        h = r.get("handle")
        shown = display_handle(at, r["platform"], str(r["account_id"]),
                               h if isinstance(h, str) and h else str(r["account_id"]), salt=salt)
        return f"{r['platform']}:{shown}"
    label.public = lambda r: is_public(r.get("account_type") if isinstance(r.get("account_type"), str) else None)
    return label


def trace_cascade(posts: pd.DataFrame, max_items: int = 5, label=None) -> dict[str, Any]:
    """Where a story came from and how it spread, from its posts (oldest first).

    Returns origin accounts (first posts), posts in the first hour, amplifiers (accounts by
    posts and engagement), the share of coordinated accounts, the platforms it hopped across
    with the first time seen on each, and reach over time (hourly posts and cumulative
    engagement).

    Example
    -------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"platform": ["x", "tiktok"], "account_id": ["a", "b"], "handle": ["a", "b"],
    ...     "post_id": ["1", "2"], "created_at": pd.to_datetime(["2024-11-01 09:00", "2024-11-01 10:30"]),
    ...     "likes": [1, 5], "comments": [0, 1], "shares": [0, 2], "views": [10, 100],
    ...     "coordinated": [False, True], "url": [None, None]})
    >>> trace_cascade(p)["platforms"][1]["platform"]
    'tiktok'
    """
    if posts is None or len(posts) == 0:
        return {"posts": 0}
    label = label or _account_label
    public = getattr(label, "public", lambda r: True)
    p = posts.sort_values("created_at").reset_index(drop=True)
    t0 = pd.Timestamp(p["created_at"].iloc[0])
    eng = p[["likes", "comments", "shares"]].fillna(0).sum(axis=1)
    p = p.assign(_eng=eng)
    origin = []
    for _, r in p.head(max_items).iterrows():
        # a citizen's post URL names the citizen: only public accounts keep it here
        url = r.get("url") if isinstance(r.get("url"), str) and public(r) else None
        origin.append({"account": label(r), "post_id": str(r["post_id"]),
                       "at": str(r["created_at"]), "url": url})
    amp = (p.groupby(["platform", "account_id"], dropna=False)
           .agg(posts=("post_id", "count"), engagement=("_eng", "sum"),
                handle=("handle", "first"), coordinated=("coordinated", "max"),
                **({"account_type": ("account_type", "first")} if "account_type" in p.columns else {}))
           .reset_index().sort_values(["posts", "engagement"], ascending=False).head(max_items))
    plats = (p.groupby("platform")["created_at"].agg(["min", "count"]).reset_index()
             .sort_values("min"))
    hourly = p.assign(h=p["created_at"].dt.floor("h")).groupby("h").agg(
        posts=("post_id", "count"), engagement=("_eng", "sum"), views=("views", "sum")).reset_index()
    hourly["cum_engagement"] = hourly["engagement"].cumsum()
    accounts = p.drop_duplicates(["platform", "account_id"])
    return {
        "posts": int(len(p)),
        "accounts": int(len(accounts)),
        "first_at": str(t0),
        "origin": origin,
        "first_hour_posts": int((p["created_at"] < t0 + pd.Timedelta(hours=1)).sum()),
        "amplifiers": [{"account": label(r), "posts": int(r["posts"]),
                        "engagement": int(r["engagement"]), "coordinated": bool(r["coordinated"])}
                       for _, r in amp.iterrows()],
        "coordinated_share": float(accounts["coordinated"].astype(bool).mean()),
        "platforms": [{"platform": r["platform"], "first_at": str(r["min"]), "posts": int(r["count"])}
                      for _, r in plats.iterrows()],
        "reach_over_time": [{"hour": str(r["h"]), "posts": int(r["posts"]),
                             "cum_engagement": int(r["cum_engagement"]),
                             "views": int(r["views"]) if r["views"] == r["views"] else 0}
                            for _, r in hourly.head(72).iterrows()],
    }


def _alert_id(key: str, onset: dt.datetime) -> str:
    return "al-" + hashlib.sha256(f"{key}|{onset:%Y-%m-%dT%H:%M}".encode()).hexdigest()[:12]


def _span(inc: dict, s: RadarSettings) -> tuple[dt.datetime, dt.datetime]:
    return (_bin_time(inc["onset_bin"], s),
            _bin_time(inc["end_bin"], s) + dt.timedelta(minutes=s.bin_minutes))


def _finish(cache: _WindowPosts, inc: dict, s: RadarSettings, data_end: dt.datetime,
            now: dt.datetime, official: dict) -> dict | None:
    width = dt.timedelta(minutes=s.bin_minutes)
    onset, end = _span(inc, s)
    detected = min(_bin_time(inc["detected_bin"], s) + width, data_end)
    posts = cache.get(inc["candidate"], inc["issue"], onset, end)
    metric = inc["metric"]
    # hoax/toxic alerts are about those posts, not about everything on the candidate
    focus = posts
    if metric == "hoax" and len(posts):
        focus = posts[posts["hoax_claim_id"].notna()]
    roots = focus["root_id"].where(focus["root_id"].notna(), focus["post_id"]) if len(focus) else []
    if len(set(roots)) < s.min_threads:
        return None
    sh = _shares(focus if len(focus) else posts, inc["candidate"], official)
    typ, why = _classify(sh, metric)
    hours = max((end - onset).total_seconds() / 3600, s.bin_minutes / 60)
    ratio = inc["value"] / max(inc["baseline"], 1e-9) if metric != "neg_share" else \
        inc["value"] / max(inc["baseline"], 0.02)
    score, sev = _severity(focus if len(focus) else posts, sh, hours, ratio, typ)
    key = f"{inc['candidate'] or '*'}|{inc['issue'] or '*'}"
    trace = trace_cascade(focus, label=cache.label)
    evidence = {
        "reason": why, "shares": {k: round(v, 3) for k, v in sh.items()},
        "window": [str(onset), str(end)], "metrics": sorted({e["metric"] for e in inc["episodes"]}),
        "methods": sorted({e["method"] for e in inc["episodes"]}), "peak_z": round(inc["peak_z"], 2),
        "hoax_claims": sorted(focus["hoax_claim_id"].dropna().astype(str).unique().tolist())[:5]
        if len(focus) else [],
        "sample_posts": [{"platform": r["platform"], "post_id": str(r["post_id"]),
                          "at": str(r["created_at"]), "text": (r["text"] or "")[:280] if isinstance(r["text"], str) else "",
                          "url": r["url"] if isinstance(r["url"], str) and _public(cache.label, r) else None}
                         for _, r in focus.head(5).iterrows()],
        "trace": trace,
    }
    return {
        "alert_id": _alert_id(key, onset), "kind": "anomaly", "candidate": inc["candidate"],
        "issue": inc["issue"], "type": typ, "severity": sev, "severity_score": score,
        "onset_at": onset, "detected_at": detected, "metric": metric,
        "value": float(inc["value"]), "baseline": float(np.nan_to_num(inc["baseline"])),
        "posts": int(len(focus)), "top_accounts": json.dumps([a["account"] for a in trace.get("amplifiers", [])]),
        "evidence": json.dumps(evidence, default=str, ensure_ascii=False), "status": "new",
        "created_at": now,
    }


# ----------------------------------------------------------------------------- narratives
def emerging_narratives(ws, since: dt.datetime, until: dt.datetime, min_posts: int = 15,
                        min_accounts: int = 8, within_hours: float = 6.0) -> list[dict]:
    """Near-duplicate clusters (``dup_cluster``) first seen inside [since, until) that grew
    fast: ``min_posts`` posts from at least ``min_accounts`` accounts within
    ``within_hours`` of their first post (a slow trickle of copies is not a new narrative).

    Returns dicts with the cluster, first post time, the time it reached ``min_posts``
    (``ready_at``), posts, accounts, platforms, ``growth`` (posts per hour until ready) and
    the first posts.

    Example
    -------
    >>> import suara, tempfile, datetime as dt
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> emerging_narratives(ws, dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2))
    []
    """
    e = enriched(ws)
    e = e.filter(e.dup_cluster.notnull() & (e.created_at < until))
    g = e.group_by("dup_cluster").aggregate(
        first=e.created_at.min(), last=e.created_at.max(), n=e.count(),
        accounts=e.account_id.nunique(), platforms=e.platform.nunique())
    g = g.filter((g.first >= since) & (g.n >= min_posts) & (g.accounts >= min_accounts))
    df = g.order_by(ibis.desc("n")).limit(200).execute()
    if df.empty:
        return []
    members = e.filter(e.dup_cluster.isin(df["dup_cluster"].astype(str).tolist())).select(
        "dup_cluster", "platform", "post_id", "account_id", "created_at", "text", "url").execute()
    members["created_at"] = pd.to_datetime(members["created_at"])
    members = members.sort_values(["created_at", "platform", "post_id"])
    out = []
    for _, r in df.iterrows():
        c = members[members["dup_cluster"] == r["dup_cluster"]]
        last = pd.Timestamp(r["last"])
        ready = c["created_at"].iloc[min(min_posts, len(c)) - 1]
        early = c[c["created_at"] <= ready]
        span_h = (ready - c["created_at"].iloc[0]).total_seconds() / 3600
        if span_h > within_hours or early["account_id"].nunique() < min_accounts:
            continue
        ratio = min_posts / max(span_h, 0.25)
        first = c.head(3)
        out.append({"cluster": str(r["dup_cluster"]), "first_at": str(r["first"]), "ready_at": str(ready),
                    "last_at": str(last), "posts": int(r["n"]), "accounts": int(r["accounts"]),
                    "platforms": int(r["platforms"]), "growth": round(float(ratio), 2),
                    "first_posts": [{"platform": x["platform"], "post_id": str(x["post_id"]),
                                     "at": str(x["created_at"]),
                                     "text": (x["text"] or "")[:200] if isinstance(x["text"], str) else ""}
                                    for _, x in first.iterrows()]})
    return out


def _narrative_span(n: dict) -> tuple[dt.datetime, dt.datetime]:
    return (pd.Timestamp(n["first_at"]).to_pydatetime(),
            pd.Timestamp(n["last_at"]).to_pydatetime() + dt.timedelta(seconds=1))


def _narrative_alert(cache: _WindowPosts, n: dict, now: dt.datetime, official: dict) -> dict:
    start, end = _narrative_span(n)
    posts = cache.get(None, None, start, end)
    posts = posts[posts["dup_cluster"] == n["cluster"]]
    cands = pd.Series([c for cs in posts["candidates"] for c in cs], dtype=object).value_counts()
    cand = str(cands.index[0]) if len(cands) else None
    iss = posts["issues"].explode().dropna()
    issue = str(iss.value_counts().index[0]) if len(iss) else None
    sh = _shares(posts, cand, official) if len(posts) else {k: 0.0 for k in (
        "negative", "positive", "toxic", "sara", "hoax", "coordinated", "opponent_official")}
    typ, why = _classify(sh, "narrative")
    hours = max((end - start).total_seconds() / 3600, 0.25)
    score, sev = _severity(posts, sh, hours, n["growth"], typ) if len(posts) else (0.0, "low")
    evidence = {"reason": why + f"; near-duplicate cluster, {n['growth']:.0f} posts/hour at first",
                "shares": {k: round(v, 3) for k, v in sh.items()}, "window": [str(start), str(end)],
                "cluster": n["cluster"], "sample_posts": n["first_posts"],
                "trace": trace_cascade(posts, label=cache.label)}
    return {
        "alert_id": "nr-" + hashlib.sha256(n["cluster"].encode()).hexdigest()[:12],
        "kind": "narrative", "candidate": cand, "issue": issue, "type": typ, "severity": sev,
        "severity_score": score, "onset_at": start,
        "detected_at": pd.Timestamp(n.get("ready_at") or end).to_pydatetime(), "metric": "dup_cluster",
        "value": float(n["posts"]), "baseline": float(n["growth"]), "posts": int(n["posts"]),
        "top_accounts": json.dumps([a["account"] for a in evidence["trace"].get("amplifiers", [])]),
        "evidence": json.dumps(evidence, default=str, ensure_ascii=False), "status": "new",
        "created_at": now,
    }


def _host_for(nr: dict, rows: list[dict]) -> dict | None:
    """The anomaly alert a narrative belongs to: same pair (or issue), overlapping in time."""
    for r in rows:
        if r["kind"] != "anomaly":
            continue
        same = (nr["candidate"] and r["candidate"] == nr["candidate"]) or \
               (nr["issue"] and r["issue"] == nr["issue"])
        w = json.loads(r["evidence"]).get("window", [None, None])
        if same and w[0] and pd.Timestamp(w[0]) <= pd.Timestamp(nr["detected_at"]) <= pd.Timestamp(w[1]):
            return r
    return None


# ----------------------------------------------------------------------------- the run
def run_radar(ws, settings: RadarSettings | None = None, full: bool = False,
              now: dt.datetime | None = None) -> dict[str, Any]:
    """Update the ``alerts`` table from data newer than the watermark (all data with
    ``full=True`` or after the enrichment version changed).

    Returns ``{"alerts": n written, "new": n not seen before, "from": .., "to": ..}``.

    Example
    -------
    >>> import suara, tempfile
    >>> run_radar(suara.init(tempfile.mkdtemp()))["alerts"]
    0
    """
    s = settings or RadarSettings()
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    st = ws.store
    rng = st.sql("SELECT min(created_at) AS a, max(created_at) AS b FROM posts").iloc[0]
    if rng["a"] is None or pd.isna(rng["a"]):
        return {"alerts": 0, "new": 0, "from": None, "to": None}
    first, last = pd.Timestamp(rng["a"]).to_pydatetime(), pd.Timestamp(rng["b"]).to_pydatetime()
    width = s.bin_minutes * 60
    version = current_version(ws) or ""
    wm = st.meta(WATERMARK_KEY)
    full_scan = full or wm is None or st.meta(VERSION_KEY) != version
    if full_scan:
        start_bin = int((first - dt.datetime(1970, 1, 1)).total_seconds() // width)
    else:
        start_bin = int(wm)
        # late data: posts ingested since the last run but dated before the watermark
        late = st.sql("SELECT min(created_at) AS a FROM posts WHERE ingested_at > ?",
                      [pd.Timestamp(st.meta("radar.last_run") or "1970-01-01").to_pydatetime()]).iloc[0, 0]
        if late is not None and not pd.isna(late):
            lb = int((pd.Timestamp(late).to_pydatetime() - dt.datetime(1970, 1, 1)).total_seconds() // width)
            start_bin = min(start_bin, lb)
    end_bin = int((last - dt.datetime(1970, 1, 1)).total_seconds() // width) + 1
    # baseline context (+1 day so windows and the +/- bin are filled) before the new data
    ctx = (s.baseline_days + 1) * s.bins_per_day
    b0 = start_bin - ctx
    df = build_series(ws, since=_bin_time(b0, s), until=_bin_time(end_bin, s), settings=s)
    first_bin = int((first - dt.datetime(1970, 1, 1)).total_seconds() // width)
    eps = _episodes(df, b0, end_bin, start_bin, s, first_bin=first_bin)
    incidents = _absorb(_merge(eps))
    official = _official_accounts(ws)
    nar = emerging_narratives(ws, _bin_time(start_bin, s) - dt.timedelta(hours=24), last + dt.timedelta(seconds=1))
    cache = _WindowPosts(ws, [_span(i, s) for i in incidents] + [_narrative_span(n) for n in nar])
    rows = [r for r in (_finish(cache, inc, s, last, now, official) for inc in incidents) if r]
    for n in nar:
        nr = _narrative_alert(cache, n, now, official)
        host = _host_for(nr, rows)
        if host is None:
            rows.append(nr)
        else:   # the same story already has an anomaly alert: attach the narrative there
            ev = json.loads(host["evidence"])
            ev.setdefault("narratives", []).append(
                {"cluster": n["cluster"], "posts": n["posts"], "ready_at": n["ready_at"],
                 "first_posts": n["first_posts"]})
            host["evidence"] = json.dumps(ev, default=str, ensure_ascii=False)
    new = 0
    with st.transaction():   # readers (the web app) see the alerts before or after, never between
        if full_scan:
            # a full rescan replaces alerts nobody acted on (status 'new') that no longer fire
            keep = [r["alert_id"] for r in rows] or [""]
            st.execute("DELETE FROM alerts WHERE status = 'new' AND alert_id NOT IN (SELECT unnest(?))",
                       [keep])
        if rows:
            df_rows = pd.DataFrame(rows)
            existing = set(st.sql("SELECT alert_id FROM alerts")["alert_id"])
            new = int((~df_rows["alert_id"].isin(existing)).sum())
            st.upsert("alerts", df_rows, overwrite=["severity", "severity_score", "posts", "value",
                                                    "baseline", "top_accounts", "evidence", "type",
                                                    "metric"])
        st.set_meta(WATERMARK_KEY, str(end_bin - 1))   # the last (maybe partial) bin is redone
        st.set_meta(VERSION_KEY, version)
        st.set_meta("radar.last_run", now.isoformat())
    return {"alerts": len(rows), "new": new, "from": str(_bin_time(start_bin, s)),
            "to": str(last)}
