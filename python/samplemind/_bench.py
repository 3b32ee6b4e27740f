"""`samplemind bench`: a performance report on the user's machine and files.

Measures, on a folder the user names or on a generated corpus (mixed formats, rates,
channel counts and lengths, one corrupt file): analysis throughput per worker count
(median and spread over repeats), a cold and a warm cached scan, peak memory, the
similarity index's build time, search latency (p50/p99) and recall@10 against exact
search, and optionally librosa computing the same descriptors on the same files.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from samplemind import _core
from samplemind._analysis import Analysis
from samplemind._batch import analyze_batch
from samplemind._cache import ResultCache
from samplemind._core import __version__
from samplemind._files import find_audio_files
from samplemind.similarity import SimilarityIndex

__all__ = ["REPORT_KEYS", "run_bench", "write_corpus"]

REPORT_KEYS = ("machine", "versions", "corpus", "throughput", "stages", "cache", "memory", "similarity", "librosa")
_FORMATS = (("wav", "WAV", "PCM_16"), ("aiff", "AIFF", "PCM_24"), ("flac", "FLAC", "PCM_16"),
            ("mp3", "MP3", "MPEG_LAYER_III"))


BROKEN_WAV = b"RIFF\x10\x00\x00\x00WAVEfmt \x10\x00"
"""A WAV cut inside its header: the corpus's unreadable file."""


def write_corpus(folder: Path, files: int, seed: int = 0, *, max_seconds: float = 10.0,
                 broken_every: int = 0) -> list[Path]:
    """`files` generated sounds (tones with noise bursts, 0.1 s to `max_seconds`
    log-uniform, WAV/AIFF/FLAC/MP3, 44.1/48/96 kHz, mono and stereo) named by their
    index. Unreadable files: with `broken_every`, each file whose index + 1 is a
    multiple of it (in place of a sound); without, one "broken.wav" after them."""
    import soundfile

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for index in range(files):
        extension, fmt, subtype = _FORMATS[index % len(_FORMATS)]
        path = folder / f"{index:05d}.{extension}"
        paths.append(path)
        if broken_every and (index + 1) % broken_every == 0:
            path.write_bytes(BROKEN_WAV)
            continue
        sr = (44100, 48000, 96000)[index % 3] if extension != "mp3" else (44100, 48000)[index % 2]
        seconds = float(np.exp(rng.uniform(np.log(0.1), np.log(max_seconds))))
        t = np.arange(int(seconds * sr)) / sr
        tone = np.sin(2 * np.pi * rng.uniform(50, 2000) * t) * np.exp(-t * rng.uniform(0.5, 20))
        burst = rng.standard_normal(t.size) * np.exp(-t * rng.uniform(2, 50)) * rng.uniform(0, 0.5)
        mono = 0.4 * (tone + burst)
        audio = np.stack([mono, 0.8 * mono], axis=1) if index % 2 else mono
        soundfile.write(str(path), audio.astype(np.float32), sr, format=fmt, subtype=subtype)
    if broken_every:
        return paths
    broken = folder / "broken.wav"
    broken.write_bytes(BROKEN_WAV)
    return [*paths, broken]


def run_bench(paths: Sequence[str], *, workers: Sequence[int], repeats: int, compare_librosa: bool,
              librosa_files: int = 20) -> dict[str, Any]:
    """The report as a JSON-ready dict (keys: REPORT_KEYS)."""
    report: dict[str, Any] = {
        "machine": {"platform": platform.platform(), "processor": _cpu_name(), "cpus": os.cpu_count()},
        "versions": {"samplemind": __version__, "python": platform.python_version(), "numpy": np.__version__},
    }
    first = analyze_batch(paths, workers=0)  # also warms the page cache, as a re-scan would
    failed = [r for r in first if not isinstance(r, Analysis)]
    audio_seconds = sum(r.duration_s for r in first if isinstance(r, Analysis))
    report["corpus"] = {"files": len(paths), "failed": len(failed), "audio_seconds": audio_seconds,
                        "failures": [r.to_dict() for r in failed]}
    report["throughput"] = [_throughput(paths, w, repeats, audio_seconds) for w in workers]
    report["stages"] = _stage_split(paths)
    report["cache"] = _cache_scans(paths)
    report["memory"] = {"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                        "per_file_in_flight": [_memory_in_flight(paths, w) for w in workers]}
    report["similarity"] = _similarity([r for r in first if isinstance(r, Analysis)])
    report["librosa"] = _librosa(paths[:librosa_files], report) if compare_librosa else None
    return report


def _cpu_name() -> str:
    """The CPU model (from /proc/cpuinfo on Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _throughput(paths: Sequence[str], workers: int, repeats: int, audio_seconds: float) -> dict[str, Any]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        analyze_batch(paths, workers=workers)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {"workers": workers, "seconds_median": median, "seconds_min": min(times), "seconds_max": max(times),
            "files_per_s": len(paths) / median, "audio_seconds_per_s": audio_seconds / median}


def _stage_split(paths: Sequence[str]) -> dict[str, Any]:
    """Where one worker's time goes, from the core's own stage clocks."""
    _core.reset_stage_timing()
    _core.set_stage_timing(True)
    try:
        started = time.perf_counter()
        analyze_batch(paths, workers=1)
        wall = time.perf_counter() - started
    finally:
        _core.set_stage_timing(False)
    seconds = _core.stage_seconds()
    seconds["other"] = max(0.0, wall - sum(seconds.values()))  # opening files, scheduling, Python
    return {"wall_seconds": wall, "seconds": seconds,
            "share": {name: value / wall for name, value in seconds.items()}}


def _memory_in_flight(paths: Sequence[str], workers: int) -> dict[str, Any]:
    """Peak RSS growth of a fresh process analysing the files, over the files in flight
    (one per worker). Linux only (the peak after imports is reset through
    /proc/self/clear_refs); None elsewhere."""
    child = subprocess.run([sys.executable, "-c", "from samplemind._bench import _child_memory; _child_memory()"],
                           input=json.dumps({"workers": workers, "paths": list(paths)}), capture_output=True,
                           text=True, check=False)
    growth_kib = int(child.stdout) if child.returncode == 0 and child.stdout.strip() else None
    if growth_kib is None:
        return {"workers": workers, "peak_growth_mib": None, "mib_per_file": None}
    return {"workers": workers, "peak_growth_mib": growth_kib / 1024, "mib_per_file": growth_kib / 1024 / workers}


def _child_memory() -> None:
    """In the child of _memory_in_flight: prints the peak RSS growth in KiB."""
    job = json.loads(sys.stdin.read())
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    analyze_batch(job["paths"], workers=job["workers"])
    print(max(0, _status_kib("VmHWM") - before))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(f"{field} is not in /proc/self/status")


def _cache_scans(paths: Sequence[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder, ResultCache(folder) as cache:
        started = time.perf_counter()
        analyze_batch(paths, cache=cache)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        analyze_batch(paths, cache=cache)
        warm = time.perf_counter() - started
    return {"cold_seconds": cold, "warm_seconds": warm, "warm_speedup": cold / warm,
            "warm_files_per_s": len(paths) / warm}


def _similarity(results: Sequence[Analysis]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder, SimilarityIndex(folder) as index:
        started = time.perf_counter()
        index.add(results)
        index.save()
        build = time.perf_counter() - started
        latencies, hits = [], []
        vectors = np.stack([r.embedding for r in results])
        for row, result in enumerate(results):
            started = time.perf_counter()
            found = index.search(result.embedding, k=10)
            latencies.append(time.perf_counter() - started)
            exact = {results[i].path for i in np.argsort(-(vectors @ vectors[row]))[:10]}
            hits.append(len({hit.path for hit in found} & exact) / len(exact))
    p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
    return {"samples": len(results), "build_seconds": build, "search_p50_ms": float(p50), "search_p99_ms": float(p99),
            "recall_at_10": float(np.mean(hits))}


class ComparisonUnavailable(RuntimeError):
    """The librosa comparison could not run: no figure is printed for it."""


def require_librosa() -> None:
    """Fails before anything is measured when the comparison cannot run."""
    try:
        import librosa  # noqa: F401, PLC0415 - optional
        import pyloudnorm  # noqa: F401, PLC0415 - optional
    except ImportError as error:
        raise ComparisonUnavailable(f"--compare librosa needs librosa and pyloudnorm ({error.name} is not "
                                    "installed): pip install librosa pyloudnorm") from None


def _librosa(paths: Sequence[str], report: dict[str, Any]) -> dict[str, float]:
    """librosa computing the same descriptors on the same files, one process. Only the
    files librosa analysed are timed, on both sides."""
    require_librosa()
    timed, theirs = [], 0.0
    for path in paths:
        started = time.perf_counter()
        try:
            _librosa_descriptors(path)
        except Exception:  # noqa: BLE001 - a file librosa cannot read (the corpus's corrupt one)
            continue
        theirs += time.perf_counter() - started
        timed.append(path)
    if not timed:
        raise ComparisonUnavailable(f"librosa could not analyse any of the {len(paths)} files; nothing to compare")
    started = time.perf_counter()
    analyze_batch(timed, workers=1)
    ours = (time.perf_counter() - started) / len(timed)
    theirs /= len(timed)
    return {"files": len(timed), "librosa_seconds_per_file": theirs, "samplemind_seconds_per_file": ours,
            "speedup": theirs / ours}


def _librosa_descriptors(path: str) -> None:
    """The usual librosa recipe for SampleMind's descriptors: spectral features and MFCC,
    pyin, beat_track, chroma (for a key), onsets and pyloudnorm. Needs the `compare`
    extra (librosa, pyloudnorm)."""
    import librosa  # noqa: PLC0415 - optional
    import pyloudnorm  # noqa: PLC0415 - optional
    import soundfile  # noqa: PLC0415

    y, sr = librosa.load(path, sr=22050)
    for name in ("spectral_centroid", "spectral_bandwidth", "spectral_rolloff", "spectral_contrast",
                 "melspectrogram", "mfcc", "chroma_stft"):
        getattr(librosa.feature, name)(y=y, sr=sr)
    librosa.feature.spectral_flatness(y=y)
    librosa.feature.zero_crossing_rate(y)
    librosa.feature.rms(y=y)
    librosa.pyin(y, fmin=30, fmax=4200, sr=sr)
    librosa.beat.beat_track(y=y, sr=sr)
    librosa.onset.onset_detect(y=y, sr=sr)
    original, rate = soundfile.read(path, dtype="float64")
    meter = pyloudnorm.Meter(rate)
    if len(original) > meter.block_size * rate:
        meter.integrated_loudness(original)


def format_report(report: dict[str, Any]) -> str:
    lines = [f"samplemind {report['versions']['samplemind']} on {report['machine']['processor']}, "
             f"{report['machine']['cpus']} CPUs",
             f"corpus: {report['corpus']['files']} files, {report['corpus']['audio_seconds']:.0f} s of audio, "
             f"{report['corpus']['failed']} failed"]
    for row in report["throughput"]:
        lines.append(f"  {row['workers']} worker(s): {row['files_per_s']:.1f} files/s, "
                     f"{row['audio_seconds_per_s']:.0f} audio-s/s (median of runs, {row['seconds_min']:.2f}-"
                     f"{row['seconds_max']:.2f} s)")
    cache = report["cache"]
    lines.append(f"cache: cold {cache['cold_seconds']:.2f} s, warm {cache['warm_seconds']:.3f} s "
                 f"({cache['warm_speedup']:.0f}x, {cache['warm_files_per_s']:.0f} files/s)")
    stages = report["stages"]
    split = ", ".join(f"{name} {share:.0%}" for name, share in stages["share"].items())
    lines.append(f"time split (1 worker, {stages['wall_seconds']:.2f} s): {split}")
    in_flight = ", ".join(f"{row['workers']} worker(s) {row['mib_per_file']:.1f} MiB/file"
                          for row in report["memory"]["per_file_in_flight"] if row["mib_per_file"] is not None)
    lines.append(f"peak memory: {report['memory']['peak_rss_mib']:.0f} MiB"
                 + (f"; per file in flight: {in_flight}" if in_flight else ""))
    sim = report["similarity"]
    lines.append(f"similarity: {sim['samples']} samples indexed in {sim['build_seconds']:.3f} s, search p50 "
                 f"{sim['search_p50_ms']:.2f} ms, p99 {sim['search_p99_ms']:.2f} ms, recall@10 {sim['recall_at_10']:.3f}")
    if report["librosa"]:
        lib = report["librosa"]
        lines.append(f"librosa (same descriptors, {lib['files']} files): {lib['speedup']:.0f}x slower per file")
    return "\n".join(lines) + "\n"


def bench_main(folder: Path | None, *, quick: bool, workers: Sequence[int], json_path: Path | None,
               compare_librosa: bool, files: int | None, plot_path: Path | None = None) -> dict[str, Any]:
    if compare_librosa:
        require_librosa()
    with tempfile.TemporaryDirectory() as scratch:
        if folder is None:
            corpus = write_corpus(Path(scratch) / "corpus", files or (24 if quick else 200))
            paths = [str(p) for p in corpus]
        else:
            paths = find_audio_files([folder])
        report = run_bench(paths, workers=workers, repeats=1 if quick else 3, compare_librosa=compare_librosa)
    if json_path is not None:
        json_path.write_text(json.dumps(report, indent=2))
    if plot_path is not None:
        from samplemind._bench_plot import plot_report  # matplotlib: the `plot` extra

        plot_report(report, plot_path)
    return report
