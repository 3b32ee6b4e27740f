"""samplemind.StreamingAnalyzer: analysis of audio that arrives in blocks (live input)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from samplemind import _core
from samplemind._analysis import Analysis
from samplemind._config import AnalysisConfig

__all__ = ["RunningDescriptors", "StreamingAnalyzer"]


@dataclass(frozen=True)
class RunningDescriptors:
    """What the audio pushed so far sounds like; cheap to read after every block."""

    seconds: float
    """Audio received, seconds at the source rate."""
    peak_dbfs: float
    rms_dbfs: float
    """Level over everything so far."""
    momentary_lufs: float
    """BS.1770 momentary loudness: the last 400 ms, ungated."""
    pitch_hz: float
    """Latest pitch estimate; 0 when unvoiced or unsure."""
    pitch_confidence: float
    centroid_hz: float
    """Spectral centroid of the latest STFT frame."""
    onset_count: int
    """Onsets so far, decided online from energy rises (finish() detects them again)."""
    last_onset_s: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class StreamingAnalyzer:
    """Push blocks of samples, read running descriptors, then finish() once.

    Blocks are float arrays at ``sample_rate`` Hz: 1-D interleaved, or 2-D
    ``(frames, channels)``. Memory stays bounded however long the stream. Thread-safe
    (calls are serialised); the GIL is released while samples are processed.
    """

    def __init__(self, sample_rate: float, channels: int, *, config: AnalysisConfig | None = None) -> None:
        cfg = config if config is not None else AnalysisConfig()
        cfg.validate()
        self.sample_rate = float(sample_rate)
        self.channels = int(channels)
        self._core = _core.StreamingAnalyzer(cfg._to_core(), self.sample_rate, self.channels)
        self._lock = threading.Lock()
        self._finished = False

    def push(self, block: npt.ArrayLike) -> None:
        samples = np.ascontiguousarray(block, dtype=np.float32)
        if samples.ndim == 2 and samples.shape[1] != self.channels:
            raise ValueError(f"block has {samples.shape[1]} channels, the stream has {self.channels}")
        if samples.ndim not in (1, 2):
            raise ValueError(f"block must be 1-D (interleaved) or 2-D (frames, channels), got {samples.ndim}-D")
        with self._lock:
            if self._finished:
                raise ValueError("push() after finish(): start a new StreamingAnalyzer")
            self._core.push(samples.reshape(-1))

    def running(self) -> RunningDescriptors:
        with self._lock:
            raw = self._core.running()
        return RunningDescriptors(
            seconds=float(raw["seconds_pushed"]),
            peak_dbfs=float(raw["peak_dbfs"]),
            rms_dbfs=float(raw["rms_dbfs"]),
            momentary_lufs=float(raw["momentary_lufs"]),
            pitch_hz=float(raw["pitch_hz"]),
            pitch_confidence=float(raw["pitch_confidence"]),
            centroid_hz=float(raw["last_centroid_hz"]),
            onset_count=int(raw["onset_count"]),
            last_onset_s=float(raw["last_onset_s"]) if raw["last_onset_s"] >= 0 else None,
        )

    def finish(self) -> Analysis:
        """The full analysis of everything pushed (as analyze() of the whole stream)."""
        with self._lock:
            if self._finished:
                raise ValueError("finish() was already called")
            self._finished = True
            return Analysis._from_core(self._core.finish())
