"""Waveforms for the library view, computed once per file and width and kept in the
data folder's SQLite, keyed by the file's size and modification time (an edited file
gets a new one)."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import numpy as np

from samplemind._waveform import Waveform, compute_waveform

_SCHEMA = """
CREATE TABLE IF NOT EXISTS waveforms (
    path TEXT NOT NULL, width INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    low BLOB NOT NULL, high BLOB NOT NULL, duration_s REAL NOT NULL, sample_rate INTEGER NOT NULL,
    PRIMARY KEY (path, width)
)
"""


class WaveformCache:
    def __init__(self, database: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(database, timeout=60.0, isolation_level=None, check_same_thread=False)
        self._db.execute(_SCHEMA)

    def get(self, path: str, width: int) -> Waveform:
        """The waveform, from the cache when the file is unchanged; raises what
        compute_waveform() raises (OSError when the file is gone)."""
        stat = os.stat(path)
        with self._lock:
            row = self._db.execute("SELECT low, high, duration_s, sample_rate FROM waveforms WHERE path = ? AND "
                                   "width = ? AND size = ? AND mtime_ns = ?",
                                   (path, width, stat.st_size, stat.st_mtime_ns)).fetchone()
        if row is not None:
            return Waveform(np.frombuffer(row[0], np.float32), np.frombuffer(row[1], np.float32), row[2], row[3])
        waveform = compute_waveform(path, width)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO waveforms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (path, width, stat.st_size, stat.st_mtime_ns, waveform.min.tobytes(),
                              waveform.max.tobytes(), waveform.duration_s, waveform.sample_rate))
        return waveform

    def close(self) -> None:
        with self._lock:
            self._db.close()
