"""Shared inputs for the benchmarks: generated once per session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


def three_second_stereo(sr: int = 44100) -> np.ndarray:
    """A 3 s stereo one-shot: a decaying harmonic note with a noisy attack."""
    t = np.arange(3 * sr) / sr
    note = sum(np.sin(2 * np.pi * 110 * h * t) / h for h in range(1, 16)) * np.exp(-1.2 * t)
    attack = np.random.default_rng(0).standard_normal(t.size) * np.exp(-25 * t)
    return (0.2 * np.stack([note + attack, note - attack], axis=1)).astype(np.float32)


@pytest.fixture(scope="session")
def wav_3s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "one-shot-3s.wav"
    sf.write(str(path), three_second_stereo(), 44100, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def flac_3s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "one-shot-3s.flac"
    sf.write(str(path), three_second_stereo(), 44100, subtype="PCM_16")
    return path
