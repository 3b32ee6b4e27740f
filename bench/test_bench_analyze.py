"""Whole-file analysis against librosa computing the same descriptors, in the same
run and on the same file.

- samplemind.analyze(): decode, mono, resample to 22,050 Hz, every descriptor.
- librosa (a), the usual way: librosa.load(sr=22050) then each feature function on
  the signal (each computes its own STFT).
- librosa (b), sharing one STFT: the magnitude spectrogram computed once and handed
  to every spectral function.
- soundfile.read: decoding alone (the floor for FLAC).

Run: python -m pytest bench/test_bench_analyze.py --benchmark-only
"""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf

import samplemind

SR = 22050


SPECTRAL = ("spectral_centroid", "spectral_bandwidth", "spectral_rolloff", "spectral_contrast")


def librosa_usual(path: Path) -> dict[str, np.ndarray]:
    """Each feature function on the signal: every one computes its own STFT."""
    y, sr = librosa.load(str(path), sr=SR)
    features = {name: getattr(librosa.feature, name)(y=y, sr=sr) for name in SPECTRAL}
    features["flatness"] = librosa.feature.spectral_flatness(y=y)
    features["zcr"] = librosa.feature.zero_crossing_rate(y)
    features["rms"] = librosa.feature.rms(y=y)
    features["mel"] = librosa.feature.melspectrogram(y=y, sr=sr)
    features["mfcc"] = librosa.feature.mfcc(y=y, sr=sr)
    return features


def librosa_full(path: Path) -> dict[str, object]:
    """The usual pipeline plus what the musical descriptors need: pyin for pitch,
    beat_track for tempo, chroma with Krumhansl-Kessler for key, onsets, and pyloudnorm
    for loudness on the original channels."""
    import pyloudnorm

    features: dict[str, object] = dict(librosa_usual(path))
    y, sr = librosa.load(str(path), sr=SR)
    features["f0"] = librosa.pyin(y, fmin=30, fmax=4200, sr=sr)[0]
    features["tempo"] = librosa.beat.beat_track(y=y, sr=sr)[0]
    features["chroma"] = librosa.feature.chroma_stft(y=y, sr=sr).mean(axis=1)
    features["onsets"] = librosa.onset.onset_detect(y=y, sr=sr)
    original, rate = sf.read(str(path), dtype="float64")
    meter = pyloudnorm.Meter(rate)
    if len(original) > meter.block_size * rate:
        features["lufs"] = meter.integrated_loudness(original)
    return features


def librosa_shared_stft(path: Path) -> dict[str, np.ndarray]:
    """One magnitude spectrogram handed to every spectral function."""
    y, sr = librosa.load(str(path), sr=SR)
    magnitude = np.abs(librosa.stft(y))
    features = {name: getattr(librosa.feature, name)(S=magnitude, sr=sr) for name in SPECTRAL}
    features["flatness"] = librosa.feature.spectral_flatness(S=magnitude)
    features["zcr"] = librosa.feature.zero_crossing_rate(y)
    features["rms"] = librosa.feature.rms(S=magnitude)
    features["mel"] = librosa.feature.melspectrogram(S=magnitude**2, sr=sr)
    features["mfcc"] = librosa.feature.mfcc(S=librosa.power_to_db(features["mel"]), sr=sr)
    return features


@pytest.mark.benchmark(group="analyze-wav-3s-44k-stereo")
def test_wav_samplemind(benchmark, wav_3s: Path) -> None:  # type: ignore[no-untyped-def]
    result = benchmark(samplemind.analyze, wav_3s)
    assert result.n_frames == 1 + (3 * SR) // 512


@pytest.mark.benchmark(group="analyze-wav-3s-44k-stereo")
def test_wav_librosa_usual(benchmark, wav_3s: Path) -> None:  # type: ignore[no-untyped-def]
    features = benchmark(librosa_usual, wav_3s)
    assert features["mfcc"].shape[0] == 20


@pytest.mark.benchmark(group="analyze-wav-3s-44k-stereo")
def test_wav_librosa_shared_stft(benchmark, wav_3s: Path) -> None:  # type: ignore[no-untyped-def]
    features = benchmark(librosa_shared_stft, wav_3s)
    assert features["mfcc"].shape[0] == 20


@pytest.mark.benchmark(group="analyze-wav-3s-44k-stereo")
def test_wav_decode_only(benchmark, wav_3s: Path) -> None:  # type: ignore[no-untyped-def]
    benchmark(sf.read, str(wav_3s), dtype="float32")


@pytest.mark.benchmark(group="analyze-flac-3s-44k-stereo")
def test_flac_samplemind(benchmark, flac_3s: Path) -> None:  # type: ignore[no-untyped-def]
    result = benchmark(samplemind.analyze, flac_3s)
    assert result.container == "flac"


@pytest.mark.benchmark(group="analyze-flac-3s-44k-stereo")
def test_flac_librosa_usual(benchmark, flac_3s: Path) -> None:  # type: ignore[no-untyped-def]
    benchmark(librosa_usual, flac_3s)


@pytest.mark.benchmark(group="analyze-flac-3s-44k-stereo")
def test_flac_librosa_shared_stft(benchmark, flac_3s: Path) -> None:  # type: ignore[no-untyped-def]
    benchmark(librosa_shared_stft, flac_3s)


@pytest.mark.benchmark(group="analyze-flac-3s-44k-stereo")
def test_flac_decode_only(benchmark, flac_3s: Path) -> None:  # type: ignore[no-untyped-def]
    benchmark(sf.read, str(flac_3s), dtype="float32")
