"""A small generated sample pack with known content, for `samplemind demo`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["BROKEN_NAME", "write_demo_pack"]

BROKEN_NAME = "broken.wav"  # the pack's deliberately broken file
_PEAK = 10 ** (-1 / 20)  # every sound is normalised to -1 dBFS

Audio = npt.NDArray[np.float64]
_NOTES = {"C3": 130.81, "E3": 164.81, "G3": 196.0, "A3": 220.0, "A4": 440.0, "C4": 261.63, "E4": 329.63}


def _time(seconds: float, sr: int) -> Audio:
    return np.arange(int(seconds * sr)) / sr


def kick(sr: int, pitch: float, decay: float) -> Audio:
    t = _time(0.6, sr)
    frequency = pitch + 100 * np.exp(-t * 40)  # the classic falling sweep
    return 0.9 * np.sin(2 * np.pi * np.cumsum(frequency) / sr) * np.exp(-t * decay)


def snare(sr: int, seed: int) -> Audio:
    t = _time(0.35, sr)
    noise = np.random.default_rng(seed).standard_normal(t.size)
    body = np.sin(2 * np.pi * 185 * t) * np.exp(-t * 30)
    return np.asarray(0.5 * (0.6 * noise * np.exp(-t * 18) + body), dtype=np.float64)


def hat(sr: int, length: float, seed: int) -> Audio:
    noise = np.random.default_rng(seed).standard_normal(int(length * sr))
    bright = np.diff(noise, prepend=0.0)  # first difference: a crude high-pass
    return 0.3 * bright * np.exp(-_time(length, sr) * (8 / length))


def clap(sr: int) -> Audio:
    out = np.zeros(int(0.4 * sr))
    rng = np.random.default_rng(7)
    for start in (0.0, 0.012, 0.024):
        burst = rng.standard_normal(int(0.2 * sr)) * np.exp(-_time(0.2, sr) * 25)
        at = int(start * sr)
        out[at : at + burst.size] += 0.3 * burst[: out.size - at]
    return out


def note(sr: int, frequency: float, seconds: float = 1.5) -> Audio:
    t = _time(seconds, sr)
    tone = np.sum([np.sin(2 * np.pi * frequency * h * t) / h**1.5 for h in range(1, 10)], axis=0)
    return np.asarray(0.3 * tone * np.exp(-t * 2.5) * np.minimum(1, t * 200), dtype=np.float64)


def chord(sr: int, names: tuple[str, ...], seconds: float = 4.0) -> Audio:
    pad = np.mean([note(sr, _NOTES[name], seconds) for name in names], axis=0)
    return np.asarray(pad * np.minimum(1, _time(seconds, sr) * 4), dtype=np.float64)  # slow attack


def drum_loop(sr: int, bpm: float, bars: int = 2) -> Audio:
    beat = 60.0 / bpm
    out = np.zeros(int(round(bars * 4 * beat * sr)))
    hits: list[tuple[float, Audio]] = []
    for step in range(bars * 8):  # eighth notes
        at = step * beat / 2
        if step % 4 == 0:
            hits.append((at, kick(sr, 55, 9)))
        if step % 4 == 2:
            hits.append((at, snare(sr, step)))
        hits.append((at, hat(sr, 0.08, step) * (0.6 if step % 2 else 1.0)))
    for at, hit in hits:
        start = int(at * sr)
        end = min(out.size, start + hit.size)
        out[start:end] += hit[: end - start]
    return out


def write_demo_pack(folder: Path) -> list[Path]:
    """Writes the pack into `folder` (WAV, AIFF, FLAC and MP3; 44.1, 48 and 96 kHz;
    mono and stereo) plus one deliberately broken file; returns the paths."""
    import soundfile

    folder.mkdir(parents=True, exist_ok=True)
    sounds: dict[str, tuple[Callable[[int], Audio], int, str]] = {
        "kick-deep.wav": (lambda sr: kick(sr, 45, 7), 44100, "PCM_16"),
        "kick-punchy.wav": (lambda sr: kick(sr, 60, 12), 48000, "PCM_24"),
        "kick-long.aiff": (lambda sr: kick(sr, 50, 4), 44100, "PCM_16"),
        "snare-tight.wav": (lambda sr: snare(sr, 1), 44100, "PCM_16"),
        "snare-wide.flac": (lambda sr: snare(sr, 2), 48000, "PCM_16"),
        "hat-closed.wav": (lambda sr: hat(sr, 0.08, 3), 96000, "FLOAT"),
        "hat-open.flac": (lambda sr: hat(sr, 0.5, 4), 44100, "PCM_16"),
        "clap.aiff": (clap, 44100, "PCM_16"),
        "note-C3.wav": (lambda sr: note(sr, _NOTES["C3"]), 44100, "PCM_16"),
        "note-E3.flac": (lambda sr: note(sr, _NOTES["E3"]), 48000, "PCM_24"),
        "note-A4.mp3": (lambda sr: note(sr, _NOTES["A4"]), 44100, "MPEG_LAYER_III"),
        "pad-A-minor.wav": (lambda sr: chord(sr, ("A3", "C4", "E4")), 44100, "PCM_16"),
        "loop-090bpm.wav": (lambda sr: drum_loop(sr, 90), 44100, "PCM_16"),
        "loop-120bpm.flac": (lambda sr: drum_loop(sr, 120), 44100, "PCM_16"),
        "loop-140bpm.wav": (lambda sr: drum_loop(sr, 140), 48000, "PCM_16"),
    }
    paths = []
    for name, (make, sr, subtype) in sounds.items():
        mono = make(sr)
        audio = np.stack([mono, 0.9 * mono], axis=1) if name.startswith(("loop", "pad")) else mono
        audio = audio * (_PEAK / np.abs(audio).max())
        path = folder / name
        soundfile.write(str(path), audio.astype(np.float32), sr, subtype=subtype)
        paths.append(path)
    broken = folder / BROKEN_NAME
    broken.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00")  # cut inside 'fmt '
    paths.append(broken)
    return sorted(paths)
