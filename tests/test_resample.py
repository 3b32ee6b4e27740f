"""The band-limited resampler: length, passband accuracy, alias rejection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from samplemind import _core

RATES = [(44100, 22050), (48000, 22050), (96000, 22050), (22050, 44100), (8000, 22050), (44100, 48000), (37800, 22050)]


@pytest.mark.parametrize("in_rate,out_rate", RATES)
def test_length_and_passband_sine(in_rate: int, out_rate: int) -> None:
    seconds = 0.5
    n = int(in_rate * seconds)
    freq = 1000.0
    x = np.sin(2 * np.pi * freq * np.arange(n) / in_rate).astype(np.float32)
    y = _core.resample(x, in_rate, out_rate)
    assert len(y) == math.ceil(n * out_rate / in_rate)
    expected = np.sin(2 * np.pi * freq * np.arange(len(y)) / out_rate)
    inner = slice(200, len(y) - 200)  # away from the signal's own start and end
    assert np.abs(y[inner] - expected[inner]).max() < 2e-3  # about -54 dB, float32 taps


@pytest.mark.parametrize("in_rate", [44100, 48000, 96000])
def test_tones_above_the_new_nyquist_are_removed(in_rate: int) -> None:
    n = in_rate
    x = np.sin(2 * np.pi * 15000 * np.arange(n) / in_rate).astype(np.float32)
    y = _core.resample(x, in_rate, 22050)
    inner = y[500:-500]
    assert 20 * np.log10(np.sqrt(np.mean(inner**2)) / np.sqrt(0.5)) < -70


def test_identity_and_edge_lengths() -> None:
    x = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    np.testing.assert_array_equal(_core.resample(x, 22050, 22050), x)
    for n in (0, 1, 2, 3):
        assert len(_core.resample(x[:n], 44100, 22050)) == math.ceil(n / 2)


def test_impulse_response_is_symmetric_low_pass() -> None:
    x = np.zeros(4001, np.float32)
    x[2000] = 1.0
    y = _core.resample(x, 44100, 22050)
    centre = 1000
    assert int(np.argmax(y)) == centre
    np.testing.assert_allclose(y[centre - 50 : centre], y[centre + 50 : centre : -1], atol=1e-6)
    assert y.sum() == pytest.approx(0.5, rel=1e-3)  # unity DC gain for a halved rate
