"""The component contract: a named, versioned unit that assigns columns to a batch.

A `Batch` is a pandas DataFrame (one row per text; column ``text`` at least) plus a cache for
values that are not columns (the shared sparse feature matrix). Each component declares
``name``, ``version``, ``requires`` (columns it reads) and ``assigns`` (columns it writes);
columns starting with ``_`` are internal and never stored.

Example
-------
>>> from suara.enrich.components import LanguageId
>>> LanguageId()(["Saya suka programnya", "I love this program so much"])["language"].tolist()
['id', 'en']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

__all__ = ["Batch", "Component", "as_batch", "REGISTRY", "register"]

#: component name -> class; built-ins register themselves like third-party ones would
REGISTRY: dict[str, type] = {}


def register(cls):
    """Class decorator adding a component to `REGISTRY` under its ``name``."""
    REGISTRY[cls.name] = cls
    return cls


@dataclass
class Batch:
    """Rows being enriched plus a per-batch cache (feature matrix, normalised objects)."""

    df: pd.DataFrame
    cache: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.df)


def as_batch(data, column: str = "text") -> Batch:
    """A list of texts, a Series, a DataFrame (with ``column``) or a Batch -> Batch."""
    if isinstance(data, Batch):
        return data
    if isinstance(data, pd.DataFrame):
        from suara.enrich.normalise import clean_text
        df = data.copy()
        if column != "text":
            df["text"] = df[column]
        elif "text" not in df.columns:
            raise KeyError(f"DataFrame has no column {column!r}")
        df = df.reset_index(drop=True)
        df["text"] = pd.Series([clean_text(t) for t in df["text"]], dtype=object)
        return Batch(df)
    from suara.enrich.normalise import clean_text
    # cleaned before pandas sees them: Arrow-backed strings reject lone surrogates
    return Batch(pd.DataFrame({"text": [clean_text(t) for t in data]}, dtype=object))


class Component:
    """Base class: subclasses set the class attributes and implement `apply`."""

    name: ClassVar[str] = "component"
    version: ClassVar[str] = "v1"
    requires: ClassVar[tuple[str, ...]] = ("text",)
    assigns: ClassVar[tuple[str, ...]] = ()

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    def apply(self, batch: Batch) -> Batch:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, data, election=None) -> pd.DataFrame:
        """Run this component alone (its missing requirements are computed first with the
        default components) and return the DataFrame."""
        from suara.enrich.pipeline import Pipeline
        return Pipeline.for_components([self], election=election).run(data).df

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} requires={self.requires} assigns={self.assigns}>"
