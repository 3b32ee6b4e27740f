"""Similarity search over the embeddings ("more like this"), backed by usearch.

SQLite (the data folder's samplemind.sqlite3) is the source of truth: one row per
indexed sample with its path, embedding and main descriptors. The usearch graph is a
cache of it, saved and verified by samplemind._graph_file. The approximate search
fetches a generous candidate pool, which is then filtered and re-ranked exactly by
the rules of samplemind._ranking.
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
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from usearch.index import Index

from samplemind._analysis import Analysis
from samplemind._api import analyze
from samplemind._batch import analyze_batch
from samplemind._cache import ResultCache
from samplemind._categories import CATEGORIES
from samplemind._corrections import CORRECTIONS_SCHEMA, apply_corrections, checked_corrections
from samplemind._data_dir import resolve_data_dir
from samplemind._duplicates import DuplicateGroup, FingerprintStore, find_duplicates
from samplemind._embedding import EMBEDDING_ASPECTS, EMBEDDING_VERSION
from samplemind._exceptions import AnalysisError
from samplemind._graph_file import GraphFile
from samplemind._sample_fields import FIELDS_SCHEMA, SAMPLE_VIEW, SORTABLE, order_by, refresh_fields
from samplemind._library_map import map_coordinates
from samplemind._ranking import MAX_WEIGHT, aspect_scale, aspect_similarities, unit
from samplemind._search_filters import SearchFilters
from samplemind._sqlite import at_or_under, immediate_transaction
from samplemind._text_search import TEXT_SCHEMA, index_words, match_expression

log = logging.getLogger("samplemind.similarity")

__all__ = ["MAX_WEIGHT", "SORTABLE", "SearchFilters", "SearchResult", "SimilarityIndex"]

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
# What a result is built from: (key, path, descriptors JSON, the user's tempo, key, category).
_RESULT_COLUMNS = "key, path, descriptors, user_tempo_bpm, user_key, user_category"
_MANY_MATCHES = 1000  # text matches past which a listing walks its order's index


class _Listing(NamedTuple):
    """A listing's condition on sample_fields and its values. SQLite cannot tell how many
    rows a MATCH gives; `walk` says there are many and no filter ("kick" in a drum
    library), so a page walks its order's index keeping the matches, which stops at the
    page ("+key" keeps the planner from the key lookups), while a count, which sees every
    match, looks each up by key (3x faster than the walk at 14,000 matches in 100,000)."""

    where: str
    values: list[Any]
    walk: bool = False
    total: int | None = None  # how many samples pass, when known without counting

    def page_where(self) -> str:
        return f"+{self.where}" if self.walk else self.where
_MAX_TEXT_CANDIDATES = 20_000  # a text query with a similarity query: its first matches by path
_EXACT_TEXT_CANDIDATES = 2_000  # up to this many, a similarity query with text ranks every match
_DESCRIPTORS = ("duration_s", "tempo_bpm", "key", "is_loop", "pitch_hz", "pitch_note", "loudness_lufs",
                "category", "category_family", "centroid_hz_mean")
_MIN_POOL = 256  # candidates fetched before exact filtering or re-weighting and re-ranking
_PLAIN_POOL = 3  # x k for a plain query (no filters, no weights): only the exact re-rank
_ADD_BATCH = 1024  # vectors added per lock hold: searches wait at most this long
_SQL_BATCH = 900  # keys per IN (...) query


@dataclass(frozen=True)
class SearchResult:
    sample_id: int
    """The sample's id in the index (what `search ID` and `/samples/{sample_id}` take)."""
    path: str
    similarity: float | None
    """Cosine of the (weighted) embeddings, clipped to [0, 1]; None for a text search or
    a listing, which compare no sound."""
    aspects: dict[str, float]
    """Per-aspect similarity: why it matched ({} without a similarity query)."""
    descriptors: dict[str, Any] = field(default_factory=dict)
    """duration_s, tempo_bpm, key, is_loop, pitch_hz, pitch_note, loudness_lufs, category,
    category_family, centroid_hz_mean; tempo_source, key_source and category_source
    ("user" when corrected, else "analysis"), and `analysis` (what the analysis said
    of each corrected field)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the names of Analysis.to_dict() (`key` is the musical key)."""
        return {**self.descriptors, "sample_id": self.sample_id, "path": self.path, "similarity": self.similarity,
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
        self._ndim = sum(size for _, size, _ in EMBEDDING_ASPECTS.values())
        self._graph_file = GraphFile(self.data_dir, self._ndim)
        self._graph_file.refuse_an_emptied_database(self.data_dir / "samplemind.sqlite3")
        self._db = sqlite3.connect(self.data_dir / "samplemind.sqlite3", timeout=60.0, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.execute(CORRECTIONS_SCHEMA)
        for statement in (*TEXT_SCHEMA, *FIELDS_SCHEMA, SAMPLE_VIEW):
            self._db.execute(statement)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(samples)")}
        if "checksum" not in columns:  # an index from before checksums: its rows get one when re-indexed
            self._db.execute("ALTER TABLE samples ADD COLUMN checksum TEXT")
        self._fill_derived_tables()
        self._data_version = self._rows("PRAGMA data_version")[0][0]
        self._index = self._open_graph()
        self._dirty = False
        self._map: tuple[Any, list[dict[str, Any]]] | None = None
        self._readers = threading.local()  # each thread's own connection for path_of()
        self._reader_connections: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()  # not self._lock, which a search may hold

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
                self._db.execute("DELETE FROM sample_text WHERE rowid = ?", (row[0],))
                self._db.execute("DELETE FROM sample_fields WHERE key = ?", (row[0],))
                self._index.remove(int(row[0]))
                removed += 1
            self._dirty = self._dirty or removed > 0
        return removed

    # --- searching -------------------------------------------------------------------

    def search(self, query: Query, *, k: int = 10, min_similarity: float = 0.0, filters: SearchFilters | None = None,
               weights: Mapping[str, float] | None = None, text: str | None = None) -> list[SearchResult]:
        """The k most similar samples to `query`: a file path, an Analysis, an embedding,
        or the id of an indexed sample (which then comes first, with similarity 1.0).
        With `text`, only samples whose names match it ("like this kick, named 808")."""
        return self.batch_search([query], k=k, min_similarity=min_similarity, filters=filters, weights=weights,
                                 text=text)[0]

    def batch_search(self, queries: Sequence[Query], *, k: int = 10, min_similarity: float = 0.0,
                     filters: SearchFilters | None = None, weights: Mapping[str, float] | None = None,
                     text: str | None = None) -> list[list[SearchResult]]:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if not 0.0 <= min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in [0, 1], got {min_similarity}")
        scale = aspect_scale(weights, self._ndim)
        self._catch_up()
        resolved = [self._resolve(q) for q in queries]
        named: set[int] | None = None
        if text is not None:
            matches = self._text_matches(text, _MAX_TEXT_CANDIDATES)
            if len(matches) <= _EXACT_TEXT_CANDIDATES:  # few: every match ranked exactly
                return [self._rank(v, matches, k, min_similarity, filters, scale, own) for v, own in resolved]
            named = set(matches)
        vectors = np.stack([v for v, _ in resolved]) if resolved else np.zeros((0, self._ndim), np.float32)
        with self._lock:
            count = len(self._index)
            if count == 0:
                return [[] for _ in queries]
            # A small index is re-ranked whole (exact and independent of how the graph was
            # built); a large one from the graph's best candidates.
            plain = filters is None and not weights and named is None and count > _MIN_POOL
            pool = min(count, max(30, _PLAIN_POOL * k) if plain else max(_MIN_POOL, 20 * k))
            if named is not None:  # the graph's best, then only those the text names
                pool = min(count, pool * max(1, count // len(named)))
            nearest = self._index.search(vectors * scale, pool)
        answers = []
        for row, (vector, own) in enumerate(resolved):
            keys = [int(x) for x in np.atleast_2d(nearest.keys)[row]]
            if named is not None:
                keys = [key for key in keys if key in named]
            if own is not None and own not in keys and (named is None or own in named):
                keys.append(own)  # the graph may not reach every node from every entry
            answers.append(self._rank(vector, keys, k, min_similarity, filters, scale, own))
        return answers

    def search_text(self, text: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[SearchResult]:
        """The first k samples, by path, whose names match `text` ("dusty snare", "bd 808"):
        see samplemind._text_search for the words, abbreviations, prefixes and typos it
        knows."""
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        listing = self._listed(text, filters)
        return self._page(listing, order_by("path"), 0, k) if listing else []

    def samples(self, *, text: str | None = None, filters: SearchFilters | None = None, sort: str | None = None,
                offset: int = 0, limit: int = 100) -> tuple[int, list[SearchResult]]:
        """(how many samples pass, the page of them from `offset`): those whose names match
        `text` and pass `filters`, sorted by a SORTABLE column ("-tempo_bpm" descending,
        NULLs last either way; default: path)."""
        if offset < 0 or limit < 0:
            raise ValueError(f"offset and limit must be >= 0, got {offset} and {limit}")
        order = order_by(sort or "path")
        listing = self._listed(text, filters)
        if listing is None:
            return 0, []
        total = listing.total
        if total is None:
            total = self._rows(f"SELECT COUNT(*) FROM sample_fields WHERE {listing.where}", listing.values)[0][0]
        return int(total), self._page(listing, order, offset, limit)

    def sample(self, sample_id: int) -> SearchResult:
        """One indexed sample, with its corrections; KeyError when no sample has that id."""
        rows = self._rows(f"SELECT {_RESULT_COLUMNS} FROM sample_view WHERE key = ?", (int(sample_id),))
        if not rows:
            raise KeyError(f"no indexed sample has id {sample_id}")
        return SearchResult(int(rows[0][0]), rows[0][1], None, {}, _shown(rows[0][2:]))

    def correct(self, path: str | os.PathLike[str], **corrections: Any) -> None:
        """Sets the user's tempo_bpm, key or category for a file (None removes that one),
        kept apart from the analysis: it outlives re-analysis and engine upgrades, and wins
        in results, filters and sorting. ValueError names a bad field or value."""
        checked = checked_corrections(corrections)
        if not checked:
            return
        stored = _stored(path)
        with self._lock, immediate_transaction(self._db):
            self._db.execute("INSERT OR IGNORE INTO corrections (path, updated_at) VALUES (?, ?)", (stored, time.time()))
            for field_name, value in checked.items():
                column = {"key": "musical_key"}.get(field_name, field_name)
                self._db.execute(f"UPDATE corrections SET {column} = ?, updated_at = ? WHERE path = ?",
                                 (value, time.time(), stored))
                if field_name == "category":
                    self._db.execute("UPDATE corrections SET category_family = ? WHERE path = ?",
                                     (CATEGORIES.get(value), stored))
            self._db.execute("DELETE FROM corrections WHERE path = ? AND tempo_bpm IS NULL AND musical_key IS NULL "
                             "AND category IS NULL", (stored,))
            refresh_fields(self._db, [r[0] for r in self._db.execute("SELECT key FROM samples WHERE path = ?",
                                                                     (stored,))])

    def carry_corrections(self, old_path: str | os.PathLike[str], new_path: str | os.PathLike[str]) -> None:
        """A file was moved or renamed: the user's corrections follow it (they are kept by
        path). Its sample is re-indexed under the new path by the next add."""
        with self._lock, immediate_transaction(self._db):
            self._db.execute("UPDATE OR REPLACE corrections SET path = ? WHERE path = ?",
                             (_stored(new_path), _stored(old_path)))

    def library_map(self) -> list[dict[str, Any]]:
        """Every sample as a point of a 2-D map where similar sounds lie close together
        ({"sample_id", "x", "y", "category", "category_family", "is_loop"}, x and y in [0, 1]):
        see samplemind._library_map. Kept until the samples or their corrections change."""
        self._catch_up()
        version = self._rows("SELECT (SELECT COUNT(*) FROM samples), (SELECT MAX(key) FROM samples), "
                             "(SELECT MAX(added_at) FROM samples), (SELECT MAX(updated_at) FROM corrections)")[0]
        with self._lock:
            if self._map is not None and self._map[0] == version:
                return self._map[1]
        rows = self._intact(self._rows(f"SELECT key, embedding, checksum, path, category, category_family, is_loop "
                                       f"FROM sample_view WHERE embedding_version = {EMBEDDING_VERSION} ORDER BY key"))
        vectors = np.stack([np.frombuffer(r[1], np.float32) for r in rows]) if rows else np.zeros((0, self._ndim))
        points = [{"sample_id": int(r[0]), "x": round(float(x), 5), "y": round(float(y), 5), "category": r[4],
                   "category_family": r[5], "is_loop": bool(r[6])}
                  for r, (x, y) in zip(rows, map_coordinates(vectors.astype(np.float32)))]
        with self._lock:
            self._map = (version, points)
        return points

    def duplicates(self, paths: Iterable[str | os.PathLike[str]] | None = None, *, near: bool = False,
                   workers: int = 0) -> tuple[list[DuplicateGroup], list[AnalysisError]]:
        """(groups of copies, files that could not be read) among `paths` (default: every
        indexed sample): exact copies, and with `near` also trimmed, re-levelled,
        resampled, re-encoded or mono copies (see samplemind._duplicates). Fingerprints
        are kept in the data folder and recomputed only for changed files."""
        chosen = sorted(self.indexed_paths()) if paths is None else [_stored(p) for p in paths]
        store = FingerprintStore(self.data_dir / "samplemind.sqlite3")
        try:
            fingerprints, failed = store.get_many(chosen, workers)
        finally:
            store.close()
        return find_duplicates(fingerprints, near=near), failed

    def indexed_paths(self, within: Iterable[str] | None = None) -> set[str]:
        """The paths of every indexed sample (as stored: absolute), or of those that are
        one of the absolute paths `within` or lie under one of them."""
        if within is None:
            return {row[0] for row in self._rows("SELECT path FROM samples")}
        return {row[0] for condition, values in at_or_under("path", within)
                for row in self._rows(f"SELECT path FROM samples WHERE {condition}", values)}

    def sample_id_of(self, path: str | os.PathLike[str]) -> int | None:
        """The sample id of a file, or None when it is not indexed."""
        return self._sample_id_of(os.fspath(path))

    def path_of(self, sample_id: int) -> str:
        """The file of an indexed sample; KeyError when no sample has that id. Read on the
        calling thread's own connection (WAL lets it read beside the others), so that it
        never waits for a search holding the shared one: an audition starts at once."""
        reader = getattr(self._readers, "connection", None)
        if reader is None:
            reader = sqlite3.connect(self.data_dir / "samplemind.sqlite3", timeout=60.0, check_same_thread=False)
            self._readers.connection = reader
            with self._readers_lock:
                self._reader_connections.append(reader)
        row = reader.execute("SELECT path FROM samples WHERE key = ?", (int(sample_id),)).fetchone()
        if row is None:
            raise KeyError(f"no indexed sample has id {sample_id}")
        return str(row[0])

    def stats(self) -> dict[str, Any]:
        count = self._sample_count()
        outdated = self._rows("SELECT COUNT(*) FROM samples WHERE embedding_version <> ?", (EMBEDDING_VERSION,))[0][0]
        return {"samples": int(count), "outdated": int(outdated), "embedding_version": EMBEDDING_VERSION,
                "dimensions": self._ndim, "index_file": str(self._graph_file.path),
                "index_bytes": self._graph_file.size_bytes()}

    # --- persistence ------------------------------------------------------------------

    def save(self) -> None:
        """Writes the graph atomically with its checksum sidecar (no-op when unchanged)."""
        self._catch_up()
        with self._lock:
            if not self._dirty or self.read_only:
                return
            self._graph_file.save(self._index)
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
        with self._readers_lock:
            for reader in self._reader_connections:
                reader.close()
            self._reader_connections.clear()

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
        graph = self._graph_file.load(self._sample_count(), view=self.read_only)
        if graph is not None:
            return graph
        graph = self._graph_from_rows()
        self._index = graph
        self._dirty = True
        self.save()
        return graph

    def _sample_count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM samples WHERE embedding_version = ?", (EMBEDDING_VERSION,))[0][0])

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
        index_words(self._db, [(key, path, analysis.metadata.words())])  # the tags may have changed
        refresh_fields(self._db, [key])
        self._index.add(key, np.asarray(analysis.embedding, dtype=np.float32))
        return key

    def _resolve(self, query: Query) -> tuple[Vector, int | None]:
        """(embedding, sample id of the query when it is indexed)."""
        if isinstance(query, (int, np.integer)) and not isinstance(query, bool):
            found = self._rows("SELECT key, embedding, checksum, path FROM samples WHERE key = ?", (int(query),))
            row = found[0] if found else None
            if row is None or not self._intact([row]):
                raise KeyError(f"no indexed sample has id {query}" if row is None else
                               f"the stored embedding of sample {query} ({row[3]}) is damaged; it is re-analysed "
                               "by the next `samplemind index`")
            return np.frombuffer(row[1], dtype=np.float32), int(query)
        if isinstance(query, Analysis):
            return np.asarray(query.embedding, dtype=np.float32), self._sample_id_of(query.path)
        if isinstance(query, (str, os.PathLike)):
            path = os.fspath(query)
            own = self._sample_id_of(path)
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
            if self._sample_count() != len(self._index):
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

    def _listed(self, text: str | None, filters: SearchFilters | None) -> _Listing | None:
        """The condition on sample_fields for samples of this embedding whose names match
        `text` and that pass `filters` (None when the text has no words or no match)."""
        condition, values = (filters or SearchFilters()).sql()
        # "+": nearly every sample has this version, so its index would only slow a listing.
        where = f"+embedding_version = {EMBEDDING_VERSION} AND {condition}"
        if text is None:
            return _Listing(where, values)
        expression = self._match(text)
        if expression is None:
            return None
        matches = self._rows("SELECT COUNT(*) FROM sample_text WHERE sample_text MATCH ?", (expression,))[0][0]
        if matches == 0:
            return None
        # With no filter, and every sample of this embedding, each match is listed: the
        # count is the MATCH's (a tenth of the time of counting the listing's rows).
        total = matches if filters is None and not self._awaiting_reanalysis() else None
        return _Listing(f"key IN (SELECT rowid FROM sample_text WHERE sample_text MATCH ?) AND {where}",
                        [expression, *values], walk=matches > _MANY_MATCHES and filters is None, total=total)

    def _awaiting_reanalysis(self) -> bool:
        """Whether any sample holds another embedding version (two index seeks)."""
        return bool(self._rows("SELECT EXISTS (SELECT 1 FROM sample_fields WHERE embedding_version < ? OR "
                               "embedding_version > ?)", (EMBEDDING_VERSION, EMBEDDING_VERSION))[0][0])

    def _page(self, listing: _Listing, order: str, offset: int, limit: int) -> list[SearchResult]:
        """One page: the keys from sample_fields alone, then what the results show."""
        keys = [r[0] for r in self._rows(f"SELECT key FROM sample_fields WHERE {listing.page_where()} "
                                         f"ORDER BY {order} LIMIT ? OFFSET ?", [*listing.values, limit, offset])]
        if not keys:
            return []
        rows = self._rows(f"SELECT {_RESULT_COLUMNS} FROM sample_view WHERE key IN ({', '.join('?' * len(keys))})",
                          keys)
        shown = {r[0]: SearchResult(int(r[0]), r[1], None, {}, _shown(r[2:])) for r in rows}
        return [shown[key] for key in keys if key in shown]

    def _match(self, text: str) -> str | None:
        with self._lock:
            return match_expression(self._db, text)

    def _text_matches(self, text: str, limit: int) -> list[int]:
        """The keys of the first `limit` samples, by path, whose names match `text`."""
        listing = self._listed(text, None)
        if listing is None:
            return []
        rows = self._rows(f"SELECT key FROM sample_fields WHERE {listing.page_where()} ORDER BY {order_by('path')} "
                          "LIMIT ?", [*listing.values, limit])
        return [int(r[0]) for r in rows]

    def _fill_derived_tables(self) -> None:
        """Gives the samples of an index from before text search and sample_fields (or
        added by an older SampleMind) their words and columns: at open."""
        if self.read_only:
            return
        rows = self._rows("SELECT key, path FROM samples WHERE key NOT IN (SELECT rowid FROM sample_text)")
        unlisted = self._rows("SELECT 1 FROM samples WHERE key NOT IN (SELECT key FROM sample_fields) LIMIT 1")
        if rows or unlisted:
            with self._lock, immediate_transaction(self._db):
                index_words(self._db, [(key, path, "") for key, path in rows])  # tags come at re-analysis
                refresh_fields(self._db)

    def _sample_id_of(self, path: str | None) -> int | None:
        if path is None:
            return None
        found = self._rows("SELECT key FROM samples WHERE path = ?", (_stored(path),))
        return int(found[0][0]) if found else None

    def _rank(self, query: Vector, candidates: list[int], k: int, min_similarity: float,
              filters: SearchFilters | None, scale: Vector, own: int | None = None) -> list[SearchResult]:
        """Exact re-ranking of the candidates; an indexed query (`own`) is itself at 1.0."""
        if not candidates:
            return []
        condition, values = (filters or SearchFilters()).sql()
        rows = []
        for start in range(0, len(candidates), _SQL_BATCH):  # SQLite caps the parameters of one query
            chunk = candidates[start : start + _SQL_BATCH]
            marks = ", ".join("?" * len(chunk))
            rows += self._rows(f"SELECT key, embedding, checksum, path, {_RESULT_COLUMNS} FROM sample_view "
                               f"WHERE embedding_version = {EMBEDDING_VERSION} AND key IN ({marks}) AND {condition}",
                               [*chunk, *values])
        # (key, path, embedding, what the result shows) of the candidates the filters accept
        kept = [(int(r[0]), r[3], np.frombuffer(r[1], dtype=np.float32), r[6:]) for r in self._intact(rows)]
        if not kept:
            return []
        # Exact weighted cosine of every candidate at once; per-aspect detail only for the top k.
        weighted = np.stack([vector for _, _, vector, _ in kept]) * scale
        norms = np.linalg.norm(weighted, axis=1)
        norms[norms == 0] = 1.0
        similarities = np.clip((weighted / norms[:, np.newaxis]) @ unit(query * scale), 0.0, 1.0)
        if own is not None:
            similarities[[row for row, item in enumerate(kept) if item[0] == own]] = 1.0
        top = [row for row in np.argsort(-similarities, kind="stable")[:k] if similarities[row] >= min_similarity]
        if not top:
            return []
        aspects = aspect_similarities(query, np.stack([kept[row][2] for row in top]))
        return [SearchResult(kept[row][0], kept[row][1], float(similarities[row]), aspects[i], _shown(kept[row][3]))
                for i, row in enumerate(top)]


def _shown(row: Sequence[Any]) -> dict[str, Any]:
    """A result's descriptors from (descriptors JSON, the user's tempo, key, category)."""
    return apply_corrections(json.loads(row[0]), row[1], row[2], row[3])


def _checksum(blob: bytes) -> str:
    return hashlib.blake2b(blob, digest_size=8).hexdigest()


def _stored(path: str | os.PathLike[str]) -> str:
    """Paths are stored absolute (~ expanded), so a folder indexed by a relative and an
    absolute name is one set of samples (links are kept: a link is the name the user chose)."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def _descriptors(analysis: Analysis) -> dict[str, Any]:
    data = {name: getattr(analysis, name) for name in _DESCRIPTORS if name != "centroid_hz_mean"}
    data["centroid_hz_mean"] = analysis.centroid_hz.mean
    data.update(analysis.labels)
    stated = analysis.metadata.stated()
    if stated:
        data["metadata"] = stated
    return data
