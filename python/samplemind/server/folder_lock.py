"""One server per data folder: two would run the same jobs twice and keep two graphs."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class DataFolderBusy(RuntimeError):
    """Another server holds the data folder."""


def lock_data_folder(data_dir: Path) -> IO[str]:
    """Holds an exclusive lock on ``<data_dir>/server.lock`` until the returned file is
    closed (or the process dies: the kernel drops the lock, so kill -9 leaves none)."""
    handle = open(data_dir / "server.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held open
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise DataFolderBusy(f"another samplemind server (pid {holder}) uses the data folder {data_dir}; "
                             "stop it, or give this one its own --data-dir") from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
