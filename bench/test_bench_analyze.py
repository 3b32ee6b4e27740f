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


def librosa_usual(path: Path) -> dict[str, np.ndarray]:
    y, sr = librosa.load(str(path), sr=SR)
    return {
        "centroid": librosa.feature.spectral_centroid(y=y, sr=sr),
        "bandwidth": librosa.feature.spectral_bandwidth(y=y, sr=sr),
        "rolloff": librosa.feature.spectral_rolloff(y=y, sr=sr),
        "flatness": librosa.feature.spectral_flatness(y=y),
        "contrast": librosa.feature.spectral_contrast(y=y, sr=sr),
        "zcr": librosa.feature.zero_crossing_rate(y),
        "rms": librosa.feature.rms(y=y),
        "mel": librosa.feature.melspectrogram(y=y, sr=sr),
        "mfcc": librosa.feature.mfcc(y=y, sr=sr),
    }


def librosa_shared_stft(path: Path) -> dict[str, np.ndarray]:
    y, sr = librosa.load(str(path), sr=SR)
    magnitude = np.abs(librosa.stft(y))
    power = magnitude**2
    mel = librosa.feature.melspectrogram(S=power, sr=sr)
    return {
        "centroid": librosa.feature.spectral_centroid(S=magnitude, sr=sr),
        "bandwidth": librosa.feature.spectral_bandwidth(S=magnitude, sr=sr),
        "rolloff": librosa.feature.spectral_rolloff(S=magnitude, sr=sr),
        "flatness": librosa.feature.spectral_flatness(S=magnitude),
        "contrast": librosa.feature.spectral_contrast(S=magnitude, sr=sr),
        "zcr": librosa.feature.zero_crossing_rate(y),
        "rms": librosa.feature.rms(S=magnitude),
        "mel": mel,
        "mfcc": librosa.feature.mfcc(S=librosa.power_to_db(mel), sr=sr),
    }


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
