"""Renders clips (short MIDI scores) through a SoundFont with fluidsynth, many clips
per fluidsynth run (loading a SoundFont costs up to 2 s), and cuts them apart."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from bench.real.midi import Score

__all__ = ["RATE", "Clip", "render_clips", "trim_tail"]

RATE = 44100
_GAP_S = 2.5           # silence after each clip, so release and reverb tails end before the next
_BATCH_AUDIO_S = 600.0  # audio per fluidsynth run: bounded temp files


@dataclass
class Clip:
    """One file of the corpus. `write(score, t0)` places its events from time t0; the
    file keeps [t0 + cut_offset_s, t0 + cut_offset_s + length_s]."""

    name: str
    write: Callable[[Score, float], None]
    length_s: float
    truth: dict[str, Any]
    cut_offset_s: float = 0.0
    one_shot: bool = True  # trim the silent tail (a loop keeps its exact length)
    reverb: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def render_clips(fluidsynth: str, soundfont: Path, clips: Sequence[Clip], out_dir: Path) -> list[Path]:
    """Writes each clip to out_dir/<name>.flac (16-bit, 44.1 kHz, stereo); returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for reverb in (False, True):
        group = [c for c in clips if c.reverb == reverb]
        batch: list[Clip] = []
        for clip in group:
            batch.append(clip)
            if sum(c.cut_offset_s + c.length_s + _GAP_S for c in batch) >= _BATCH_AUDIO_S:
                paths += _render_batch(fluidsynth, soundfont, batch, out_dir, reverb)
                batch = []
        if batch:
            paths += _render_batch(fluidsynth, soundfont, batch, out_dir, reverb)
    return paths


def _render_batch(fluidsynth: str, soundfont: Path, clips: Sequence[Clip], out_dir: Path, reverb: bool) -> list[Path]:
    score = Score()
    starts = []
    t = 0.5
    for clip in clips:
        clip.write(score, t)
        starts.append(t)
        t += clip.cut_offset_s + clip.length_s
        score.all_off(t)
        t += _GAP_S
    with tempfile.TemporaryDirectory() as tmp:
        midi, wav = Path(tmp) / "batch.mid", Path(tmp) / "batch.wav"
        score.write(midi, t)
        command = [fluidsynth, "-ni", "-q", "-R", "1" if reverb else "0", "-C", "0", "-g", "0.5",
                   "-r", str(RATE), "-O", "float", "-T", "wav", "-F", str(wav), str(soundfont), str(midi)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not wav.exists():
            raise RuntimeError(f"fluidsynth failed on {soundfont.name}: {result.stderr.strip()[-1000:]}")
        audio, rate = sf.read(str(wav), dtype="float32", always_2d=True)
    assert rate == RATE
    paths = []
    for clip, start in zip(clips, starts):
        a = round((start + clip.cut_offset_s) * RATE)
        piece = audio[a:a + round(clip.length_s * RATE)]
        if clip.one_shot:
            piece = trim_tail(piece)
        path = out_dir / f"{clip.name}.flac"
        peak = float(np.abs(piece).max()) if piece.size else 0.0
        if peak < 1e-4:  # the SoundFont has no sound for it
            continue
        sf.write(str(path), piece * (0.9 / peak) if peak > 0.9 else piece, RATE, subtype="PCM_16")
        paths.append(path)
    return paths


def trim_tail(audio: np.ndarray, threshold_db: float = -70.0) -> np.ndarray:
    """Cuts the tail after the last sample above threshold_db relative to the peak (+10 ms)."""
    level = np.abs(audio).max(axis=1) if audio.ndim == 2 else np.abs(audio)
    if level.size == 0 or level.max() <= 0:
        return audio
    loud = np.flatnonzero(level >= level.max() * 10 ** (threshold_db / 20))
    return audio[: min(len(audio), int(loud[-1]) + RATE // 100)]
