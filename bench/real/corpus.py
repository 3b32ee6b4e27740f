"""Builds the labelled real-recordings corpus and its manifest.

    python -m bench.real.corpus [--quick] [--dir DIR]

Sources and split: tuning on FluidR3_GM, hydrogen's GMRockKit and LMMS; reporting on
TimGM6mb, MuseScore_General_Lite and hydrogen's TR808EmulationKit. Each manifest line
is one file: path, source, split, set, and the truth that applies. A truth key that
is present and None means the label must be absent (no key for a hi-hat); a key that
is missing means the file does not score that label."""

from __future__ import annotations

import argparse
import re
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from bench.real import drum_patterns, gm, kits, sources, tonal
from bench.real.midi import DRUM_CHANNEL, Score
from bench.real.render import RATE, Clip, render_clips

__all__ = ["SPLIT", "build", "load_manifest"]

SPLIT = {"fluidr3": "tune", "gmrockkit": "tune", "lmms": "tune",
         "timgm6mb": "report", "musescore": "report", "tr808": "report"}
_VERSION = 5  # bump when what is built changes: the corpus is rebuilt

Entry = dict[str, Any]


def load_manifest(corpus: Path) -> list[Entry]:
    with open(corpus / "manifest.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def build(root: Path | None = None, *, quick: bool = False) -> Path:
    """Fetches the packages, renders and mixes the corpus once, and returns its folder."""
    root = root or sources.cache_dir()
    corpus = root / ("corpus-quick" if quick else "corpus")
    stamp = corpus / "manifest.jsonl"
    version = corpus / ".version"
    if stamp.exists() and version.exists() and version.read_text() == str(_VERSION):
        return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    tree = sources.fetch(root)
    fluidsynth = sources.fluidsynth()
    entries: list[Entry] = []
    started = time.perf_counter()
    for font in sources.SOUNDFONTS:
        clips = list(_soundfont_clips(font.source, np.random.default_rng(_seed(font.source)), quick))
        paths = render_clips(fluidsynth, tree / font.relative_path, clips, corpus / font.source)
        by_name = {p.stem: p for p in paths}
        for clip in clips:
            if clip.name in by_name:
                entries.append(_entry(corpus, by_name[clip.name], font.source, clip.truth))
        print(f"  {font.source}: {len(paths)} files ({time.perf_counter() - started:.0f} s)", flush=True)
    for kit in kits.KITS:
        entries += _kit_entries(tree, kit, corpus, np.random.default_rng(_seed(kit.source)), quick)
    entries += _lmms_loop_entries(tree)
    entries += _lmms_one_shot_entries(tree)
    corpus.mkdir(parents=True, exist_ok=True)
    with open(stamp, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(e) + "\n" for e in entries)
    version.write_text(str(_VERSION))
    return corpus


def _seed(source: str) -> int:
    return sum(ord(c) * 131 ** i for i, c in enumerate(source)) % 2**32


def _entry(corpus: Path, path: Path, source: str, truth: dict[str, Any]) -> Entry:
    try:
        relative = str(path.relative_to(corpus))
    except ValueError:
        relative = str(path)  # a package file used where it lies
    return {"path": relative, "source": source, "split": SPLIT[source], **truth}


ONE_SHOT = {"is_loop": False, "tempo_bpm": None}
NO_KEY = {"key": None}


def _soundfont_clips(source: str, rng: np.random.Generator, quick: bool) -> Iterator[Clip]:
    yield from _drum_hits(source, rng, quick)
    yield from _notes(source, rng, quick)
    yield from _chords(source, rng, quick)
    yield from _tonal_loops(source, rng, quick)
    yield from _gm_drum_loops(source, rng, quick)


def _drum_hits(source: str, rng: np.random.Generator, quick: bool) -> Iterator[Clip]:
    for kit in gm.DRUM_KITS[:2] if quick else gm.DRUM_KITS:
        for note, category in gm.DRUM_NOTES.items():
            for velocity in (70, 120) if not quick else (110,):
                def write(score: Score, t0: float, kit: int = kit, note: int = note, velocity: int = velocity) -> None:
                    score.program(t0 - 0.1, DRUM_CHANNEL, kit)
                    score.note(t0, 0.3, DRUM_CHANNEL, note, velocity)
                truth = {"set": "drum_hit", "category": category, "family": "drums", **ONE_SHOT, **NO_KEY,
                         "pitch_midi": None, "gm_kit": kit, "gm_note": note}
                yield Clip(f"drum_k{kit:03d}_n{note}_v{velocity}", write, 4.0, truth)


def _notes(source: str, rng: np.random.Generator, quick: bool) -> Iterator[Clip]:
    for program in gm.PROGRAMS[::4] if quick else gm.PROGRAMS:
        count = (4 if program.pitched else 2) if not quick else 1
        pitches = sorted({int(p) for p in rng.integers(program.low, program.high + 1, size=count)})
        for pitch in pitches:
            velocity = int(rng.integers(70, 121))
            hold = float(rng.uniform(0.8, 1.6))

            def write(score: Score, t0: float, n: int = program.number, p: int = pitch, v: int = velocity,
                      hold: float = hold) -> None:
                score.program(t0 - 0.1, 0, n)
                score.note(t0, hold, 0, p, v)
            truth: dict[str, Any] = {"set": "note", "category": program.category, "family": "tonal", **ONE_SHOT,
                                     "gm_program": program.number}
            if program.pitch_is_key:
                truth["pitch_midi"] = pitch
            yield Clip(f"note_p{program.number:03d}_{pitch}", write, hold + 2.0, truth)


_CHORD_PROGRAMS = (0, 1, 4, 5, 6, 11, 16, 19, 24, 25, 26, 27, 29, 46, 48, 52, 61, 88, 89, 90)
_GUITARS = (24, 25, 26, 27, 29, 30)


def _chords(source: str, rng: np.random.Generator, quick: bool) -> Iterator[Clip]:
    per_key = 1 if quick else 4
    for tonic in range(12):
        for minor in (False, True):
            for k in range(per_key + (0 if quick else 3)):
                strum = k >= per_key  # the last three per key: guitar strums
                program = int(rng.choice(_GUITARS if strum else _CHORD_PROGRAMS))
                quality = ("min" if minor else "maj") if rng.random() < 0.75 else ("min7" if minor else "maj7")
                voicing = "guitar" if strum else str(rng.choice(["root", "first_inversion", "second_inversion", "open"]))
                if not strum:
                    root = 48 + tonic - (12 if tonic >= 9 else 0)  # A2..G#3
                elif (tonic - 4) % 12 <= 4:
                    root = 40 + (tonic - 4) % 12  # root on the low E string: E2..G#2
                else:
                    root = 45 + (tonic - 9) % 12  # root on the A string: A2..D#3
                notes = tonal.chord_notes(root, quality, voicing)
                spread = float(rng.uniform(0.008, 0.03)) if strum else 0.0
                if strum and rng.random() < 0.3:
                    notes = notes[::-1]  # an up-strum
                hold = float(rng.uniform(1.2, 2.5))
                velocity = int(rng.integers(70, 115))

                def write(score: Score, t0: float, program: int = program, notes: list[int] = notes,
                          spread: float = spread, hold: float = hold, velocity: int = velocity) -> None:
                    score.program(t0 - 0.1, 0, program)
                    for i, n in enumerate(notes):
                        score.note(t0 + i * spread, hold - i * spread, 0, n, velocity)
                truth = {"set": "strum" if strum else "chord", "category": gm.program(program).category,
                         "family": "tonal", **ONE_SHOT, "key": tonal.key_name(tonic, minor), "pitch_midi": None,
                         "gm_program": program, "chord": f"{tonal.KEY_NAMES[tonic]} {quality} {voicing}"}
                yield Clip(f"{truth['set']}_{tonic}{'m' if minor else 'M'}_{k}_p{program}", write, hold + 2.0, truth)


_PROGRESSION_PROGRAMS = (0, 4, 5, 16, 19, 24, 26, 48, 49, 50, 61, 80, 81, 88, 89, 90, 91, 52)
_MELODY_PROGRAMS = (0, 11, 22, 24, 40, 56, 65, 66, 68, 71, 73, 80, 81, 12, 105)
_BASS_PROGRAMS = (32, 33, 34, 35, 36, 38, 39)


def _loop_clip(name: str, events: list[tonal.NoteEvent], beats: float, bpm: float, programs: dict[int, int],
               truth: dict[str, Any], reverb: bool) -> Clip:
    """A clip that plays `events` (channel per part) twice and keeps the second pass."""
    beat_s = 60.0 / bpm
    length = beats * beat_s

    def write(score: Score, t0: float) -> None:
        for channel, program in programs.items():
            score.program(t0 - 0.1, channel, program)
        for rep in range(2):
            for start, dur, pitch, velocity, channel in events:  # type: ignore[misc]
                score.note(t0 + rep * length + start * beat_s, dur * beat_s, channel, pitch, velocity)
    return Clip(name, write, length, truth, cut_offset_s=length, one_shot=False, reverb=reverb)


def _tonal_loops(source: str, rng: np.random.Generator, quick: bool) -> Iterator[Clip]:
    for tonic in range(12):
        for minor in (False, True):
            key = tonal.key_name(tonic, minor)
            tag = f"{tonic}{'m' if minor else 'M'}"
            for k in range(1 if quick else 2):  # progressions
                style = str(rng.choice(["pad", "comp", "arpeggio"]))
                events, bars = tonal.progression(tonic, minor, rng, style=style)
                bpm = float(np.round(rng.uniform(70, 140), 1))
                program = int(rng.choice(_PROGRESSION_PROGRAMS))
                parts = [(s, d, p, v, 0 if v != 95 else 1) for s, d, p, v in events]
                truth = {"set": "progression", "category": "melodic_loop", "family": "loops", "is_loop": True,
                         "tempo_bpm": bpm, "key": key, "pitch_midi": None, "style": style, "gm_program": program}
                yield _loop_clip(f"progression_{tag}_{k}_p{program}", parts, 4.0 * bars, bpm,
                                 {0: program, 1: int(rng.choice(_BASS_PROGRAMS))}, truth, reverb=rng.random() < 0.5)
            bpm = float(np.round(rng.uniform(80, 140), 1))
            program = int(rng.choice(_MELODY_PROGRAMS))
            bars = int(rng.choice([2, 4]))
            events = [(s, d, p, v, 0) for s, d, p, v in tonal.melody(tonic, minor, rng, bars=bars)]
            truth = {"set": "melody", "category": "melodic_loop", "family": "loops", "is_loop": True,
                     "tempo_bpm": bpm, "key": key, "pitch_midi": None, "gm_program": program}
            yield _loop_clip(f"melody_{tag}_p{program}", events, 4.0 * bars, bpm, {0: program}, truth,
                             reverb=rng.random() < 0.5)
            if quick:
                continue
            bass, bars = tonal.bassline(tonic, minor, rng)
            bpm = float(np.round(rng.uniform(90, 140), 1))
            program = int(rng.choice(_BASS_PROGRAMS))
            truth = {"set": "bassline", "category": "bass_loop", "family": "loops", "is_loop": True,
                     "tempo_bpm": bpm, "key": key, "pitch_midi": None, "gm_program": program}
            yield _loop_clip(f"bassline_{tag}_p{program}", [(s, d, p, v, 0) for s, d, p, v in bass], 4.0 * bars,
                             bpm, {0: program}, truth, reverb=False)


def _drum_loop_plan(rng: np.random.Generator) -> tuple[drum_patterns.Feel, int, float, bool]:
    feel = drum_patterns.FEELS[int(rng.integers(len(drum_patterns.FEELS)))]
    bars = int(rng.choice([1, 2, 2, 4]))
    bpm = float(np.round(rng.uniform(feel.low_bpm, feel.high_bpm), 1))
    return feel, bars, bpm, bars > 1 and rng.random() < 0.3


def _drum_truth(feel: drum_patterns.Feel, bars: int, bpm: float, fill: bool) -> Entry:
    return {"set": "drum_loop", "category": "drum_loop", "family": "loops", "is_loop": True, "tempo_bpm": bpm,
            **NO_KEY, "pitch_midi": None, "feel": feel.name, "bars": bars, "fill": fill}


def _gm_drum_loops(source: str, rng: np.random.Generator, quick: bool) -> Iterator[Clip]:
    for index in range(12 if quick else 60):
        feel, bars, bpm, fill = _drum_loop_plan(rng)
        hits = drum_patterns.groove(feel, bars, rng, fill=fill)
        kit = int(rng.choice(gm.DRUM_KITS))
        events = [(t, 0.1, drum_patterns.GM_NOTE[role], v, DRUM_CHANNEL) for t, role, v in hits]
        yield _loop_clip(f"drumloop_{index:03d}_{feel.name}_{bpm:g}", events, 4.0 * bars, bpm, {DRUM_CHANNEL: kit},
                         {**_drum_truth(feel, bars, bpm, fill), "gm_kit": kit}, reverb=rng.random() < 0.3)


def _kit_entries(tree: Path, kit: kits.Kit, corpus: Path, rng: np.random.Generator, quick: bool) -> list[Entry]:
    samples = kits.kit_samples(tree, kit)
    entries = [_entry(corpus, s.path, kit.source, {"set": "drum_hit", "category": s.category,
                                                   "family": "fx" if s.category == "fx" else "drums",
                                                   **ONE_SHOT, **NO_KEY, "pitch_midi": None})
               for s in samples]
    folder = corpus / kit.source
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(8 if quick else 40):
        feel, bars, bpm, fill = _drum_loop_plan(rng)
        hits = drum_patterns.groove(feel, bars, rng, fill=fill)
        audio = kits.mix_loop(samples, hits, 4.0 * bars, bpm, rng, jitter_s=0.004 if rng.random() < 0.5 else 0.0)
        path = folder / f"drumloop_{index:03d}_{feel.name}_{bpm:g}.flac"
        sf.write(str(path), audio, RATE, subtype="PCM_16")
        entries.append(_entry(corpus, path, kit.source, _drum_truth(feel, bars, bpm, fill)))
    return entries


def _lmms_loop_entries(tree: Path) -> list[Entry]:
    """LMMS's beats and bass loops: loops by their folder; their tempo is not known."""
    entries = []
    for folder, category in (("beats", "drum_loop"), ("bassloops", "bass_loop")):
        for path in sorted((tree / "usr/share/lmms/samples" / folder).glob("*.ogg")):
            entries.append({"path": str(path), "source": "lmms", "split": SPLIT["lmms"], "set": "lmms_loop",
                            "category": category, "family": "loops", "is_loop": True})
    return entries


# LMMS's instrument, bass, pad and effect samples: categories from their names (the
# first pattern that matches), for training and category figures; some are phrases
# rather than notes, so they score neither pitch, key nor loop.
_LMMS_ONE_SHOTS = (
    ("basses", ((r".", "bass"),)),
    ("instruments", ((r"bassslap", "bass"), (r"cello|violin", "strings"), (r"organ|piano|harpsichord", "keys"),
                     (r"guitar", "guitar"), (r"trumpet", "brass"), (r"flute", "woodwind"))),
    ("stringsnpads", ((r"bell", "mallet"), (r"choir|chorus", "vocal"), (r"string", "strings"), (r".", "pad"))),
    ("latin", ((r"brass", "brass"), (r"guitar", "guitar"))),
    ("effects", ((r".", "fx"),)),
    ("misc", ((r"applause|crowd|breath|buzz|undefined", "fx"), (r"dong|ping|metal", "mallet"),
              (r"metronome|snaph|hit", "percussion"), (r"bass", "bass"))),
)


def _lmms_one_shot_entries(tree: Path) -> list[Entry]:
    entries = []
    for folder, rules in _LMMS_ONE_SHOTS:
        for path in sorted((tree / "usr/share/lmms/samples" / folder).glob("*.ogg")):
            category = next((c for pattern, c in rules if re.search(pattern, path.stem)), None)
            try:
                sf.info(str(path))
            except RuntimeError:  # a few LMMS files libsndfile cannot read
                continue
            if category:
                entries.append({"path": str(path), "source": "lmms", "split": SPLIT["lmms"], "set": "lmms_one_shot",
                                "category": category, "family": "fx" if category == "fx" else "tonal"})
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small corpus (minutes, for CI)")
    parser.add_argument("--dir", type=Path, default=None, help="cache folder (default $SAMPLEMIND_CORPUS_DIR)")
    args = parser.parse_args()
    corpus = build(args.dir, quick=args.quick)
    entries = load_manifest(corpus)
    counts: dict[str, int] = {}
    for e in entries:
        counts[f"{e['split']}/{e['set']}"] = counts.get(f"{e['split']}/{e['set']}", 0) + 1
    print(f"{corpus}: {len(entries)} files")
    for name, count in sorted(counts.items()):
        print(f"  {name:24s} {count}")


if __name__ == "__main__":
    main()
