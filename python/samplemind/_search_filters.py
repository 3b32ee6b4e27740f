"""SearchFilters: constraints on search and listing results, as one SQL condition.

The condition reads the columns of the index's sample_view (the analysis with the
user's corrections over it), so that similarity search, text search and the library
listing filter alike, and the user's tempo, key or category win over the analysis.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from samplemind._categories import CATEGORY_FILTER_NAMES
from samplemind._keys import compatible_keys, parse_key

__all__ = ["FILTERED_COLUMNS", "SearchFilters"]

FILTERED_COLUMNS = ("duration_s", "tempo_bpm", "musical_key", "is_loop", "pitch_hz", "category", "category_family")
"""The sample_view columns a filter reads."""


@dataclass(frozen=True, kw_only=True)
class SearchFilters:
    """Constraints on results; None means no constraint. Ranges are inclusive."""

    tempo_bpm: tuple[float, float] | None = None
    key: str | None = None
    """A key in any common spelling ("A minor", "Am", "Bb", "C♯ minor"); kept as analyses
    write it ("A minor")."""
    compatible_keys: bool = False
    """Also accept the relative key and the keys a fifth up or down (and their relatives)."""
    duration_s: tuple[float, float] | None = None
    is_loop: bool | None = None
    pitch_hz: tuple[float, float] | None = None
    category: str | None = None
    """A category ("kick"), a family ("drums") or "unknown": see samplemind.CATEGORIES."""

    def __post_init__(self) -> None:
        """Validates every field (ValueError naming it) and spells the key as analyses do."""
        if self.category is not None and self.category not in CATEGORY_FILTER_NAMES:
            raise ValueError(f"unknown category {self.category!r}; one of: {', '.join(CATEGORY_FILTER_NAMES)}")
        if self.key is not None:
            object.__setattr__(self, "key", parse_key(self.key))
        for name in ("tempo_bpm", "duration_s", "pitch_hz"):
            bounds = getattr(self, name)
            if bounds is not None and not (len(bounds) == 2 and math.isfinite(bounds[0]) and math.isfinite(bounds[1])
                                           and 0 <= bounds[0] <= bounds[1]):
                raise ValueError(f"{name} must be (low, high) with 0 <= low <= high, got {bounds!r}")

    def sql(self) -> tuple[str, list[Any]]:
        """(condition, parameters) over sample_view's columns; "1" when nothing is constrained."""
        terms: list[str] = []
        values: list[Any] = []
        for column in ("tempo_bpm", "duration_s", "pitch_hz"):
            bounds = getattr(self, column)
            if bounds is not None:
                terms.append(f"{column} BETWEEN ? AND ?")
                values += [float(bounds[0]), float(bounds[1])]
        if self.is_loop is not None:
            terms.append("coalesce(is_loop, 0) = ?")
            values.append(int(self.is_loop))
        if self.key is not None:
            wanted = sorted(compatible_keys(self.key)) if self.compatible_keys else [self.key]
            terms.append(f"musical_key IN ({', '.join('?' * len(wanted))})")
            values += wanted
        if self.category is not None:
            terms.append("? IN (category, category_family)")
            values.append(self.category)
        return (" AND ".join(terms) or "1"), values

    def accepts(self, descriptors: Mapping[str, Any]) -> bool:
        """Whether one sample's descriptors (as results carry them: `key` is the musical
        key) pass, by the same condition the index evaluates."""
        condition, values = self.sql()
        row = [descriptors.get("key" if c == "musical_key" else c) for c in FILTERED_COLUMNS]
        columns = ", ".join(f"? AS {c}" for c in FILTERED_COLUMNS)
        with contextlib.closing(sqlite3.connect(":memory:")) as db:
            found = db.execute(f"SELECT 1 FROM (SELECT {columns}) WHERE {condition}", [*row, *values]).fetchone()
        return found is not None
