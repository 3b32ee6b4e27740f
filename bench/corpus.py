"""A generated corpus for the batch benchmarks: mixed formats, rates, channel counts
and lengths, written once per size and reused (under the system temp folder)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

FORMATS = [("wav", "WAV", "PCM_16"), ("aiff", "AIFF", "PCM_24"), ("flac", "FLAC", "PCM_16"),
           ("mp3", "MP3", "MPEG_LAYER_III")]
RATES = [44100, 48000, 96000]


def corpus(files: int, seed: int = 0) -> list[Path]:
    """`files` files, lengths log-uniform in 0.1-30 s; one in every 50 is corrupt."""
    folder = Path(tempfile.gettempdir()) / f"samplemind-bench-corpus-{files}-{seed}"
    done_marker = folder / ".complete"
    if not done_marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(seed)
        for index in range(files):
            _write_one(folder, index, rng)
        done_marker.touch()
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _write_one(folder: Path, index: int, rng: np.random.Generator) -> None:
    extension, fmt, subtype = FORMATS[index % len(FORMATS)]
    path = folder / f"{index:05d}.{extension}"
    if index % 50 == 49:
        path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt \x10\x00")  # truncated header
        return
    sr = 48000 if extension == "mp3" and index % 3 == 2 else RATES[index % len(RATES)]
    sr = 44100 if extension == "mp3" and sr == 96000 else sr  # MP3 tops out at 48 kHz
    seconds = float(np.exp(rng.uniform(np.log(0.1), np.log(30.0))))
    t = np.arange(int(seconds * sr)) / sr
    pitch = rng.uniform(50, 2000)
    tone = np.sin(2 * np.pi * pitch * t) * np.exp(-t * rng.uniform(0.5, 20))
    noise = rng.standard_normal(t.size) * np.exp(-t * rng.uniform(2, 50)) * rng.uniform(0, 0.5)
    mono = 0.4 * (tone + noise)
    audio = np.stack([mono, 0.8 * mono], axis=1) if index % 2 else mono
    sf.write(str(path), audio.astype(np.float32), sr, format=fmt, subtype=subtype)
