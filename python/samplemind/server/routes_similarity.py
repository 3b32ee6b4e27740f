"""Similarity: search by upload, key, vector or library path; batch search; index; stats."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiohttp import web

from samplemind import EMBEDDING_ASPECTS, AnalysisError, analyze
from samplemind.server.app_keys import CONFIG, INDEX, IO_EXECUTOR, SEARCH_SLOTS
from samplemind.server.errors import ApiError
from samplemind.server.params import float_param, float_value, int_param, is_json, json_body
from samplemind.server.routes_batch import library_files, run_io, submit_job
from samplemind.server.uploads import receive_files, remove_quietly
from samplemind.similarity import MAX_WEIGHT, SearchFilters, SearchResult

_MAX_BATCH_QUERIES = 1000
_MAX_TEXT = 200  # characters of a text query
_QUERY_FIELDS = {"key", "vector", "path"}
_RANGES = {"tempo_bpm": "tempo", "duration_s": "duration", "pitch_hz": "pitch"}


async def search(request: web.Request) -> web.Response:
    """One query: a file in part `file`, or JSON {"key"}, {"vector"} or {"path"}; and/or
    words of the name in `q` (JSON {"q": ...} alone is a text search)."""
    async with admitted(request):
        body: dict[str, Any] = await json_body(request) if is_json(request) else {}
        options = search_options(request, body)
        if is_json(request) and not _QUERY_FIELDS & body.keys() and options["text"] is not None:
            return await run_io(request, _search_text, request, options)
        if is_json(request):
            query = await json_query(request, body)
        else:
            query = await uploaded_query(request)
        return await run_io(request, _search, request, [query], options, False)


async def batch_search(request: web.Request) -> web.Response:
    """Many queries ({"queries": [{"key"} | {"vector"} | {"path"}, ...]}), one index search."""
    async with admitted(request):
        body = await json_body(request)
        queries = body.get("queries")
        if not isinstance(queries, list) or not 1 <= len(queries) <= _MAX_BATCH_QUERIES:
            raise ApiError(400, f'body must be {{"queries": [...]}} with 1 to {_MAX_BATCH_QUERIES} queries')
        options = search_options(request, body)
        resolved = []
        for query in queries:
            if not isinstance(query, dict):
                raise ApiError(400, 'each query must be an object: {"key"}, {"vector"} or {"path"}')
            resolved.append(await json_query(request, query))
        return await run_io(request, _search, request, resolved, options, True)


async def index(request: web.Request) -> web.Response:
    """Analyses and indexes uploads (kept in the data folder) or library paths, as a job."""
    return await submit_job(request, "index")


async def stats(request: web.Request) -> web.Response:
    raw = await run_io(request, request.app[INDEX].stats)
    return web.json_response({"total_indexed": raw["samples"], "dimensions": raw["dimensions"],
                              "embedding_version": raw["embedding_version"], "index_size_bytes": raw["index_bytes"],
                              "aspects": {name: size for name, (_, size, _) in EMBEDDING_ASPECTS.items()}})


def admitted(request: web.Request) -> Any:
    """A search slot, or 503 when every slot is taken (no unbounded waiting line)."""
    slots = request.app[SEARCH_SLOTS]
    if slots.locked():
        raise ApiError(503, "too many searches in progress; retry shortly", "overloaded")
    return slots


# The searches below run in the I/O threads and return the finished response: the
# results' dicts and their JSON take a millisecond or more per search, which on the
# loop would delay every other request (and /health) under many clients.

def _search(request: web.Request, queries: list[Any], options: dict[str, Any], batch: bool) -> web.Response:
    try:
        found = request.app[INDEX].batch_search(queries, **options)
    except KeyError as error:  # no sample has that key
        raise ApiError(404, str(error.args[0])) from None
    except AnalysisError as error:  # a query path that is not indexed and cannot be analysed
        raise ApiError(400, f"the query file cannot be analysed: {error.reason}", error.code) from None
    except ValueError as error:  # a weight or vector the index refuses
        raise ApiError(400, str(error)) from None
    answers = [[result_dict(r) for r in answer] for answer in found]
    return web.json_response({"results": answers if batch else answers[0]})


def _search_text(request: web.Request, options: dict[str, Any]) -> web.Response:
    try:
        named = request.app[INDEX].search_text(options["text"], k=options["k"], filters=options["filters"])
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    return web.json_response({"results": [result_dict(r) for r in named]})


def result_dict(result: SearchResult) -> dict[str, Any]:
    score = None if result.similarity is None else round(result.similarity, 6)
    return {"file_path": result.path, "similarity_score": score, **result.to_dict()}


def text_param(request: web.Request, body: dict[str, Any]) -> str | None:
    """The words to match in sample names: `q` in the query string or the JSON body."""
    text = body.get("q", request.query.get("q"))
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        raise ApiError(400, f"q must be a text of at most {_MAX_TEXT} characters")
    return text


# --- queries ---------------------------------------------------------------------------

async def json_query(request: web.Request, body: dict[str, Any]) -> Any:
    if "key" in body:
        key = body["key"]
        if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key < 2**63:
            raise ApiError(400, f"key must be an integer in [0, 2^63), got {str(key)[:40]}")
        return key
    if "vector" in body:
        vector = body["vector"]
        if not isinstance(vector, list):
            raise ApiError(400, "vector must be a list of numbers")
        return [float_value("vector", v) for v in vector]
    if "path" in body:
        return (await library_files(request, {"paths": [body["path"]]}))[0][1]
    raise ApiError(400, 'a query needs "key", "vector" or "path" (or upload a file in a part named "file")')


async def uploaded_query(request: web.Request) -> Any:
    """Analyses the uploaded file (temporary: removed whatever happens) for its embedding."""
    config = request.app[CONFIG]
    folder = config.data_dir / "tmp" / uuid.uuid4().hex
    try:
        upload = (await receive_files(request, folder, config, field_names=("file",)))[0]
        return await run_io(request, analyze, upload.path)
    except AnalysisError as error:
        raise ApiError(400, f"the query file cannot be analysed: {error.reason}", error.code) from None
    finally:  # off the loop; shielded, it runs to the end even when the client has gone
        removal = asyncio.get_running_loop().run_in_executor(request.app[IO_EXECUTOR], remove_quietly, folder)
        await asyncio.shield(removal)


# --- options: limit, min_similarity, filters, weights -------------------------------------

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
        low, high = raw.get(f"{prefix}_min"), raw.get(f"{prefix}_max")
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
    weights = {}
    for item in filter(None, text.split(",")):
        name, _, value = item.partition(":")
        weights[name.strip()] = value
    return weights


def setup(app: web.Application) -> None:
    app.router.add_post("/similarity/search", search)
    app.router.add_post("/similarity/batch-search", batch_search)
    app.router.add_post("/similarity/index", index)
    app.router.add_get("/similarity/stats", stats)
