"""The sampled drum kits (hydrogen's GMRockKit and TR808EmulationKit, LMMS's drums):
each file's category from its name, and drum loops mixed from a kit's samples."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from bench.real.drum_patterns import ROLE_CATEGORY, Hit
from bench.real.render import RATE

__all__ = ["KITS", "Kit", "KitSample", "kit_samples", "mix_loop"]


@dataclass(frozen=True)
class Kit:
    source: str
    folder: str  # inside the unpacked tree
    rules: tuple[tuple[str, str | None], ...]  # (regex on the lower-case stem, category); first match wins


KITS = (
    Kit("gmrockkit", "usr/share/hydrogen/data/drumkits/GMRockKit", (
        (r"^24ride|^ride|^bell", "cymbal_ride"), (r"cowbell", "percussion"), (r"crash|splash", "cymbal_crash"),
        (r"handclap", "clap"), (r"hatclosed|hatpedal", "hihat_closed"), (r"hatopen|hatsemiopen", "hihat_open"),
        (r"kick", "kick"), (r"sidestick", "rim"), (r"snare", "snare"), (r"tom", "tom"))),
    Kit("tr808", "usr/share/hydrogen/data/drumkits/TR808EmulationKit", (
        (r"clap", "clap"), (r"clave|conga|cowbell|shaker", "percussion"), (r"cymbal", "cymbal_crash"),
        (r"hat_closed|hat_pedal", "hihat_closed"), (r"hat_open", "hihat_open"), (r"kick", "kick"),
        (r"snare", "snare"), (r"tom", "tom"))),
    Kit("lmms", "usr/share/lmms/samples/drums", (
        (r"^nasty_bass", None), (r"zap", "fx"), (r"bassdrum|kick", "kick"), (r"clap", "clap"),
        (r"clav|shaker|wood", "percussion"), (r"crash", "cymbal_crash"), (r"hihat_closed|hihat_foot", "hihat_closed"),
        (r"hihat_opened", "hihat_open"), (r"rim|sidestick", "rim"), (r"snare", "snare"), (r"ride", "cymbal_ride"),
        (r"tom", "tom"))),
)


@dataclass(frozen=True)
class KitSample:
    path: Path
    category: str


def kit_samples(tree: Path, kit: Kit) -> list[KitSample]:
    """The kit's readable audio files that have a category."""
    samples = []
    for path in sorted((tree / kit.folder).iterdir()):
        if path.suffix.lower() not in (".wav", ".flac", ".ogg"):
            continue
        stem = path.stem.lower()
        category = next((c for pattern, c in kit.rules if re.search(pattern, stem)), None)
        if category is None:
            continue
        try:
            sf.info(str(path))
        except RuntimeError:  # LMMS ships a few files libsndfile cannot read
            continue
        samples.append(KitSample(path, category))
    return samples


def _load(path: Path) -> np.ndarray:
    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    audio = np.repeat(audio, 2, axis=1) if audio.shape[1] == 1 else audio[:, :2]
    if rate != RATE:  # linear is enough to place a hit; the corpus's loops are 44.1 kHz
        t = np.arange(int(len(audio) * RATE / rate)) * rate / RATE
        audio = np.stack([np.interp(t, np.arange(len(audio)), audio[:, c]) for c in range(2)], axis=1)
    return audio.astype(np.float32)


def mix_loop(samples: list[KitSample], hits: list[Hit], beats: float, bpm: float, rng: np.random.Generator,
             *, jitter_s: float = 0.0) -> np.ndarray:
    """A seamless loop of `beats` beats: each hit's sample placed at its time, tails
    wrapping round to the start (as a loop cut from a longer performance sounds)."""
    by_category: dict[str, list[KitSample]] = {}
    for sample in samples:
        by_category.setdefault(sample.category, []).append(sample)
    chosen: dict[str, np.ndarray] = {}
    for role in sorted({role for _, role, _ in hits}):
        category = ROLE_CATEGORY[role]
        options = by_category.get(category) or by_category.get("cymbal_crash" if "cymbal" in category else "snare")
        if not options:
            continue
        if role.startswith("tom"):  # low/mid/high from the kit's toms in file order
            index = {"tom_low": 0, "tom_mid": len(options) // 2, "tom_hi": len(options) - 1}[role]
        else:
            index = int(rng.integers(len(options)))
        chosen[role] = _load(options[index].path)
    length = round(beats * 60.0 / bpm * RATE)
    out = np.zeros((length, 2), np.float32)
    for t, role, velocity in hits:
        if role not in chosen:
            continue
        start = round((t * 60.0 / bpm + (rng.uniform(-jitter_s, jitter_s) if jitter_s else 0.0)) * RATE) % length
        sound = chosen[role][: 4 * length] * (velocity / 127.0) ** 1.5
        for offset in range(0, len(sound), length):  # wrap the tail round the loop
            piece = sound[offset: offset + length]
            a = (start + offset) % length
            first = min(len(piece), length - a)
            out[a: a + first] += piece[:first]
            out[: len(piece) - first] += piece[first:]
    peak = float(np.abs(out).max())
    return out * (0.8 / peak) if peak > 0 else out
