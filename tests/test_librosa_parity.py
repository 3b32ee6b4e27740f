"""Frame-by-frame agreement with librosa on the same signal at the same rate.

Tolerances: our STFT runs in float32 (librosa's in float64, cast to complex64), so
spectral shape descriptors agree to ~1e-6 relative; rolloff and ZCR are exact
except where a float32 cumulative sum ties with the threshold (one bin); mel power
in dB within 1e-3 dB; MFCC within 1e-3 absolute.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import samplemind
from tests.conftest import SR, chirp, noise, tone

KEEP = samplemind.AnalysisConfig(keep_frames=True)
# librosa warns (rightly) that a 2047-sample input is shorter than n_fft; we compare anyway.
pytestmark = pytest.mark.filterwarnings("ignore:n_fft=2048 is too large:UserWarning")


def signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    mix = tone(440, 1.5) + 0.5 * chirp(200, 8000, 1.5) + noise(1.5, seed=2, amplitude=0.05)
    gated = mix.copy()
    gated[:3000] = 0.0  # leading silence: exercises the top_db floor and edge padding
    drums = np.zeros(SR * 2, np.float32)
    for start in range(0, drums.size - 2000, SR // 4):
        drums[start : start + 2000] += (rng.standard_normal(2000) * np.exp(-np.arange(2000) / 300)).astype(np.float32)
    return {
        "tone+chirp+noise": mix,
        "gated": gated,
        "drum hits": 0.5 * drums,
        "short (n_fft - 1)": mix[:2047],
        "odd length": mix[:12345],
    }


SIGNALS = signals()


@pytest.fixture(scope="module", params=sorted(SIGNALS))
def case(request: pytest.FixtureRequest) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    y = SIGNALS[request.param]
    tracks = samplemind.analyze(y, sample_rate=SR, config=KEEP).tracks
    assert tracks is not None
    return y, tracks


def test_frame_count(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    assert tracks["centroid_hz"].shape == (1 + len(y) // 512,)


def test_spectral_centroid_and_bandwidth(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    np.testing.assert_allclose(tracks["centroid_hz"], librosa.feature.spectral_centroid(y=y, sr=SR)[0], rtol=1e-5, atol=1e-2)
    np.testing.assert_allclose(tracks["bandwidth_hz"], librosa.feature.spectral_bandwidth(y=y, sr=SR)[0], rtol=1e-5, atol=1e-2)


def test_rolloff(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    reference = librosa.feature.spectral_rolloff(y=y, sr=SR)[0]
    assert np.abs(tracks["rolloff_hz"] - reference).max() <= SR / 2048 + 1e-3  # at most one bin


def test_flatness(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    np.testing.assert_allclose(tracks["flatness"], librosa.feature.spectral_flatness(y=y)[0], rtol=1e-4, atol=1e-7)


def test_zero_crossing_rate_and_rms(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    np.testing.assert_array_equal(tracks["zcr"], librosa.feature.zero_crossing_rate(y)[0].astype(np.float32))
    np.testing.assert_allclose(tracks["rms"], librosa.feature.rms(y=y)[0], rtol=1e-5, atol=1e-7)


def test_mel_spectrogram_db(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    reference = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR), top_db=80.0).T
    np.testing.assert_allclose(tracks["mel_db"], reference, atol=1e-3)


def test_mfcc(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, tracks = case
    np.testing.assert_allclose(tracks["mfcc"], librosa.feature.mfcc(y=y, sr=SR).T, atol=1e-3)


def test_onset_strength(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    """librosa's spectral flux on the same dB mel spectrogram, floored 50 dB under its
    maximum (the core floors under the loudest value so far: the same thing on
    signals shorter than one 8,192-frame block)."""
    y, tracks = case
    mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR), top_db=80.0)
    floored = np.maximum(mel_db, mel_db.max() - 50.0)
    reference = librosa.onset.onset_strength(S=floored, lag=1, max_size=1, aggregate=np.mean, center=False)
    assert tracks["onset_strength"].shape == reference.shape
    assert reference.max() > 0.1  # every signal here has onsets to agree on
    np.testing.assert_allclose(tracks["onset_strength"], reference, atol=1e-3)


def test_summary_statistics_are_the_tracks_statistics(case: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    y, _ = case
    result = samplemind.analyze(y, sample_rate=SR)
    mfcc = librosa.feature.mfcc(y=y, sr=SR)
    np.testing.assert_allclose(result.mfcc_mean, mfcc.mean(axis=1), atol=1e-3)
    np.testing.assert_allclose(result.mfcc_std, mfcc.std(axis=1), atol=1e-3)
    centroid = librosa.feature.spectral_centroid(y=y, sr=SR)[0]
    assert result.centroid_hz.mean == pytest.approx(centroid.mean(), rel=1e-5)
    assert result.centroid_hz.std == pytest.approx(centroid.std(), rel=1e-4, abs=1e-3)
    mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR), top_db=80.0)
    np.testing.assert_allclose(result.mel_mean_db, mel_db.mean(axis=1), atol=1e-3)


def test_spectral_contrast_where_librosas_global_top_db_does_not_bite() -> None:
    """librosa clamps peak and valley to 80 dB below the global maximum; on a signal
    with no band that far down the definitions coincide."""
    y = tone(440, 1.0) + noise(1.0, seed=9, amplitude=0.2)
    tracks = samplemind.analyze(y, sample_rate=SR, config=KEEP).tracks
    assert tracks is not None
    reference = librosa.feature.spectral_contrast(y=y, sr=SR).T
    np.testing.assert_allclose(tracks["contrast_db"], reference, atol=1e-3)


def test_mel_filterbank_matches_librosa() -> None:
    from samplemind import _core

    for sr, n_fft, n_mels, fmin, fmax in [(22050, 2048, 128, 0.0, 11025.0), (44100, 1024, 40, 50.0, 16000.0)]:
        ours = _core.mel_filterbank(sr, n_fft, n_mels, fmin, fmax)
        reference = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
        np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-8)


def test_chroma_mean_matches_chroma_stft() -> None:
    """chroma_mean is librosa's chroma_stft at tuning 0, averaged over frames."""
    for name, y in SIGNALS.items():
        result = samplemind.analyze(y, sample_rate=SR)
        reference = librosa.feature.chroma_stft(y=y, sr=SR, n_fft=2048, hop_length=512, tuning=0.0).mean(axis=1)
        np.testing.assert_allclose(result.chroma_mean, reference, atol=1e-6, err_msg=name)


# Not the defaults: another rate, FFT size, hop, band count and mel range.
OTHER = samplemind.AnalysisConfig(sample_rate=16000, n_fft=1024, hop_length=256, n_mels=64, n_mfcc=13, fmin=60.0,
                                  fmax=7000.0, keep_frames=True)


def test_tracks_match_librosa_at_another_configuration() -> None:
    y = SIGNALS["tone+chirp+noise"]
    resampled = samplemind.analyze(y, sample_rate=SR, config=OTHER)  # the core resamples to 16 kHz itself
    at_16k = librosa.resample(y, orig_sr=SR, target_sr=16000)
    tracks = samplemind.analyze(at_16k, sample_rate=16000, config=OTHER).tracks
    assert tracks is not None and resampled.tracks is not None
    stft = {"sr": 16000, "n_fft": 1024, "hop_length": 256}
    assert tracks["centroid_hz"].shape == (1 + len(at_16k) // 256,)
    np.testing.assert_allclose(tracks["centroid_hz"], librosa.feature.spectral_centroid(y=at_16k, **stft)[0],
                               rtol=1e-5, atol=1e-2)
    np.testing.assert_allclose(tracks["bandwidth_hz"], librosa.feature.spectral_bandwidth(y=at_16k, **stft)[0],
                               rtol=1e-5, atol=1e-2)
    mel = librosa.feature.melspectrogram(y=at_16k, n_mels=64, fmin=60.0, fmax=7000.0, **stft)
    np.testing.assert_allclose(tracks["mel_db"], librosa.power_to_db(mel, top_db=80.0).T, atol=1e-3)
    mfcc = librosa.feature.mfcc(y=at_16k, n_mfcc=13, n_mels=64, fmin=60.0, fmax=7000.0, **stft)
    np.testing.assert_allclose(tracks["mfcc"], mfcc.T, atol=1e-3)
    # The core's own resampler lands on the same frames and nearly the same numbers.
    assert resampled.tracks["centroid_hz"].shape == tracks["centroid_hz"].shape
    np.testing.assert_allclose(resampled.mfcc_mean, mfcc.mean(axis=1), atol=0.5)
