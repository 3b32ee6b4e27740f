"""Watch folders: an index kept in step with the files under some folders.

At start, `check()` lists the folders and compares each audio file's size and
modification time with what was indexed (kept in the data folder's watch.sqlite3), so
that an unchanged library costs one stat per file and nothing is analysed twice
across restarts. Then file system events (inotify, through watchfiles) bring new,
changed, moved and deleted files within a fraction of a second. New and changed
files are queued and analysed in the background (the result cache first), so a
listing never waits for an analysis; a deleted file leaves the index at once; a moved
one (gone here, the same size and modification time there) takes its corrections
along and is re-indexed from the cache.

A file that fails to analyse is remembered with its size and time, and retried only
once it changes (a file still being written changes again when it is finished).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from samplemind._analysis import Analysis
from samplemind._batch import analyze_batch
from samplemind._cache import ResultCache
from samplemind._files import find_audio_files
from samplemind._sqlite import at_or_under
from samplemind.similarity import SimilarityIndex

__all__ = ["CheckReport", "LibraryWatcher", "WatchChange"]

log = logging.getLogger("samplemind.watch")

_STATE_SCHEMA = ("CREATE TABLE IF NOT EXISTS watched_files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                 "mtime_ns INTEGER NOT NULL)")
_BATCH = 64  # files analysed per round: a new file waits behind at most this many
_SAVE_EVERY_S = 30.0  # the graph is saved when idle at most this often (close() saves it anyway)

Stat = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class WatchChange:
    """One change the watcher brought into the index."""

    kind: str
    """"added", "changed", "moved", "removed" or "failed"."""
    path: str
    detail: str = ""
    """The old path of a move; the error of a failure."""


@dataclass(frozen=True)
class CheckReport:
    """What a check of the folders found."""

    files: int
    unchanged: int
    queued: int
    """New or changed files, now being analysed in the background."""
    moved: int
    removed: int
    seconds: float


class LibraryWatcher:
    """Keeps `index` in step with the audio files under `folders` (recursively).

    `start()` checks the folders, then follows their events on two background threads
    until `stop()`; `check()` and `wait_idle()` alone serve a one-off re-check.
    `on_change` is called from a background thread with each WatchChange;
    `thread_init`, first thing on each background thread (the server lowers their
    priority under its event loop's).
    """

    def __init__(self, index: SimilarityIndex, folders: Iterable[str | os.PathLike[str]], *, workers: int = 0,
                 use_cache: bool = True, on_change: Callable[[WatchChange], None] | None = None,
                 debounce_ms: int = 100, thread_init: Callable[[], None] | None = None) -> None:
        self._index = index
        self._folders = [os.path.abspath(os.path.expanduser(os.fspath(f))) for f in folders]
        missing = [f for f in self._folders if not os.path.isdir(f)]
        if missing:
            raise ValueError(f"not a folder: {', '.join(missing)}")
        self._workers, self._use_cache, self._on_change, self._debounce_ms = workers, use_cache, on_change, debounce_ms
        self._thread_init = thread_init
        self._state = sqlite3.connect(index.data_dir / "watch.sqlite3", check_same_thread=False, isolation_level=None)
        self._state.execute("PRAGMA journal_mode=WAL")
        self._state.execute(_STATE_SCHEMA)
        self._state_lock = threading.Lock()
        self._reconcile_lock = threading.Lock()
        self._pending: dict[str, Stat] = {}
        self._moved_to: set[str] = set()  # reported as moved: their re-indexing is no news
        self._busy = False
        self._work = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- running ---------------------------------------------------------------------

    def start(self, *, check: bool = True, follow: bool = True) -> None:
        """In the background: checks the folders (unless `check` is False: the caller
        did), analyses what is queued, and follows the folders' events (unless `follow`
        is False: a one-off re-check)."""
        self._threads = [threading.Thread(target=self._initialised, args=(self._analyse_forever, check),
                                          name="samplemind-watch-analyse", daemon=True)]
        with self._work:
            self._busy = check  # wait_idle() waits for the check too
        if follow:
            self._threads.append(threading.Thread(target=self._initialised, args=(self._follow_events,),
                                                  name="samplemind-watch-events", daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stops following events and analysing (the file being analysed finishes first)."""
        self._stop.set()
        with self._work:
            self._work.notify_all()
        for thread in self._threads:
            thread.join()
        self._threads = []
        with self._state_lock:
            self._state.close()

    def __enter__(self) -> LibraryWatcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Waits until nothing is queued or being analysed; False on timeout."""
        with self._work:
            return self._work.wait_for(lambda: not self._pending and not self._busy, timeout)

    @property
    def pending(self) -> int:
        """Files waiting for analysis."""
        with self._work:
            return len(self._pending) + (1 if self._busy else 0)

    # --- what changed ----------------------------------------------------------------

    def check(self) -> CheckReport:
        """Compares the folders with what was indexed: removes what is gone, carries
        corrections of moved files, and queues what is new or changed."""
        started = time.perf_counter()
        files, queued, moved, removed = self._reconcile(self._folders)
        return CheckReport(files=files, unchanged=files - queued, queued=queued, moved=moved, removed=removed,
                           seconds=time.perf_counter() - started)

    def _reconcile(self, scope: list[str]) -> tuple[int, int, int, int]:
        """(files seen, queued, moved, removed) for these files and folders."""
        with self._reconcile_lock:
            on_disk = _stats(find_audio_files([p for p in scope if os.path.exists(p)], recursive=True))
            known = self._known(scope)
            gone = [path for path in known if path not in on_disk]
            fresh = {path: stat for path, stat in on_disk.items() if known.get(path) != stat}
            moves = _moves({path: stat for path in gone if (stat := known[path]) is not None}, fresh)
            for old, new in moves.items():
                self._index.carry_corrections(old, new)
                self._moved_to.add(new)
                self._emit(WatchChange("moved", new, old))
            removed = self._index.remove(gone)
            with self._state_lock:
                self._state.executemany("DELETE FROM watched_files WHERE path = ?", [(p,) for p in gone])
            for path in gone:
                if path not in moves:
                    self._emit(WatchChange("removed", path))
            with self._work:
                self._pending.update(fresh)
                self._work.notify_all()
            return len(on_disk), len(fresh), len(moves), removed

    def _known(self, scope: list[str]) -> dict[str, Stat | None]:
        """Files under `scope` as indexed: their stat when the watcher indexed them,
        None for samples indexed otherwise (`samplemind index`)."""
        known: dict[str, Stat | None] = dict.fromkeys(self._index.indexed_paths(within=scope))
        with self._state_lock:
            for condition, values in at_or_under("path", scope):
                rows = self._state.execute(f"SELECT path, size, mtime_ns FROM watched_files WHERE {condition}", values)
                known.update({path: (size, mtime) for path, size, mtime in rows})
        return known

    def _initialised(self, run: Callable[..., None], *args: Any) -> None:
        if self._thread_init is not None:
            self._thread_init()
        run(*args)

    def _follow_events(self) -> None:
        import watchfiles

        try:
            for changes in watchfiles.watch(*self._folders, stop_event=self._stop, debounce=self._debounce_ms,
                                            step=20, rust_timeout=500, raise_interrupt=False):
                paths = sorted({path for _, path in changes if not os.path.basename(path).startswith(".")})
                if paths:
                    self._reconcile(paths)
        except Exception:  # a folder that vanished, inotify limits: say so, keep what is indexed
            log.exception("stopped following the folders' changes; restart the watcher to resume")

    # --- analysing -------------------------------------------------------------------

    def _analyse_forever(self, check: bool) -> None:
        cache = ResultCache(self._index.data_dir) if self._use_cache else None
        last_save = time.monotonic()
        try:
            if check:
                try:
                    self.check()
                finally:
                    with self._work:
                        self._busy = False
                        self._work.notify_all()
            while not self._stop.is_set():
                with self._work:
                    self._work.wait_for(lambda: self._pending or self._stop.is_set())
                    batch = dict(list(self._pending.items())[:_BATCH])
                    for path in batch:
                        del self._pending[path]
                    self._busy = bool(batch)
                try:
                    if batch:
                        self._analyse(batch, cache)
                    if not self._pending and time.monotonic() - last_save > _SAVE_EVERY_S:
                        self._index.save()
                        last_save = time.monotonic()
                finally:
                    with self._work:
                        self._busy = False
                        self._work.notify_all()
        except Exception:
            log.exception("the watcher's analysis stopped")
        finally:
            if cache is not None:
                cache.close()

    def _analyse(self, batch: dict[str, Stat], cache: ResultCache | None) -> None:
        indexed = self._index.indexed_paths(within=batch)
        results = analyze_batch(list(batch), workers=self._workers, cache=cache)
        self._index.add(r for r in results if isinstance(r, Analysis))
        with self._state_lock:
            self._state.executemany("INSERT OR REPLACE INTO watched_files VALUES (?, ?, ?)",
                                    [(path, *stat) for path, stat in batch.items()])
        for path, result in zip(batch, results):
            if path in self._moved_to:
                self._moved_to.discard(path)
                if isinstance(result, Analysis):
                    continue
            if isinstance(result, Analysis):
                self._emit(WatchChange("changed" if path in indexed else "added", path))
            else:
                self._emit(WatchChange("failed", path, f"{result.code}: {result.reason}"))

    def _emit(self, change: WatchChange) -> None:
        log.debug("%s %s %s", change.kind, change.path, change.detail)
        if self._on_change is not None:
            self._on_change(change)


def _stats(paths: list[str]) -> dict[str, Stat]:
    stats: dict[str, Stat] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue  # gone since it was listed
        stats[os.path.abspath(path)] = (st.st_size, st.st_mtime_ns)
    return stats


def _moves(gone: dict[str, Stat], fresh: dict[str, Stat]) -> dict[str, str]:
    """Old path -> new path for files that left one place and appeared at another with
    the same size and modification time (what a move or rename keeps)."""
    arrived: dict[Stat, list[str]] = {}
    for path, stat in fresh.items():
        arrived.setdefault(stat, []).append(path)
    moves = {}
    for old, stat in gone.items():
        candidates = arrived.get(stat)
        if candidates:
            moves[old] = candidates.pop(0)
    return moves
