"""The library: list indexed samples (text, filters, sort, pages), read, correct, hear
and draw one, and the 2-D map of them all."""

from __future__ import annotations

import asyncio
import os

from aiohttp import web

from samplemind import AnalysisError
from samplemind._corrections import checked_corrections
from samplemind._waveform import MAX_WAVEFORM_WIDTH
from samplemind.server.app_keys import CONFIG, INDEX, MAP_BODY, WAVEFORM_EXECUTOR, WAVEFORMS
from samplemind.server.errors import ApiError
from samplemind.server.io_threads import run_io
from samplemind.server.params import int_param, json_body
from samplemind.server.previews import playable_copy
from samplemind.server.search_params import parse_filters, result_dict, text_param
from samplemind.similarity import SORTABLE, SearchResult

MAX_PAGE = 1000
# What browsers play as they are; anything else is served as a WAV made from it.
_PLAYABLE = {".wav": "audio/wav", ".wave": "audio/wav", ".flac": "audio/flac", ".mp3": "audio/mpeg",
             ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg"}
CORRECTABLE = ("tempo_bpm", "key", "category")


async def list_samples(request: web.Request) -> web.Response:
    """?q=words&sort=-tempo_bpm&offset=0&limit=100 and the search filters (tempo_min, key, ...)."""
    sort = request.query.get("sort")
    if sort is not None and sort.removeprefix("-") not in SORTABLE:
        raise ApiError(400, f"sort must be one of {', '.join(SORTABLE)} (a leading - for descending), got {sort!r}")
    text, filters = text_param(request, {}), parse_filters(dict(request.query))
    offset, limit = int_param(request, "offset", 0, 0, 2**31), int_param(request, "limit", 100, 0, MAX_PAGE)
    total, page = await run_io(request, lambda: request.app[INDEX].samples(
        text=text, filters=filters, sort=sort, offset=offset, limit=limit))
    return web.json_response({"total": total, "offset": offset, "results": [result_dict(r) for r in page]})


async def get_sample(request: web.Request) -> web.Response:
    return web.json_response(result_dict(await run_io(request, _sample, request, _sample_id(request))))


async def correct_sample(request: web.Request) -> web.Response:
    """JSON {"tempo_bpm": 120, "key": "A minor", "category": "kick"}: each given field
    is set (null removes the correction); answers the sample as results now show it."""
    sample_id = _sample_id(request)
    body = await json_body(request)
    unknown = sorted(set(body) - set(CORRECTABLE))
    if unknown or not body:
        raise ApiError(400, f"correctable fields are {', '.join(CORRECTABLE)}" +
                       (f"; unknown: {', '.join(unknown)[:200]}" if unknown else ""))

    changes = {}
    for name, value in body.items():  # checked one by one, so that an error names its field
        try:
            changes.update(checked_corrections({name: value}))
        except ValueError as error:
            raise ApiError(400, f"{name}: {error}") from None

    def correct() -> SearchResult:
        request.app[INDEX].correct(_sample(request, sample_id).path, **changes)
        return _sample(request, sample_id)

    return web.json_response(result_dict(await run_io(request, correct)))


async def audio(request: web.Request) -> web.StreamResponse:
    """The sample's file as it is on disk, or, in a format browsers do not play (AIFF,
    CAF, ...), a WAV made from it once and kept in the data folder; with HTTP Range
    (206) for players that seek."""
    path = await run_io(request, _sample_path, request, _sample_id(request))
    if not await run_io(request, os.path.isfile, path):
        raise ApiError(404, f"the file of sample {request.match_info['sample_id']} is gone: {path}")
    kind = _PLAYABLE.get(os.path.splitext(path)[1].lower())
    if kind is None:
        try:
            path = str(await run_io(request, playable_copy, request.app[CONFIG].data_dir / "previews", path))
        except AnalysisError as error:
            raise ApiError(422, f"{path}: {error.reason}", error.code) from None
        except OSError as error:  # gone or unreadable since the check above
            raise ApiError(404, f"the file of sample {request.match_info['sample_id']} cannot be read: {error}") from None
        kind = "audio/wav"
    response = web.FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})
    response.content_type = kind
    return response


async def peaks(request: web.Request) -> web.Response:
    """?width=N (1 to 8192, default 512): {"width", "min": [...], "max": [...], "duration_s"}."""
    width = int_param(request, "width", 512, 1, MAX_WAVEFORM_WIDTH)
    path = await run_io(request, _sample_path, request, _sample_id(request))
    try:
        waveform = await asyncio.get_running_loop().run_in_executor(
            request.app[WAVEFORM_EXECUTOR], request.app[WAVEFORMS].get, path, width)
    except FileNotFoundError:  # the file is gone (the core's not-found error is one too)
        raise ApiError(404, f"the file of sample {request.match_info['sample_id']} is gone: {path}") from None
    except AnalysisError as error:
        raise ApiError(422, f"{path}: {error.reason}", error.code) from None
    except OSError as error:
        raise ApiError(404, f"the file of sample {request.match_info['sample_id']} cannot be read: {error}") from None
    return web.json_response({"width": width, "duration_s": waveform.duration_s,
                              "min": [round(float(v), 4) for v in waveform.min],
                              "max": [round(float(v), 4) for v in waveform.max]})


async def library_map(request: web.Request) -> web.Response:
    """{"points": [{"sample_id", "x", "y", "category", "category_family", "is_loop"}, ...]}."""
    return web.Response(body=await run_io(request, request.app[MAP_BODY].get), content_type="application/json")


async def duplicates(request: web.Request) -> web.Response:
    """?near=true: {"groups": [{"kind", "files": [{"path", "folder"}]}], "unreadable": [...]}
    among the indexed samples."""
    near = request.query.get("near", "false").lower()
    if near not in ("true", "false", "1", "0", "yes", "no"):
        raise ApiError(400, f"near must be true or false, got {near[:20]!r}")
    groups, failed = await run_io(request, lambda: request.app[INDEX].duplicates(near=near in ("true", "1", "yes")))
    return web.json_response({"groups": [g.to_dict() for g in groups], "unreadable": [f.to_dict() for f in failed]})


def _sample_id(request: web.Request) -> int:
    text = request.match_info["sample_id"]
    if not text.isdigit() or len(text) > 19:
        raise ApiError(400, f"a sample id is a non-negative integer, got {text[:40]!r}")
    return int(text)


def _sample_path(request: web.Request, sample_id: int) -> str:
    """The sample's file, without waiting for a search (see SimilarityIndex.path_of)."""
    try:
        return request.app[INDEX].path_of(sample_id)
    except KeyError as error:
        raise ApiError(404, str(error.args[0])) from None


def _sample(request: web.Request, sample_id: int) -> SearchResult:
    try:
        return request.app[INDEX].sample(sample_id)
    except KeyError as error:
        raise ApiError(404, str(error.args[0])) from None
