"""The core's real FFT against numpy.fft.rfft."""

from __future__ import annotations

import numpy as np
import pytest

from samplemind import _core

SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 65536]


def relative_error(ours: np.ndarray, reference: np.ndarray) -> float:
    return float(np.abs(ours - reference).max() / max(np.abs(reference).max(), 1e-30))


@pytest.mark.parametrize("n", SIZES)
def test_random_input_matches_numpy(n: int) -> None:
    x = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    ours = _core.rfft(x)
    assert ours.shape == (n // 2 + 1,) and ours.dtype == np.complex64
    # float32 arithmetic: error grows like log2(n) * eps; 2e-6 leaves headroom at 64k.
    assert relative_error(ours, np.fft.rfft(x.astype(np.float64))) < 2e-6


@pytest.mark.parametrize("n", [16, 2048])
def test_edge_cases(n: int) -> None:
    cases = {
        "zeros": np.zeros(n, np.float32),
        "impulse": np.eye(1, n, 0, dtype=np.float32)[0],
        "late impulse": np.eye(1, n, n - 1, dtype=np.float32)[0],
        "dc": np.ones(n, np.float32),
        "nyquist": np.tile(np.array([1, -1], np.float32), n // 2),
        "bin-centred sine": np.sin(2 * np.pi * 5 * np.arange(n) / n).astype(np.float32),
    }
    for name, x in cases.items():
        ours = _core.rfft(x)
        reference = np.fft.rfft(x.astype(np.float64))
        assert np.abs(ours - reference).max() < 1e-5 * max(1.0, np.abs(reference).max()), name
    zeros = _core.rfft(cases["zeros"])
    assert np.all(zeros == 0)


def test_bin_centred_sine_peaks_in_its_bin() -> None:
    n, k = 2048, 93
    x = np.cos(2 * np.pi * k * np.arange(n) / n).astype(np.float32)
    spectrum = np.abs(_core.rfft(x))
    assert int(np.argmax(spectrum)) == k
    assert spectrum[k] == pytest.approx(n / 2, rel=1e-5)
    others = np.delete(spectrum, k)
    assert others.max() < 1e-3


def test_batch_of_rows_and_noncontiguous_input_needs_explicit_copy() -> None:
    x = np.random.default_rng(0).standard_normal((7, 5, 256)).astype(np.float32)
    ours = _core.rfft(x)
    assert ours.shape == (7, 5, 129)
    assert relative_error(ours, np.fft.rfft(x.astype(np.float64), axis=-1)) < 1e-6
    strided = x[:, :, ::2]  # a view with stride 2: the binding refuses hidden copies
    with pytest.raises(TypeError):
        _core.rfft(strided)
    assert relative_error(_core.rfft(np.ascontiguousarray(strided)), np.fft.rfft(strided.astype(np.float64))) < 1e-6


@pytest.mark.parametrize("n", [1, 3, 8, 1000, 131072])
def test_invalid_size_raises_value_error_naming_n_fft(n: int) -> None:
    with pytest.raises(ValueError, match="n_fft must be a power of two"):
        _core.rfft(np.zeros(n, np.float32))
