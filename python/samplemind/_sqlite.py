"""One SQLite write transaction on an autocommit connection, as the similarity index
and the server's job store take them."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


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
