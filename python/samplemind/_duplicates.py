"""Copies of the same sample: exact (the same decoded audio in any container) and near
(trimmed, re-levelled, resampled, re-encoded, mixed to mono: see _fingerprint).

Fingerprints are kept in the data folder's SQLite, keyed by path, size and
modification time, so a second run decodes only what changed. Near copies are the
pairs, among each file's nearest fingerprints in a usearch graph, whose fingerprints
have a cosine of at least NEAR_COSINE, whose trimmed durations differ by at most
NEAR_DURATION, and whose waveforms match to NEAR_WAVEFORM (which tells a copy from
another take of the same sound; only these pairs' files are decoded again), joined
into groups.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from usearch.index import Index

from samplemind._exceptions import AnalysisError, AudioNotFoundError
from samplemind._fingerprint import FINGERPRINT_VERSION, Fingerprint, excerpt, fingerprint_file, waveform_match

__all__ = ["NEAR_COSINE", "NEAR_DURATION", "DuplicateGroup", "FingerprintStore", "find_duplicates"]

NEAR_COSINE = 0.95
"""Chosen on the tuning sources of bench.duplicates."""
NEAR_DURATION = 0.05
"""Largest relative difference of two near copies' trimmed durations."""
NEAR_WAVEFORM = 0.97
"""Least waveform_match() of two near copies: copies score >= 0.988 on the tuning
sources (MP3 and Ogg included), two takes of one ride cymbal 0.93."""
_NEIGHBOURS = 8

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, version INTEGER NOT NULL,
    audio_hash TEXT NOT NULL, duration_s REAL NOT NULL, vector BLOB NOT NULL
)
"""


@dataclass(frozen=True)
class DuplicateGroup:
    kind: str
    """"exact" when every file holds the same decoded audio, else "near"."""
    paths: list[str]
    """Sorted; each file's folder (its pack) is os.path.dirname of it."""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "files": [{"path": p, "folder": os.path.dirname(p)} for p in self.paths]}


class FingerprintStore:
    """Fingerprints by path in a SQLite database, recomputed when a file changes."""

    def __init__(self, database: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(database, timeout=60.0, isolation_level=None, check_same_thread=False)
        self._db.execute(_SCHEMA)

    def get_many(self, paths: Sequence[str], workers: int = 0) -> tuple[dict[str, Fingerprint], list[AnalysisError]]:
        """Fingerprints of the files (decoded on `workers` threads, 0: one per core) and the
        files that could not be read."""
        found: dict[str, Fingerprint] = {}
        missing: list[tuple[str, os.stat_result]] = []
        failed: list[AnalysisError] = []
        for path in paths:
            try:
                stat = os.stat(path)
            except OSError as error:
                failed.append(AudioNotFoundError(path, error.strerror or str(error)))
                continue
            stored = self._stored(path, stat)
            if stored is None:
                missing.append((path, stat))
            else:
                found[path] = stored
        with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
            for (path, stat), result in zip(missing, pool.map(_fingerprint_or_error, [p for p, _ in missing])):
                if isinstance(result, AnalysisError):
                    failed.append(result)
                    continue
                found[path] = result
                self._store(path, stat, result)
        return found, failed

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _stored(self, path: str, stat: os.stat_result) -> Fingerprint | None:
        with self._lock:
            row = self._db.execute("SELECT audio_hash, duration_s, vector FROM fingerprints WHERE path = ? AND "
                                   "size = ? AND mtime_ns = ? AND version = ?",
                                   (path, stat.st_size, stat.st_mtime_ns, FINGERPRINT_VERSION)).fetchone()
        return None if row is None else Fingerprint(row[0], row[1], np.frombuffer(row[2], np.float32))

    def _store(self, path: str, stat: os.stat_result, fingerprint: Fingerprint) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (path, stat.st_size, stat.st_mtime_ns, FINGERPRINT_VERSION, fingerprint.audio_hash,
                              fingerprint.duration_s, fingerprint.vector.tobytes()))


def find_duplicates(fingerprints: dict[str, Fingerprint], *, near: bool = False) -> list[DuplicateGroup]:
    """Groups of copies among the fingerprinted files, largest first."""
    paths = sorted(fingerprints)
    parent = list(range(len(paths)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_hash: dict[str, int] = {}
    for i, path in enumerate(paths):
        first = by_hash.setdefault(fingerprints[path].audio_hash, i)
        parent[root(i)] = root(first)
    if near:
        for i, j in _near_pairs(paths, fingerprints):
            parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(paths)):
        members.setdefault(root(i), []).append(i)
    groups = []
    for indices in members.values():
        if len(indices) < 2:
            continue
        exact = len({fingerprints[paths[i]].audio_hash for i in indices}) == 1
        groups.append(DuplicateGroup("exact" if exact else "near", [paths[i] for i in indices]))
    return sorted(groups, key=lambda g: (-len(g.paths), g.paths[0]))


def _near_pairs(paths: list[str], fingerprints: dict[str, Fingerprint]) -> Iterable[tuple[int, int]]:
    """Pairs of indices into `paths` that are near copies."""
    sounding = [i for i, p in enumerate(paths) if fingerprints[p].vector.any()]  # silence copies nothing
    if len(sounding) < 2:
        return
    vectors = np.stack([fingerprints[paths[i]].vector for i in sounding])
    durations = np.array([fingerprints[paths[i]].duration_s for i in sounding])
    graph = Index(ndim=vectors.shape[1], metric="cos", dtype="f32")
    graph.add(np.arange(len(sounding), dtype=np.uint64), vectors)
    matches = graph.search(vectors, min(_NEIGHBOURS + 1, len(sounding)))
    excerpts: dict[int, Any] = {}  # decoded once per file that has a candidate

    def start_of(i: int) -> Any:
        if i not in excerpts:
            try:
                excerpts[i] = excerpt(paths[sounding[i]])
            except AnalysisError:  # changed or gone since it was fingerprinted: no match
                excerpts[i] = np.zeros(1, np.float32)
        return excerpts[i]

    for row, neighbours in enumerate(np.atleast_2d(matches.keys)):
        for column in sorted({int(c) for c in neighbours if int(c) > row}):
            cosine = float(vectors[row] @ vectors[column])
            longer = max(durations[row], durations[column])
            if (cosine >= NEAR_COSINE and abs(durations[row] - durations[column]) <= NEAR_DURATION * longer
                    and waveform_match(start_of(row), start_of(column)) >= NEAR_WAVEFORM):
                yield sounding[row], sounding[column]


def _fingerprint_or_error(path: str) -> Fingerprint | AnalysisError:
    try:
        return fingerprint_file(path)
    except AnalysisError as error:
        return error
