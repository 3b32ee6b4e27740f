"""One SQLite write transaction on an autocommit connection, as the similarity index
and the server's job store take them; paths at or under a folder, by index range."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any


@contextlib.contextmanager
def immediate_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on any exception): the write lock is taken up
    front, waiting out the busy timeout, instead of failing midway; one commit (one
    fsync) for the whole batch. The caller serialises use of the connection."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


_PATHS_PER_CONDITION = 200  # SQLite nests an OR chain: keep it far under its depth limit (1000)


def at_or_under(column: str, paths: Iterable[str]) -> Iterator[tuple[str, list[Any]]]:
    """Conditions on `column` (one per 200 paths: run a query for each) for values equal
    to one of `paths` or below it as a folder ("/a/b" and "/a/b/..."): an index range
    each, no LIKE."""
    items = list(paths)
    for start in range(0, len(items), _PATHS_PER_CONDITION):
        conditions, values = [], []
        for path in items[start:start + _PATHS_PER_CONDITION]:
            conditions.append(f"({column} = ? OR ({column} > ? AND {column} < ?))")
            values += [path, path + os.sep, path + chr(ord(os.sep) + 1)]
        yield " OR ".join(conditions), values
