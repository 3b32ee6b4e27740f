"""Every route of the server, in one table (the route modules hold the handlers)."""

from __future__ import annotations

from aiohttp import web

from samplemind.server import routes_batch, routes_health, routes_samples, routes_similarity, routes_web, routes_ws
from samplemind.server.routes_web import WEB_ROOT


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/batch/jobs", routes_batch.active_jobs)
    router.add_post("/batch/analyze", routes_batch.analyze)
    router.add_get("/batch/status/{job_id}", routes_batch.status)
    router.add_get("/batch/results/{job_id}", routes_batch.results)
    router.add_delete("/batch/jobs/{job_id}", routes_batch.cancel)

    router.add_post("/similarity/search", routes_similarity.search)
    router.add_post("/similarity/batch-search", routes_similarity.batch_search)
    router.add_post("/similarity/index", routes_similarity.index)
    router.add_get("/similarity/stats", routes_similarity.stats)

    router.add_get("/samples", routes_samples.list_samples)
    router.add_get("/samples/{sample_id}", routes_samples.get_sample)
    router.add_patch("/samples/{sample_id}", routes_samples.correct_sample)
    router.add_get("/samples/{sample_id}/audio", routes_samples.audio)
    router.add_get("/samples/{sample_id}/peaks", routes_samples.peaks)
    router.add_get("/map", routes_samples.library_map)
    router.add_get("/duplicates", routes_samples.duplicates)

    router.add_get("/ws/progress/{job_id}", routes_ws.progress)
    router.add_get("/ws/analysis", routes_ws.analysis)

    router.add_get("/health", routes_health.health)
    router.add_get("/openapi.json", routes_health.openapi)

    router.add_get("/", routes_web.page)
    router.add_static("/app/", WEB_ROOT, append_version=False)
    router.add_post("/session", routes_web.open_session)
    router.add_delete("/session", routes_web.close_session)
