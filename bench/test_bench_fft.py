"""FFT throughput: the core's real FFT against scipy.fft and numpy.fft on the same
float32 frames (n = 2048, single thread), 256 frames per call so Python's call
overhead does not dominate.

Run: python -m pytest bench/test_bench_fft.py --benchmark-only
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.fft

from samplemind import _core

FRAMES = np.random.default_rng(0).standard_normal((256, 2048)).astype(np.float32)


@pytest.mark.benchmark(group="rfft-2048-x256")
def test_samplemind_rfft(benchmark) -> None:  # type: ignore[no-untyped-def]
    out = benchmark(_core.rfft, FRAMES)
    assert out.shape == (256, 1025)


@pytest.mark.benchmark(group="rfft-2048-x256")
def test_scipy_rfft(benchmark) -> None:  # type: ignore[no-untyped-def]
    out = benchmark(scipy.fft.rfft, FRAMES, axis=-1, workers=1)
    assert out.dtype == np.complex64


@pytest.mark.benchmark(group="rfft-2048-x256")
def test_numpy_rfft(benchmark) -> None:  # type: ignore[no-untyped-def]
    benchmark(np.fft.rfft, FRAMES, axis=-1)
