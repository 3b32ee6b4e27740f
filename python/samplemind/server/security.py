"""Who may call: the bearer token on every route but /health, and the browser checks
(Origin and Host) that keep other web pages from driving a server on loopback."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

from aiohttp import web

from samplemind.server.app_keys import CONFIG
from samplemind.server.errors import Handler, error_response

_OPEN_PATHS = frozenset({"/health", "/"})  # and the web app's files: the page asks for the token
_OPEN_PREFIX = "/app/"
SESSION_COOKIE = "samplemind_session"


def session_value(token: str) -> str:
    """The session cookie's value: derived from the token, so the cookie is not the token."""
    return hmac.new(token.encode(), b"samplemind web session", hashlib.sha256).hexdigest()


@web.middleware
async def token_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.app[CONFIG].token
    if token is None or request.path in _OPEN_PATHS or request.path.startswith(_OPEN_PREFIX):
        return await handler(request)
    given = request.headers.get("Authorization", "")
    presented = given[7:] if given.startswith("Bearer ") else None
    if presented is None and is_websocket_handshake(request):
        presented = request.query.get("access_token")  # browsers cannot set headers on a WebSocket
    cookie = request.cookies.get(SESSION_COOKIE)
    if presented is None and cookie is not None and request.path != "/session":
        if hmac.compare_digest(cookie.encode(), session_value(token).encode()):
            return await handler(request)
    if presented is None or not hmac.compare_digest(presented.encode(), token.encode()):
        response = error_response(401, "unauthorized", "missing or wrong bearer token")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return await handler(request)


def is_websocket_handshake(request: web.Request) -> bool:
    return (request.method == "GET" and request.path.startswith("/ws/")
            and request.headers.get("Upgrade", "").lower() == "websocket"
            and "upgrade" in request.headers.get("Connection", "").lower())


_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@web.middleware
async def browser_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A page on another site may send requests to a server on loopback, token or not:
    a cross-origin request that changes state is refused (403), and a server listening
    on loopback answers only to loopback Host names (DNS rebinding gives another)."""
    config = request.app[CONFIG]
    if _is_loopback(config.host) and not _is_loopback(_host_name(request.host)):
        return error_response(403, "forbidden", f"Host {request.host[:100]!r} is not this server's (loopback only)")
    origin = request.headers.get("Origin")
    if (request.method in _STATE_CHANGING and origin is not None and origin not in config.allowed_origins
            and urlsplit(origin).netloc != request.host):
        return error_response(403, "forbidden", f"requests from origin {origin[:100]!r} are not allowed "
                                                "(start the server with --allow-origin)")
    return await handler(request)


def _host_name(host: str) -> str:
    """"[::1]:8000" -> "::1", "localhost:8000" -> "localhost"."""
    if host.startswith("["):
        return host[1:].split("]")[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_loopback(name: str) -> bool:
    if name.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
