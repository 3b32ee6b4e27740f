"""Server limits and safety: upload sizes counted while streaming, part counts, bearer
token, WebSocket origin and message size, JSON errors with the right status."""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import WSMsgType

from samplemind.server import create_app
from tests.server_helpers import file_form, server_config, wait_for_status, write_library

MiB = 1024 * 1024


@pytest.fixture
def library(tmp_path: Path) -> list[Path]:
    return write_library(tmp_path / "library", 3)


def _no_uploads_left(data_dir: Path) -> bool:
    uploads = data_dir / "uploads"
    return not uploads.exists() or not any(uploads.iterdir())


async def test_a_file_over_the_limit_is_413_and_leaves_nothing(
        aiohttp_client: Any, tmp_path: Path, library: list[Path]) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_file_bytes=10_000)))
    response = await client.post("/batch/analyze", data=file_form(library[:1]))
    assert response.status == 413
    body = await response.json()
    assert body["error"]["code"] == "too_large" and "10000 bytes" in body["error"]["message"]
    assert _no_uploads_left(tmp_path / "data")


async def test_too_many_parts_or_a_stray_field_are_refused(
        aiohttp_client: Any, tmp_path: Path, library: list[Path]) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_parts=2)))
    too_many = await client.post("/batch/analyze", data=file_form(library))
    assert too_many.status == 413 and "more than 2 files" in (await too_many.json())["error"]["message"]
    stray = await client.post("/batch/analyze", data=file_form(library[:1], field="attachment"))
    assert stray.status == 400 and "'files'" in (await stray.json())["error"]["message"]
    assert _no_uploads_left(tmp_path / "data")


async def test_a_declared_2_gb_body_is_refused_before_reading_it(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))  # default limits
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write((f"POST /batch/analyze HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; "
                  f"boundary=b\r\nContent-Length: {2 * 1024**3}\r\n\r\n").encode() + b"--b\r\n")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 413")


async def test_a_streamed_2_gb_upload_is_cut_off_early_without_memory_growth(
        aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_file_bytes=8 * MiB)))
    sent = 0
    chunk = b"\0" * MiB

    async def two_gigabytes() -> AsyncIterator[bytes]:  # chunked: no Content-Length to refuse early
        nonlocal sent
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="huge.wav"\r\n\r\n'
        for _ in range(2048):
            sent += len(chunk)
            yield chunk

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = await client.post("/batch/analyze", data=two_gigabytes(),
                                 headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status == 413
    assert (await response.json())["error"]["code"] == "too_large"
    assert sent < 64 * MiB  # read a little past the 8 MiB limit, not 2 GB
    growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert growth_kib < 64 * 1024
    assert _no_uploads_left(tmp_path / "data")


@pytest.mark.parametrize("where", ["preamble", "part headers"])
async def test_bytes_outside_the_files_count_against_the_request_limit(
        aiohttp_client: Any, tmp_path: Path, where: str) -> None:
    """Before the fix, 1.5 GiB of preamble before the first boundary was accepted (202)."""
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_request_bytes=4 * MiB)))
    sent = 0
    line = b"x" * 1000 + b"\r\n"  # preamble lines; or a header repeated in the part

    async def body() -> AsyncIterator[bytes]:  # chunked: no Content-Length to refuse early
        nonlocal sent
        if where == "part headers":
            yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.wav"\r\n'
        for _ in range(64 * 1024):  # 64 MiB if nothing stops it
            sent += len(line)
            yield (b"X-Padding: " + line) if where == "part headers" else line
        yield b"\r\n--b--\r\n"

    response = await client.post("/batch/analyze", data=body(),
                                 headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status in (400, 413), await response.text()
    assert (await response.json())["error"]["code"] in ("too_large", "bad_request")
    assert sent < 32 * MiB
    assert _no_uploads_left(tmp_path / "data")


async def test_an_overlong_request_target_gets_a_json_414(aiohttp_client: Any, tmp_path: Path) -> None:
    """Before the fix, a job id over 8 KB got aiohttp's plain-text 400."""
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    response = await client.get("/batch/status/" + "a" * 9000)
    assert response.status == 414
    assert (await response.json())["error"]["code"] == "uri_too_long"
    assert (await client.get("/batch/status/" + "a" * 7000)).status == 404  # long, but under the limit


async def test_bearer_token_guards_everything_but_health(
        aiohttp_client: Any, tmp_path: Path, library: list[Path]) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", token="s3cret")))
    assert (await client.get("/health")).status == 200
    for method, path in (("GET", "/openapi.json"), ("GET", "/similarity/stats"), ("POST", "/batch/analyze"),
                         ("GET", "/batch/status/x")):
        refused = await client.request(method, path)
        assert refused.status == 401, path
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert (await refused.json())["error"]["code"] == "unauthorized"
    wrong = await client.get("/similarity/stats", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    good = {"Authorization": "Bearer s3cret"}
    assert (await client.get("/similarity/stats", headers=good)).status == 200
    job = await (await client.post("/batch/analyze", data=file_form(library[:1]), headers=good)).json()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused_ws:
        await client.ws_connect(f"/ws/progress/{job['job_id']}")
    assert refused_ws.value.status == 401
    async with client.ws_connect(f"/ws/progress/{job['job_id']}?access_token=s3cret") as ws:
        last = None
        async for message in ws:
            last = message.json()
        assert last is not None and last["final"]


async def test_websocket_origin_check(aiohttp_client: Any, tmp_path: Path) -> None:
    config = server_config(tmp_path / "data", allowed_origins=("https://browser.example",))
    client = await aiohttp_client(create_app(config))
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws/analysis", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    for origin in ("https://browser.example", f"http://{client.server.host}:{client.server.port}"):
        async with client.ws_connect("/ws/analysis", headers={"Origin": origin}) as ws:
            await ws.send_json({"sample_rate": 44100, "channels": 1})
            assert (await ws.receive_json())["type"] == "ready"


async def test_websocket_message_size_limit(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_ws_message_bytes=64 * 1024)))
    async with client.ws_connect("/ws/analysis") as ws:
        await ws.send_json({"sample_rate": 44100, "channels": 1})
        await ws.receive_json()
        await ws.send_bytes(b"\0" * (128 * 1024))
        message = await ws.receive()
        assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    assert (await client.get("/health")).status == 200


async def test_live_streams_over_the_limit_get_503(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_live_streams=1)))
    async with client.ws_connect("/ws/analysis") as ws:
        await ws.send_json({"sample_rate": 44100, "channels": 1})
        await ws.receive_json()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws/analysis")
        assert refused.value.status == 503
    deadline = time.monotonic() + 5
    while True:  # the slot is freed once the server has seen the close: soon, not at once
        try:
            ws = await client.ws_connect("/ws/analysis")
            break
        except aiohttp.WSServerHandshakeError as still_busy:
            assert still_busy.status == 503 and time.monotonic() < deadline
            await asyncio.sleep(0.01)
    async with ws:  # the slot is free again
        await ws.send_json({"sample_rate": 44100, "channels": 1})
        assert (await ws.receive_json())["type"] == "ready"


async def test_a_job_of_corrupt_files_only_is_failed(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"\xff" * 5000)
    job = await (await client.post("/batch/analyze", data=file_form([junk, junk]))).json()
    state = await wait_for_status(client, job["job_id"])
    assert (state["status"], state["errors"], state["processed"]) == ("failed", 2, 2)
    assert _no_uploads_left(tmp_path / "data")
    index_job = await (await client.post("/similarity/index", data=file_form([junk]))).json()
    assert (await wait_for_status(client, index_job["job_id"]))["status"] == "failed"
    assert not any((tmp_path / "data" / "samples" / index_job["job_id"]).iterdir())  # nothing kept


HOSTILE_BODIES = [
    ("multipart/form-data", b"garbage"),
    ("multipart/form-data; boundary=zz", b"garbage\r\n"),
    ("multipart/form-data; boundary=zz", b'--zz\r\nContent-Disposition: form-data; name="files"; filename="a.wav"\r\n\r\nabc'),
    ("multipart/mixed; boundary=zz", b"--zz\r\n\r\n--zz--\r\n"),
    ("multipart/form-data; boundary=zz", b"--zz--\r\n"),
    ("application/json", b"\xff\xfe\x00"),
    ("application/json", b'{"paths": [null, 3]}'),
    ("application/json", b'{"queries": "all", "key": [], "vector": {}}'),
    ("application/json", b"[" * 5000),
    ("text/plain", b"hello"),
    ("", b""),
]


@pytest.mark.parametrize("content_type, body", HOSTILE_BODIES)
async def test_hostile_bodies_get_a_4xx_never_a_500(aiohttp_client: Any, tmp_path: Path, library: list[Path],
                                                    content_type: str, body: bytes) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", library[0].parent)))
    for path in ("/batch/analyze", "/similarity/index", "/similarity/search", "/similarity/batch-search"):
        headers = {"Content-Type": content_type} if content_type else {}
        response = await client.post(path, data=body, headers=headers)
        assert 400 <= response.status < 500, (path, response.status, await response.text())
        assert set((await response.json())["error"]) == {"code", "message"}
    assert _no_uploads_left(tmp_path / "data")


async def test_an_idle_live_stream_is_closed_and_frees_its_slot(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", max_live_streams=1,
                                                           live_idle_seconds=0.3)))
    async with client.ws_connect("/ws/analysis") as idle:
        await idle.send_json({"sample_rate": 44100, "channels": 1})
        assert (await idle.receive_json())["type"] == "ready"
        error = await asyncio.wait_for(idle.receive_json(), timeout=10)  # then nothing is sent
        assert error["error"]["code"] == "timeout" and "nothing received for 0.3 s" in error["error"]["message"]
    async with client.ws_connect("/ws/analysis") as next_one:  # the slot is free again
        await next_one.send_json({"sample_rate": 44100, "channels": 1})
        assert (await next_one.receive_json())["type"] == "ready"
