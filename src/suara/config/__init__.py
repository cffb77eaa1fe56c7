"""Configuration: elections (YAML, validated by pydantic) and workspaces."""
from suara.config.election import (Candidate, ConfigError, Election, Issue, Region,
                                   builtin_elections, load_election)
from suara.config.workspace import WorkspaceConfig

__all__ = ["Candidate", "ConfigError", "Election", "Issue", "Region", "WorkspaceConfig",
           "builtin_elections", "load_election"]
