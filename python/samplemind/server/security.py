"""Bearer-token authentication for every route but /health."""

from __future__ import annotations

import hmac

from aiohttp import web

from samplemind.server.app_keys import CONFIG
from samplemind.server.errors import Handler, error_response

_OPEN_PATHS = frozenset({"/health"})


@web.middleware
async def token_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.app[CONFIG].token
    if token is None or request.path in _OPEN_PATHS:
        return await handler(request)
    given = request.headers.get("Authorization", "")
    presented = given[7:] if given.startswith("Bearer ") else None
    if presented is None and request.headers.get("Upgrade", "").lower() == "websocket":
        presented = request.query.get("access_token")  # browsers cannot set headers on a WebSocket
    if presented is None or not hmac.compare_digest(presented.encode(), token.encode()):
        response = error_response(401, "unauthorized", "missing or wrong bearer token")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return await handler(request)
