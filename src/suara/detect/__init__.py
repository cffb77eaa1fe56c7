"""Detect: the writers among the analyses — runs that compute and store results (coordination)
which read-only analyse sections then show."""
