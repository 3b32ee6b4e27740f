"""The library: list indexed samples (text, filters, sort, pages), read one, correct one."""

from __future__ import annotations

from aiohttp import web

from samplemind._corrections import checked_corrections
from samplemind.server.app_keys import INDEX
from samplemind.server.errors import ApiError
from samplemind.server.params import int_param, json_body
from samplemind.server.routes_batch import run_io
from samplemind.server.routes_similarity import parse_filters, result_dict, text_param
from samplemind.similarity import SORTABLE, SearchResult

MAX_PAGE = 1000
CORRECTABLE = {"tempo_bpm": "tempo_bpm", "musical_key": "key", "category": "category"}  # JSON name -> field


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
    return web.json_response(result_dict(await run_io(request, _sample, request, _key(request))))


async def correct_sample(request: web.Request) -> web.Response:
    """JSON {"tempo_bpm": 120, "musical_key": "A minor", "category": "kick"}: each given field
    is set (null removes the correction); answers the sample as results now show it."""
    key = _key(request)
    body = await json_body(request)
    unknown = sorted(set(body) - set(CORRECTABLE))
    if unknown or not body:
        raise ApiError(400, f"correctable fields are {', '.join(CORRECTABLE)}" +
                       (f"; unknown: {', '.join(unknown)[:200]}" if unknown else ""))

    changes = {}
    for name, value in body.items():  # checked one by one, so that an error names its field
        try:
            changes.update(checked_corrections({CORRECTABLE[name]: value}))
        except ValueError as error:
            raise ApiError(400, f"{name}: {error}") from None

    def correct() -> SearchResult:
        request.app[INDEX].correct(_sample(request, key).path, **changes)
        return _sample(request, key)

    return web.json_response(result_dict(await run_io(request, correct)))


def _key(request: web.Request) -> int:
    text = request.match_info["key"]
    if not text.isdigit() or len(text) > 19:
        raise ApiError(400, f"a sample key is a non-negative integer, got {text[:40]!r}")
    return int(text)


def _sample(request: web.Request, key: int) -> SearchResult:
    try:
        return request.app[INDEX].sample(key)
    except KeyError as error:
        raise ApiError(404, str(error.args[0])) from None


def setup(app: web.Application) -> None:
    app.router.add_get("/samples", list_samples)
    app.router.add_get("/samples/{key}", get_sample)
    app.router.add_patch("/samples/{key}", correct_sample)

