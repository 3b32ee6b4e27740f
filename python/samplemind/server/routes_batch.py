"""Batch jobs: submit (uploads or library paths), status, results, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from samplemind.server.app_keys import RUNNER, STORE
from samplemind.server.io_threads import run_io
from samplemind.server.job_runner import job_state
from samplemind.server.job_store import ACTIVE
from samplemind.server.jobs import current_state, job_or_404, submit_job
from samplemind.server.params import int_param
from samplemind.server.uploads import remove_quietly

_MAX_RESULTS_PAGE = 1000


async def analyze(request: web.Request) -> web.Response:
    return await submit_job(request, "analyze")


async def status(request: web.Request) -> web.Response:
    return web.json_response(await current_state(request))


async def results(request: web.Request) -> web.Response:
    state = await current_state(request)
    offset = int_param(request, "offset", 0, 0, 2**62)
    limit = int_param(request, "limit", 100, 1, _MAX_RESULTS_PAGE)
    page = await run_io(request, request.app[STORE].results, state["job_id"], offset, limit)
    following = offset + len(page)
    return web.json_response({
        "job_id": state["job_id"], "status": state["status"], "total": state["total"],
        "processed": state["processed"], "offset": offset, "limit": limit, "results": page,
        "next_offset": following if len(page) == limit else None,
    })


async def cancel(request: web.Request) -> web.Response:
    """Cancels a queued or running job (its workers stop, its uploads go); a finished
    job is forgotten (its results deleted)."""
    row = await job_or_404(request)
    if row.status in ACTIVE and await request.app[RUNNER].cancel(row.job_id):
        return web.json_response({"job_id": row.job_id, "status": "cancelled"})
    await run_io(request, request.app[STORE].delete, row.job_id)
    if row.upload_dir and row.kind == "analyze":
        remove_quietly(Path(row.upload_dir))
    return web.json_response({"job_id": row.job_id, "status": "deleted"})


async def active_jobs(request: web.Request) -> web.Response:
    """{"jobs": [state, ...]}: the queued and running jobs (the web app follows them)."""
    store, runner = request.app[STORE], request.app[RUNNER]

    def states() -> list[dict[str, Any]]:
        rows = [store.job(job_id) for job_id in store.active_jobs()]
        return [job_state(row, runner.live(row.job_id)) for row in rows if row is not None]

    return web.json_response({"jobs": await run_io(request, states)})
