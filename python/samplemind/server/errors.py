"""JSON errors: ``{"error": {"code", "message"}}`` with the right status, for every route."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("samplemind.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MAX_TARGET_BYTES = 8192
"""The longest request target (path and query) answered; longer gets a JSON 414. The
HTTP parser lets request lines up to PARSER_LINE_BYTES through (headers keep its limits), so that it is this middleware,
not aiohttp's plain-text 400, that answers them."""
PARSER_LINE_BYTES = 65536

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          408: "timeout", 409: "conflict", 413: "too_large", 414: "uri_too_long", 415: "unsupported_media_type", 503: "unavailable"}


class ApiError(Exception):
    """An answer to a request that cannot be served: status, machine code, message."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message


def error_response(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if len(request.raw_path) > MAX_TARGET_BYTES:
        return error_response(414, "uri_too_long", f"request target of {len(request.raw_path)} bytes is over the "
                                                   f"limit of {MAX_TARGET_BYTES} bytes")
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error.status, error.code, error.message)
    except web.HTTPException as http:
        if http.status < 400:
            raise
        return error_response(http.status, _CODES.get(http.status, "error"), http.reason)
    except Exception:
        # A bug, not bad input: log it whole, tell the client as little as is useful.
        log.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "internal", "internal server error (logged on the server)")
