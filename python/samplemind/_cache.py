"""The result cache: analyses stored in SQLite, keyed by file content.

An analysis is stored under (content hash, config key): the file's BLAKE2b-128
content hash and a hash of the analysis configuration plus the engine version.
A (path, size, mtime) record lets an unchanged file be recognised without reading
it; a renamed or copied file is recognised by its hash. Error records are cached
too (a corrupt file stays corrupt until it changes), except cancellations. WAL mode
and short transactions let several processes share one data folder; each batch of
results is committed as it arrives, so an interrupted run loses nothing it finished.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from samplemind._analysis import VECTOR_FIELDS, Analysis
from samplemind._config import AnalysisConfig
from samplemind._core import __version__ as ENGINE_VERSION
from samplemind._data_dir import resolve_data_dir
from samplemind._exceptions import AnalysisCancelled, AnalysisError, _from_core

__all__ = ["FileKey", "ResultCache"]

SCHEMA_VERSION = 4  # 2: musical descriptors and the embedding; 3: vectors stored as a float32 blob; 4: truncated
_HASH_CHUNK = 1 << 20
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analyses (
    content_hash TEXT NOT NULL,
    config_key TEXT NOT NULL,
    ok INTEGER NOT NULL,
    result TEXT NOT NULL,
    created_at REAL NOT NULL,
    vectors BLOB,
    PRIMARY KEY (content_hash, config_key)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    checked_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class FileKey:
    """What identifies a file's content: its stat record and content hash."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str


def config_key(config: AnalysisConfig) -> str:
    """Changes whenever a result could: any field of the configuration (limits such as
    max_duration_s decide whether a file is rejected), the engine or the schema."""
    fields = ";".join(f"{f.name}={getattr(config, f.name)!r}" for f in dataclasses.fields(config))
    text = f"{fields};engine={ENGINE_VERSION};schema={SCHEMA_VERSION}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def content_hash(path: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            digest.update(chunk)  # releases the GIL for large chunks
    return digest.hexdigest()


class ResultCache:
    """A cache of analyses in ``<data_dir>/samplemind.sqlite3``.

    ``data_dir`` defaults to the user's cache folder (see ``default_data_dir``).
    Use one instance per thread; separate processes may share a folder.
    """

    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self.data_dir = resolve_data_dir(data_dir)
        self.path = self.data_dir / "samplemind.sqlite3"
        self._db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._transaction():
            for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                self._db.execute(statement)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(analyses)")}
            if "vectors" not in columns:  # a data folder written by schema 1 or 2
                self._db.execute("ALTER TABLE analyses ADD COLUMN vectors BLOB")
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def identify(self, paths: Sequence[str], *, workers: int = 4) -> list[FileKey | None]:
        """FileKeys for `paths`: from the stat record when size and mtime match, else by
        hashing the content (in parallel). None for a file that cannot be read."""
        keys: list[FileKey | None] = [None] * len(paths)
        known = self._known_files(paths)
        to_hash: list[tuple[int, os.stat_result]] = []
        for index, path in enumerate(paths):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            record = known.get(path)
            if record is not None and record[0] == stat.st_size and record[1] == stat.st_mtime_ns:
                keys[index] = FileKey(path, stat.st_size, stat.st_mtime_ns, record[2])
            else:
                to_hash.append((index, stat))
        if to_hash:
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                hashes = list(pool.map(lambda item: _try_hash(paths[item[0]]), to_hash))
            for (index, stat), digest in zip(to_hash, hashes):
                if digest is not None:
                    keys[index] = FileKey(paths[index], stat.st_size, stat.st_mtime_ns, digest)
            self._remember_files([key for key in keys if key is not None])
        return keys

    def lookup(self, keys: Sequence[FileKey | None], config: AnalysisConfig) -> dict[int, Analysis | AnalysisError]:
        """Cached results by position in `keys`, each reported under its current path."""
        cfg = config_key(config)
        hashes = sorted({key.content_hash for key in keys if key is not None})
        rows: dict[str, tuple[int, str, bytes | None]] = {}
        for chunk in _chunks(hashes):
            query = (f"SELECT content_hash, ok, result, vectors FROM analyses"
                     f" WHERE config_key = ? AND content_hash IN ({_marks(chunk)})")
            rows.update({h: (ok, text, blob) for h, ok, text, blob in self._db.execute(query, (cfg, *chunk))})
        found: dict[int, Analysis | AnalysisError] = {}
        for index, key in enumerate(keys):
            if key is not None and key.content_hash in rows:
                found[index] = _decode(*rows[key.content_hash], key.path)
        return found

    def _known_files(self, paths: Sequence[str]) -> dict[str, tuple[int, int, str]]:
        """(size, mtime_ns, content hash) of the paths the cache has seen, in batched queries."""
        known: dict[str, tuple[int, int, str]] = {}
        for chunk in _chunks(sorted(set(paths))):
            query = f"SELECT path, size, mtime_ns, content_hash FROM files WHERE path IN ({_marks(chunk)})"
            known.update({path: (size, mtime, digest) for path, size, mtime, digest in self._db.execute(query, chunk)})
        return known

    def store(self, entries: Sequence[tuple[FileKey, Analysis | AnalysisError]], config: AnalysisConfig) -> None:
        """Stores results (one transaction). Cancellations are not results and are skipped."""
        cfg = config_key(config)
        rows = [
            (key.content_hash, cfg, *_encode(result), time.time())
            for key, result in entries
            if not isinstance(result, AnalysisCancelled)
        ]
        if rows:
            with self._transaction():
                self._db.executemany(
                    "INSERT OR REPLACE INTO analyses (content_hash, config_key, ok, result, vectors, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )

    def stats(self) -> dict[str, int]:
        """Row counts: analyses and known files."""
        analyses = self._db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0]
        files = self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        return {"analyses": int(analyses), "files": int(files)}

    def _remember_files(self, keys: Sequence[FileKey]) -> None:
        now = time.time()
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                [(k.path, k.size, k.mtime_ns, k.content_hash, now) for k in keys],
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


_BATCH = 500  # parameters per IN (...) query; SQLite allows 999 and more


def _chunks(values: Sequence[str]) -> list[Sequence[str]]:
    return [values[i : i + _BATCH] for i in range(0, len(values), _BATCH)]


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def _try_hash(path: str) -> str | None:
    try:
        return content_hash(path)
    except OSError:
        return None  # unreadable now: the analysis will report why


def _encode(result: Analysis | AnalysisError) -> tuple[int, str, bytes | None]:
    """(ok, JSON of the scalars, float32 blob of the vectors): JSON text of a few hundred
    floats costs more to parse than everything else in a warm re-scan."""
    if isinstance(result, Analysis):
        data = result.to_dict()
        vectors = np.concatenate([np.asarray(data.pop(name), dtype=np.float32) for name in VECTOR_FIELDS])
        lengths = [len(getattr(result, name)) for name in VECTOR_FIELDS]
        data["vector_lengths"] = lengths
        return 1, json.dumps(data), vectors.tobytes()
    return 0, json.dumps({"code": result.code, "reason": result.reason}), None


def _decode(ok: int, text: str, blob: bytes | None, path: str) -> Analysis | AnalysisError:
    data: dict[str, Any] = json.loads(text)
    if not ok:
        return _from_core(data["code"], path, data["reason"])
    data["path"] = path
    vectors = np.frombuffer(blob or b"", dtype=np.float32).copy()  # writable, like fresh results
    offset = 0
    for name, length in zip(VECTOR_FIELDS, data.pop("vector_lengths")):
        data[name] = vectors[offset : offset + length]
        offset += length
    return Analysis.from_dict(data)
