"""Who may call the server: the token only where it belongs, and the browser checks
(Origin, Host) that keep other sites' pages from driving a server on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samplemind.server import create_app
from tests.server_helpers import server_config, write_library


async def test_a_query_string_token_opens_only_websocket_handshakes(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", token="secret")))
    sneaky = await client.get("/similarity/stats?access_token=secret",
                              headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert sneaky.status == 401
    assert (await client.get("/similarity/stats", headers={"Authorization": "Bearer secret"})).status == 200
    ws = await client.ws_connect("/ws/analysis?access_token=secret")
    await ws.close()


async def test_cross_site_writes_and_foreign_hosts_are_refused(aiohttp_client: Any, tmp_path: Path) -> None:
    files = write_library(tmp_path / "library", 1)
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library",
                                                           allowed_origins=("https://app.example",))))
    body = {"paths": [str(files[0])]}
    evil = await client.post("/batch/analyze", json=body, headers={"Origin": "https://evil.example"})
    assert evil.status == 403 and "origin 'https://evil.example'" in (await evil.json())["error"]["message"]
    assert (await client.post("/batch/analyze", json=body, headers={"Origin": "https://app.example"})).status == 202
    assert (await client.post("/batch/analyze", json=body)).status == 202  # not a browser: no Origin
    own = f"http://{client.host}:{client.port}"
    assert (await client.post("/batch/analyze", json=body, headers={"Origin": own})).status == 202
    rebound = await client.get("/similarity/stats", headers={"Host": "evil.example:8000"})
    assert rebound.status == 403 and "is not this server's" in (await rebound.json())["error"]["message"]
    assert (await client.get("/health", headers={"Host": "localhost:8000"})).status == 200
