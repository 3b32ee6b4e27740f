"""Watch folders: a real inotify watcher (watchfiles) over real files, the real index,
cache and server. Changes are waited for with a generous deadline; how fast they
arrive is measured in bench/test_bench_watch.py, not asserted here."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from samplemind import LibraryWatcher, SimilarityIndex, WatchChange
from samplemind.server import create_app
from tests.server_helpers import SR, server_config, write_library

DEADLINE_S = 30.0


def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {DEADLINE_S} s, still not: {what}")
        time.sleep(0.02)


def write_tone(path: Path, hz: float, seconds: float = 0.5) -> None:
    t = np.arange(int(seconds * SR)) / SR
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), SR)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[SimilarityIndex, LibraryWatcher, list[WatchChange]]]:
    write_library(tmp_path / "library", 6)
    index = SimilarityIndex(tmp_path / "data")
    changes: list[WatchChange] = []
    watcher = LibraryWatcher(index, [tmp_path / "library"], workers=2, on_change=changes.append)
    watcher.start()
    assert watcher.wait_idle(DEADLINE_S)
    yield index, watcher, changes
    watcher.stop()
    index.close()


def test_the_first_check_indexes_the_folder_and_a_restart_redoes_nothing(tmp_path: Path) -> None:
    files = write_library(tmp_path / "library" / "kit", 6)
    with SimilarityIndex(tmp_path / "data") as index:
        watcher = LibraryWatcher(index, [tmp_path / "library"], workers=2)
        first = watcher.check()
        assert (first.files, first.queued, first.unchanged) == (6, 6, 0)
        watcher.start(check=False, follow=False)
        assert watcher.wait_idle(DEADLINE_S)
        watcher.stop()
        assert index.indexed_paths() == {str(p) for p in files}
    with SimilarityIndex(tmp_path / "data") as index:  # a restart
        watcher = LibraryWatcher(index, [tmp_path / "library"])
        again = watcher.check()
        watcher.stop()
        assert (again.files, again.queued, again.unchanged, again.removed) == (6, 0, 6, 0)


def test_a_new_file_becomes_searchable(watched: tuple[SimilarityIndex, LibraryWatcher, list[WatchChange]],
                                       tmp_path: Path) -> None:
    index, _, changes = watched
    new = tmp_path / "library" / "fresh snare.wav"
    write_tone(new, 330)
    eventually(lambda: index.sample_id_of(new) is not None, "the new file is indexed")
    assert [r.path for r in index.search_text("fresh snare")] == [str(new)]
    eventually(lambda: WatchChange("added", str(new)) in changes, "the addition is reported")


def test_a_changed_file_is_reanalysed(watched: tuple[SimilarityIndex, LibraryWatcher, list[WatchChange]],
                                      tmp_path: Path) -> None:
    index, _, changes = watched
    path = tmp_path / "library" / "sound-000.wav"
    write_tone(path, 440, seconds=1.5)
    eventually(lambda: index.sample(index.sample_id_of(path) or -1).descriptors["duration_s"] == pytest.approx(1.5),
               "the changed file's new duration is indexed")
    eventually(lambda: WatchChange("changed", str(path)) in changes, "the change is reported")


def test_a_moved_file_keeps_its_corrections(watched: tuple[SimilarityIndex, LibraryWatcher, list[WatchChange]],
                                            tmp_path: Path) -> None:
    index, _, changes = watched
    old, new = tmp_path / "library" / "sound-001.wav", tmp_path / "library" / "renamed.wav"
    index.correct(old, tempo_bpm=99.0)
    os.rename(old, new)
    eventually(lambda: index.sample_id_of(new) is not None and index.sample_id_of(old) is None, "the move reaches the index")
    moved = index.sample(index.sample_id_of(new) or -1).descriptors
    assert moved["tempo_bpm"] == 99.0 and moved["tempo_source"] == "user"
    eventually(lambda: WatchChange("moved", str(new), str(old)) in changes, "the move is reported")


def test_deleted_files_and_folders_leave_the_index(watched: tuple[SimilarityIndex, LibraryWatcher,
                                                                  list[WatchChange]], tmp_path: Path) -> None:
    index, _, _ = watched
    sub = tmp_path / "library" / "sub"
    sub.mkdir()
    for i in range(3):
        write_tone(sub / f"tone-{i}.wav", 200 + 50 * i)
    eventually(lambda: all(index.sample_id_of(sub / f"tone-{i}.wav") is not None for i in range(3)), "a new folder")
    (tmp_path / "library" / "sound-002.wav").unlink()
    shutil.rmtree(sub)
    eventually(lambda: index.indexed_paths() == {str(tmp_path / "library" / f"sound-{i:03d}.wav")
                                                 for i in (0, 1, 3, 4, 5)}, "the deletions reach the index")


def test_a_broken_file_fails_once_and_is_retried_when_it_changes(
        watched: tuple[SimilarityIndex, LibraryWatcher, list[WatchChange]], tmp_path: Path) -> None:
    index, watcher, changes = watched
    broken = tmp_path / "library" / "broken.wav"
    broken.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    eventually(lambda: any(c.kind == "failed" and c.path == str(broken) for c in changes), "the failure is reported")
    assert watcher.check().queued == 0  # remembered: not retried until it changes
    write_tone(broken, 550)
    eventually(lambda: index.sample_id_of(broken) is not None, "the repaired file is indexed")


def test_samplemind_watch_once(tmp_path: Path) -> None:
    write_library(tmp_path / "library", 4)
    (tmp_path / "library" / "broken.wav").write_bytes(b"RIFFxxxxWAVE")
    command = [sys.executable, "-m", "samplemind", "watch", str(tmp_path / "library"), "--once",
               "--data-dir", str(tmp_path / "data")]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == 1, first.stderr  # the broken file
    assert "5 files: 0 unchanged, 5 to analyse" in first.stderr and "failed   " in first.stderr
    second = subprocess.run(command, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "5 files: 5 unchanged, 0 to analyse, 0 moved, 0 removed" in second.stderr
    missing = subprocess.run([*command[:4], str(tmp_path / "nowhere"), "--once"], capture_output=True, text=True)
    assert missing.returncode == 2 and "not a folder" in missing.stderr


async def test_serve_watch_finds_a_new_file(aiohttp_client: Any, tmp_path: Path) -> None:
    write_library(tmp_path / "library", 3)
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library",
                                                           index_library=True, watch_library=True)))
    write_tone(tmp_path / "library" / "late arrival.wav", 275)
    deadline = time.monotonic() + DEADLINE_S
    while True:
        body: dict[str, Any] = await (await client.get("/samples", params={"q": "late arrival"})).json()
        if body["total"] == 1:
            break
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.05)
