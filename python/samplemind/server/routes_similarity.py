"""Similarity: search by upload, key, vector or library path; batch search; index; stats."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiohttp import web

from samplemind import EMBEDDING_ASPECTS, AnalysisError, analyze
from samplemind.server.app_keys import CONFIG, INDEX, IO_EXECUTOR, SEARCH_SLOTS
from samplemind.server.errors import ApiError
from samplemind.server.io_threads import run_io
from samplemind.server.jobs import library_files, submit_job
from samplemind.server.params import float_value, is_json, json_body
from samplemind.server.search_params import result_dict, search_options
from samplemind.server.uploads import receive_files, remove_quietly

_MAX_BATCH_QUERIES = 1000
_QUERY_FIELDS = {"sample_id", "key", "vector", "path"}


async def search(request: web.Request) -> web.Response:
    """One query: a file in part `file`, or JSON {"sample_id"}, {"vector"} or {"path"}; and/or
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
    """Many queries ({"queries": [{"sample_id"} | {"vector"} | {"path"}, ...]}), one index search."""
    async with admitted(request):
        body = await json_body(request)
        queries = body.get("queries")
        if not isinstance(queries, list) or not 1 <= len(queries) <= _MAX_BATCH_QUERIES:
            raise ApiError(400, f'body must be {{"queries": [...]}} with 1 to {_MAX_BATCH_QUERIES} queries')
        options = search_options(request, body)
        resolved = []
        for query in queries:
            if not isinstance(query, dict):
                raise ApiError(400, 'each query must be an object: {"sample_id"}, {"vector"} or {"path"}')
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


# --- queries ---------------------------------------------------------------------------

async def json_query(request: web.Request, body: dict[str, Any]) -> Any:
    for name in ("sample_id", "key"):  # "key": the first server's name for the sample id
        if name in body:
            sample_id = body[name]
            if not isinstance(sample_id, int) or isinstance(sample_id, bool) or not 0 <= sample_id < 2**63:
                raise ApiError(400, f"{name} must be an integer in [0, 2^63), got {str(sample_id)[:40]}")
            return sample_id
    if "vector" in body:
        vector = body["vector"]
        if not isinstance(vector, list):
            raise ApiError(400, "vector must be a list of numbers")
        return [float_value("vector", v) for v in vector]
    if "path" in body:
        return (await library_files(request, {"paths": [body["path"]]}))[0][1]
    raise ApiError(400, 'a query needs "sample_id", "vector" or "path" (or upload a file in a part named "file")')


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
