"""Shared pieces of the server tests: a sample library, a client factory, polling."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import soundfile as sf
from aiohttp.test_utils import TestClient

from samplemind.server import ServerConfig, create_app

SR = 22050
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


def write_library(folder: Path, count: int, seconds: float = 0.5) -> list[Path]:
    """`count` short sounds, no two alike: tones, noise bursts and click patterns."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * SR)) / SR
    paths = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            y = 0.4 * np.sin(2 * np.pi * (220 + 37 * i) * t) * np.exp(-3 * t)
        elif kind == 1:
            y = 0.2 * rng.standard_normal(t.size) * np.exp(-(8 + i) * t)
        else:
            y = np.zeros(t.size)
            y[:: SR // (4 + i % 5)] = 0.9 - 0.001 * i  # every file distinct (the cache keys by content)
        path = folder / f"sound-{i:03d}.wav"
        sf.write(str(path), y.astype(np.float32), SR)
        paths.append(path)
    return paths


def server_config(data_dir: Path, library: Path | None = None, **overrides: Any) -> ServerConfig:
    roots = (library,) if library is not None else ()
    settings: dict[str, Any] = {"workers": 2, **overrides}
    return ServerConfig(data_dir=data_dir, library_roots=roots, **settings)


def file_form(paths: list[Path], field: str = "files", names: list[str] | None = None) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for i, path in enumerate(paths):
        name = names[i] if names else path.name
        form.add_field(field, path.read_bytes(), filename=name, content_type="audio/wav")
    return form


async def wait_for_status(client: TestClient[Any, Any], job_id: str, statuses: tuple[str, ...] = (
        "completed", "failed", "cancelled"), timeout: float = 60.0) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(f"/batch/status/{job_id}")
        state: dict[str, Any] = await response.json()
        if state["status"] in statuses:
            return state
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"job {job_id} still {state['status']} after {timeout} s: {state}")
        await asyncio.sleep(0.05)


async def all_results(client: TestClient[Any, Any], job_id: str, page: int = 1000) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        body = await (await client.get(f"/batch/results/{job_id}", params={"offset": offset, "limit": page})).json()
        results += body["results"]
        offset = body["next_offset"]
    return results
