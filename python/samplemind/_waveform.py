"""samplemind.compute_waveform(): the peaks a sample browser draws, from the C++ core."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from samplemind import _core
from samplemind._sndfile import sndfile_path

__all__ = ["MAX_WAVEFORM_WIDTH", "Waveform", "compute_waveform"]

MAX_WAVEFORM_WIDTH = 8192


@dataclass(frozen=True)
class Waveform:
    min: npt.NDArray[np.float32]
    """The lowest sample over every channel in each column's stretch of time, in [-1, 1]."""
    max: npt.NDArray[np.float32]
    duration_s: float
    sample_rate: int


def compute_waveform(path: str | os.PathLike[str], width: int = 512) -> Waveform:
    """The file's waveform in `width` columns (1 to 8192), read once, streaming. Raises
    AnalysisError subclasses as analyze() does, ValueError for a bad width."""
    if not 1 <= width <= MAX_WAVEFORM_WIDTH:
        raise ValueError(f"width must be in [1, {MAX_WAVEFORM_WIDTH}], got {width}")
    raw = _core.compute_waveform(os.fspath(path), int(width), sndfile_path())
    return Waveform(raw["min"], raw["max"], float(raw["duration_s"]), int(raw["sample_rate"]))
