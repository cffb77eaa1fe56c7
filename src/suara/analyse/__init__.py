"""Analyse: brand, audience, mobilise, coordination, radar and forecast over the store."""
