"""Liveness and the API description."""

from __future__ import annotations

from aiohttp import web

from samplemind import __version__
from samplemind.server.app_keys import RUNNER
from samplemind.server.openapi import openapi_document


async def health(request: web.Request) -> web.Response:
    """Answered on the loop from memory: fast however busy the engine is."""
    return web.json_response({"status": "ok", "version": __version__,
                              "active_jobs": request.app[RUNNER].active_count()})


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


def setup(app: web.Application) -> None:
    app.router.add_get("/health", health)
    app.router.add_get("/openapi.json", openapi)
