"""Duplicate finding on real samples: precision and recall of `samplemind duplicates --near`.

    python -m bench.duplicates [--split report|tune]

From the real-recordings corpus (bench/real, built on first use), one-shots of every
source are taken as originals (one hit per GM drum note of the first kit, the loudest
velocity; one note per GM program; the hydrogen and LMMS samples), each with nine
copies: the tail under -60 dB cut off, 200 ms of silence added before, -8 dB, +3 dB, resampled to
48 kHz, mixed to mono, re-encoded to FLAC, MP3 and Ogg Vorbis. The truth is that a file
and its copies are one group; two originals are not copies of each other unless they
hold the same decoded audio (SoundFonts share samples between kits and programs, and
those are counted as the copies they are). Precision and recall are over pairs. The
threshold was chosen on the tuning sources (FluidR3_GM, GMRockKit, LMMS); the report
sources are TimGM6mb, MuseScore_General_Lite and TR808EmulationKit.
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import soundfile as sf

from bench.real import corpus as real_corpus
from samplemind import _core
from samplemind._duplicates import FingerprintStore, find_duplicates

TRANSFORMS = ("trim", "pad", "quieter", "louder", "48k", "mono", "flac", "mp3", "ogg")
_SOURCES = {"tune": ("fluidr3", "gmrockkit", "lmms"), "report": ("timgm6mb", "musescore", "tr808")}


def originals(entries: list[dict], split: str) -> list[dict]:
    chosen, programs = [], set()
    for entry in entries:
        if entry["source"] not in _SOURCES[split] or entry["set"] not in ("drum_hit", "note", "lmms_one_shot"):
            continue
        name = os.path.basename(entry["path"])
        if entry["set"] == "drum_hit" and name.startswith("drum_k") and not (name.startswith("drum_k000_")
                                                                             and "_v120" in name):
            continue
        if entry["set"] == "note":
            program = (entry["source"], name.split("_")[1])
            if program in programs:
                continue
            programs.add(program)
        chosen.append(entry)
    return chosen


def write_copies(source: Path, folder: Path) -> list[Path]:
    y, sr = sf.read(str(source), dtype="float32", always_2d=True)
    copies = []

    def write(name: str, data: np.ndarray, rate: int, **options: str) -> None:
        path = folder / name
        sf.write(str(path), data, rate, **options)
        copies.append(path)

    peak = float(np.abs(y).max()) or 1.0
    level = np.abs(y).max(axis=1)
    tail = int(np.flatnonzero(level >= peak * 1e-3)[-1]) + 1  # the quiet tail (under -60 dB) cut off
    write("trim.wav", y[:tail], sr)
    write("pad.wav", np.vstack([np.zeros((int(0.2 * sr), y.shape[1]), np.float32), y]), sr)
    write("quieter.wav", y * 0.4, sr)
    write("louder.wav", y * min(1.41, 0.99 / peak), sr)
    write("48k.wav", np.stack([_core.resample(np.ascontiguousarray(y[:, c]), sr, 48000)
                               for c in range(y.shape[1])], axis=1), 48000)
    write("mono.wav", y.mean(axis=1), sr)
    write("copy.flac", y, sr)
    write("copy.mp3", y, sr, format="MP3")
    write("copy.ogg", y, sr, format="OGG", subtype="VORBIS")
    return copies


def same_audio(paths: list[str]) -> dict[str, str]:
    """Each original -> the first original holding the same samples up to a gain factor
    (equal lengths and a correlation of 0.9999 or more: SoundFonts and kits share
    samples, and a velocity layer may be a quieter copy of another): copies in truth."""
    decoded = {}
    for path in paths:
        samples, _ = sf.read(path, dtype="float64", always_2d=True)
        decoded[path] = samples.mean(axis=1)
    alias = {p: p for p in paths}
    by_length: dict[int, list[str]] = defaultdict(list)
    for path in paths:
        by_length[len(decoded[path])].append(path)
    for group in by_length.values():
        for a, b in itertools.combinations(group, 2):
            x, y = decoded[a], decoded[b]
            norm = np.linalg.norm(x) * np.linalg.norm(y)
            if norm > 0 and abs(float(x @ y)) / norm >= 0.9999:
                alias[b] = alias[a]
    return alias


def evaluate(split: str, work: Path) -> dict[str, float]:
    root = real_corpus.build()
    entries = real_corpus.load_manifest(root)
    truth: dict[str, str] = {}  # file -> its original
    for index, entry in enumerate(originals(entries, split)):
        source = Path(entry["path"]) if os.path.isabs(entry["path"]) else root / entry["path"]
        folder = work / split / f"{index:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        truth[str(source)] = str(source)
        if not (folder / "copy.ogg").exists():
            write_copies(source, folder)
        for copy in sorted(folder.iterdir()):
            truth[str(copy)] = str(source)
    store = FingerprintStore(work / "fingerprints.sqlite3")
    started = time.monotonic()
    prints, failed = store.get_many(sorted(truth))
    assert not failed, failed[:3]
    groups = find_duplicates(prints, near=True)
    elapsed = time.monotonic() - started
    alias = same_audio(sorted({o for o in truth.values()}))
    label = {path: alias[original] for path, original in truth.items()}
    predicted = {frozenset(pair) for g in groups for pair in itertools.combinations(g.paths, 2)}
    members: dict[str, list[str]] = defaultdict(list)
    for path, group in label.items():
        members[group].append(path)
    actual = {frozenset(pair) for paths in members.values() for pair in itertools.combinations(sorted(paths), 2)}
    hits = len(predicted & actual)
    return {"files": len(truth), "originals": len(set(alias.values())), "precision": hits / max(1, len(predicted)),
            "recall": hits / max(1, len(actual)), "true_pairs": len(actual), "predicted_pairs": len(predicted),
            "seconds": elapsed, "missed": sorted(actual - predicted, key=sorted)[:5],
            "wrong": sorted(predicted - actual, key=sorted)[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("report", "tune"), default="report")
    args = parser.parse_args()
    work = Path(os.environ.get("SAMPLEMIND_CORPUS_DIR", Path(tempfile.gettempdir()) / "samplemind-corpus")) / "duplicates"
    result = evaluate(args.split, work)
    print(f"{args.split} split: {result['files']} files ({result['originals']} distinct originals, each with "
          f"{len(TRANSFORMS)} copies); fingerprinted and grouped in {result['seconds']:.1f} s")
    print(f"near duplicates: precision {result['precision']:.4f}, recall {result['recall']:.4f} "
          f"({result['predicted_pairs']} pairs found, {result['true_pairs']} true)   targets >= 0.99, >= 0.95")
    for name in ("missed", "wrong"):
        for pair in result[name]:
            print(f"  {name}: " + "  ~  ".join(os.path.relpath(p, work) if str(work) in p else p for p in sorted(pair)))


if __name__ == "__main__":
    main()
