"""Hostile or malformed requests get a 4xx with the JSON error body, never a 500, and
results are always finite (issue: hardening the server)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from aiohttp.test_utils import TestClient

from samplemind.server import create_app
from tests.server_helpers import server_config, wait_for_status, write_library


@pytest.fixture
async def client(aiohttp_client: Any, tmp_path: Path) -> TestClient[Any, Any]:
    files = write_library(tmp_path / "library", 3)
    served: TestClient[Any, Any] = await aiohttp_client(create_app(server_config(tmp_path / "data",
                                                                                  tmp_path / "library")))
    job = await (await served.post("/similarity/index", json={"paths": [str(f) for f in files]})).json()
    assert (await wait_for_status(served, job["job_id"]))["status"] == "completed"
    return served


@pytest.mark.parametrize(("route", "kwargs"), [
    ("/batch/analyze", {"json": {"paths": ["/tmp/a\x00b.wav"]}}),
    ("/similarity/search", {"json": {"path": "/tmp/a\x00b.wav"}}),
    ("/similarity/search", {"json": {"key": 2**63}}),
    ("/similarity/search", {"json": {"key": -1}}),  # keys are positive
    ("/similarity/search", {"json": {"key": 1, "filters": [1, 2]}}),
    ("/similarity/search", {"json": {"key": 1, "filters": "tempo"}}),
    ("/similarity/search?weights=timbre:1e39", {"json": {"key": 1}}),
    ("/similarity/search?weights=timbre:nan", {"json": {"key": 1}}),
    ("/similarity/batch-search", {"json": {"queries": [{"key": 1}], "filters": 3}}),
    ("/similarity/search", {"data": b'{"key": 1}', "headers": {"Content-Type": "application/json; charset=bogus"}}),
    ("/similarity/search", {"data": b"\xff\xfe{", "headers": {"Content-Type": "application/json"}}),
])
async def test_malformed_requests_are_400(client: TestClient[Any, Any], route: str, kwargs: dict[str, Any]) -> None:
    response = await client.post(route, **kwargs)
    assert response.status == 400, await response.text()
    body = await response.json()
    assert body["error"]["code"] and body["error"]["message"]


async def test_a_non_utf8_authorization_header_is_401(aiohttp_client: Any, tmp_path: Path) -> None:
    served = await aiohttp_client(create_app(server_config(tmp_path / "data", token="secret")))
    response = await served.get("/similarity/stats", headers={"Authorization": b"Bearer \xff\xfe".decode("latin-1")})
    assert response.status == 401
    assert (await response.json())["error"]["code"]


async def test_huge_samples_give_finite_results(client: TestClient[Any, Any], tmp_path: Path) -> None:
    loud = tmp_path / "library" / "loud.wav"
    sf.write(loud, np.full(22050, 1e38, np.float32) * np.sign(np.sin(np.arange(22050) / 5.0)).astype(np.float32),
             22050, subtype="FLOAT")
    job = await (await client.post("/batch/analyze", json={"paths": [str(loud)]})).json()
    await wait_for_status(client, job["job_id"])
    body = await (await client.get(f"/batch/results/{job['job_id']}")).text()
    assert "NaN" not in body and "Infinity" not in body
    search = await client.post("/similarity/search", json={"path": str(loud)})
    assert search.status in (200, 400)
    text = await search.text()
    assert "NaN" not in text and "Infinity" not in text
    if search.status == 200:
        assert all(math.isfinite(r["similarity"]) for r in (await search.json())["results"])
    huge = await client.post("/similarity/search", json={"vector": [1e38] * 71})  # scaled, not overflowed
    assert huge.status == 200
    assert (await huge.json())["results"][0]["similarity"] > 0


async def test_a_link_inside_the_library_cannot_reach_outside(aiohttp_client: Any, tmp_path: Path) -> None:
    library, outside = tmp_path / "library", tmp_path / "outside"
    write_library(library, 1)
    secret = write_library(outside, 1)[0]
    (library / "links").mkdir()
    (library / "links" / "evil.wav").symlink_to(secret)
    (library / "escape").symlink_to(outside, target_is_directory=True)
    served = await aiohttp_client(create_app(server_config(tmp_path / "data", library)))
    for body in ({"paths": [str(library / "links")]}, {"paths": [str(library)]},
                 {"paths": [str(library / "links" / "evil.wav")]}):
        for route in ("/batch/analyze", "/similarity/index"):
            response = await served.post(route, json=body)
            assert response.status == 403, (route, body, await response.text())
            assert "outside the library" in (await response.json())["error"]["message"]
    search = await served.post("/similarity/search", json={"path": str(library / "escape" / secret.name)})
    assert search.status == 403


async def test_the_same_folder_named_twice_is_one_set_of_files(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 3)
    served = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    folder = str(tmp_path / "library")
    job = await (await served.post("/batch/analyze", json={"paths": [folder] * 500 + [str(files[0])]})).json()
    state = await wait_for_status(served, job["job_id"])
    assert (state["status"], state["total"]) == ("completed", 3)
