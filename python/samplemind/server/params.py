"""Reading and checking request parameters: bad input is a 400 that names the field."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from samplemind.server.errors import ApiError


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer, got {text!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be in [{low}, {high}], got {value}")
    return value


def float_value(name: str, raw: Any, low: float = -math.inf, high: float = math.inf) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ApiError(400, f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ApiError(400, f"{name} must be a finite number in [{low}, {high}], got {raw!r}")
    return value


def float_param(request: web.Request, name: str, default: float, low: float, high: float) -> float:
    text = request.query.get(name)
    return default if text is None else float_value(name, text, low, high)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object (aiohttp caps its size with client_max_size)."""
    try:
        body = await request.json()
    except (ValueError, LookupError, RecursionError) as error:  # bad JSON or UTF-8, an unknown charset, nesting
        raise ApiError(400, f"body is not valid JSON: {type(error).__name__}: {str(error)[:200]}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "body must be a JSON object")
    return body


def media_type(request: web.Request) -> str:
    """The Content-Type without its parameters, lower-case. Not aiohttp's content_type,
    which parses the header through email.message: about a millisecond on the loop for
    a multipart boundary, on every upload."""
    return request.headers.get("Content-Type", "").partition(";")[0].strip().lower()


def is_json(request: web.Request) -> bool:
    return media_type(request) == "application/json"
