"""/ws/analysis: live PCM in, running descriptors per block, the full analysis at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import samplemind
from samplemind.server import create_app
from tests.musical_signals import SR, click_track
from tests.server_helpers import server_config


async def test_live_sine_in_int16_blocks(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    t = np.arange(2 * SR) / SR
    mono = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    pcm = (np.stack([mono, mono], axis=1) * 32767).astype("<i2")
    async with client.ws_connect("/ws/analysis") as ws:
        await ws.send_json({"sample_rate": SR, "channels": 2, "sample_format": "int16"})
        ready = await ws.receive_json()
        assert ready == {"type": "ready", "sample_rate": SR, "channels": 2}
        running = []
        for start in range(0, len(pcm), 4410):
            await ws.send_bytes(pcm[start:start + 4410].tobytes())
            running.append(await ws.receive_json())
        assert all(m["type"] == "running" for m in running)
        seconds = [m["seconds"] for m in running]
        assert seconds == sorted(seconds) and seconds[-1] == pytest.approx(2.0)
        last = running[-1]
        assert last["pitch_hz"] == pytest.approx(440.0, rel=0.002)
        assert last["peak_dbfs"] == pytest.approx(-6.02, abs=0.01)
        assert last["centroid_hz"] == pytest.approx(440.0, rel=0.01)
        assert last["momentary_lufs"] == pytest.approx(-6.7, abs=0.2)
        assert last["onset_count"] == 1
        await ws.send_json({"type": "end"})
        final = await ws.receive_json()
        assert final["type"] == "analysis"
        assert final["analysis"]["pitch_hz"] == pytest.approx(440.0, rel=0.002)
        assert final["analysis"]["duration_s"] == pytest.approx(2.0)


async def test_live_float32_clicks_count_onsets_and_match_offline_analysis(
        aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    audio = click_track(120, beats=8)
    async with client.ws_connect("/ws/analysis") as ws:
        await ws.send_json({"sample_rate": SR, "channels": 1})  # float32 is the default
        await ws.receive_json()
        for start in range(0, len(audio), 2048):
            await ws.send_bytes(audio[start:start + 2048].astype("<f4").tobytes())
            message = await ws.receive_json()
        assert message["onset_count"] == 8
        await ws.send_json({"type": "end"})
        final = (await ws.receive_json())["analysis"]
    offline = samplemind.analyze(audio, sample_rate=SR)
    assert final["tempo_bpm"] == offline.tempo_bpm == pytest.approx(120, abs=0.5)
    np.testing.assert_allclose(final["embedding"], offline.embedding, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("first, expected", [
    ({"sample_rate": 0, "channels": 1}, "sample_rate"),
    ({"sample_rate": 1, "channels": 1}, "sample_rate must be in [1000, 1536000] Hz, got 1"),
    ({"sample_rate": True, "channels": 1}, "as numbers, got True"),
    ({"sample_rate": 44100, "channels": 0}, "channels"),
    ({"channels": 1}, "sample_rate"),
    ({"sample_rate": 44100, "channels": 1, "sample_format": "mp3"}, "sample_format"),
    (b"\0\0\0\0", "header"),
    ("not json", "JSON"),
])
async def test_live_protocol_errors_are_reported_and_closed(
        aiohttp_client: Any, tmp_path: Path, first: Any, expected: str) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    async with client.ws_connect("/ws/analysis") as ws:
        if isinstance(first, dict):
            await ws.send_json(first)
        elif isinstance(first, bytes):
            await ws.send_bytes(first)
        else:
            await ws.send_str(first)
        error = await ws.receive_json()
        assert error["type"] == "error" and error["error"]["code"] == "bad_request"
        assert expected in error["error"]["message"]
        await ws.receive()
        assert ws.closed


async def test_ragged_block_is_an_error(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    async with client.ws_connect("/ws/analysis") as ws:
        await ws.send_json({"sample_rate": SR, "channels": 2, "sample_format": "int16"})
        await ws.receive_json()
        await ws.send_bytes(b"\0" * 6)  # one and a half stereo int16 frames
        error = await ws.receive_json()
        assert "whole frames of 4 bytes" in error["error"]["message"]
