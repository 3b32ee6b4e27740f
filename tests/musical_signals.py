"""Synthetic signals with known musical answers: notes, chords, scales, click tracks
and drum loops. Shared by the tests and the accuracy report (bench/musical_accuracy.py)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SR = 44100
Audio = npt.NDArray[np.float32]
NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11]
MINOR_SCALE = [0, 2, 3, 5, 7, 8, 10]  # natural minor


def midi_hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def note(midi: float, seconds: float, *, harmonics: int = 8, sr: int = SR, decay: float = 1.5) -> Audio:
    """A note with 1/h harmonics (below Nyquist), a 5 ms attack and exponential decay."""
    t = np.arange(int(seconds * sr)) / sr
    f0 = midi_hz(midi)
    y = np.zeros_like(t)
    for h in range(1, harmonics + 1):
        if h * f0 < sr / 2 * 0.9:
            y += np.sin(2 * np.pi * h * f0 * t) / h
    envelope = np.minimum(1.0, t / 0.005) * np.exp(-t * decay)
    return (0.4 * y / np.abs(y).max() * envelope).astype(np.float32)


def chord(root_midi: int, intervals: list[int], seconds: float = 3.0) -> Audio:
    y = sum(note(root_midi + i, seconds, decay=0.3) for i in intervals)
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


def triad(tonic: int, minor: bool, seconds: float = 3.0) -> Audio:
    """The tonic triad, voiced around C4: root, third, fifth plus the root an octave down."""
    root = 60 + tonic if tonic < 6 else 48 + tonic
    return chord(root, [-12, 0, 3 if minor else 4, 7], seconds)


def scale(tonic: int, minor: bool, note_s: float = 0.3) -> Audio:
    """Ascending and descending scale that starts, ends and lingers on the tonic."""
    degrees = MINOR_SCALE if minor else MAJOR_SCALE
    root = 60 + tonic if tonic < 6 else 48 + tonic
    sequence = [0, *degrees[1:], 12, *reversed(degrees[1:]), 0]
    parts = [note(root + d, note_s * (3 if i in (0, len(sequence) - 1) else 1), decay=2.0) for i, d in
             enumerate(sequence)]
    drone = note(root - 12, note_s * 20, decay=0.1)  # the tonic held underneath, as a bass would
    melody = np.concatenate(parts)
    n = min(len(melody), len(drone))
    return (0.6 * melody[:n] + 0.3 * drone[:n]).astype(np.float32)


def kick(sr: int = SR) -> Audio:
    t = np.arange(int(0.3 * sr)) / sr
    freq = 50 + 90 * np.exp(-t * 35)
    return (np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t * 12)).astype(np.float32)


def snare(rng: np.random.Generator, sr: int = SR) -> Audio:
    t = np.arange(int(0.2 * sr)) / sr
    body = np.sin(2 * np.pi * 190 * t) * np.exp(-t * 30)
    return (0.6 * rng.standard_normal(t.size) * np.exp(-t * 20) + 0.5 * body).astype(np.float32)


def hat(rng: np.random.Generator, sr: int = SR) -> Audio:
    t = np.arange(int(0.05 * sr)) / sr
    noise = np.diff(rng.standard_normal(t.size + 1))
    return (0.25 * noise * np.exp(-t * 80)).astype(np.float32)


def click(sr: int = SR) -> Audio:
    t = np.arange(int(0.02 * sr)) / sr
    return (np.sin(2 * np.pi * 1500 * t) * np.exp(-t * 300)).astype(np.float32)


def place(out: Audio, sound: Audio, at_s: float, gain: float, sr: int = SR) -> None:
    start = int(round(at_s * sr))
    end = min(out.size, start + sound.size)
    if start < out.size:
        out[start:end] += gain * sound[: end - start]


def click_track(bpm: float, beats: int = 16, sr: int = SR) -> Audio:
    beat = 60.0 / bpm
    out = np.zeros(int(round(beats * beat * sr)), np.float32)
    for b in range(beats):
        place(out, click(sr), b * beat, 1.0 if b % 4 == 0 else 0.6, sr)
    return out


def drum_loop(bpm: float, bars: int = 2, *, swing: float = 0.0, seed: int = 0, sr: int = SR) -> Audio:
    """Kick on 1 and 3, snare on 2 and 4, hats on eighths (offbeats delayed by `swing`,
    a fraction of an eighth), velocities varied at random; length exactly `bars` bars."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    out = np.zeros(int(round(bars * 4 * beat * sr)), np.float32)
    for b in range(bars * 4):
        at = b * beat
        if b % 2 == 0:
            place(out, kick(sr), at, rng.uniform(0.8, 1.0), sr)
        else:
            place(out, snare(rng, sr), at, rng.uniform(0.7, 1.0), sr)
        place(out, hat(rng, sr), at, rng.uniform(0.5, 0.8), sr)
        place(out, hat(rng, sr), at + beat / 2 * (1 + swing), rng.uniform(0.3, 0.6), sr)
    return (0.9 * out / np.abs(out).max()).astype(np.float32)


def progression(tonic: int, minor: bool, chord_s: float = 0.6) -> Audio:
    """I-IV-V-I (i-iv-V-i with a major dominant in minor), close voicing around C4."""
    root = 60 + tonic if tonic < 6 else 48 + tonic
    third = 3 if minor else 4
    chords = [[0, third, 7], [5, 5 + third, 12], [7, 11, 14], [0, third, 7]]
    return np.concatenate([chord(root, c, chord_s) for c in chords]).astype(np.float32)


def melody(tonic: int, minor: bool, seed: int = 0, notes: int = 8, note_s: float = 0.25) -> Audio:
    """A short seeded melody in the key (no accompaniment) starting and ending on the tonic."""
    rng = np.random.default_rng(seed)
    degrees = MINOR_SCALE if minor else MAJOR_SCALE
    root = 60 + tonic if tonic < 6 else 48 + tonic
    steps = [0, *(int(d) for d in rng.choice(degrees, notes - 2)), 0]
    return np.concatenate([note(root + d, note_s, decay=3.0) for d in steps]).astype(np.float32)
