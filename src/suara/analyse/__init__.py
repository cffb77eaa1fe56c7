"""Analyse: brand, audience, mobilise, radar and forecast over the store (coordination runs in `suara.detect`)."""
