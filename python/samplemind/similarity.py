"""Similarity search over the embeddings ("more like this"), backed by usearch.

SQLite (the data folder's samplemind.sqlite3) is the source of truth: one row per
indexed sample with its path, embedding and main descriptors. The
usearch graph is a cache of it, saved as ``similarity-v<EMBEDDING_VERSION>.usearch``
with a JSON sidecar holding its SHA-256, row count and embedding version. It is
written atomically (temporary file, fsync, rename) and verified before loading: a
missing, stale, damaged or other-version file is rebuilt from SQLite (a damaged
graph can crash usearch, so it is never loaded unverified).

Similarity is the cosine of two embeddings clipped to [0, 1]. Aspect weights rescale
the aspect sub-vectors of the query and the candidates alike: the approximate search
fetches a generous candidate pool, which is then filtered and re-ranked exactly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from usearch.index import Index

from samplemind._analysis import Analysis
from samplemind._api import analyze
from samplemind._batch import analyze_batch
from samplemind._cache import ResultCache
from samplemind._categories import CATEGORY_FILTER_NAMES
from samplemind._data_dir import resolve_data_dir
from samplemind._embedding import EMBEDDING_ASPECTS, EMBEDDING_VERSION
from samplemind._exceptions import AnalysisError
from samplemind._keys import compatible_keys, parse_key
from samplemind._sqlite import immediate_transaction

log = logging.getLogger("samplemind.similarity")

__all__ = ["MAX_WEIGHT", "SearchFilters", "SearchResult", "SimilarityIndex"]

Vector = npt.NDArray[np.float32]
Query = str | os.PathLike[str] | Analysis | npt.ArrayLike | int

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    embedding_version INTEGER NOT NULL,
    embedding BLOB NOT NULL,
    descriptors TEXT NOT NULL,
    added_at REAL NOT NULL,
    checksum TEXT
)
"""
_DESCRIPTORS = ("duration_s", "tempo_bpm", "key", "is_loop", "pitch_hz", "pitch_note", "loudness_lufs",
                "category", "category_family", "centroid_hz_mean")
MAX_WEIGHT = 1e6
"""The largest aspect weight: past it, float32 scaling would overflow."""
_MIN_POOL = 256  # candidates fetched before exact filtering or re-weighting and re-ranking
_PLAIN_POOL = 3  # x k for a plain query (no filters, no weights): only the exact re-rank
_ADD_BATCH = 1024  # vectors added per lock hold: searches wait at most this long
_SQL_BATCH = 900  # keys per IN (...) query


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

    def accepts(self, descriptors: Mapping[str, Any]) -> bool:
        if self.category is not None and self.category not in (descriptors.get("category"),
                                                               descriptors.get("category_family")):
            return False
        if self.tempo_bpm and not _within(descriptors.get("tempo_bpm"), self.tempo_bpm):
            return False
        if self.duration_s and not _within(descriptors.get("duration_s"), self.duration_s):
            return False
        if self.pitch_hz and not _within(descriptors.get("pitch_hz"), self.pitch_hz):
            return False
        if self.is_loop is not None and bool(descriptors.get("is_loop")) != self.is_loop:
            return False
        if self.key is not None:
            wanted = compatible_keys(self.key) if self.compatible_keys else {self.key}
            return descriptors.get("key") in wanted
        return True


@dataclass(frozen=True)
class SearchResult:
    key: int
    """The sample's key in the index."""
    path: str
    similarity: float
    """Cosine of the (weighted) embeddings, clipped to [0, 1]."""
    aspects: dict[str, float]
    """Per-aspect similarity: why it matched."""
    descriptors: dict[str, Any] = field(default_factory=dict)
    """duration_s, tempo_bpm, key, is_loop, pitch_hz, pitch_note, loudness_lufs, category,
    category_family, centroid_hz_mean."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; the musical key is `musical_key` (`key` is the sample's index key)."""
        descriptors = {("musical_key" if name == "key" else name): value for name, value in self.descriptors.items()}
        return {**descriptors, "key": self.key, "path": self.path, "similarity": self.similarity,
                "aspects": self.aspects}


class SimilarityIndex:
    """A persistent similarity index in a data folder (default: the user's cache folder).

    Thread-safe: searches may run while other threads add or remove; additions hold the
    lock for at most _ADD_BATCH vectors at a time.
    """

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> None:
        self.data_dir = resolve_data_dir(data_dir)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._graph_path = self.data_dir / f"similarity-v{EMBEDDING_VERSION}.usearch"
        self._sidecar_path = self._graph_path.with_suffix(".json")
        _refuse_an_emptied_database(self.data_dir / "samplemind.sqlite3", self._sidecar_path)
        self._db = sqlite3.connect(self.data_dir / "samplemind.sqlite3", timeout=60.0, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(samples)")}
        if "checksum" not in columns:  # an index from before checksums: its rows get one when re-indexed
            self._db.execute("ALTER TABLE samples ADD COLUMN checksum TEXT")
        self._ndim = sum(size for _, size, _ in EMBEDDING_ASPECTS.values())
        self._data_version = self._rows("PRAGMA data_version")[0][0]
        self._index = self._open_graph()
        self._dirty = False

    # --- adding and removing -------------------------------------------------------

    def add(self, analyses: Iterable[Analysis]) -> list[int]:
        """Adds (or, for a path already indexed, replaces) analyses of files; returns keys."""
        keys = []
        batch = [a for a in analyses if a.path is not None]
        broken = [a.path for a in batch if not np.all(np.isfinite(a.embedding))]
        if broken:  # an index must never hold a vector that no cosine can be taken of
            raise ValueError(f"{broken[0]}: the embedding is not finite; nothing was indexed")
        for start in range(0, len(batch), _ADD_BATCH):
            with self._lock, immediate_transaction(self._db):
                keys += [self._upsert(a) for a in batch[start : start + _ADD_BATCH]]
                self._dirty = True
        return keys

    def add_paths(self, paths: Iterable[str | os.PathLike[str]], *, workers: int = 0,
                  cache: ResultCache | None = None, progress: Any = None,
                  scheduler: Any = None) -> list[AnalysisError]:
        """Analyses what the cache lacks (locally, or on a Dask ``scheduler``: see
        analyze_batch), indexes the rest; returns the files that failed."""
        results = analyze_batch(paths, workers=workers, cache=cache, progress=progress, scheduler=scheduler)
        self.add(r for r in results if isinstance(r, Analysis))
        self.save()
        return [r for r in results if isinstance(r, AnalysisError)]

    def outdated_paths(self) -> list[str]:
        """Files indexed by another embedding version: not searchable until re-analysed
        (upgrade(); `samplemind index`, `search` and the server run it by themselves)."""
        rows = self._rows("SELECT path FROM samples WHERE embedding_version <> ? ORDER BY key", (EMBEDDING_VERSION,))
        return [row[0] for row in rows]

    def upgrade(self, *, workers: int = 0, cache: ResultCache | None = None,
                progress: Any = None) -> list[AnalysisError]:
        """Re-analyses and re-indexes the outdated files; returns those that failed (a file
        that is gone stays outdated, and is reported each time)."""
        paths = self.outdated_paths()
        return self.add_paths(paths, workers=workers, cache=cache, progress=progress) if paths else []

    def remove(self, paths: Iterable[str | os.PathLike[str]]) -> int:
        """Removes samples by path; returns how many were indexed."""
        removed = 0
        with self._lock, immediate_transaction(self._db):
            for path in paths:
                row = self._db.execute("SELECT key FROM samples WHERE path = ?", (_stored(path),)).fetchone()
                if row is None:
                    continue
                self._db.execute("DELETE FROM samples WHERE key = ?", (row[0],))
                self._index.remove(int(row[0]))
                removed += 1
            self._dirty = self._dirty or removed > 0
        return removed

    # --- searching -------------------------------------------------------------------

    def search(self, query: Query, *, k: int = 10, min_similarity: float = 0.0, filters: SearchFilters | None = None,
               weights: Mapping[str, float] | None = None) -> list[SearchResult]:
        """The k most similar samples to `query`: a file path, an Analysis, an embedding,
        or the key of an indexed sample (which then comes first, with similarity 1.0)."""
        return self.batch_search([query], k=k, min_similarity=min_similarity, filters=filters, weights=weights)[0]

    def batch_search(self, queries: Sequence[Query], *, k: int = 10, min_similarity: float = 0.0,
                     filters: SearchFilters | None = None,
                     weights: Mapping[str, float] | None = None) -> list[list[SearchResult]]:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if not 0.0 <= min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in [0, 1], got {min_similarity}")
        scale = _aspect_scale(weights, self._ndim)
        self._catch_up()
        resolved = [self._resolve(q) for q in queries]
        vectors = np.stack([v for v, _ in resolved]) if resolved else np.zeros((0, self._ndim), np.float32)
        with self._lock:
            count = len(self._index)
            if count == 0:
                return [[] for _ in queries]
            # A small index is re-ranked whole (exact and independent of how the graph was
            # built); a large one from the graph's best candidates.
            plain = filters is None and not weights and count > _MIN_POOL
            pool = min(count, max(30, _PLAIN_POOL * k) if plain else max(_MIN_POOL, 20 * k))
            matches = self._index.search(vectors * scale, pool)
        answers = []
        for row, (vector, own) in enumerate(resolved):
            keys = [int(x) for x in np.atleast_2d(matches.keys)[row]]
            if own is not None and own not in keys:  # the graph may not reach every node from every entry
                keys.append(own)
            answers.append(self._rank(vector, keys, k, min_similarity, filters, scale, own))
        return answers

    def stats(self) -> dict[str, Any]:
        count = self._rows("SELECT COUNT(*) FROM samples WHERE embedding_version = ?", (EMBEDDING_VERSION,))[0][0]
        outdated = self._rows("SELECT COUNT(*) FROM samples WHERE embedding_version <> ?", (EMBEDDING_VERSION,))[0][0]
        size = self._graph_path.stat().st_size if self._graph_path.exists() else 0
        return {"samples": int(count), "outdated": int(outdated), "embedding_version": EMBEDDING_VERSION,
                "dimensions": self._ndim, "index_file": str(self._graph_path), "index_bytes": size}

    # --- persistence ------------------------------------------------------------------

    def save(self) -> None:
        """Writes the graph atomically with its checksum sidecar (no-op when unchanged)."""
        self._catch_up()
        with self._lock:
            if not self._dirty or self.read_only:
                return
            temporary = self._graph_path.with_suffix(".usearch.tmp")
            self._index.save(str(temporary))
            _fsync(temporary)
            os.replace(temporary, self._graph_path)
            sidecar = {"sha256": _sha256(self._graph_path), "count": len(self._index),
                       "embedding_version": EMBEDDING_VERSION, "ndim": self._ndim}
            _write_atomically(self._sidecar_path, json.dumps(sidecar).encode())
            self._dirty = False

    def rebuild(self) -> None:
        """Rebuilds the graph from SQLite (the source of truth) and saves it."""
        with self._lock:
            self._index = self._graph_from_rows()
            self._dirty = True
            self.save()

    def close(self) -> None:
        self.save()
        self._db.close()

    def __enter__(self) -> SimilarityIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self._index)

    # --- internals ----------------------------------------------------------------------

    def _new_graph(self) -> Index:
        return Index(ndim=self._ndim, metric="cos", dtype="f32")

    def _open_graph(self) -> Index:
        """The saved graph when it verifies against its sidecar and SQLite, else a rebuild."""
        if self._verified():
            graph = Index.restore(str(self._graph_path), view=self.read_only)
            if graph is not None and graph.ndim == self._ndim:
                return graph
        graph = self._graph_from_rows()
        self._index = graph
        self._dirty = True
        self.save()
        return graph

    def _verified(self) -> bool:
        try:
            sidecar = json.loads(self._sidecar_path.read_text())
        except (OSError, ValueError):
            return False
        rows = self._rows("SELECT COUNT(*) FROM samples WHERE embedding_version = ?", (EMBEDDING_VERSION,))[0][0]
        return (self._graph_path.exists() and sidecar.get("embedding_version") == EMBEDDING_VERSION
                and sidecar.get("count") == rows and sidecar.get("ndim") == self._ndim
                and sidecar.get("sha256") == _sha256(self._graph_path))

    def _graph_from_rows(self) -> Index:
        graph = self._new_graph()
        rows = self._intact(self._rows("SELECT key, embedding, checksum, path FROM samples WHERE embedding_version = ?",
                                       (EMBEDDING_VERSION,)))
        if rows:
            keys = np.array([r[0] for r in rows], dtype=np.uint64)
            vectors = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
            graph.add(keys, vectors)
        return graph

    def _upsert(self, analysis: Analysis) -> int:
        path = _stored(str(analysis.path))
        descriptors = _descriptors(analysis)
        row = self._db.execute("SELECT key FROM samples WHERE path = ?", (path,)).fetchone()
        blob = np.asarray(analysis.embedding, dtype=np.float32).tobytes()
        if row is not None:
            key = int(row[0])
            self._db.execute("UPDATE samples SET embedding_version = ?, embedding = ?, "
                             "descriptors = ?, added_at = ?, checksum = ? WHERE key = ?",
                             (EMBEDDING_VERSION, blob, json.dumps(descriptors), time.time(), _checksum(blob), key))
            self._index.remove(key)
        else:
            cursor = self._db.execute("INSERT INTO samples (path, embedding_version, embedding, "
                                      "descriptors, added_at, checksum) VALUES (?, ?, ?, ?, ?, ?)",
                                      (path, EMBEDDING_VERSION, blob, json.dumps(descriptors), time.time(),
                                       _checksum(blob)))
            key = int(cursor.lastrowid or 0)
        self._index.add(key, np.asarray(analysis.embedding, dtype=np.float32))
        return key

    def _resolve(self, query: Query) -> tuple[Vector, int | None]:
        """(embedding, key of the query when it is indexed)."""
        if isinstance(query, (int, np.integer)) and not isinstance(query, bool):
            found = self._rows("SELECT key, embedding, checksum, path FROM samples WHERE key = ?", (int(query),))
            row = found[0] if found else None
            if row is None or not self._intact([row]):
                raise KeyError(f"no indexed sample has key {query}" if row is None else
                               f"the stored embedding of key {query} ({row[3]}) is damaged; it is re-analysed "
                               "by the next `samplemind index`")
            return np.frombuffer(row[1], dtype=np.float32), int(query)
        if isinstance(query, Analysis):
            return np.asarray(query.embedding, dtype=np.float32), self._key_of(query.path)
        if isinstance(query, (str, os.PathLike)):
            path = os.fspath(query)
            own = self._key_of(path)
            if own is not None:
                return self._resolve(own)
            return np.asarray(analyze(path).embedding, dtype=np.float32), None
        vector = np.asarray(query, dtype=np.float64).reshape(-1)
        if vector.shape != (self._ndim,):
            raise ValueError(f"query vector must have {self._ndim} values (EMBEDDING_ASPECTS), got {vector.shape}")
        largest = float(np.abs(vector).max())
        if not math.isfinite(largest) or largest == 0.0:
            raise ValueError("query vector must be finite and not all zero")
        return (vector / largest).astype(np.float32), None  # scaled first: huge values stay finite

    def _catch_up(self) -> None:
        """Another process (`samplemind index` beside a server) may have changed the
        samples: SQLite's data_version says so cheaply, and then the graph is rebuilt
        from the rows if it no longer holds the same samples (so that searches find the
        new ones, and a save never writes a stale graph)."""
        version = self._rows("PRAGMA data_version")[0][0]
        if version == self._data_version:
            return
        with self._lock:
            self._data_version = version
            rows = self._rows("SELECT COUNT(*) FROM samples WHERE embedding_version = ?", (EMBEDDING_VERSION,))[0][0]
            if rows != len(self._index):
                self._index = self._graph_from_rows()
                self._dirty = True

    def _rows(self, statement: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """A read, fetched whole under the lock. Every statement on the shared connection
        runs one at a time: a write that met an open read snapshot of this connection
        would be refused at once ("database is locked") once another connection (the
        server's job store) had written since."""
        with self._lock:
            return self._db.execute(statement, parameters).fetchall()

    def _intact(self, rows: list[Any]) -> list[Any]:
        """The rows (key, embedding, checksum, path, ...) whose embedding matches its
        checksum. A damaged one is reported, left out and marked outdated, so that the
        next upgrade() re-analyses its file instead of it silently never matching."""
        intact: list[Any] = []
        damaged: list[Any] = []
        for row in rows:
            (damaged if row[2] is not None and row[2] != _checksum(row[1]) else intact).append(row)
        for row in damaged:
            log.warning("similarity index: the stored embedding of %s (key %d) is damaged; it will be "
                        "re-analysed", row[3], row[0])
            with self._lock:
                self._db.execute("UPDATE samples SET embedding_version = 0 WHERE key = ?", (row[0],))
                graph = getattr(self, "_index", None)  # None while the first graph is built
                if graph is not None and graph.contains(int(row[0])):
                    graph.remove(int(row[0]))
        return intact

    def _key_of(self, path: str | None) -> int | None:
        if path is None:
            return None
        found = self._rows("SELECT key FROM samples WHERE path = ?", (_stored(path),))
        return int(found[0][0]) if found else None

    def _rank(self, query: Vector, candidates: list[int], k: int, min_similarity: float,
              filters: SearchFilters | None, scale: Vector, own: int | None = None) -> list[SearchResult]:
        """Exact re-ranking of the candidates; an indexed query (`own`) is itself at 1.0."""
        if not candidates:
            return []
        rows = []
        for start in range(0, len(candidates), _SQL_BATCH):  # SQLite caps the parameters of one query
            chunk = candidates[start : start + _SQL_BATCH]
            marks = ", ".join("?" * len(chunk))
            rows += self._rows(f"SELECT key, embedding, checksum, path, descriptors FROM samples WHERE key IN ({marks})",
                               chunk)
        kept = []  # (key, path, embedding, descriptors JSON) of the candidates the filters accept
        for key, blob, _, path, text in self._intact(rows):
            if filters is None or filters.accepts(json.loads(text)):
                kept.append((int(key), path, np.frombuffer(blob, dtype=np.float32), text))
        if not kept:
            return []
        # Exact weighted cosine of every candidate at once; per-aspect detail only for the top k.
        weighted = np.stack([vector for _, _, vector, _ in kept]) * scale
        norms = np.linalg.norm(weighted, axis=1)
        norms[norms == 0] = 1.0
        similarities = np.clip((weighted / norms[:, np.newaxis]) @ _unit(query * scale), 0.0, 1.0)
        if own is not None:
            similarities[[row for row, item in enumerate(kept) if item[0] == own]] = 1.0
        top = [row for row in np.argsort(-similarities, kind="stable")[:k] if similarities[row] >= min_similarity]
        if not top:
            return []
        aspects = _aspect_similarities(query, np.stack([kept[row][2] for row in top]))
        return [SearchResult(kept[row][0], kept[row][1], float(similarities[row]), aspects[i], json.loads(kept[row][3]))
                for i, row in enumerate(top)]


def _aspect_scale(weights: Mapping[str, float] | None, ndim: int) -> Vector:
    """Per-dimension factors: sqrt(weight / default weight) for each aspect's slice."""
    scale = np.ones(ndim, dtype=np.float32)
    for name, value in (weights or {}).items():
        if name not in EMBEDDING_ASPECTS:
            raise ValueError(f"unknown aspect {name!r}; aspects are {sorted(EMBEDDING_ASPECTS)}")
        if not 0 <= value <= MAX_WEIGHT:
            raise ValueError(f"aspect weight {name}={value} must be in [0, {MAX_WEIGHT:g}]")
        offset, size, default = EMBEDDING_ASPECTS[name]
        scale[offset : offset + size] = np.sqrt(value / default) if default > 0 else 0.0
    if not scale.any():
        raise ValueError("every aspect weight is 0: nothing would be compared; give one a weight > 0")
    return scale


def _aspect_similarities(query: Vector, candidates: npt.NDArray[np.float32]) -> list[dict[str, float]]:
    """Per-aspect cosine (clipped at 0) of the query with each candidate row."""
    columns: dict[str, npt.NDArray[np.float64]] = {}
    for name, (offset, size, _) in EMBEDDING_ASPECTS.items():
        q, block = query[offset : offset + size], candidates[:, offset : offset + size]
        norms = np.linalg.norm(block, axis=1) * np.linalg.norm(q)
        dots = (block @ q).astype(np.float64)
        columns[name] = np.where(norms > 0, np.maximum(0.0, dots / np.where(norms > 0, norms, 1.0)), 0.0)
    return [{name: float(values[i]) for name, values in columns.items()} for i in range(len(candidates))]


def _unit(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _refuse_an_emptied_database(database: Path, sidecar: Path) -> None:
    """A database truncated to nothing would pass for a new library and the saved graph
    be overwritten with an empty one: stop and say so while both can still be saved."""
    if not database.exists() or database.stat().st_size > 0:
        return
    try:
        count = int(json.loads(sidecar.read_text()).get("count", 0))
    except (OSError, ValueError, TypeError):
        return
    if count > 0:
        raise RuntimeError(f"{database} is empty (0 bytes) but the saved graph {sidecar.with_suffix('.usearch')} "
                           f"holds {count} samples: the database was probably truncated. Restore it from a "
                           "backup, or move both files away to start a new library; nothing was changed")


def _checksum(blob: bytes) -> str:
    return hashlib.blake2b(blob, digest_size=8).hexdigest()


def _stored(path: str | os.PathLike[str]) -> str:
    """Paths are stored absolute, so a folder indexed by a relative and an absolute name
    is one set of samples (links are kept: a link is the name the user chose)."""
    return os.path.abspath(os.fspath(path))


def _within(value: Any, bounds: tuple[float, float]) -> bool:
    return value is not None and bounds[0] <= float(value) <= bounds[1]


def _descriptors(analysis: Analysis) -> dict[str, Any]:
    data = {name: getattr(analysis, name) for name in _DESCRIPTORS if name != "centroid_hz_mean"}
    data["centroid_hz_mean"] = analysis.centroid_hz.mean
    return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
