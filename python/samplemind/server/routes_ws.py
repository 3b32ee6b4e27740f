"""WebSockets: job progress (/ws/progress/{job_id}) and live analysis (/ws/analysis)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from aiohttp import WSMsgType, web

from samplemind import StreamingAnalyzer
from samplemind.server.app_keys import CONFIG, HUB, LIVE_STREAMS, SOCKETS
from samplemind.server.errors import ApiError
from samplemind.server.io_threads import run_io
from samplemind.server.jobs import current_state

_SAMPLE_FORMATS: dict[str, np.dtype[Any]] = {"float32": np.dtype("<f4"), "int16": np.dtype("<i2"), "int32": np.dtype("<i4")}
_FULL_SCALE = {"float32": 1.0, "int16": 32768.0, "int32": 2147483648.0}


def check_origin(request: web.Request) -> None:
    """Browsers send Origin: only the server's own and configured origins may connect
    (cross-site WebSocket hijacking). Clients that send none (not browsers) pass."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    allowed = request.app[CONFIG].allowed_origins
    if origin in allowed or urlsplit(origin).netloc == request.host:
        return
    raise ApiError(403, f"WebSocket origin {origin!r} is not allowed (start the server with --allow-origin)")


@contextlib.asynccontextmanager
async def open_socket(request: web.Request) -> AsyncIterator[web.WebSocketResponse]:
    """The upgraded connection, registered for shutdown and closed when the block ends."""
    check_origin(request)
    ws = web.WebSocketResponse(max_msg_size=request.app[CONFIG].max_ws_message_bytes, heartbeat=30.0)
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    try:
        yield ws
    finally:
        request.app[SOCKETS].discard(ws)
        await ws.close()


async def progress(request: web.Request) -> web.WebSocketResponse:
    """The job's state now, then each change (at most ~10/s), the final state, close."""
    state = await current_state(request)  # 404 before the upgrade for an unknown job
    job_id = state["job_id"]
    hub = request.app[HUB]
    async with open_socket(request) as ws:
        mailbox = hub.subscribe(job_id)
        reader = asyncio.create_task(_drain(ws))  # notices the client closing
        try:
            if not state["final"]:
                state = await current_state(request)  # fresh, now that no change can be missed
            await _send_progress(ws, state, mailbox, reader)
        except ConnectionResetError:
            pass  # the client went away
        finally:
            hub.unsubscribe(job_id, mailbox)
            reader.cancel()
        return ws


async def _send_progress(ws: web.WebSocketResponse, state: dict[str, Any],
                         mailbox: asyncio.Queue[dict[str, Any]], reader: asyncio.Task[None]) -> None:
    sent = -1
    while not ws.closed:
        if state["final"] or state["processed"] >= sent:  # the mailbox may hold an older one
            await ws.send_json(state)
            sent = state["processed"]
        if state["final"]:
            return
        next_state = await _next(mailbox, reader)
        if next_state is None:
            return
        state = next_state


async def _next(mailbox: asyncio.Queue[dict[str, Any]], reader: asyncio.Task[None]) -> dict[str, Any] | None:
    """The next state, or None when the client closed first."""
    getter = asyncio.ensure_future(mailbox.get())
    done, _ = await asyncio.wait([getter, reader], return_when=asyncio.FIRST_COMPLETED)
    if getter in done:
        return getter.result()
    getter.cancel()
    return None


async def _drain(ws: web.WebSocketResponse) -> None:
    async for _ in ws:
        pass  # clients need not say anything; reading handles pings and the close


async def analysis(request: web.Request) -> web.WebSocketResponse:
    """Live analysis: a JSON header, binary PCM blocks (each answered with running
    descriptors), then {"type": "end"} for the full analysis."""
    streams = request.app[LIVE_STREAMS]
    if streams.locked():
        raise ApiError(503, "too many live analysis streams; retry later", "overloaded")
    async with streams, open_socket(request) as ws:
        try:
            await _live_session(request, ws)
        except ApiError as error:
            await ws.send_json({"type": "error", "error": {"code": error.code, "message": error.message}})
        return ws


async def _live_session(request: web.Request, ws: web.WebSocketResponse) -> None:
    config = request.app[CONFIG]
    stream: StreamingAnalyzer | None = None
    dtype, scale, frame_bytes = np.dtype("<f4"), 1.0, 4
    while True:
        try:  # an idle stream would hold one of the few slots for ever
            message = await ws.receive(timeout=config.live_idle_seconds)
        except asyncio.TimeoutError:
            raise ApiError(408, f"nothing received for {config.live_idle_seconds:g} s; closing the stream",
                           "timeout") from None
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            return
        if message.type == WSMsgType.TEXT:
            command = _command(message.data)
            if stream is None:
                stream, dtype, scale = _open_stream(command)
                frame_bytes = dtype.itemsize * stream.channels
                await ws.send_json({"type": "ready", "sample_rate": stream.sample_rate, "channels": stream.channels})
            elif command.get("type") == "end":
                try:
                    result = await run_io(request, stream.finish)
                except ValueError as error:
                    raise ApiError(400, f"cannot analyse the stream: {error}") from None
                await ws.send_json({"type": "analysis", "analysis": result.to_dict()})
                return
            else:
                raise ApiError(400, 'after the header, send binary blocks, then {"type": "end"}')
        elif message.type == WSMsgType.BINARY:
            if stream is None:
                raise ApiError(400, "send the JSON header (sample_rate, channels, sample_format) first")
            if len(message.data) % frame_bytes:
                raise ApiError(400, f"a block must hold whole frames of {frame_bytes} bytes")
            samples = np.frombuffer(message.data, dtype=dtype).astype(np.float32) / np.float32(scale)
            await run_io(request, stream.push, samples)
            running = stream.running()
            if running.seconds > config.max_stream_seconds:
                raise ApiError(413, f"streams are limited to {config.max_stream_seconds:.0f} s")
            await ws.send_json({"type": "running", **running.to_dict()})
        elif message.type == WSMsgType.ERROR:
            return


def _command(text: str) -> dict[str, Any]:
    try:
        command = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, "text messages must be JSON objects") from None
    if not isinstance(command, dict):
        raise ApiError(400, "text messages must be JSON objects")
    return command


def _open_stream(header: dict[str, Any]) -> tuple[StreamingAnalyzer, np.dtype[Any], float]:
    sample_format = header.get("sample_format", "float32")
    if sample_format not in _SAMPLE_FORMATS:
        raise ApiError(400, f"sample_format must be one of {sorted(_SAMPLE_FORMATS)}, got {sample_format!r}")
    rate, channels = header.get("sample_rate"), header.get("channels")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (rate, channels)):
        raise ApiError(400, f"header needs sample_rate (Hz) and channels as numbers, got {rate!r} and {channels!r}")
    try:
        stream = StreamingAnalyzer(float(header["sample_rate"]), int(header["channels"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ApiError(400, f"header needs sample_rate (Hz) and channels: {error}") from None
    return stream, _SAMPLE_FORMATS[sample_format], _FULL_SCALE[sample_format]
