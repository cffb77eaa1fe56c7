"""Workspace configuration (``suara.yaml`` inside a workspace folder)."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from suara.config.election import ConfigError, Election, load_election, safe_load_yaml

WORKSPACE_FILE = "suara.yaml"


class SparkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    master: str = "local[2]"
    lake: str = "lake"
    #: the driver's DuckDB working copy of the lake (default ``<lake>/_work/driver.duckdb``;
    #: ``:memory:`` keeps it in memory); reused while the lake has no newer commit
    working_copy: str | None = None
    conf: dict[str, str] = Field(default_factory=dict)


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    kind: str = Field(default="json", pattern="^(json|slack|telegram)$")
    chat_id: str | None = None
    min_severity: str = "low"
    digest_minutes: int = 0


class DemographicsSettings(BaseModel):
    """Aggregate-only demographics (docs/demographics.md)."""
    model_config = ConfigDict(extra="forbid")
    #: cells (and per-pair figures) resting on fewer accounts are suppressed
    min_cell: int = Field(default=10, ge=2)
    #: estimates below this confidence count as unknown
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class WorkspaceConfig(BaseModel):
    """Settings of one workspace; stored as plain YAML next to the data."""

    model_config = ConfigDict(extra="forbid")
    election: str = "kaltim-2024"
    engine: str = Field(default="duckdb", pattern="^(duckdb|spark)$")
    database: str = "suara.duckdb"
    timezone: str = "Asia/Makassar"
    retention_days: int | None = None
    pseudonymise: bool = True
    spark: SparkSettings = Field(default_factory=SparkSettings)
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    #: folders (besides the workspace and the folders of imported files) that OCR may read images from
    media_dirs: list[str] = Field(default_factory=list)
    demographics: DemographicsSettings = Field(default_factory=DemographicsSettings)

    @classmethod
    def load(cls, folder: Path) -> "WorkspaceConfig":
        f = Path(folder) / WORKSPACE_FILE
        if not f.exists():
            return cls()
        try:
            data = safe_load_yaml(f.read_text(encoding="utf-8")) or {}
            return cls.model_validate(data)
        except yaml.YAMLError as e:
            raise ConfigError(f"{f}: not valid YAML: {e}") from None
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors())
            raise ConfigError(f"{f}: {problems}") from None

    def load_election(self, folder: Path) -> Election:
        """The workspace's election: ``election`` names a YAML file inside ``folder`` or a
        built-in election id."""
        p = Path(folder) / self.election
        return load_election(p if p.suffix in (".yaml", ".yml") and p.exists() else self.election)

    def save(self, folder: Path) -> Path:
        f = Path(folder) / WORKSPACE_FILE
        f.write_text(yaml.safe_dump(self.model_dump(exclude_defaults=False), sort_keys=False,
                                    allow_unicode=True), encoding="utf-8")
        return f
