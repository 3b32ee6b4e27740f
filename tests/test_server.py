"""The aiohttp server against a real app on a loopback port, with real HTTP and
WebSocket clients (pytest-aiohttp's aiohttp_client)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient

from samplemind.server import create_app
from tests.server_helpers import (
    ClientFactory, all_results, file_form, server_config, wait_for_status, write_library,
)


@pytest.fixture
def library(tmp_path: Path) -> list[Path]:
    return write_library(tmp_path / "library", 12)


@pytest.fixture
def start(aiohttp_client: Any, tmp_path: Path, library: list[Path]) -> ClientFactory:
    async def start_server(**overrides: Any) -> TestClient[Any, Any]:
        data_dir = overrides.pop("data_dir", tmp_path / "data")
        client: TestClient[Any, Any] = await aiohttp_client(create_app(server_config(
            data_dir, library[0].parent, **overrides)))
        return client
    return start_server


async def test_health_and_openapi_lists_every_route(start: ClientFactory) -> None:
    client = await start()
    health = await (await client.get("/health")).json()
    assert health["status"] == "ok" and health["active_jobs"] == 0
    document = await (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    served = {(route.method, route.resource.canonical) for route in client.app.router.routes()
              if route.method != "HEAD" and route.resource is not None}
    assert documented == served
    for path, item in document["paths"].items():  # each operation answers and declares its path's fields
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert set(re.findall(r"{(\w+)}", path)) <= declared and operation["responses"], (method, path)


async def test_upload_job_reports_each_file_and_a_corrupt_one_fails_alone(
        start: ClientFactory, library: list[Path], tmp_path: Path) -> None:
    client = await start()
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    form = file_form([library[0], corrupt, library[1]], names=["kick.wav", "../../etc/broken.wav", "hat.wav"])
    response = await client.post("/batch/analyze", data=form)
    assert response.status == 202
    job = await response.json()
    assert job["status"] == "queued" and job["total"] == 3
    state = await wait_for_status(client, job["job_id"])
    assert state["status"] == "completed"
    assert (state["processed"], state["total"], state["errors"], state["progress_percent"]) == (3, 3, 1, 100.0)
    assert state["created_at"] and state["started_at"] and state["finished_at"]
    body = await (await client.get(f"/batch/results/{job['job_id']}")).json()
    assert body["job_id"] == job["job_id"] and body["status"] == "completed"
    results = body["results"]
    assert [r["filename"] for r in results] == ["kick.wav", "broken.wav", "hat.wav"]  # no folder parts
    assert results[1]["error"]["code"] == "corrupt_data" and "analysis" not in results[1]
    assert results[0]["analysis"]["duration_s"] == pytest.approx(0.5, abs=0.01)
    assert results[0]["analysis"]["path"] is None  # the temporary file is not a client's business
    assert len(results[2]["analysis"]["embedding"]) == 71
    uploads = tmp_path / "data" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # temporary files removed at the end


async def test_library_paths_job_and_path_rules(start: ClientFactory, library: list[Path], tmp_path: Path) -> None:
    client = await start()
    response = await client.post("/batch/analyze", json={"paths": [str(library[0].parent)]})
    assert response.status == 202
    job = await response.json()
    assert job["total"] == len(library)
    state = await wait_for_status(client, job["job_id"])
    assert (state["status"], state["processed"], state["errors"]) == ("completed", len(library), 0)
    results = await all_results(client, job["job_id"], page=5)  # paging
    assert [r["index"] for r in results] == list(range(len(library)))
    assert [r["filename"] for r in results] == [str(p) for p in library]
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(library[0].read_bytes())
    for paths in ([str(outside)], [str(library[0].parent / ".." / "elsewhere.wav")]):
        refused = await client.post("/batch/analyze", json={"paths": paths})
        assert refused.status == 403
        assert (await refused.json())["error"]["code"] == "forbidden"
    for bad in ({"paths": []}, {"paths": "x"}, {"files": ["a"]}, [1, 2]):
        answer = await client.post("/batch/analyze", json=bad)
        assert answer.status == 400, bad
    broken_json = await client.post("/batch/analyze", data=b"{not json", headers={"Content-Type": "application/json"})
    assert broken_json.status == 400
    assert (await client.post("/batch/analyze", data=b"x", headers={"Content-Type": "text/plain"})).status == 415


async def test_unknown_jobs_and_routes_are_json_404s(start: ClientFactory, library: list[Path]) -> None:
    client = await start()
    for method, path in (("GET", "/batch/status/nope"), ("GET", "/batch/results/nope"),
                         ("DELETE", "/batch/jobs/nope"), ("GET", "/no/such/route")):
        response = await client.request(method, path)
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "not_found"
    job = await (await client.post("/batch/analyze", json={"paths": [str(library[0])]})).json()
    for params in ({"limit": "lots"}, {"limit": "0"}, {"limit": "1001"}, {"offset": "-1"}):
        bad_page = await client.get(f"/batch/results/{job['job_id']}", params=params)
        assert bad_page.status == 400, params
        assert "error" in await bad_page.json()
    wrong_method = await client.put("/batch/analyze")
    assert wrong_method.status == 405 and "error" in await wrong_method.json()


async def test_no_library_roots_means_no_paths(aiohttp_client: Any, tmp_path: Path, library: list[Path]) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    response = await client.post("/batch/analyze", json={"paths": [str(library[0])]})
    assert response.status == 403
    assert "--library" in (await response.json())["error"]["message"]


async def test_many_progress_subscribers_see_monotonic_progress_to_100(
        start: ClientFactory, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library" / "many", 40, seconds=4.0)
    client = await start(chunk_files=4)
    job = await (await client.post("/batch/analyze", json={"paths": [str(f) for f in files]})).json()

    async def subscribe() -> list[dict[str, Any]]:
        messages = []
        async with client.ws_connect(f"/ws/progress/{job['job_id']}") as ws:
            async for message in ws:
                assert message.type == WSMsgType.TEXT
                messages.append(message.json())
        return messages

    started = asyncio.get_running_loop().time()
    all_messages = await asyncio.gather(*(subscribe() for _ in range(6)))
    elapsed = asyncio.get_running_loop().time() - started
    for messages in all_messages:
        progress = [m["progress"] for m in messages]
        assert progress == sorted(progress)
        assert progress[-1] == 100.0
        final = messages[-1]
        assert final["final"] and final["status"] == "completed"
        assert (final["processed"], final["total"], final["errors"]) == (40, 40, 0)
        assert {"progress", "status", "processed", "total", "errors", "current_file"} <= final.keys()
    assert max(len(m) for m in all_messages) > 2  # intermediate states, not just first and last
    assert max(len(m) for m in all_messages) <= 10 * elapsed + 3  # at most ~10 a second (+ first and final)
    late = await subscribe()  # a subscriber after the end gets the final state, then the close
    assert len(late) == 1 and late[0]["final"] and late[0]["progress"] == 100.0
    assert (await client.get("/ws/progress/unknown")).status == 404
