"""Seeded synthetic audio with known answers, shared by the test suites."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf

SR = 22050
N_FFT = 2048
HOP = 512

Signal = npt.NDArray[np.float32]


def tone(freq_hz: float, seconds: float, sr: int = SR, amplitude: float = 0.5) -> Signal:
    """A sine starting at phase 0."""
    t = np.arange(int(round(seconds * sr))) / sr
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def bin_centred(bin_index: int, seconds: float, sr: int = SR, n_fft: int = N_FFT) -> Signal:
    """A sine exactly on an FFT bin's centre frequency."""
    return tone(bin_index * sr / n_fft, seconds, sr)


def chirp(f0: float, f1: float, seconds: float, sr: int = SR) -> Signal:
    t = np.arange(int(seconds * sr)) / sr
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))
    return (0.5 * np.sin(phase)).astype(np.float32)


def noise(seconds: float, sr: int = SR, seed: int = 0, amplitude: float = 0.1) -> Signal:
    rng = np.random.default_rng(seed)
    return (amplitude * rng.standard_normal(int(seconds * sr))).astype(np.float32)


def impulse(length: int, at: int = 0) -> Signal:
    y = np.zeros(length, np.float32)
    y[at] = 1.0
    return y


@pytest.fixture
def write_audio(tmp_path: Path) -> Callable[..., Path]:
    """Writes an array with soundfile and returns the path."""

    def write(name: str, data: npt.ArrayLike, sr: int = SR, **kwargs: object) -> Path:
        path = tmp_path / name
        sf.write(str(path), np.asarray(data), sr, **kwargs)  # type: ignore[arg-type]
        return path

    return write
