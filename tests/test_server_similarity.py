"""Similarity routes: index by upload and by path, search by upload, key, vector and
path with limits, filters and weights, batch search, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

import samplemind
from samplemind.server import create_app
from tests.server_helpers import file_form, server_config, wait_for_status, write_library


@pytest.fixture
async def indexed(aiohttp_client: Any, tmp_path: Path) -> tuple[TestClient[Any, Any], list[Path]]:
    files = write_library(tmp_path / "library", 12)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(server_config(tmp_path / "data",
                                                                                 tmp_path / "library")))
    by_path = await client.post("/similarity/index", json={"paths": [str(f) for f in files[:9]]})
    assert by_path.status == 202
    uploaded = await client.post("/similarity/index", data=file_form(files[9:]))
    assert uploaded.status == 202
    for job in (await by_path.json(), await uploaded.json()):
        state = await wait_for_status(client, job["job_id"])
        assert (state["status"], state["kind"]) == ("completed", "index")
    return client, files


async def test_stats_count_what_was_indexed(indexed: tuple[TestClient[Any, Any], list[Path]]) -> None:
    client, _ = indexed
    stats = await (await client.get("/similarity/stats")).json()
    assert stats["total_indexed"] == 12
    assert stats["dimensions"] == sum(stats["aspects"].values()) == 71
    assert stats["embedding_version"] == 2 and stats["index_size_bytes"] > 0  # saved after the job


async def test_search_by_upload_finds_the_same_sound_first(
        indexed: tuple[TestClient[Any, Any], list[Path]]) -> None:
    client, files = indexed
    response = await client.post("/similarity/search", data=file_form([files[4]], field="file"),
                                 params={"limit": "5"})
    assert response.status == 200
    results = (await response.json())["results"]
    assert len(results) == 5
    assert results[0]["path"] == str(files[4]) and results[0]["similarity"] == pytest.approx(1.0, abs=1e-4)
    scores = [r["similarity"] for r in results]
    assert scores == sorted(scores, reverse=True)
    for field in ("sample_id", "duration_s", "key", "key_source", "is_loop", "loudness_lufs", "aspects"):
        assert field in results[0]
    assert results[0]["key"] == samplemind.analyze(files[4]).to_dict()["key"]  # the names of Analysis.to_dict()
    assert all((r["file_path"], r["similarity_score"]) == (r["path"], r["similarity"]) for r in results)  # aliases
    uploaded_sample = await client.post("/similarity/search", data=file_form([files[10]], field="file"))
    first = (await uploaded_sample.json())["results"][0]
    assert first["similarity_score"] == pytest.approx(1.0, abs=1e-4)
    assert Path(first["file_path"]).is_file()  # uploads indexed by the server are kept in its data folder


async def test_search_by_key_vector_and_path(indexed: tuple[TestClient[Any, Any], list[Path]]) -> None:
    client, files = indexed
    by_path = (await (await client.post("/similarity/search", json={"path": str(files[2])})).json())["results"]
    sample_id = by_path[0]["sample_id"]
    by_id = (await (await client.post("/similarity/search", json={"sample_id": sample_id})).json())["results"]
    assert [r["path"] for r in by_id] == [r["path"] for r in by_path]
    by_alias = (await (await client.post("/similarity/search", json={"key": sample_id})).json())["results"]
    assert by_alias == by_id  # the first server's name for the id still works
    some = await client.post("/similarity/search", json={"vector": [0.1] * 71}, params={"limit": 3})
    assert len((await some.json())["results"]) == 3


async def test_limits_min_similarity_filters_and_weights(indexed: tuple[TestClient[Any, Any], list[Path]]) -> None:
    client, files = indexed
    query = {"path": str(files[0])}
    strict = (await (await client.post("/similarity/search", json=query,
                                       params={"min_similarity": "0.95", "limit": "100"})).json())["results"]
    assert strict and all(r["similarity_score"] >= 0.95 for r in strict)
    short = (await (await client.post("/similarity/search", json=query,
                                      params={"duration_min": "0", "duration_max": "0.4"})).json())["results"]
    assert short == []  # every sample is 0.5 s long
    no_loops = (await (await client.post("/similarity/search", json=query, params={"loops": "none"})).json())
    assert no_loops["results"] and all(not r["is_loop"] for r in no_loops["results"])
    plain = (await (await client.post("/similarity/search", json=query, params={"limit": 12})).json())["results"]
    weighted = (await (await client.post("/similarity/search", json=query,
                                         params={"limit": 12, "weights": "rhythm:5,timbre:0.1"})).json())["results"]
    assert [r["file_path"] for r in plain] != [r["file_path"] for r in weighted]
    in_body = (await (await client.post("/similarity/search", json={**query, "weights": {"rhythm": 5, "timbre": 0.1}},
                                        params={"limit": 12})).json())["results"]
    assert [r["file_path"] for r in in_body] == [r["file_path"] for r in weighted]
    # The command line's spellings: NAME=W weights and LO-HI ranges.
    equals = (await (await client.post("/similarity/search", json=query,
                                       params={"limit": 12, "weights": "rhythm=5,timbre=0.1"})).json())["results"]
    assert [r["file_path"] for r in equals] == [r["file_path"] for r in weighted]
    ranged = (await (await client.post("/similarity/search", json=query, params={"duration": "0-0.4"})).json())
    assert ranged["results"] == short
    wide = (await (await client.post("/similarity/search", json=query, params={"duration": "0.1-1"})).json())
    assert wide["results"] and all(0.1 <= r["duration_s"] <= 1 for r in wide["results"])


@pytest.mark.parametrize("params, body, status", [
    ({"limit": "0"}, {"key": 1}, 400),
    ({"limit": "101"}, {"key": 1}, 400),
    ({"limit": "ten"}, {"key": 1}, 400),
    ({"min_similarity": "1.5"}, {"key": 1}, 400),
    ({"tempo_min": "fast"}, {"key": 1}, 400),
    ({"tempo": "fast"}, {"key": 1}, 400),
    ({"tempo": "140-120"}, {"key": 1}, 400),
    ({"key": "X major"}, {"key": 1}, 400),
    ({"loops": "sometimes"}, {"key": 1}, 400),
    ({"weights": "colour:1"}, {"key": 1}, 400),
    ({"weights": "timbre:-1"}, {"key": 1}, 400),
    ({}, {"sample_id": 999_999}, 404),
    ({}, {"sample_id": "one"}, 400),
    ({}, {"vector": [1.0, 2.0]}, 400),
    ({}, {"vector": [float("nan")] * 71}, 400),
    ({}, {"path": "/etc/passwd"}, 403),
    ({}, {}, 400),
])
async def test_bad_search_input_is_a_clear_4xx(indexed: tuple[TestClient[Any, Any], list[Path]],
                                               params: dict[str, str], body: dict[str, Any], status: int) -> None:
    client, _ = indexed
    if body.get("vector") and body["vector"][0] != body["vector"][0]:  # NaN is not JSON: send the text
        response = await client.post("/similarity/search", data='{"vector": [NaN]}', params=params,
                                     headers={"Content-Type": "application/json"})
    else:
        response = await client.post("/similarity/search", json=body, params=params)
    assert response.status == status
    assert set((await response.json())["error"]) == {"code", "message"}


async def test_a_corrupt_query_path_is_400(indexed: tuple[TestClient[Any, Any], list[Path]], tmp_path: Path) -> None:
    client, _ = indexed
    junk = tmp_path / "library" / "junk.wav"  # inside the library root, not indexed
    junk.write_bytes(b"RIFF" + b"\xff" * 100)
    response = await client.post("/similarity/search", json={"path": str(junk)})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "corrupt_data"


async def test_a_corrupt_query_upload_is_400(indexed: tuple[TestClient[Any, Any], list[Path]], tmp_path: Path) -> None:
    client, _ = indexed
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF" + b"\xff" * 100)
    response = await client.post("/similarity/search", data=file_form([junk], field="file"))
    assert response.status == 400
    assert "cannot be analysed" in (await response.json())["error"]["message"]
    assert not any((tmp_path / "data" / "tmp").iterdir())


async def test_batch_search_answers_each_query(indexed: tuple[TestClient[Any, Any], list[Path]]) -> None:
    client, files = indexed
    first = (await (await client.post("/similarity/search", json={"path": str(files[0])})).json())["results"]
    queries = [{"sample_id": first[0]["sample_id"]}, {"path": str(files[1])}, {"vector": [0.2] * 71}]
    response = await client.post("/similarity/batch-search", json={"queries": queries}, params={"limit": 4})
    assert response.status == 200
    answers = (await response.json())["results"]
    assert [len(a) for a in answers] == [4, 4, 4]
    assert answers[0][0]["path"] == str(files[0]) and answers[1][0]["path"] == str(files[1])
    for bad in ({"queries": []}, {"queries": [1]}, {"queries": [{"key": 1}] * 1001}, {}):
        assert (await client.post("/similarity/batch-search", json=bad)).status == 400


async def test_a_server_on_an_older_index_rebuilds_it_in_a_job(aiohttp_client: Any, tmp_path: Path) -> None:
    import asyncio
    import sqlite3

    from samplemind import SimilarityIndex

    files = write_library(tmp_path / "library", 6)
    with SimilarityIndex(tmp_path / "data") as index:
        assert index.add_paths(files) == []
    with sqlite3.connect(tmp_path / "data" / "samplemind.sqlite3") as db:
        db.execute("UPDATE samples SET embedding_version = 1")  # as an older SampleMind left it
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    for _ in range(600):
        stats = await (await client.get("/similarity/stats")).json()
        if stats["total_indexed"] == 6:
            break
        await asyncio.sleep(0.05)
    assert stats["total_indexed"] == 6
    found = await (await client.post("/similarity/search", json={"path": str(files[2])})).json()
    assert found["results"][0]["file_path"] == str(files[2])
