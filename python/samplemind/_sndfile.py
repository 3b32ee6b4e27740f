"""Where the libsndfile the core loads at run time lives."""

from __future__ import annotations

import ctypes.util
import functools
import importlib.util
from pathlib import Path

__all__ = ["sndfile_path"]


@functools.cache
def sndfile_path() -> str:
    """The libsndfile shipped inside the ``soundfile`` wheel, else the system's.

    Returns "" when neither is found; the core then tries the loader's default
    search path and reports formats that need libsndfile as unsupported.
    """
    spec = importlib.util.find_spec("_soundfile_data")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            for candidate in sorted(Path(folder).glob("libsndfile*")):
                if candidate.suffix in {".so", ".dylib", ".dll"}:
                    return str(candidate)
    return ctypes.util.find_library("sndfile") or ""
