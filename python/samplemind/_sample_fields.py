"""The columns that filters and sorting read: each sample's descriptors with the user's
corrections over them, kept as a table beside `samples` (derived from it and from
`corrections`, so it can always be rebuilt) with an index per sortable column, so
that a filtered, sorted page of a 100,000-sample library reads no JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

__all__ = ["FIELDS_SCHEMA", "SAMPLE_VIEW", "SORTABLE", "order_by", "refresh_fields"]

SORTABLE = ("path", "duration_s", "tempo_bpm", "key", "pitch_hz", "loudness_lufs", "category", "added_at")
"""What listings sort by (a leading "-" for descending), by their names in results."""
# In SQL `key` is the sample id (the rowid of `samples`), so the musical key's column is
# named apart; results and sorting call it `key`, as Analysis does.
_COLUMN = {"key": "musical_key"}


def _column(name: str) -> str:
    return _COLUMN.get(name, name)


_DERIVED = ("duration_s", "tempo_bpm", "musical_key", "is_loop", "pitch_hz", "loudness_lufs", "category",
            "category_family")
_COPIED = ("path", "added_at", "embedding_version")  # from samples, so that a listing reads one table
FIELDS_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS sample_fields (key INTEGER PRIMARY KEY, {', '.join(_COPIED)}, {', '.join(_DERIVED)})",
    # NULLs sort last both ways (a one-shot has no tempo), so each column has an index for
    # each direction, keyed on whether it is NULL first (order_by() matches them).
    *(f"CREATE INDEX IF NOT EXISTS sample_fields_{c}_{d} ON sample_fields ({c} IS {n} NULL, {c})"
      for c in map(_column, SORTABLE) if c in _DERIVED for d, n in (("up", ""), ("down", "NOT"))),
    # embedding_version: whether any sample awaits re-analysis, found without a scan.
    *(f"CREATE INDEX IF NOT EXISTS sample_fields_{c} ON sample_fields ({c})"
      for c in ("path", "added_at", "embedding_version")),
)
_REFRESH = """
INSERT OR REPLACE INTO sample_fields (key, path, added_at, embedding_version, duration_s, tempo_bpm, musical_key,
                                      is_loop, pitch_hz, loudness_lufs, category, category_family)
SELECT s.key, s.path, s.added_at, s.embedding_version, json_extract(s.descriptors, '$.duration_s'),
       coalesce(c.tempo_bpm, json_extract(s.descriptors, '$.tempo_bpm')),
       coalesce(c.musical_key, json_extract(s.descriptors, '$.key')),
       json_extract(s.descriptors, '$.is_loop'), json_extract(s.descriptors, '$.pitch_hz'),
       json_extract(s.descriptors, '$.loudness_lufs'),
       coalesce(c.category, json_extract(s.descriptors, '$.category')),
       coalesce(c.category_family, json_extract(s.descriptors, '$.category_family'))
FROM samples s LEFT JOIN corrections c ON c.path = s.path
"""
# sample_fields drives (CROSS JOIN keeps it the outer loop, so its indexes serve the
# ORDER BY); samples and corrections are looked up for the rows kept.
SAMPLE_VIEW = f"""
CREATE TEMP VIEW IF NOT EXISTS sample_view AS
SELECT f.key AS key, {', '.join(f'f.{c} AS {c}' for c in (*_COPIED, *_DERIVED))},
       s.embedding AS embedding, s.checksum AS checksum, s.descriptors AS descriptors,
       c.tempo_bpm AS user_tempo_bpm, c.musical_key AS user_key, c.category AS user_category
FROM sample_fields f CROSS JOIN samples s ON s.key = f.key LEFT JOIN corrections c ON c.path = f.path
"""


def order_by(sort: str) -> str:
    """The ORDER BY clause for a SORTABLE name ("-tempo_bpm": descending), NULLs last,
    ties by key, in the form the indexes serve; ValueError for anything else."""
    name, descending = sort.removeprefix("-"), sort.startswith("-")
    if name not in SORTABLE:
        raise ValueError(f"cannot sort by {sort!r}; sort by one of {', '.join(SORTABLE)} (a leading - for descending)")
    way, column = " DESC" if descending else "", _column(name)
    if column not in _DERIVED:  # path and added_at are never NULL
        return f"{column}{way}, key{way}"
    return f"{column} IS {'NOT ' if descending else ''}NULL{way}, {column}{way}, key{way}"


def refresh_fields(db: sqlite3.Connection, keys: Iterable[int] | None = None) -> None:
    """Recomputes the columns of these samples (None: of every sample that lacks them)."""
    if keys is None:
        db.execute(_REFRESH + " WHERE s.key NOT IN (SELECT key FROM sample_fields)")
    else:
        db.executemany(_REFRESH + " WHERE s.key = ?", [(key,) for key in keys])
