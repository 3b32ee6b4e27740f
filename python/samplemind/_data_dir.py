"""Where SampleMind keeps its data: one folder for the SQLite database and indexes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["default_data_dir", "resolve_data_dir"]

ENV_VAR = "SAMPLEMIND_DATA_DIR"


def default_data_dir() -> Path:
    """$SAMPLEMIND_DATA_DIR, else the user's cache directory plus "samplemind"."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "samplemind"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "samplemind" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "samplemind"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The folder to use (created if missing): `data_dir`, or the default."""
    folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
