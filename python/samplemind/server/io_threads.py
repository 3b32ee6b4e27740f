"""Blocking work (SQLite, files, the index, analyses) on the server's I/O threads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from samplemind.server.app_keys import IO_EXECUTOR

T = TypeVar("T")


async def run_io(request: web.Request, function: Callable[..., T], *args: Any) -> T:
    """function(*args) on the I/O threads, not the loop."""
    return await asyncio.get_running_loop().run_in_executor(request.app[IO_EXECUTOR], function, *args)
