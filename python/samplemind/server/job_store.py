"""Batch jobs and their per-file results, durable in the data folder's SQLite database.

One row per job and one per (job, file): a file's result is written once, by the
first run that finishes it (``WHERE state = 'pending'``). Writes are synchronous
(``synchronous=FULL`` in WAL mode) so a committed submission or result survives a
crash. ``attempts`` counts runs that started a file: after a crash the files that
were in flight have attempts > 0 without a result, which is how a file that keeps
killing the process is found.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samplemind._sqlite import immediate_transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS server_jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    upload_dir TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS server_job_files (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    filename TEXT NOT NULL,
    path TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    PRIMARY KEY (job_id, idx)
) WITHOUT ROWID
"""
TERMINAL = ("completed", "failed", "cancelled")
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class JobRow:
    job_id: str
    kind: str
    """"analyze" or "index"."""
    status: str
    total: int
    upload_dir: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    processed: int
    errors: int


@dataclass(frozen=True)
class PendingFile:
    idx: int
    filename: str
    path: str
    attempts: int


class JobStore:
    """Thread-safe (one connection behind a lock); call it off the event loop."""

    def __init__(self, database: Path) -> None:
        self.database = Path(database)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(database, timeout=60.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # the 202 promises the job survives a crash
        with self._transaction():
            for statement in _SCHEMA.split(";"):
                self._db.execute(statement)

    def damage(self) -> str | None:
        """Why the store can no longer keep what it acknowledges, or None. With the
        database or its write-ahead log deleted under a running server, SQLite goes on
        writing into files no one will read again: every later 202 would be a lie."""
        for path in (self.database, self.database.with_name(self.database.name + "-wal")):
            if not path.exists():
                return f"{path} was removed while the server ran; restart it to recover"
        return None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction (one fsync at COMMIT), under the connection's lock."""
        with self._lock, immediate_transaction(self._db):
            yield

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, job_id: str, kind: str, files: Sequence[tuple[str, str]], upload_dir: str | None) -> None:
        """Commits a queued job and its files ((display name, server path) each)."""
        with self._transaction():
            self._db.execute("INSERT INTO server_jobs VALUES (?, ?, 'queued', ?, ?, ?, NULL, NULL)",
                             (job_id, kind, len(files), upload_dir, time.time()))
            self._db.executemany("INSERT INTO server_job_files (job_id, idx, filename, path) VALUES (?, ?, ?, ?)",
                                 [(job_id, i, name, path) for i, (name, path) in enumerate(files)])

    def job(self, job_id: str) -> JobRow | None:
        with self._lock:
            row = self._db.execute(
                "SELECT job_id, kind, status, total, upload_dir, created_at, started_at, finished_at,"
                " (SELECT COUNT(*) FROM server_job_files f WHERE f.job_id = j.job_id AND state != 'pending'),"
                " (SELECT COUNT(*) FROM server_job_files f WHERE f.job_id = j.job_id AND state = 'failed')"
                " FROM server_jobs j WHERE job_id = ?", (job_id,)).fetchone()
        return JobRow(*row) if row else None

    def active_jobs(self) -> list[str]:
        """Queued and running jobs, oldest first: what a restart resumes."""
        with self._lock:
            rows = self._db.execute("SELECT job_id FROM server_jobs WHERE status IN (?, ?) ORDER BY created_at",
                                    ACTIVE).fetchall()
        return [r[0] for r in rows]

    def upload_dirs(self) -> set[str]:
        """Upload folders of jobs that still need them (queued or running)."""
        with self._lock:
            rows = self._db.execute("SELECT upload_dir FROM server_jobs WHERE upload_dir IS NOT NULL"
                                    " AND status IN (?, ?)", ACTIVE).fetchall()
        return {r[0] for r in rows}

    def interrupted_failures(self) -> list[str]:
        """Failed jobs that still have files to analyse: they broke (a bug, a full disk)
        rather than failing file by file, so a restart gives them another run."""
        with self._lock:
            rows = self._db.execute(
                "SELECT job_id FROM server_jobs j WHERE status = 'failed' AND EXISTS (SELECT 1 FROM "
                "server_job_files f WHERE f.job_id = j.job_id AND f.state = 'pending') ORDER BY created_at").fetchall()
        return [r[0] for r in rows]

    def all_upload_dirs(self) -> set[str]:
        """Upload folders of every stored job, finished ones included."""
        with self._lock:
            rows = self._db.execute("SELECT upload_dir FROM server_jobs WHERE upload_dir IS NOT NULL").fetchall()
        return {r[0] for r in rows}

    def set_status(self, job_id: str, status: str) -> None:
        now = time.time()
        with self._transaction():
            if status == "running":
                self._db.execute("UPDATE server_jobs SET status = ?, started_at = COALESCE(started_at, ?)"
                                 " WHERE job_id = ?", (status, now, job_id))
            elif status in TERMINAL:
                self._db.execute("UPDATE server_jobs SET status = ?, finished_at = ? WHERE job_id = ?",
                                 (status, now, job_id))
            else:  # queued again (resumed): not finished any more
                self._db.execute("UPDATE server_jobs SET status = ?, finished_at = NULL WHERE job_id = ?",
                                 (status, job_id))

    def delete(self, job_id: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM server_job_files WHERE job_id = ?", (job_id,))
            self._db.execute("DELETE FROM server_jobs WHERE job_id = ?", (job_id,))

    def pending_files(self, job_id: str) -> list[PendingFile]:
        with self._lock:
            rows = self._db.execute("SELECT idx, filename, path, attempts FROM server_job_files"
                                    " WHERE job_id = ? AND state = 'pending' ORDER BY idx", (job_id,)).fetchall()
        return [PendingFile(*row) for row in rows]

    def begin_attempt(self, job_id: str, indices: Sequence[int]) -> None:
        """Counts a run starting these files (committed before the engine sees them)."""
        with self._transaction():
            self._db.executemany("UPDATE server_job_files SET attempts = attempts + 1 WHERE job_id = ? AND idx = ?",
                                 [(job_id, i) for i in indices])

    def end_attempt(self, job_id: str, indices: Sequence[int]) -> None:
        """Takes back begin_attempt for files a cancellation or shutdown stopped (not a crash)."""
        with self._transaction():
            self._db.executemany("UPDATE server_job_files SET attempts = MAX(attempts - 1, 0)"
                                 " WHERE job_id = ? AND idx = ? AND state = 'pending'", [(job_id, i) for i in indices])

    def finish_files(self, job_id: str, outcomes: Sequence[tuple[int, bool, dict[str, Any]]]) -> int:
        """Stores (index, ok, result) for files still pending; returns how many were stored."""
        with self._transaction():
            stored = 0
            for idx, ok, result in outcomes:
                cursor = self._db.execute(
                    "UPDATE server_job_files SET state = ?, result = ? WHERE job_id = ? AND idx = ? AND state = 'pending'",
                    ("done" if ok else "failed", json.dumps(result), job_id, idx))
                stored += cursor.rowcount
            return stored

    def results(self, job_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
        """One entry per finished file, in input order: filename and analysis, or error."""
        with self._lock:
            rows = self._db.execute("SELECT idx, filename, state, result FROM server_job_files WHERE job_id = ?"
                                    " AND state != 'pending' ORDER BY idx LIMIT ? OFFSET ?",
                                    (job_id, limit, offset)).fetchall()
        entries = []
        for idx, filename, state, text in rows:
            payload = json.loads(text)
            entry: dict[str, Any] = {"index": idx, "filename": filename}
            entry.update({"analysis": payload} if state == "done" else {"error": payload})
            entries.append(entry)
        return entries

    def paths_not_done(self, job_id: str) -> list[str]:
        """Server paths of the job's files without a successful result."""
        with self._lock:
            rows = self._db.execute("SELECT path FROM server_job_files WHERE job_id = ? AND state != 'done'",
                                    (job_id,)).fetchall()
        return [r[0] for r in rows]

    def attempts(self, job_id: str) -> dict[int, int]:
        """Runs that started each file (for tests and diagnostics)."""
        with self._lock:
            rows = self._db.execute("SELECT idx, attempts FROM server_job_files WHERE job_id = ?", (job_id,))
            return {idx: count for idx, count in rows.fetchall()}
