"""Analyse: read-only sections over the store, one unit kind in one registry
(:mod:`suara.analyse.section`): meta, brand (share of voice, engagement, influencers,
exposure), audience (regions, segments, recommendations), demographics, alerts, mobilisation
(actions, live, enthusiasm), law watch and forecast; :mod:`suara.analyse.run` computes them
into one document. Writers live in :mod:`suara.detect` and the enrich steps."""
