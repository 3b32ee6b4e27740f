"""StreamingAnalyzer: running descriptors while blocks arrive, and a final analysis
equal to analysing the whole buffer at once."""

from __future__ import annotations

import numpy as np
import pytest
import pyloudnorm

import samplemind
from tests.musical_signals import SR, click_track, midi_hz, note


def push_in_blocks(stream: samplemind.StreamingAnalyzer, samples: np.ndarray, block: int) -> None:
    for start in range(0, len(samples), block):
        stream.push(samples[start:start + block])


def test_finish_equals_whole_buffer_analysis() -> None:
    audio = click_track(120, beats=8)
    stream = samplemind.StreamingAnalyzer(SR, 1)
    push_in_blocks(stream, audio, 1000)  # a block size unrelated to the hop or chunk sizes
    streamed = stream.finish()
    whole = samplemind.analyze(audio, sample_rate=SR)
    assert streamed.tempo_bpm == whole.tempo_bpm == pytest.approx(120, abs=0.5)
    np.testing.assert_allclose(streamed.embedding, whole.embedding, rtol=1e-5, atol=1e-6)
    assert streamed.loudness_lufs == pytest.approx(whole.loudness_lufs, abs=1e-6)


def test_running_pitch_level_and_centroid_of_a_sine() -> None:
    t = np.arange(2 * SR) / SR
    mono = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    stream = samplemind.StreamingAnalyzer(SR, 2)
    push_in_blocks(stream, np.stack([mono, mono], axis=1), 512)
    running = stream.running()
    assert running.seconds == pytest.approx(2.0)
    assert running.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert running.rms_dbfs == pytest.approx(-9.03, abs=0.01)
    assert running.pitch_hz == pytest.approx(440.0, rel=0.002)  # 8 cents
    assert running.pitch_confidence > 0.9
    assert running.centroid_hz == pytest.approx(440.0, rel=0.01)
    assert running.onset_count == 1
    # Momentary loudness of a steady tone equals its integrated loudness (pyloudnorm).
    expected = pyloudnorm.Meter(SR).integrated_loudness(np.stack([mono, mono], axis=1).astype(np.float64))
    assert running.momentary_lufs == pytest.approx(expected, abs=0.1)


def test_running_onsets_count_the_clicks_as_they_arrive() -> None:
    audio = click_track(120, beats=8)  # a click every 0.5 s from t = 0
    stream = samplemind.StreamingAnalyzer(SR, 1)
    counts = []
    for start in range(0, len(audio), SR // 2):
        stream.push(audio[start:start + SR // 2])
        counts.append(stream.running().onset_count)
    assert counts == sorted(counts)
    assert counts[-1] == 8
    last = stream.running().last_onset_s
    assert last is not None and last == pytest.approx(3.5, abs=0.1)


def test_unpitched_noise_reports_no_running_pitch() -> None:
    rng = np.random.default_rng(0)
    stream = samplemind.StreamingAnalyzer(SR, 1)
    stream.push((0.2 * rng.standard_normal(SR)).astype(np.float32))
    assert stream.running().pitch_hz == 0.0


def test_note_pitch_while_streaming() -> None:
    stream = samplemind.StreamingAnalyzer(SR, 1)
    push_in_blocks(stream, note(45, 1.0, decay=0.5), 256)
    assert stream.running().pitch_hz == pytest.approx(midi_hz(45), rel=0.006)  # 10 cents


def test_invalid_use_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="channels"):
        samplemind.StreamingAnalyzer(SR, 0)
    with pytest.raises(ValueError, match="sample_rate"):
        samplemind.StreamingAnalyzer(0, 1)
    stream = samplemind.StreamingAnalyzer(SR, 2)
    with pytest.raises(ValueError, match="channels"):
        stream.push(np.zeros((10, 3), np.float32))
    with pytest.raises(ValueError, match="whole number"):
        stream.push(np.zeros(5, np.float32))
    stream.push(np.zeros((10, 2), np.float32))
    stream.finish()
    with pytest.raises(ValueError, match="after finish"):
        stream.push(np.zeros((10, 2), np.float32))
    with pytest.raises(ValueError, match="already"):
        stream.finish()


def test_silence_and_nan_give_finite_running_values() -> None:
    stream = samplemind.StreamingAnalyzer(SR, 1)
    block = np.zeros(SR, np.float32)
    block[100] = np.nan
    stream.push(block)
    values = stream.running().to_dict()
    floats = [v for v in values.values() if isinstance(v, float)]
    assert floats and all(np.isfinite(v) for v in floats)
    assert values["onset_count"] == 0
