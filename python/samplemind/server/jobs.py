"""Jobs as the routes share them: submitting one (uploads or library paths), the files a
request's paths name, and a job's state."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web

from samplemind import find_audio_files
from samplemind.server.app_keys import CONFIG, RUNNER, STORE
from samplemind.server.errors import ApiError
from samplemind.server.io_threads import run_io
from samplemind.server.job_runner import job_state
from samplemind.server.job_store import JobRow
from samplemind.server.params import is_json, json_body, media_type
from samplemind.server.uploads import receive_files, remove_quietly, sync_to_disk

_MAX_PATH = 4096


async def submit_job(request: web.Request, kind: str) -> web.Response:
    """Stores a job (uploads fsync'd, rows committed) and queues it: the 202 is the
    durability point. `kind` is "analyze" or "index" (index jobs keep their uploads)."""
    config, runner = request.app[CONFIG], request.app[RUNNER]
    damage = request.app[STORE].damage()
    if damage is not None:  # refuse rather than acknowledge what cannot be kept
        raise ApiError(503, f"the job store is damaged: {damage}", "unavailable")
    if runner.active_count() >= config.max_queued_jobs:
        raise ApiError(503, f"{config.max_queued_jobs} jobs are already queued or running; retry later",
                       "overloaded")
    job_id = uuid.uuid4().hex
    upload_dir: str | None = None
    if is_json(request):
        files = await library_files(request, await json_body(request))
    elif media_type(request).startswith("multipart/"):
        parent = "uploads" if kind == "analyze" else "samples"
        folder = config.data_dir / parent / job_id
        try:
            uploads = await receive_files(request, folder, config)
            await run_io(request, sync_to_disk, uploads, folder)
        except BaseException:
            remove_quietly(folder)  # a limit, bad input or a client that went away
            raise
        files = [(u.filename, u.path) for u in uploads]
        upload_dir = str(folder)
    else:
        raise ApiError(415, "send multipart/form-data (parts named 'files') or application/json "
                            '({"paths": [...]})')
    if len(files) > config.max_job_files:
        raise ApiError(413, f"{len(files)} files in one job; the limit is {config.max_job_files}")
    try:
        await run_io(request, request.app[STORE].create, job_id, kind, files, upload_dir)
    except BaseException:
        if upload_dir:
            remove_quietly(Path(upload_dir))
        raise
    runner.enqueue(job_id)
    return web.json_response({"job_id": job_id, "status": "queued", "total": len(files),
                              "status_url": f"/batch/status/{job_id}", "results_url": f"/batch/results/{job_id}",
                              "progress_ws": f"/ws/progress/{job_id}"}, status=202)


async def library_files(request: web.Request, body: dict[str, Any]) -> list[tuple[str, str]]:
    """The files `paths` names (folders expanded, duplicates dropped), each inside a
    configured library root once its links are resolved."""
    config = request.app[CONFIG]
    paths = body.get("paths")
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
        raise ApiError(400, 'body must be {"paths": ["/library/file.wav", ...]} with at least one path')
    for path in paths:
        if "\x00" in path or len(path) > _MAX_PATH:
            raise ApiError(400, f"a path holds a NUL byte or is over {_MAX_PATH} characters: {path[:100]!r}")
    if not config.library_roots:
        raise ApiError(403, "this server accepts no paths: start it with --library DIR to allow a folder")
    files = await run_io(request, _library_files, config.library_roots, paths, config.max_job_files)
    if not files:
        raise ApiError(400, "the paths name no audio files")
    return [(path, path) for path in files]


def _library_files(roots: tuple[Path, ...], paths: list[str], limit: int) -> list[str]:
    """Resolves and expands off the event loop; every file found is checked against the
    roots again (a link inside the library may point out of it), and expansion stops
    past `limit` files."""
    real_roots = [Path(os.path.realpath(root)) for root in roots]

    def inside(path: str) -> str:
        real = os.path.realpath(path)
        if not any(Path(real).is_relative_to(root) for root in real_roots):
            raise ApiError(403, f"{path} is outside the library folders this server was started with")
        return real

    found: dict[str, None] = {}  # ordered and without duplicates
    for path in dict.fromkeys(inside(p) for p in paths):
        try:
            expanded = find_audio_files([path]) if os.path.isdir(path) else [path]  # a missing file fails alone
        except OSError as error:
            raise ApiError(400, f"cannot list {path}: {error.strerror or error}") from None
        for file in expanded:
            found[inside(file)] = None
        if len(found) > limit:
            raise ApiError(413, f"more than {limit} files in one job; the limit is {limit}")
    return list(found)


async def job_or_404(request: web.Request) -> JobRow:
    job_id = request.match_info["job_id"]
    row = await run_io(request, request.app[STORE].job, job_id)
    if row is None:
        raise ApiError(404, f"no job {job_id!r}")
    return row


async def current_state(request: web.Request) -> dict[str, Any]:
    row = await job_or_404(request)
    return job_state(row, request.app[RUNNER].live(row.job_id))
