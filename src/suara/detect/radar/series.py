"""The radar's series: posts of the current enrichment counted in 15-minute bins per
candidate, issue and candidate x issue for five metrics, and their episodes merged into
incidents.

Example
-------
>>> import suara, tempfile
>>> len(build_series(suara.init(tempfile.mkdtemp())))
0
"""
from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd

from suara.analyse.base import current_version, enriched
from suara.detect.radar.detector import RadarSettings, detect_series


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
