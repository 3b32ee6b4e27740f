"""The similarity embedding: layout, invariance to rate and level, and whether
neighbours are of the same kind on a generated labelled set."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy.signal import resample_poly

import samplemind
from tests.musical_signals import SR, drum_loop, note

Make = Callable[[np.random.Generator, int], np.ndarray]


def resampled(make: Make, seed: int, sr: int) -> np.ndarray:
    return make(np.random.default_rng(seed), sr)


def kick_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    t = np.arange(int(rng.uniform(0.3, 0.6) * sr)) / sr
    freq = rng.uniform(40, 60) + rng.uniform(60, 120) * np.exp(-t * rng.uniform(25, 45))
    return np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t * rng.uniform(8, 16))


def snare_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    t = np.arange(int(rng.uniform(0.2, 0.35) * sr)) / sr
    body = np.sin(2 * np.pi * rng.uniform(170, 230) * t) * np.exp(-t * 30)
    return rng.uniform(0.4, 0.8) * rng.standard_normal(t.size) * np.exp(-t * rng.uniform(15, 25)) + 0.5 * body


def hat_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    length = rng.uniform(0.04, 0.12)
    t = np.arange(int(length * sr)) / sr
    return np.diff(rng.standard_normal(t.size + 1)) * np.exp(-t * rng.uniform(50, 90))


def clap_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    out = np.zeros(int(0.35 * sr))
    for start in np.cumsum(rng.uniform(0.008, 0.015, 3)):
        burst = rng.standard_normal(int(0.15 * sr)) * np.exp(-np.arange(int(0.15 * sr)) / sr * 30)
        at = int(start * sr)
        out[at : at + burst.size] += burst[: out.size - at]
    return out


def tonal_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    return note(rng.uniform(55, 75), rng.uniform(0.8, 1.5), harmonics=int(rng.integers(3, 9)), sr=sr,
                decay=rng.uniform(2, 4)).astype(np.float64)


def pad_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    seconds = rng.uniform(3, 5)
    root = int(rng.integers(48, 60))
    y = sum(note(root + i, seconds, harmonics=6, sr=sr, decay=0.2) for i in (0, 4 if rng.random() < 0.5 else 3, 7))
    return y * np.minimum(1, np.arange(y.size) / (rng.uniform(0.3, 0.8) * sr))


def loop_variant(rng: np.random.Generator, sr: int) -> np.ndarray:
    return drum_loop(float(rng.uniform(85, 150)), bars=2, swing=float(rng.uniform(0, 0.3)),
                     seed=int(rng.integers(1000)), sr=sr).astype(np.float64)


KINDS: dict[str, Make] = {
    "kick": kick_variant, "snare": snare_variant, "hat": hat_variant, "clap": clap_variant,
    "tonal": tonal_variant, "pad": pad_variant, "loop": loop_variant,
}


def embed(y: np.ndarray, sr: int, gain_db: float = 0.0) -> np.ndarray:
    y = y / np.abs(y).max() * 0.8 * 10 ** (gain_db / 20)
    return samplemind.analyze(y.astype(np.float32), sample_rate=sr).embedding


def test_layout_norm_and_version() -> None:
    result = samplemind.analyze(note(60, 1.0), sample_rate=SR)
    vector = result.embedding
    total = sum(size for _, size, _ in samplemind.EMBEDDING_ASPECTS.values())
    assert vector.dtype == np.float32 and vector.shape == (total,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert set(samplemind.EMBEDDING_ASPECTS) == {"timbre", "spectrum", "pitch", "envelope", "rhythm"}
    assert sum(w for _, _, w in samplemind.EMBEDDING_ASPECTS.values()) == pytest.approx(1.0)
    assert samplemind.EMBEDDING_VERSION == 2
    silent = samplemind.analyze(np.zeros(SR, np.float32), sample_rate=SR).embedding
    assert np.all(np.isfinite(silent))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_same_sound_at_other_rates_and_levels_embeds_the_same(kind: str) -> None:
    """One recording at 96 kHz, converted (scipy's polyphase resampler) to 48 and 44.1 kHz."""
    original = resampled(KINDS[kind], 1, 96000)
    versions = {96000: original, 48000: resample_poly(original, 1, 2), 44100: resample_poly(original, 147, 320)}
    reference = embed(versions[44100], 44100)
    for sr, gain in ((48000, 0.0), (96000, 0.0), (44100, -6.0), (48000, -6.0)):
        other = embed(versions[sr], sr, gain)
        assert float(reference @ other) > 0.99, (sr, gain)


def test_different_kinds_embed_differently() -> None:
    vectors = {kind: embed(resampled(make, 2, SR), SR) for kind, make in KINDS.items()}
    for a in ("kick", "hat", "pad"):
        for b in ("kick", "hat", "pad"):
            if a < b:
                assert float(vectors[a] @ vectors[b]) < 0.9, (a, b)


def test_neighbours_are_of_the_same_kind() -> None:
    """precision@5 over a labelled set of 8 random variations of 7 kinds."""
    labels, vectors = [], []
    for kind, make in KINDS.items():
        for seed in range(8):
            rng = np.random.default_rng(100 + seed)
            sr = int(rng.choice([44100, 48000]))
            vectors.append(embed(make(rng, sr), sr, float(rng.uniform(-12, 0))))
            labels.append(kind)
    matrix = np.stack(vectors)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -np.inf)
    hits = [np.mean([labels[j] == labels[i] for j in np.argsort(-similarity[i])[:5]]) for i in range(len(labels))]
    per_kind = {kind: float(np.mean([h for h, l in zip(hits, labels) if l == kind])) for kind in KINDS}
    assert float(np.mean(hits)) >= 0.9, per_kind
