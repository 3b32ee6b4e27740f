"""What searches and listings read from a request: limit, min_similarity, the text `q`,
filters and aspect weights, from the query string or a JSON body; and how a result is
written."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from samplemind._query_syntax import parse_range, parse_weights
from samplemind.server.errors import ApiError
from samplemind.server.params import float_param, float_value, int_param
from samplemind.similarity import MAX_WEIGHT, SearchFilters, SearchResult

_MAX_TEXT = 200  # characters of a text query
_RANGES = {"tempo_bpm": "tempo", "duration_s": "duration", "pitch_hz": "pitch"}


def result_dict(result: SearchResult) -> dict[str, Any]:
    """SearchResult.to_dict(), plus the first server's names for two of its fields, kept
    for its clients: `file_path` (= path) and `similarity_score` (= similarity)."""
    score = None if result.similarity is None else round(result.similarity, 6)
    return {**result.to_dict(), "similarity": score, "file_path": result.path, "similarity_score": score}


def text_param(request: web.Request, body: dict[str, Any]) -> str | None:
    """The words to match in sample names: `q` in the query string or the JSON body."""
    text = body.get("q", request.query.get("q"))
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        raise ApiError(400, f"q must be a text of at most {_MAX_TEXT} characters")
    return text


def search_options(request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
    """limit and min_similarity from the query string; filters and weights from the query
    string (tempo_min, key=A minor, weights=timbre:2,rhythm:0.5, ...) or the JSON body."""
    filters = dict(request.query)
    extra = body.get("filters") or {}
    if not isinstance(extra, dict):
        raise ApiError(400, 'filters must be an object such as {"tempo_min": 120, "key": "A minor"}')
    filters.update({str(k): str(v) for k, v in extra.items()})
    weights = body.get("weights") or _weights_text(request.query.get("weights", ""))
    if not isinstance(weights, dict):
        raise ApiError(400, 'weights must be an object such as {"timbre": 2, "rhythm": 0.5}')
    return {
        "k": int_param(request, "limit", 10, 1, 100),
        "min_similarity": float_param(request, "min_similarity", 0.0, 0.0, 1.0),
        "filters": parse_filters(filters),
        "text": text_param(request, body),
        "weights": {str(name): float_value(f"weights.{name}", value, 0.0, MAX_WEIGHT) for name, value in weights.items()},
    }


def parse_filters(raw: dict[str, str]) -> SearchFilters | None:
    bounds: dict[str, Any] = {}
    for field, prefix in _RANGES.items():
        low: Any = raw.get(f"{prefix}_min")
        high: Any = raw.get(f"{prefix}_max")
        if prefix in raw:  # tempo=120-130, as on the command line
            try:
                low, high = parse_range(raw[prefix], prefix)
            except ValueError as error:
                raise ApiError(400, str(error)) from None
        if low is not None or high is not None:
            bounds[field] = (float_value(f"{prefix}_min", low if low is not None else 0.0),
                             float_value(f"{prefix}_max", high if high is not None else 1e9))
    if "key" in raw:
        bounds["key"] = raw["key"]  # SearchFilters reads every spelling
        bounds["compatible_keys"] = raw.get("compatible_keys", "false").lower() in ("1", "true", "yes")
    loops = raw.get("loops", "any")
    if loops not in ("any", "only", "none"):
        raise ApiError(400, f"loops must be any, only or none, got {loops!r}")
    if loops != "any":
        bounds["is_loop"] = loops == "only"
    if "category" in raw:
        bounds["category"] = raw["category"]
    try:
        return SearchFilters(**bounds) if bounds else None
    except ValueError as error:  # names the field and what it accepts
        raise ApiError(400, str(error)) from None


def _weights_text(text: str) -> dict[str, str]:
    try:
        return parse_weights(text)
    except ValueError as error:
        raise ApiError(400, str(error)) from None
