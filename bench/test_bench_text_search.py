"""Text search and the library listing at scale: N samples with producer-style names
(packs, folders, abbreviations, numbers) in a real SimilarityIndex data folder.

Figures (printed with -s): words indexed per second at open, and the latency p50/p95 of
text queries (plain, several words, abbreviations, typos, with filters) and of listing
pages sorted by a descriptor, with and without text. The target is p95 < 20 ms at
100,000 samples.

Run: python -m pytest bench/test_bench_text_search.py --benchmark-only -s
Size: SAMPLEMIND_BENCH_SAMPLES (default 100,000; 5,000 when benchmarks are disabled).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

import samplemind
from samplemind import SearchFilters, SimilarityIndex

NDIM = sum(size for _, size, _ in samplemind.EMBEDDING_ASPECTS.values())
KINDS = {"kick": ("BD", "Kick", "kik"), "snare": ("SN", "Snare", "snr"), "hihat_closed": ("HH", "ClosedHat", "hat_cl"),
         "clap": ("Clap", "CP"), "pad": ("Pad", "pd"), "bass": ("Bass", "Sub808"), "vocal": ("Vox", "VocalChop")}
ADJECTIVES = ("dusty", "punchy", "tight", "wide", "dark", "bright", "lofi", "vintage", "808", "909", "analog")
QUERIES = ("kick", "dusty snare", "bd 808", "snaer", "vox", "hat", "pad dark", "punchy kik", "vintage")


@pytest.fixture(scope="module")
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SimilarityIndex:
    disabled = request.config.getoption("benchmark_disable")
    n = int(os.environ.get("SAMPLEMIND_BENCH_SAMPLES", "5000" if disabled else "100000"))
    data = tmp_path_factory.mktemp("text-search")
    SimilarityIndex(data).close()  # the schema
    rng = np.random.default_rng(0)
    kinds = list(KINDS)
    rows = []
    for i in range(n):
        category = kinds[i % len(kinds)]
        word = KINDS[category][int(rng.integers(len(KINDS[category])))]
        name = f"{rng.choice(ADJECTIVES)}_{word}_{i % 100:02d}.wav"
        path = f"/samples/Pack {i // 500:03d}/{category.title()}s/{name}"
        vector = rng.standard_normal(NDIM).astype(np.float32)
        descriptors = {"duration_s": float(rng.uniform(0.1, 8)), "tempo_bpm": float(rng.uniform(70, 180)),
                       "key": None, "is_loop": bool(i % 5 == 0), "pitch_hz": None, "category": category,
                       "category_family": samplemind.CATEGORIES[category], "loudness_lufs": -12.0}
        rows.append((path, samplemind.EMBEDDING_VERSION, vector.tobytes(), json.dumps(descriptors), time.time()))
    with sqlite3.connect(data / "samplemind.sqlite3") as db:
        db.executemany("INSERT INTO samples (path, embedding_version, embedding, descriptors, added_at) "
                       "VALUES (?, ?, ?, ?, ?)", rows)
    started = time.perf_counter()
    opened = SimilarityIndex(data)  # gives every sample its words, builds the graph
    elapsed = time.perf_counter() - started
    print(f"\n{n:,} samples: opened (words indexed, graph built) in {elapsed:.1f} s")
    return opened


def percentiles(timings: list[float]) -> str:
    ms = np.array(timings) * 1000
    return f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms"


def timed(call: object, repeats: int = 5) -> list[float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return timings


@pytest.mark.benchmark(group="text-search")
def test_text_queries(benchmark, index: SimilarityIndex) -> None:  # type: ignore[no-untyped-def]
    timings: list[float] = []
    for query in QUERIES:
        timings += timed(lambda q=query: index.search_text(q, k=50))
        assert index.search_text(query, k=5), query
    print(f"\ntext queries ({len(QUERIES)} kinds): {percentiles(timings)}")
    drums = SearchFilters(category="drums", tempo_bpm=(90, 130))
    filtered = [t for q in QUERIES for t in timed(lambda q=q: index.search_text(q, k=50, filters=drums))]
    print(f"text queries with filters: {percentiles(filtered)}")
    benchmark(index.search_text, "dusty snare", k=50)


@pytest.mark.benchmark(group="text-search")
def test_listing_pages(benchmark, index: SimilarityIndex) -> None:  # type: ignore[no-untyped-def]
    plain = timed(lambda: index.samples(sort="-tempo_bpm", limit=100))
    print(f"\nlisting, sorted by tempo, 100 rows: {percentiles(plain)}")
    texted = timed(lambda: index.samples(text="snare", sort="duration_s", offset=200, limit=100))
    print(f"listing with text, sorted by duration, page 3: {percentiles(texted)}")
    total, page = index.samples(text="snare", limit=100)
    assert total > 0 and len(page) == min(100, total)
    benchmark(index.samples, text="kick", limit=100)
