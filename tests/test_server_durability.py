"""Server jobs survive: DELETE stops the engine, a restart (graceful or kill -9) loses
nothing and redoes nothing, and a file that keeps killing the process is failed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from samplemind.server import create_app
from samplemind.server.job_store import JobStore
from tests.server_helpers import all_results, file_form, server_config, wait_for_status, write_library


async def test_delete_stops_the_work_and_removes_uploads(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 40, seconds=8.0)
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", chunk_files=2, workers=1)))
    job = await (await client.post("/batch/analyze", data=file_form(files))).json()
    upload_dir = tmp_path / "data" / "uploads" / job["job_id"]
    assert upload_dir.is_dir() and len(list(upload_dir.iterdir())) == 40
    await wait_for_status(client, job["job_id"], ("running",))
    response = await client.delete(f"/batch/jobs/{job['job_id']}")
    assert response.status == 200
    assert (await response.json())["status"] == "cancelled"
    state = await (await client.get(f"/batch/status/{job['job_id']}")).json()
    assert state["status"] == "cancelled" and state["processed"] < 40
    await asyncio.sleep(0.5)  # an absence cannot be polled for: give a running file time to land
    later = await (await client.get(f"/batch/status/{job['job_id']}")).json()
    assert later["processed"] == state["processed"]  # the scheduler stopped: nothing more finishes
    assert not upload_dir.exists()
    assert len(await all_results(client, job["job_id"])) == state["processed"]
    forget = await client.delete(f"/batch/jobs/{job['job_id']}")  # a finished job is deleted
    assert (await forget.json())["status"] == "deleted"
    assert (await client.get(f"/batch/status/{job['job_id']}")).status == 404


async def test_a_queued_job_can_be_cancelled_and_overload_is_503(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 20, seconds=8.0)
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library",
                                                           max_queued_jobs=2, chunk_files=1, workers=1)))
    paths = {"paths": [str(f) for f in files]}
    first = await (await client.post("/batch/analyze", json=paths)).json()
    second = await (await client.post("/batch/analyze", json=paths)).json()
    overloaded = await client.post("/batch/analyze", json=paths)
    assert overloaded.status == 503
    assert (await overloaded.json())["error"]["code"] == "overloaded"
    assert (await (await client.delete(f"/batch/jobs/{second['job_id']}")).json())["status"] == "cancelled"
    assert (await (await client.delete(f"/batch/jobs/{first['job_id']}")).json())["status"] == "cancelled"
    assert (await client.post("/batch/analyze", json=paths)).status == 202  # room again


async def test_a_new_app_on_the_same_folder_resumes_without_redoing(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 30, seconds=6.0)
    config = server_config(tmp_path / "data", tmp_path / "library", chunk_files=2, workers=1)
    first = await aiohttp_client(create_app(config))
    job = await (await first.post("/batch/analyze", data=file_form(files))).json()
    state = await wait_for_status(first, job["job_id"], ("running",))
    while state["processed"] < 4:
        state = await (await first.get(f"/batch/status/{job['job_id']}")).json()
        await asyncio.sleep(0.02)
    await first.close()  # a graceful stop mid-job
    before = {r["index"]: r for r in await _results_in(tmp_path / "data", job["job_id"])}
    assert 4 <= len(before) < 30

    second = await aiohttp_client(create_app(config))
    final = await wait_for_status(second, job["job_id"])
    assert (final["status"], final["processed"], final["errors"]) == ("completed", 30, 0)
    results = await all_results(second, job["job_id"])
    assert [r["index"] for r in results] == list(range(30))  # each file once
    for index, result in before.items():
        assert results[index]["analysis"] == result["analysis"]
    store = JobStore(tmp_path / "data" / "samplemind.sqlite3")
    attempts = store.attempts(job["job_id"])
    store.close()
    assert before and all(attempts[i] == 1 for i in before)  # finished files were not run again
    assert not (tmp_path / "data" / "uploads" / job["job_id"]).exists()


async def _results_in(data_dir: Path, job_id: str) -> list[dict[str, Any]]:
    store = JobStore(data_dir / "samplemind.sqlite3")
    try:
        return store.results(job_id, 0, 10_000)
    finally:
        store.close()


async def test_a_file_that_keeps_killing_the_server_is_failed_after_three_attempts(
        aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 4)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # What three crashes leave behind: file 1 was in flight each time (three attempts, no
    # result); file 2 was in flight once, next to it.
    store = JobStore(data_dir / "samplemind.sqlite3")
    store.create("crashy", "analyze", [(str(f), str(f)) for f in files], None)
    store.set_status("crashy", "running")
    for _ in range(3):
        store.begin_attempt("crashy", [1])
    store.begin_attempt("crashy", [2])
    store.close()
    client = await aiohttp_client(create_app(server_config(data_dir)))
    final = await wait_for_status(client, "crashy")
    assert (final["status"], final["processed"], final["errors"]) == ("completed", 4, 1)
    results = await all_results(client, "crashy")
    assert results[1]["error"]["code"] == "crashed"
    assert "3 times" in results[1]["error"]["message"]
    assert all("analysis" in results[i] for i in (0, 2, 3))
    store = JobStore(data_dir / "samplemind.sqlite3")
    assert store.attempts("crashy") == {0: 1, 1: 3, 2: 2, 3: 1}
    store.close()


def _start_server(data_dir: Path, library: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "samplemind", "serve", "--port", "0", "--data-dir", str(data_dir),
         "--library", str(library), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("serving on "), line
    return process, line.split()[2]


async def _get(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with session.get(url) as response:
        body: dict[str, Any] = await response.json()
        return body


async def test_kill_minus_nine_of_samplemind_serve_loses_nothing(tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 48, seconds=10.0)
    data_dir = tmp_path / "data"
    process, base = _start_server(data_dir, tmp_path / "library")
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/batch/analyze", data=file_form(files)) as response:
                assert response.status == 202
                uploaded = (await response.json())["job_id"]
            async with session.post(f"{base}/batch/analyze", json={"paths": [str(f) for f in files]}) as response:
                by_path = (await response.json())["job_id"]
            deadline = time.monotonic() + 60
            # One chunk stored: the results route reads the store ("processed" in the
            # status also counts files still in flight, which a kill loses).
            while len((await _get(session, f"{base}/batch/results/{uploaded}?limit=1000"))["results"]) < 16:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.01)
    finally:
        _kill(process)
    finished_before = {r["index"]: r for r in await _results_in(data_dir, uploaded)}
    assert 16 <= len(finished_before) < 48

    process, base = _start_server(data_dir, tmp_path / "library")
    try:
        async with aiohttp.ClientSession() as session:
            for job_id in (uploaded, by_path):
                deadline = time.monotonic() + 120
                while (state := await _get(session, f"{base}/batch/status/{job_id}"))["status"] != "completed":
                    assert time.monotonic() < deadline, state
                    await asyncio.sleep(0.05)
                assert (state["processed"], state["errors"]) == (48, 0)
                results = (await _get(session, f"{base}/batch/results/{job_id}?limit=1000"))["results"]
                assert [r["index"] for r in results] == list(range(48))  # every file, once
            after = (await _get(session, f"{base}/batch/results/{uploaded}?limit=1000"))["results"]
            assert all(after[i] == result for i, result in finished_before.items())
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        _close(process)
    store = JobStore(data_dir / "samplemind.sqlite3")
    attempts = store.attempts(uploaded)
    store.close()
    assert finished_before and all(attempts[i] == 1 for i in finished_before)  # not redone
    assert max(attempts.values()) <= 2  # files in flight at the kill ran once more, nothing else
    assert not (data_dir / "uploads" / uploaded).exists()


def _kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)  # no cleanup runs
    process.wait()
    _close(process)


def _close(process: subprocess.Popen[str]) -> None:
    if process.stdout is not None:
        process.stdout.close()


@pytest.mark.parametrize("reason", ["disconnect"])
async def test_a_client_that_disconnects_mid_upload_leaves_no_files(
        aiohttp_client: Any, tmp_path: Path, reason: str) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    boundary = "sm-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.wav\"\r\n"
            "Content-Type: audio/wav\r\n\r\n").encode() + b"\0" * 300_000
    writer.write((f"POST /batch/analyze HTTP/1.1\r\nHost: {host}:{port}\r\n"
                  f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                  f"Content-Length: {len(head) + 10_000_000}\r\n\r\n").encode() + head)
    await writer.drain()
    uploads = tmp_path / "data" / "uploads"
    deadline = time.monotonic() + 10
    while not (uploads.exists() and any(uploads.iterdir())):  # the upload has started on disk
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    writer.close()  # the client goes away mid-body
    deadline = time.monotonic() + 10
    while any(uploads.iterdir()):
        assert time.monotonic() < deadline, list(uploads.iterdir())
        await asyncio.sleep(0.02)
    assert (await client.get("/health")).status == 200


async def test_shutdown_closes_open_websockets_promptly(tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 80, seconds=10.0)  # several seconds on one worker
    process, base = _start_server(tmp_path / "data", tmp_path / "library")
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/batch/analyze", json={"paths": [str(f) for f in files]}) as response:
                job_id = (await response.json())["job_id"]
            async with session.ws_connect(f"{base}/ws/progress/{job_id}") as progress, \
                    session.ws_connect(f"{base}/ws/analysis") as live:
                await live.send_json({"sample_rate": 44100, "channels": 1})
                await live.receive_json()
                await progress.receive_json()
                started = time.monotonic()
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=20) == 0
                assert time.monotonic() - started < 10  # not aiohttp's 60 s shutdown timeout
                last_state: dict[str, Any] = {}
                while (message := await progress.receive()).type == aiohttp.WSMsgType.TEXT:
                    last_state = message.json()
                assert message.type == aiohttp.WSMsgType.CLOSE
                assert message.data == aiohttp.WSCloseCode.GOING_AWAY and not last_state.get("final")
                assert (await live.receive()).data == aiohttp.WSCloseCode.GOING_AWAY
    finally:
        if process.poll() is None:
            _kill(process)
        _close(process)


async def test_an_upload_cut_off_before_its_202_is_cleaned_at_start(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 2)
    config = server_config(tmp_path / "data", tmp_path / "library")
    first = await aiohttp_client(create_app(config))
    job = await (await first.post("/similarity/index", data=file_form(files))).json()
    await wait_for_status(first, job["job_id"])
    await first.close()
    kept = tmp_path / "data" / "samples" / job["job_id"]
    orphan = tmp_path / "data" / "samples" / "0123456789abcdef"  # as kill -9 mid-upload leaves it
    orphan.mkdir()
    (orphan / "000000.wav").write_bytes(b"RIFF")
    second = await aiohttp_client(create_app(config))
    assert (await second.get("/health")).status == 200
    assert not orphan.exists() and len(list(kept.iterdir())) == 2  # indexed uploads stay


def test_a_second_server_on_the_same_data_folder_is_refused(tmp_path: Path) -> None:
    write_library(tmp_path / "library", 1)
    first, _ = _start_server(tmp_path / "data", tmp_path / "library")
    try:
        second = subprocess.run(
            [sys.executable, "-m", "samplemind", "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"another samplemind server (pid {first.pid}) uses the data folder" in second.stderr
    finally:
        _kill(first)
    third, _ = _start_server(tmp_path / "data", tmp_path / "library")  # kill -9 left no lock behind
    _kill(third)


async def test_a_job_that_broke_with_files_left_resumes_at_start(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 4)
    (tmp_path / "data").mkdir()
    store = JobStore(tmp_path / "data" / "samplemind.sqlite3")
    store.create("broken-job", "index", [(f.name, str(f)) for f in files], None)
    store.set_status("broken-job", "failed")  # as a bug or a full disk left it, every file pending
    store.close()
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    state = await wait_for_status(client, "broken-job")
    assert (state["status"], state["processed"], state["errors"]) == ("completed", 4, 0)
    assert state["finished_at"] is not None
    assert (await (await client.get("/similarity/stats")).json())["total_indexed"] == 4


async def test_a_write_ahead_log_deleted_under_the_server_stops_new_work(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 1)
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    assert (await client.get("/health")).status == 200
    (tmp_path / "data" / "samplemind.sqlite3-wal").unlink()
    health = await client.get("/health")
    body = await health.json()
    assert health.status == 503 and body["status"] == "damaged" and "samplemind.sqlite3-wal was removed" in body["reason"]
    refused = await client.post("/batch/analyze", json={"paths": [str(files[0])]})
    assert refused.status == 503 and "the job store is damaged" in (await refused.json())["error"]["message"]
