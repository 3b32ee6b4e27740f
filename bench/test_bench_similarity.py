"""The similarity graph at scale: N synthetic embeddings of the real dimension (63),
clustered like real libraries (kinds with variations), in usearch configured as
SimilarityIndex configures it (cosine, f32), next to numpy brute force in the same run.

Figures (printed with -s): build time, memory per vector, single-query latency p50/p99,
batch queries/s, recall@10 against exact search.

Run: python -m pytest bench/test_bench_similarity.py --benchmark-only -s
Size: SAMPLEMIND_BENCH_VECTORS (default 1,000,000; 10,000 when benchmarks are disabled).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from usearch.index import Index

import samplemind

NDIM = sum(size for _, size, _ in samplemind.EMBEDDING_ASPECTS.values())
QUERIES = 1000


@pytest.fixture(scope="module")
def vectors(request: pytest.FixtureRequest) -> np.ndarray:
    disabled = request.config.getoption("benchmark_disable")
    n = int(os.environ.get("SAMPLEMIND_BENCH_VECTORS", "10000" if disabled else "1000000"))
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((500, NDIM)).astype(np.float32)
    data = centres[rng.integers(0, len(centres), n)] + 0.35 * rng.standard_normal((n, NDIM)).astype(np.float32)
    return data / np.linalg.norm(data, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def graph(vectors: np.ndarray) -> Index:
    index = Index(ndim=NDIM, metric="cos", dtype="f32")
    started = time.perf_counter()
    index.add(np.arange(len(vectors)), vectors)
    elapsed = time.perf_counter() - started
    print(f"\nbuild: {len(vectors):,} vectors in {elapsed:.1f} s ({len(vectors) / elapsed:,.0f}/s); "
          f"memory {index.memory_usage / len(vectors):.0f} bytes/vector")
    return index


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Brute force in chunks of 100 queries (a 1000 x 1M score matrix would be 4 GB)."""
    found = []
    for start in range(0, len(queries), 100):
        scores = queries[start : start + 100] @ vectors.T
        top = np.argpartition(-scores, 10, axis=1)[:, :10]
        found.append(np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1), axis=1))
    return np.concatenate(found)


@pytest.mark.benchmark(group="similarity-single-query")
def test_usearch_single_query(benchmark, graph: Index, vectors: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    queries = vectors[:QUERIES]
    latencies = []
    for query in queries:
        started = time.perf_counter()
        graph.search(query, 10)
        latencies.append(time.perf_counter() - started)
    p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
    print(f"\nsingle query: p50 {p50:.3f} ms, p99 {p99:.3f} ms over {QUERIES} queries")
    benchmark(graph.search, queries[0], 10)


@pytest.mark.benchmark(group="similarity-single-query")
def test_numpy_brute_force_single_query(benchmark, vectors: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    benchmark(lambda: np.argpartition(-(vectors @ vectors[0]), 10)[:10])


@pytest.mark.benchmark(group="similarity-batch-1000")
def test_usearch_batch(benchmark, graph: Index, vectors: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    matches = benchmark.pedantic(graph.search, args=(vectors[:QUERIES], 10), rounds=3, iterations=1)
    truth = exact_top10(vectors, vectors[:QUERIES])
    recall = np.mean([len(set(found) & set(expected)) / 10 for found, expected in zip(matches.keys, truth)])
    print(f"\nrecall@10 against exact search: {recall:.4f}")
    assert recall >= 0.9


@pytest.mark.benchmark(group="similarity-batch-1000")
def test_numpy_brute_force_batch(benchmark, vectors: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    benchmark.pedantic(exact_top10, args=(vectors, vectors[:QUERIES]), rounds=1, iterations=1)
