"""User corrections: a tempo, key or category the user set for a file.

They live in their own table, keyed by the file's path, never in the analysis: a
re-analysis, a re-index or an engine upgrade rewrites the analysis and leaves them
alone. Wherever a sample is shown, a corrected field carries the user's value, a
`<field>_source` of "user" (else "metadata", "name" or "analysis", see _metadata) and,
under `analysis`, what the analysis said, so that a disagreement stays visible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from samplemind._categories import CATEGORIES
from samplemind._keys import parse_key

__all__ = ["CORRECTABLE", "CORRECTIONS_SCHEMA", "apply_corrections", "checked_corrections"]

CORRECTABLE = ("tempo_bpm", "key", "category")
"""The fields a user may correct, as analyses and results name them."""

CORRECTIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    path TEXT PRIMARY KEY,
    tempo_bpm REAL,
    musical_key TEXT,
    category TEXT,
    category_family TEXT,
    updated_at REAL NOT NULL
)
"""
_SOURCES = {"tempo_bpm": "tempo_source", "key": "key_source", "category": "category_source"}
_MAX_BPM = 999.0


def checked_corrections(values: Mapping[str, Any]) -> dict[str, Any]:
    """The corrections, validated and spelled as analyses write them (ValueError naming
    the field); a None value stands for "remove this correction"."""
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"cannot correct {', '.join(sorted(unknown))}; correctable: {', '.join(CORRECTABLE)}")
    checked: dict[str, Any] = {}
    for field, value in values.items():
        if value is None:
            checked[field] = None
        elif field == "tempo_bpm":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    math.isfinite(value) and 0 < value <= _MAX_BPM):
                raise ValueError(f"tempo_bpm must be a number in (0, {_MAX_BPM:g}], got {value!r}")
            checked[field] = float(value)
        elif field == "key":
            if not isinstance(value, str):
                raise ValueError(f"key must be a text such as 'A minor', got {value!r}")
            checked[field] = parse_key(value)
        else:
            if value not in CATEGORIES:
                raise ValueError(f"unknown category {value!r}; one of: {', '.join(sorted(CATEGORIES))}")
            checked[field] = value
    return checked


def apply_corrections(descriptors: dict[str, Any], tempo_bpm: float | None, key: str | None,
                      category: str | None) -> dict[str, Any]:
    """The descriptors with the user's values (None: not corrected) over the stored ones,
    which came from the file's metadata, its name or the analysis (their `_source`)."""
    analysis: dict[str, Any] = dict(descriptors.get("analysis", {}))
    for field, value in (("tempo_bpm", tempo_bpm), ("key", key), ("category", category)):
        source = _SOURCES[field]
        if value is None:
            descriptors.setdefault(source, "analysis")
            continue
        if descriptors.get(source, "analysis") == "analysis":  # else `analysis` holds it already
            analysis[field] = descriptors.get(field)
        descriptors[source] = "user"
        descriptors[field] = value
    if category is not None:
        analysis["category_family"] = descriptors.get("category_family")
        descriptors["category_family"] = CATEGORIES[category]
    if analysis:
        descriptors["analysis"] = analysis
    return descriptors
