"""Typed keys of what the application holds (aiohttp web.AppKey), in one place."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from samplemind.server.config import ServerConfig
from samplemind.server.job_runner import JobRunner
from samplemind.server.job_store import JobStore
from samplemind.server.map_body import MapBody
from samplemind.server.progress_hub import ProgressHub
from samplemind.server.waveforms import WaveformCache
from samplemind.similarity import SimilarityIndex

CONFIG = web.AppKey("config", ServerConfig)
IO_EXECUTOR = web.AppKey("io_executor", ThreadPoolExecutor)
"""Blocking SQLite, file and index work, off the event loop."""
STORE = web.AppKey("store", JobStore)
INDEX = web.AppKey("index", SimilarityIndex)
MAP_BODY = web.AppKey("map_body", MapBody)
HUB = web.AppKey("hub", ProgressHub)
WAVEFORMS = web.AppKey("waveforms", WaveformCache)
WAVEFORM_EXECUTOR = web.AppKey("waveform_executor", ThreadPoolExecutor)
"""Waveforms are decoded on their own threads: a screenful of new rows never delays a
search or an audition on the I/O threads."""
RUNNER = web.AppKey("runner", JobRunner)
LIVE_STREAMS = web.AppKey("live_streams", asyncio.Semaphore)
"""Open /ws/analysis streams; when none is free the answer is 503."""
SEARCH_SLOTS = web.AppKey("search_slots", asyncio.Semaphore)
SOCKETS = web.AppKey("sockets", set[web.WebSocketResponse])
"""Open WebSockets, closed (going away) when the server shuts down."""
