"""The routes behind the web app: audio with Range (and WAV copies of what browsers do
not play), waveform peaks from the core (cached), the map, active jobs, and indexing
the library folders at start; plus compute_waveform against numpy."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from aiohttp.test_utils import TestClient

import samplemind
from samplemind import SimilarityIndex
from samplemind._waveform import compute_waveform
from samplemind.server import create_app
from tests.server_helpers import SR, server_config, write_library


def test_waveform_columns_hold_each_stretch_min_and_max(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    stereo = (rng.uniform(-0.8, 0.8, (SR, 2)) * np.linspace(0, 1, SR)[:, None]).astype(np.float32)
    path = tmp_path / "ramp.flac"
    sf.write(str(path), stereo, SR, subtype="PCM_24")
    decoded, _ = sf.read(str(path), dtype="float32")
    waveform = compute_waveform(path, 100)
    edges = [c * SR // 100 for c in range(101)]  # under 65,536 frames, a column is its frames exactly
    expected_max = np.array([decoded[a:b].max() for a, b in zip(edges, edges[1:])])
    expected_min = np.array([decoded[a:b].min() for a, b in zip(edges, edges[1:])])
    assert waveform.duration_s == pytest.approx(1.0) and waveform.sample_rate == SR
    assert np.array_equal(waveform.max, expected_max) and np.array_equal(waveform.min, expected_min)
    assert np.all(waveform.min <= waveform.max) and waveform.max.max() <= 1.0
    long_quiet = np.full(200_000, 0.01, np.float32)  # past 65,536 frames the core merges bins
    long_quiet[150_000] = 0.9
    sf.write(str(tmp_path / "long.wav"), long_quiet, SR, subtype="FLOAT")
    spike = compute_waveform(tmp_path / "long.wav", 100)
    assert spike.max[75] == pytest.approx(0.9) and np.all(np.delete(spike.max, 75) == pytest.approx(0.01))
    short = compute_waveform(path, 8192)
    assert len(short.min) == 8192
    with pytest.raises(ValueError, match="width"):
        compute_waveform(path, 0)
    with pytest.raises(samplemind.CorruptAudioError):
        (tmp_path / "bad.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
        compute_waveform(tmp_path / "bad.wav", 10)


@pytest.fixture
async def library(aiohttp_client: Any, tmp_path: Path) -> tuple[TestClient[Any, Any], dict[str, int]]:
    files = write_library(tmp_path / "library", 4)
    aiff = tmp_path / "library" / "pad.aiff"
    sf.write(str(aiff), (0.3 * np.sin(np.arange(SR) / 10)).astype(np.float32), SR, format="AIFF")
    with SimilarityIndex(tmp_path / "data") as index:
        index.add_paths([*files, aiff])
        keys = {Path(p).name: index.sample_id_of(p) or 0 for p in [*files, aiff]}
    client: TestClient[Any, Any] = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    return client, keys


async def test_audio_is_served_with_ranges(library: tuple[TestClient[Any, Any], dict[str, int]], tmp_path: Path) -> None:
    client, keys = library
    whole = await client.get(f"/samples/{keys['sound-001.wav']}/audio")
    assert whole.status == 200 and whole.content_type == "audio/wav"
    assert await whole.read() == (tmp_path / "library" / "sound-001.wav").read_bytes()
    part = await client.get(f"/samples/{keys['sound-001.wav']}/audio", headers={"Range": "bytes=0-99"})
    assert part.status == 206 and len(await part.read()) == 100
    assert part.headers["Content-Range"].startswith("bytes 0-99/")
    aiff = await client.get(f"/samples/{keys['pad.aiff']}/audio", headers={"Range": "bytes=0-11"})
    assert aiff.status == 206 and aiff.content_type == "audio/wav" and (await aiff.read())[8:12] == b"WAVE"
    copies = list((tmp_path / "data" / "previews").glob("*.wav"))
    assert len(copies) == 1 and sf.info(str(copies[0])).frames == SR
    assert (await client.get("/samples/424242/audio")).status == 404


async def test_a_sample_whose_file_is_gone_is_a_404(library: tuple[TestClient[Any, Any], dict[str, int]],
                                                     tmp_path: Path) -> None:
    client, keys = library
    (tmp_path / "library" / "sound-002.wav").unlink()
    for route in ("audio", "peaks"):
        response = await client.get(f"/samples/{keys['sound-002.wav']}/{route}")
        assert response.status == 404 and "gone" in (await response.json())["error"]["message"]


async def test_peaks_come_from_the_core_and_are_cached(library: tuple[TestClient[Any, Any], dict[str, int]],
                                                       tmp_path: Path) -> None:
    client, keys = library
    response = await client.get(f"/samples/{keys['sound-000.wav']}/peaks", params={"width": "64"})
    assert response.status == 200
    body = await response.json()
    direct = compute_waveform(tmp_path / "library" / "sound-000.wav", 64)
    assert body["width"] == 64 and np.allclose(body["max"], direct.max, atol=1e-4)
    again = await (await client.get(f"/samples/{keys['sound-000.wav']}/peaks", params={"width": "64"})).json()
    assert again == body
    with sqlite3.connect(tmp_path / "data" / "samplemind.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM waveforms WHERE width = 64").fetchone()[0] == 1
    for width in ("0", "9000", "wide"):
        bad = await client.get(f"/samples/{keys['sound-000.wav']}/peaks", params={"width": width})
        assert bad.status == 400


async def test_the_map_places_every_sample(library: tuple[TestClient[Any, Any], dict[str, int]]) -> None:
    client, keys = library
    points = (await (await client.get("/map")).json())["points"]
    assert sorted(p["sample_id"] for p in points) == sorted(keys.values())
    assert all(0 <= p["x"] <= 1 and 0 <= p["y"] <= 1 and "category_family" in p for p in points)
    assert len({(p["x"], p["y"]) for p in points}) > 1


async def test_a_new_server_indexes_its_library_at_start(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 5)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(server_config(
        tmp_path / "data", tmp_path / "library", index_library=True)))
    jobs = (await (await client.get("/batch/jobs")).json())["jobs"]
    assert len(jobs) == 1 and jobs[0]["kind"] == "index" and jobs[0]["total"] == 5
    for _ in range(300):
        if (await (await client.get("/samples", params={"limit": "0"})).json())["total"] == len(files):
            break
        await asyncio.sleep(0.1)
    assert (await (await client.get("/similarity/stats")).json())["total_indexed"] == 5
    assert (await (await client.get("/batch/jobs")).json())["jobs"] == []
