"""Descriptors against signals with known answers, and the edge cases that must
stay finite."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import samplemind
from tests.conftest import N_FFT, SR, bin_centred, impulse, noise, tone

KEEP = samplemind.AnalysisConfig(keep_frames=True)


def all_finite(result: samplemind.Analysis) -> bool:
    """True when every number in the result (and its JSON form) is finite."""
    text = json.dumps(result.to_dict(), allow_nan=False)  # raises on NaN/Inf
    return bool(text) and all(np.isfinite(v).all() for v in (result.mel_mean_db, result.mfcc_mean, result.mfcc_std))


def test_bin_centred_sine_centroid_and_mel_peak() -> None:
    k = 93  # 1001.3 Hz
    freq = k * SR / N_FFT
    result = samplemind.analyze(bin_centred(k, 2.0), sample_rate=SR, config=KEEP)
    assert result.tracks is not None
    inner = result.tracks["centroid_hz"][4:-4]  # away from the zero-padded edges
    # Hann leakage is symmetric around a bin-centred tone: the centroid is the tone.
    assert np.abs(inner - freq).max() < 0.5
    # Hann magnitudes 1/4, 1/2, 1/4 around the tone: 85 % is reached one bin above it.
    assert np.all(result.tracks["rolloff_hz"][4:-4] == pytest.approx(freq + SR / N_FFT))
    mel_edges = samplemind._core.mel_filterbank(SR, N_FFT, 128, 0.0, SR / 2)
    expected_band = int(np.argmax(mel_edges[:, k]))  # the band whose triangle peaks nearest the tone
    assert int(np.argmax(result.mel_mean_db)) == expected_band
    assert result.flatness.mean < 1e-3  # a pure tone is as un-flat as it gets


def test_white_noise_is_flat_and_bright() -> None:
    result = samplemind.analyze(noise(3.0, amplitude=0.3), sample_rate=SR)
    assert 0.4 < result.flatness.mean < 0.7  # white noise: about 0.56 for a Hann-windowed STFT
    assert result.centroid_hz.mean == pytest.approx(SR / 4, rel=0.03)
    assert result.zcr.mean == pytest.approx(0.5, abs=0.02)


def test_levels_of_a_known_sine() -> None:
    result = samplemind.analyze(tone(1000, 1.0, amplitude=0.5), sample_rate=SR)
    assert result.peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.01)
    assert result.rms_dbfs == pytest.approx(20 * math.log10(0.5 / math.sqrt(2)), abs=0.01)
    assert result.dc_offset == pytest.approx(0.0, abs=1e-4)
    assert result.clipped_samples == 0
    assert result.leading_silence_s == pytest.approx(1 / SR)  # sample 0 of a sine is 0


def test_silence_is_finite_and_documented() -> None:
    result = samplemind.analyze(np.zeros(SR, np.float32), sample_rate=SR)
    assert all_finite(result)
    assert result.peak_dbfs == result.rms_dbfs == -160.0
    assert result.centroid_hz.mean == 0.0 and result.bandwidth_hz.mean == 0.0 and result.rolloff_hz.mean == 0.0
    assert result.leading_silence_s == result.trailing_silence_s == result.duration_s == 1.0
    np.testing.assert_allclose(result.mel_mean_db, -100.0, atol=1e-4)  # power_to_db floor: 10 log10(1e-10)


@pytest.mark.parametrize("length", [1, 2, N_FFT - 1, N_FFT, N_FFT + 1])
def test_tiny_inputs(length: int) -> None:
    result = samplemind.analyze(noise(1.0, seed=length)[:length], sample_rate=SR)
    assert all_finite(result)
    assert result.frames == length
    assert result.n_frames == 1 + length // 512


def test_one_sample_file_at_another_rate(tmp_path: object) -> None:
    result = samplemind.analyze(np.array([0.5], np.float32), sample_rate=44100)
    assert result.n_frames == 1 and result.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert all_finite(result)


def test_dc_only_signal() -> None:
    result = samplemind.analyze(np.full(SR, 0.25, np.float32), sample_rate=SR, config=KEEP)
    assert all_finite(result) and result.tracks is not None
    assert result.dc_offset == pytest.approx(0.25, abs=1e-6)
    assert result.zcr.max == 0.0
    # Hann-windowed DC: magnitudes 1/2, 1/4 in bins 0 and 1, so the centroid is a third
    # of a bin; only the frames that straddle the signal's ends see a step.
    assert np.median(result.tracks["centroid_hz"]) == pytest.approx(SR / N_FFT / 3, rel=1e-3)


def test_non_finite_samples_are_counted_and_replaced() -> None:
    y = tone(440, 1.0)
    where = [10, 500, 9000]
    zeroed = y.copy()
    zeroed[where] = 0.0
    y[where] = [np.nan, np.inf, -np.inf]
    dirty = samplemind.analyze(y, sample_rate=SR)
    assert dirty.non_finite_samples == 3
    assert all_finite(dirty)
    expected = samplemind.analyze(zeroed, sample_rate=SR).to_dict()
    assert {**dirty.to_dict(), "non_finite_samples": 0} == expected


def test_clipping_and_silence_boundaries() -> None:
    y = np.zeros(SR * 2, np.float32)
    y[SR // 2 : SR] = tone(200, 0.5, amplitude=1.2).clip(-1, 1)  # a clipped burst from 0.5 s to 1.0 s
    result = samplemind.analyze(y, sample_rate=SR)
    assert result.clipped_samples > 1000
    assert result.leading_silence_s == pytest.approx(0.5, abs=2 / SR)
    assert result.trailing_silence_s == pytest.approx(1.0, abs=5e-3)  # the sine's last loud sample


def test_impulse_is_broadband() -> None:
    result = samplemind.analyze(impulse(SR, at=SR // 2), sample_rate=SR, config=KEEP)
    assert result.tracks is not None
    loudest = int(np.argmax(result.tracks["rms"]))
    assert result.tracks["flatness"][loudest] > 0.5


def test_stereo_mix_and_orientation() -> None:
    left, right = tone(300, 1.0), tone(3000, 1.0)
    frames_first = np.stack([left, right], axis=1)  # (frames, channels), soundfile's layout
    channels_first = frames_first.T  # (channels, frames), librosa's layout
    a = samplemind.analyze(frames_first, sample_rate=SR)
    b = samplemind.analyze(channels_first, sample_rate=SR)
    assert a.channels == b.channels == 2
    assert a.to_dict() == b.to_dict()
    mono = samplemind.analyze((left + right) / 2, sample_rate=SR)
    assert a.centroid_hz.mean == pytest.approx(mono.centroid_hz.mean, rel=1e-6)


def test_integer_and_non_contiguous_arrays() -> None:
    y = tone(440, 1.0)
    as_int16 = np.round(y * 32767).astype(np.int16)
    ints = samplemind.analyze(as_int16, sample_rate=SR)
    floats = samplemind.analyze(y, sample_rate=SR)
    assert ints.peak_dbfs == pytest.approx(floats.peak_dbfs, abs=0.01)
    stereo = np.stack([y, y, y, y], axis=1)
    view = stereo[::2, ::2]  # non-contiguous in both axes
    assert not view.flags["C_CONTIGUOUS"]
    result = samplemind.analyze(view, sample_rate=SR / 2)
    assert result.channels == 2 and result.frames == len(y) // 2


def harmonic_note(sr: int) -> np.ndarray:
    """A decaying 250 Hz note with harmonics to 8 kHz: the same sound at any rate >= 22.05 kHz."""
    t = np.arange(2 * sr) / sr
    y = sum(np.sin(2 * np.pi * 250 * h * t) / h for h in range(1, 33))
    return (0.3 * y * np.exp(-t * 1.5)).astype(np.float32)


def test_same_sound_at_other_rates_gives_the_same_descriptors() -> None:
    base = samplemind.analyze(harmonic_note(22050), sample_rate=22050)
    for sr in (44100, 48000, 96000):
        other = samplemind.analyze(harmonic_note(sr), sample_rate=sr)
        assert other.centroid_hz.mean == pytest.approx(base.centroid_hz.mean, rel=0.005), sr
        assert other.rms.mean == pytest.approx(base.rms.mean, rel=0.005), sr
        np.testing.assert_allclose(other.mfcc_mean, base.mfcc_mean, atol=0.5)
        assert other.duration_s == pytest.approx(2.0)
        assert int(np.argmax(other.mel_mean_db)) == int(np.argmax(base.mel_mean_db))


def test_to_dict_round_trips_and_is_json() -> None:
    result = samplemind.analyze(tone(440, 0.5), sample_rate=SR)
    data = json.loads(json.dumps(result.to_dict()))
    again = samplemind.Analysis.from_dict(data)
    assert again.to_dict() == result.to_dict()
    for key in ("path", "duration_s", "sample_rate", "channels", "peak_dbfs", "rms_dbfs", "mfcc_mean", "mfcc_std"):
        assert key in data
    data["loop_confidence"] = data.pop("is_loop_confidence")  # as 0.3.0 and earlier wrote it
    assert samplemind.Analysis.from_dict(data).is_loop_confidence == result.is_loop_confidence


def test_file_analysis_with_parallel_stages_equals_in_memory_analysis(tmp_path: object) -> None:
    """Files over a second run their frames on a second thread; the numbers must not move."""
    import soundfile as sf
    from pathlib import Path

    y = np.stack([harmonic_note(44100), noise(2.0, sr=44100, seed=5)], axis=1)
    path = Path(str(tmp_path)) / "long.wav"
    sf.write(str(path), y, 44100, subtype="FLOAT")
    from_file = samplemind.analyze(path).to_dict()
    from_array = samplemind.analyze(y.astype(np.float32), sample_rate=44100).to_dict()
    for key in ("path", "container", "sample_format", "decoder"):
        from_file.pop(key), from_array.pop(key)
    assert from_file == from_array
