"""Liveness and the API description."""

from __future__ import annotations

from aiohttp import web

from samplemind import __version__
from samplemind.server.app_keys import RUNNER, STORE
from samplemind.server.openapi import openapi_document


async def health(request: web.Request) -> web.Response:
    """Answered on the loop (two stat calls and memory): fast however busy the engine is.
    503 when the store is damaged, so that a supervisor restarts the server."""
    damage = request.app[STORE].damage()
    body = {"status": "ok" if damage is None else "damaged", "version": __version__,
            "active_jobs": request.app[RUNNER].active_count()}
    if damage is not None:
        body["reason"] = damage
    return web.json_response(body, status=200 if damage is None else 503)


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())
