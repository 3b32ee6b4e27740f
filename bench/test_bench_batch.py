"""Batch throughput on a generated corpus (WAV/AIFF/FLAC/MP3; 44.1/48/96 kHz; mono and
stereo; 0.1-30 s; 2 % corrupt), with its baselines measured in the same run:

- analyze_batch with 1, 2, 4 and 8 workers (files/s and audio-seconds/s);
- decoding alone with soundfile.read on 2 threads;
- the librosa pipeline computing the same spectral descriptors, on 2 processes;
- a cold and a warm (cached) scan.

Run: python -m pytest bench/test_bench_batch.py --benchmark-only -s
Corpus size: SAMPLEMIND_BENCH_FILES (default 500; 24 when benchmarks are disabled,
as in CI, where these only have to keep working).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
import soundfile as sf

import samplemind
from bench.corpus import corpus
from bench.test_bench_analyze import librosa_full, librosa_usual


@pytest.fixture(scope="module")
def files(request: pytest.FixtureRequest) -> list[Path]:
    disabled = request.config.getoption("benchmark_disable")
    count = int(os.environ.get("SAMPLEMIND_BENCH_FILES", "24" if disabled else "500"))
    return corpus(count)


def audio_seconds(results: list[samplemind.Analysis | samplemind.AnalysisError]) -> float:
    return sum(r.duration_s for r in results if isinstance(r, samplemind.Analysis))


@pytest.mark.parametrize("workers", [1, 2, 4, 8])
@pytest.mark.benchmark(group="batch-corpus")
def test_analyze_batch(benchmark, files: list[Path], workers: int) -> None:  # type: ignore[no-untyped-def]
    results = benchmark.pedantic(samplemind.analyze_batch, args=(files,), kwargs={"workers": workers},
                                 rounds=3, iterations=1, warmup_rounds=1)
    failed = sum(isinstance(r, samplemind.AnalysisError) for r in results)
    assert failed == len(files) // 50
    benchmark.extra_info.update(files=len(files), audio_seconds=audio_seconds(results), workers=workers)


def decode_all(paths: list[Path]) -> int:
    def read(path: Path) -> int:
        try:
            return len(sf.read(str(path), dtype="float32")[0])
        except sf.LibsndfileError:
            return 0

    with ThreadPoolExecutor(max_workers=2) as pool:
        return sum(pool.map(read, paths))


@pytest.mark.benchmark(group="batch-corpus")
def test_decode_only_soundfile_2_threads(benchmark, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    assert benchmark.pedantic(decode_all, args=(files,), rounds=3, iterations=1) > 0


def librosa_one(path: Path) -> bool:
    try:
        librosa_usual(path)
        return True
    except Exception:  # noqa: BLE001 - a corrupt file fails here as it does for us
        return False


def librosa_full_one(path: Path) -> bool:
    try:
        librosa_full(path)
        return True
    except Exception:  # noqa: BLE001
        return False


def librosa_all(paths: list[Path], one=librosa_one) -> int:  # type: ignore[no-untyped-def]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return sum(pool.map(one, paths, chunksize=4))


@pytest.mark.benchmark(group="batch-corpus")
def test_librosa_pipeline_2_processes(benchmark, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """Spectral features and MFCC only, over the whole corpus."""
    assert benchmark.pedantic(librosa_all, args=(files,), rounds=1, iterations=1) > 0


SUBSET = 40  # pyin is slow: the full librosa pipeline runs on the first files only


@pytest.mark.benchmark(group="batch-subset")
def test_librosa_full_pipeline_2_processes_subset(benchmark, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """The same descriptors as SampleMind (pyin, beat_track, chroma key, pyloudnorm, ...)."""
    assert benchmark.pedantic(librosa_all, args=(files[:SUBSET], librosa_full_one), rounds=1, iterations=1) > 0


@pytest.mark.benchmark(group="batch-subset")
def test_analyze_batch_subset(benchmark, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    results = benchmark.pedantic(samplemind.analyze_batch, args=(files[:SUBSET],), kwargs={"workers": 2},
                                 rounds=3, iterations=1)
    assert len(results) == len(files[:SUBSET])


@pytest.mark.benchmark(group="batch-cache")
def test_cold_scan(benchmark, files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[no-untyped-def]
    def cold() -> list[samplemind.Analysis | samplemind.AnalysisError]:
        with samplemind.ResultCache(tmp_path_factory.mktemp("cold")) as cache:
            return samplemind.analyze_batch(files, cache=cache)

    assert len(benchmark.pedantic(cold, rounds=3, iterations=1)) == len(files)


@pytest.mark.benchmark(group="batch-cache")
def test_warm_scan(benchmark, files: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with samplemind.ResultCache(tmp_path) as cache:
        samplemind.analyze_batch(files, cache=cache)
        results = benchmark.pedantic(samplemind.analyze_batch, args=(files,), kwargs={"cache": cache},
                                     rounds=5, iterations=1)
    assert len(results) == len(files)
