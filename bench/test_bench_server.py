"""The server under load, on loopback, against a `samplemind serve` process.

- /similarity/search by key and by upload against an index of N samples (100,000 by
  default; 5,000 when benchmarks are disabled), at a fixed offered rate (open loop:
  requests leave on schedule whether or not earlier ones finished, and latency counts
  from the scheduled time, so queueing shows): achieved throughput, p50/p99, errors.
- A batch job through the server vs analyze_batch in-process on the same files, both
  with a fresh cache and 2 workers (target: within 15 %), and /health latency while
  the job runs (target p99 < 50 ms).

Run: python -m pytest bench/test_bench_server.py -s      (figures are printed)
Size: SAMPLEMIND_BENCH_INDEX (index samples), SAMPLEMIND_BENCH_LOAD_S (seconds per run).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import pytest
import soundfile as sf

import samplemind
from bench.conftest import three_second_stereo
from bench.corpus import BROKEN_EVERY, corpus

NDIM = sum(size for _, size, _ in samplemind.EMBEDDING_ASPECTS.values())


def _full(request: pytest.FixtureRequest) -> bool:
    return not request.config.getoption("benchmark_disable")


@pytest.fixture(scope="module")
def index_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose index holds N clustered synthetic samples (SQLite rows + graph)."""
    n = int(os.environ.get("SAMPLEMIND_BENCH_INDEX", "100000" if _full(request) else "5000"))
    data_dir = tmp_path_factory.mktemp("server-index")
    samplemind.SimilarityIndex(data_dir).close()  # creates the schema
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((500, NDIM)).astype(np.float32)
    vectors = centres[rng.integers(0, 500, n)] + 0.35 * rng.standard_normal((n, NDIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    descriptors = json.dumps({"duration_s": 1.0, "tempo_bpm": None, "key": "C major", "is_loop": False,
                              "pitch_hz": None, "pitch_note": None, "loudness_lufs": -18.0,
                              "centroid_hz_mean": 2000.0})
    with sqlite3.connect(data_dir / "samplemind.sqlite3") as db:
        db.executemany("INSERT INTO samples (path, embedding_version, embedding, descriptors, added_at)"
                       " VALUES (?, ?, ?, ?, 0)", ((f"/synthetic/{i}.wav", samplemind.EMBEDDING_VERSION,
                                                     v.tobytes(), descriptors) for i, v in enumerate(vectors)))
    started = time.perf_counter()
    with samplemind.SimilarityIndex(data_dir) as index:
        index.rebuild()
    print(f"\nindex: {n:,} samples built in {time.perf_counter() - started:.1f} s")
    return data_dir


class Server:
    def __init__(self, data_dir: Path, library: Path | None = None, *options: str) -> None:
        args = [sys.executable, "-m", "samplemind", "serve", "--port", "0", "--data-dir", str(data_dir),
                "--workers", "2", *options]
        if library is not None:
            args += ["--library", str(library)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("serving on"), line
        self.url = line.split()[2]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def search_server(index_dir: Path) -> Iterator[Server]:
    server = Server(index_dir)
    yield server
    server.stop()


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def _open_loop(rate: float, seconds: float, send: Callable[[int], Awaitable[int]]) -> dict[str, float]:
    """Sends at `rate` per second for `seconds`; latency from each request's scheduled time."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    latencies: list[float] = []
    errors = 0

    async def one(i: int) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        status = await send(i)
        if status == 200:
            latencies.append(loop.time() - (start + i / rate))
        else:
            errors += 1

    count = int(rate * seconds)
    await asyncio.gather(*(one(i) for i in range(count)))
    elapsed = loop.time() - start
    return {"offered_per_s": rate, "achieved_per_s": len(latencies) / elapsed, "requests": count,
            "errors": errors, "p50_ms": 1000 * _percentile(latencies, 50), "p99_ms": 1000 * _percentile(latencies, 99)}


def _report(name: str, figures: dict[str, float]) -> None:
    print(f"\n{name}: offered {figures['offered_per_s']:.0f}/s, achieved {figures['achieved_per_s']:.1f}/s, "
          f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, errors {figures['errors']:.0f} "
          f"of {figures['requests']:.0f}")


def _load_seconds(request: pytest.FixtureRequest) -> float:
    return float(os.environ.get("SAMPLEMIND_BENCH_LOAD_S", "15" if _full(request) else "1"))


def _search_load(server: Server, rate: float, seconds: float,
                 request_for: Callable[[int], dict[str, Any]]) -> dict[str, float]:
    """POST /similarity/search at `rate` per second; request_for(i) gives the i-th
    request's aiohttp arguments (json= or data=)."""
    async def run() -> dict[str, float]:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
            async def send(i: int) -> int:
                async with session.post(f"{server.url}/similarity/search?limit=10", **request_for(i)) as response:
                    await response.read()
                    return response.status

            return await _open_loop(rate, seconds, send)

    return asyncio.run(run())


def test_search_by_key_at_a_fixed_rate(request: pytest.FixtureRequest, search_server: Server, index_dir: Path) -> None:
    with samplemind.SimilarityIndex(index_dir, read_only=True) as index:
        n = len(index)
    keys = np.random.default_rng(1).integers(1, n + 1, 100_000)
    figures = _search_load(search_server, 200.0, _load_seconds(request), lambda i: {"json": {"sample_id": int(keys[i])}})
    _report("search by key", figures)
    assert figures["errors"] == 0


def test_search_by_upload_at_a_fixed_rate(request: pytest.FixtureRequest, search_server: Server,
                                          tmp_path: Path) -> None:
    import soundfile as sf

    query = tmp_path / "query.wav"
    sf.write(str(query), three_second_stereo()[:44100], 44100, subtype="PCM_16")  # a 1 s one-shot
    payload = query.read_bytes()

    def upload(_: int) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("file", payload, filename="query.wav", content_type="audio/wav")
        return {"data": form}

    figures = _search_load(search_server, 50.0, _load_seconds(request), upload)
    _report("search by upload (1 s WAV)", figures)
    assert figures["errors"] == 0


def test_batch_through_the_server_vs_in_process(request: pytest.FixtureRequest,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    """Best of two runs each, fresh caches: in-process analyze_batch, and a job through a
    fresh server followed over its progress WebSocket (as a client would, without polling
    load on these two cores). Then /health is probed every 20 ms during one more job."""
    files = corpus(200 if _full(request) else 20)
    paths = {"paths": [str(f) for f in files]}

    def in_process() -> float:
        started = time.perf_counter()
        with samplemind.ResultCache(tmp_path_factory.mktemp("in-process")) as cache:
            samplemind.analyze_batch(files, workers=2, cache=cache)
        return time.perf_counter() - started

    async def job_seconds(server: Server) -> float:
        async with aiohttp.ClientSession() as session:
            began = time.perf_counter()
            async with session.post(f"{server.url}/batch/analyze", json=paths) as response:
                job = (await response.json())["job_id"]
            async with session.ws_connect(f"{server.url}/ws/progress/{job}") as ws:
                async for message in ws:
                    if message.json()["final"]:
                        assert message.json()["status"] == "completed"
                        return time.perf_counter() - began
        raise AssertionError("the progress socket closed before the final state")

    async def health_during_job(server: Server) -> list[float]:
        latencies: list[float] = []
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{server.url}/batch/analyze", json=paths) as response:
                job = (await response.json())["job_id"]
            while True:
                sent = time.perf_counter()
                async with session.get(f"{server.url}/health") as response:
                    await response.read()
                latencies.append(time.perf_counter() - sent)
                async with session.get(f"{server.url}/batch/status/{job}") as response:
                    if (await response.json())["status"] == "completed":
                        return latencies
                await asyncio.sleep(0.02)

    def through_server(probe: Callable[[Server], Awaitable[Any]]) -> Any:
        server = Server(tmp_path_factory.mktemp("through-server"), files[0].parent)
        try:
            return asyncio.run(probe(server))
        finally:
            server.stop()

    local = min(in_process() for _ in range(2))
    served = min(through_server(job_seconds) for _ in range(2))
    health = through_server(health_during_job)
    print(f"\nbatch of {len(files)} files, 2 workers: in-process {local:.2f} s, through the server "
          f"{served:.2f} s ({served / local:.2f}x); /health during a job: p50 {1000 * _percentile(health, 50):.1f} "
          f"ms, p99 {1000 * _percentile(health, 99):.1f} ms ({len(health)} probes)")
    assert served > 0


async def _job_done(session: aiohttp.ClientSession, url: str, job: str) -> bool:
    async with session.get(f"{url}/batch/status/{job}") as response:
        return bool((await response.json())["final"])


def _search_until_done(url: str, jobs: Any, query: bytes, clients: int, answer: Any) -> None:
    """In its own process: once the job's id arrives on `jobs`, `clients` clients search
    by upload (each at least once) until the job ends; puts the count of each HTTP
    status on `answer`."""
    statuses: dict[int, int] = {}
    job = jobs.get()

    async def run() -> None:
        async with aiohttp.ClientSession() as session:
            async def search(i: int) -> None:
                while True:
                    form = aiohttp.FormData()
                    form.add_field("file", query, filename=f"query-{i}.wav", content_type="audio/wav")
                    async with session.post(f"{url}/similarity/search", data=form) as response:
                        statuses[response.status] = statuses.get(response.status, 0) + 1
                        await response.read()
                    if await _job_done(session, url, job):
                        return

            await asyncio.gather(*(search(i) for i in range(clients)))

    asyncio.run(run())
    answer.put(statuses)


def test_health_while_sixteen_clients_search_during_an_index_job(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Issue 18's goal: an index job while 16 clients search by upload, with no error and
    /health p99 < 50 ms. The server runs in its own process, the 16 clients in another,
    and /health is probed from this one (as a supervisor would) every 20 ms from the
    start of the job to its end."""
    files = corpus(400 if _full(request) else 30)
    query = tmp_path_factory.mktemp("query") / "query.wav"
    sf.write(str(query), three_second_stereo()[:44100], 44100)  # a 1 s query, as a client would upload
    server = Server(tmp_path_factory.mktemp("search-during-index"), files[0].parent, "--no-index")
    health: list[float] = []
    spawn = multiprocessing.get_context("spawn")
    jobs, answer = spawn.Queue(), spawn.Queue()
    clients = spawn.Process(target=_search_until_done, args=(server.url, jobs, query.read_bytes(), 16, answer),
                            daemon=True)
    clients.start()  # before the job: it takes a second to start

    async def run() -> dict[int, int]:
        async with aiohttp.ClientSession() as session:
            async def post_index(paths: list[Path]) -> str:
                async with session.post(f"{server.url}/similarity/index", json={"paths": [str(p) for p in paths]}) as r:
                    return str((await r.json())["job_id"])

            seed = await post_index(files[:10])
            while not await _job_done(session, server.url, seed):
                await asyncio.sleep(0.05)
            job = await post_index(files[10:])
            jobs.put(job)
            while not await _job_done(session, server.url, job):
                sent = time.perf_counter()
                async with session.get(f"{server.url}/health") as response:
                    await response.read()
                health.append(time.perf_counter() - sent)
                await asyncio.sleep(0.02)
            statuses: dict[int, int] = await asyncio.get_running_loop().run_in_executor(None, answer.get)
            clients.join()
            async with session.get(f"{server.url}/batch/status/{job}") as response:
                state = await response.json()
            corrupt = sum(1 for f in files[10:] if (int(f.stem) + 1) % BROKEN_EVERY == 0)
            assert state["status"] == "completed" and state["errors"] == corrupt, state
            return statuses

    try:
        statuses = asyncio.run(run())
    finally:
        clients.terminate()
        server.stop()
    print(f"\nindex job of {len(files) - 10} files with 16 clients searching by upload: searches {statuses}; "
          f"/health p50 {1000 * _percentile(health, 50):.1f} ms, p99 {1000 * _percentile(health, 99):.1f} ms "
          f"({len(health)} probes)")
    assert set(statuses) <= {200, 503} and statuses.get(200, 0) > 0, statuses
