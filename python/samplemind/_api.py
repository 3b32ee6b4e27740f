"""samplemind.analyze(): one file or one array."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from samplemind import _core
from samplemind._analysis import Analysis
from samplemind._config import AnalysisConfig
from samplemind._sndfile import sndfile_path

__all__ = ["analyze"]

_DEFAULT_CONFIG = AnalysisConfig()
# A 2-D array with at most this many rows, and more columns than rows, is taken as
# (channels, frames) the way librosa lays it out; otherwise as (frames, channels).
_MAX_CHANNEL_ROWS = 64


def analyze(
    source: str | os.PathLike[str] | npt.ArrayLike,
    *,
    sample_rate: float | None = None,
    config: AnalysisConfig | None = None,
) -> Analysis:
    """Analyse an audio file or an array of samples.

    ``source`` is a path, or a 1-D (mono) or 2-D array: ``(frames, channels)`` as
    ``soundfile.read`` returns it, or ``(channels, frames)`` as librosa does (rows
    <= 64 and fewer rows than columns). Float arrays are taken as [-1, 1] full scale;
    integer arrays are scaled by their type's range. ``sample_rate`` (Hz) is required
    for arrays and not accepted for paths. The GIL is released while the core works.

    Raises ``AnalysisError`` subclasses for a file that cannot be analysed and
    ``ValueError`` for invalid arguments.
    """
    cfg = config if config is not None else _DEFAULT_CONFIG
    if isinstance(source, (str, os.PathLike)):
        if sample_rate is not None:
            raise ValueError(
                "sample_rate is only for arrays; a file's rate comes from its header "
                "(set the analysis rate with config=AnalysisConfig(sample_rate=...))"
            )
        raw: dict[str, Any] = _core.analyze_file(os.fspath(source), cfg._to_core(), sndfile_path())
    else:
        if sample_rate is None:
            raise ValueError("sample_rate is required when source is an array (Hz, e.g. 44100)")
        samples = _as_frames_by_channels(source)
        raw = _core.analyze_buffer(samples, float(sample_rate), cfg._to_core())
    return Analysis._from_core(raw)


def _as_frames_by_channels(source: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """A C-contiguous float32 (frames, channels) copy or view of `source`."""
    array = np.asarray(source)
    if array.dtype.kind == "f":
        floats = array.astype(np.float32, copy=False)
    elif array.dtype.kind in "iu":
        info = np.iinfo(array.dtype)
        offset = (int(info.max) + 1) // 2 if array.dtype.kind == "u" else 0
        scale = float(int(info.max) - offset + 1)
        floats = ((array.astype(np.float64) - offset) / scale).astype(np.float32)
    else:
        raise ValueError(f"source dtype must be float or integer, got {array.dtype}")
    if floats.ndim == 1:
        floats = floats[:, np.newaxis]
    elif floats.ndim == 2:
        rows, cols = floats.shape
        if rows <= _MAX_CHANNEL_ROWS and rows < cols:
            floats = floats.T
    else:
        raise ValueError(f"source must be 1-D or 2-D, got {floats.ndim} dimensions (shape {floats.shape})")
    if floats.shape[0] == 0:
        raise ValueError("source has no samples; pass at least one frame")
    return np.ascontiguousarray(floats)
