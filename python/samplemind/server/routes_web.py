"""The web app: its page and modules (no build step, nothing fetched from elsewhere)
and the session cookie that lets its audio elements and WebSockets in with a token."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from samplemind.server.app_keys import CONFIG
from samplemind.server.security import SESSION_COOKIE, session_value

WEB_ROOT = Path(__file__).resolve().parent / "web"
_NO_STORE = {"Cache-Control": "no-cache"}  # the page follows the installed version


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_ROOT / "index.html", headers=_NO_STORE)


async def open_session(request: web.Request) -> web.Response:
    """Called with the bearer token (the token middleware checked it): sets an HttpOnly,
    SameSite=Strict cookie, so that <audio> and WebSocket requests, which cannot carry
    a header, are let in without the token ever going into a URL."""
    response = web.json_response({"session": "open"})
    token = request.app[CONFIG].token
    if token is not None:
        response.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="Strict", path="/")
    return response


async def close_session(request: web.Request) -> web.Response:
    response = web.json_response({"session": "closed"})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
