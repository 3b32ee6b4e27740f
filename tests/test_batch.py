"""analyze_batch: order, per-file errors, progress, cancellation, and the cache."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import soundfile as sf

import samplemind
from tests.conftest import noise, tone


@pytest.fixture
def library(tmp_path: Path) -> list[Path]:
    """Eight good files of different kinds and formats."""
    folder = tmp_path / "library"
    folder.mkdir()
    paths = []
    for i in range(8):
        path = folder / f"s{i}.{'wav' if i % 2 else 'flac'}"
        sf.write(str(path), tone(200 + 100 * i, 0.3) + noise(0.3, seed=i, amplitude=0.01), 22050)
        paths.append(path)
    return paths


def test_results_in_input_order_with_errors_in_place(library: list[Path], tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    unreadable = tmp_path / "unreadable.wav"
    shutil.copy(library[0], unreadable)
    unreadable.chmod(0)
    missing = tmp_path / "missing.wav"
    paths = [library[0], corrupt, library[1], missing, unreadable, library[2]]
    results = samplemind.analyze_batch(paths, workers=2)
    assert [type(r).__name__ for r in results[:4]] == ["Analysis", "CorruptAudioError", "Analysis", "AudioNotFoundError"]
    assert [r.path for r in results] == [str(p) for p in paths]
    if os.geteuid() != 0:  # root reads anything
        assert isinstance(results[4], samplemind.AudioReadError)
    assert isinstance(results[5], samplemind.Analysis)
    assert results[2].to_dict() == samplemind.analyze(library[1]).to_dict()


def test_progress_is_reported_from_the_calling_thread(library: list[Path]) -> None:
    seen: list[samplemind.BatchProgress] = []
    caller = threading.get_ident()

    def progress(p: samplemind.BatchProgress) -> None:
        assert threading.get_ident() == caller
        seen.append(p)

    samplemind.analyze_batch(library * 4, progress=progress)
    assert seen and seen[-1].done == seen[-1].total == 32 and seen[-1].failed == 0
    assert all(a.done <= b.done for a, b in zip(seen, seen[1:]))


def test_cancellation_returns_promptly_and_keeps_finished_work(tmp_path: Path) -> None:
    long_file = tmp_path / "long.wav"
    sf.write(str(long_file), noise(30.0, sr=44100), 44100)
    calls = 0

    def stop_soon(p: samplemind.BatchProgress) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # what Ctrl-C does in the calling thread

    with samplemind.ResultCache(tmp_path / "data") as cache:
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            samplemind.analyze_batch([long_file] * 200, workers=1, progress=stop_soon, cache=cache)
        assert time.monotonic() - started < 10  # 200 x 30 s of audio would take far longer
        assert cache.stats()["analyses"] <= 1


def test_cache_hits_renames_copies_and_config_changes(library: list[Path], tmp_path: Path) -> None:
    with samplemind.ResultCache(tmp_path / "data") as cache:
        cold = samplemind.analyze_batch(library, cache=cache)
        renamed = library[0].with_name("renamed.flac")
        library[0].rename(renamed)
        copy = tmp_path / "copy.wav"
        shutil.copy(library[1], copy)
        hits: list[samplemind.BatchProgress] = []
        warm = samplemind.analyze_batch([renamed, copy, *library[2:]], cache=cache, progress=hits.append)
        assert hits[-1].cached == len(library)  # nothing re-analysed
        assert warm[0].path == str(renamed) and warm[0].mfcc_mean.tolist() == cold[0].mfcc_mean.tolist()
        assert {**warm[2].to_dict(), "path": None} == {**cold[2].to_dict(), "path": None}  # a cached result is whole
        assert warm[2].embedding.flags.writeable
        other = samplemind.AnalysisConfig(n_mfcc=13)
        misses: list[samplemind.BatchProgress] = []
        changed = samplemind.analyze_batch(library[2:], cache=cache, config=other, progress=misses.append)
        assert misses[-1].cached == 0 and len(changed[0].mfcc_mean) == 13


def test_a_changed_file_is_reanalysed(library: list[Path], tmp_path: Path) -> None:
    with samplemind.ResultCache(tmp_path / "data") as cache:
        before = samplemind.analyze_batch([library[3]], cache=cache)[0]
        sf.write(str(library[3]), tone(3000, 0.3), 22050)
        after = samplemind.analyze_batch([library[3]], cache=cache)[0]
        assert isinstance(before, samplemind.Analysis) and isinstance(after, samplemind.Analysis)
        assert after.centroid_hz.mean == pytest.approx(3000, rel=0.05) != before.centroid_hz.mean


def test_error_records_are_cached_but_not_cancellations(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with samplemind.ResultCache(tmp_path / "data") as cache:
        first = samplemind.analyze_batch([corrupt], cache=cache)[0]
        progress: list[samplemind.BatchProgress] = []
        second = samplemind.analyze_batch([corrupt], cache=cache, progress=progress.append)[0]
        assert str(first) == str(second) and progress[-1].cached == 1


def test_find_audio_files_skips_hidden_and_survives_symlink_loops(tmp_path: Path, write_audio: Callable[..., Path]) -> None:
    root = tmp_path / "samples"
    (root / "drums" / ".hidden").mkdir(parents=True)
    sf.write(str(root / "drums" / "kick.wav"), tone(60, 0.1), 22050)
    sf.write(str(root / "drums" / ".hidden" / "secret.wav"), tone(60, 0.1), 22050)
    sf.write(str(root / "drums" / ".dotfile.wav"), tone(60, 0.1), 22050)
    sf.write(str(root / "no-extension"), tone(60, 0.1), 22050, format="WAV")
    (root / "notes.txt").write_text("not audio")
    (root / "drums" / "loop").symlink_to(root)  # a cycle
    found = samplemind.find_audio_files([root])
    assert found == [str(root / "drums" / "kick.wav"), str(root / "no-extension")]
    assert samplemind.find_audio_files([root], recursive=False) == [str(root / "no-extension")]


def test_kill_minus_nine_then_rerun_analyses_only_what_is_missing(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        sf.write(str(folder / f"f{i:02d}.wav"), noise(3.0, sr=44100, seed=i), 44100)
    data = tmp_path / "data"
    command = [sys.executable, "-m", "samplemind", "analyze", str(folder), "--workers", "1", "--data-dir", str(data),
               "--format", "jsonl"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = data / "samplemind.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some, not all, results are committed
        time.sleep(0.05)
        try:
            with sqlite3.connect(database, timeout=5) as db:
                if db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] >= 3:
                    break
        except sqlite3.Error:
            continue
    process.send_signal(signal.SIGKILL)
    process.wait()
    with samplemind.ResultCache(data) as cache:
        stored = cache.stats()["analyses"]
        assert 3 <= stored < 40
        progress: list[samplemind.BatchProgress] = []
        results = samplemind.analyze_batch(samplemind.find_audio_files([folder]), cache=cache, progress=progress.append)
        assert results and all(isinstance(r, samplemind.Analysis) for r in results)
        assert progress[-1].cached == stored  # exactly the missing ones were analysed
        assert cache.stats()["analyses"] == 40


def test_concurrent_runs_share_one_data_folder(library: list[Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    command = [sys.executable, "-m", "samplemind", "analyze", str(library[0].parent), "--data-dir", str(data),
               "--format", "json"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [o[1] for o in outputs]
    with samplemind.ResultCache(data) as cache:
        assert cache.stats()["analyses"] == len(library)
        integrity = sqlite3.connect(cache.path).execute("PRAGMA integrity_check").fetchone()[0]
        assert integrity == "ok"


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="workers"):
        samplemind.analyze_batch([], workers=-1)
    assert samplemind.analyze_batch([]) == []
    with pytest.raises(ValueError, match="n_fft"):
        samplemind.analyze_batch(["x.wav"], config=samplemind.AnalysisConfig(n_fft=1000))


def test_the_cache_key_holds_every_setting_that_changes_a_result(library: list[Path], tmp_path: Path) -> None:
    cache = samplemind.ResultCache(tmp_path / "data")
    strict = samplemind.AnalysisConfig(max_duration_s=0.1)
    rejected = samplemind.analyze_batch(library[:2], cache=cache, config=strict)
    assert all(isinstance(r, samplemind.AudioTooLargeError) for r in rejected)
    accepted = samplemind.analyze_batch(library[:2], cache=cache)  # the default limit: analysed now
    assert all(isinstance(r, samplemind.Analysis) for r in accepted)
    framed = samplemind.analyze_batch(library[:2], cache=cache, config=samplemind.AnalysisConfig(keep_frames=True))
    assert all(isinstance(r, samplemind.Analysis) and r.tracks is not None for r in framed)
    cache.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_can_run_a_batch(library: list[Path]) -> None:
    assert all(isinstance(r, samplemind.Analysis) for r in samplemind.analyze_batch(library[:2], workers=2))
    child = os.fork()  # the parent's scheduler threads do not come along
    if child == 0:
        results = samplemind.analyze_batch(library[:2], workers=2)
        os._exit(0 if all(isinstance(r, samplemind.Analysis) for r in results) else 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    raise AssertionError("analyze_batch hung in a forked child")
