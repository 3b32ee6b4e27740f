"""Running the app until SIGINT/SIGTERM, on the address the config names."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys

from aiohttp import web

from samplemind.server.app import create_app
from samplemind.server.background import SWITCH_INTERVAL_S
from samplemind.server.config import ServerConfig
from samplemind.server.folder_lock import DataFolderBusy


def serve(config: ServerConfig) -> None:
    """Serves until interrupted. With port 0 the system picks a free port; the line
    "serving on http://HOST:PORT" on stdout says which (scripts and tests read it).
    Job events, warnings and errors are logged to stderr (not every request)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sys.setswitchinterval(SWITCH_INTERVAL_S)  # the loop waits less for the GIL: see background.py
    asyncio.run(_serve(config))


async def _serve(config: ServerConfig) -> None:
    # No access log: formatting a line per request halved the search throughput (115 vs
    # 200 requests/s on two cores); job events and errors are still logged.
    runner = web.AppRunner(create_app(config), handle_signals=False, access_log=None)
    try:
        await runner.setup()
    except DataFolderBusy as error:
        print(f"samplemind: error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    host, port = runner.addresses[0][:2]
    # What start-up loaded (modules, the index's tables, the app) lives as long as the
    # server: out of the collector's sight, a full collection no longer walks it and
    # pauses every thread for 25-45 ms under load (the /health p99 of background.py).
    gc.freeze()
    print(f"serving on http://{host}:{port} (data folder {config.data_dir})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        print("stopping: running jobs resume at the next start", file=sys.stderr, flush=True)
        await runner.cleanup()
