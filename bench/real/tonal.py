"""Tonal material with a known key: chords (triads, sevenths, inversions, strums),
progressions, melodies and basslines, in any of the 24 keys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CHORD_QUALITIES", "KEY_NAMES", "NoteEvent", "bassline", "chord_notes", "key_name", "melody",
           "progression"]

NoteEvent = tuple[float, float, int, int]  # (start beats, length beats, MIDI pitch, velocity)
KEY_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MAJOR = [0, 2, 4, 5, 7, 9, 11]
NATURAL_MINOR = [0, 2, 3, 5, 7, 8, 10]
HARMONIC_MINOR = [0, 2, 3, 5, 7, 8, 11]

# quality: (intervals, mode of the key it names)
CHORD_QUALITIES: dict[str, tuple[list[int], bool]] = {
    "maj": ([0, 4, 7], False), "min": ([0, 3, 7], True),
    "maj7": ([0, 4, 7, 11], False), "min7": ([0, 3, 7, 10], True),
}


def key_name(tonic: int, minor: bool) -> str:
    return f"{KEY_NAMES[tonic % 12]} {'minor' if minor else 'major'}"


def chord_notes(root: int, quality: str, voicing: str) -> list[int]:
    """MIDI notes of a chord on `root` (a MIDI note): close position, an inversion, or
    a six-string guitar shape (root on the E or A string, bass doubled)."""
    intervals = CHORD_QUALITIES[quality][0]
    notes = [root + i for i in intervals]
    if voicing == "first_inversion":
        notes = notes[1:] + [notes[0] + 12]
    elif voicing == "second_inversion":
        notes = notes[2:] + [n + 12 for n in notes[:2]]
    elif voicing == "open":  # root in the bass, the rest spread over an octave up
        notes = [root - 12] + [root + i + (12 if k % 2 else 0) for k, i in enumerate(intervals[1:])] + [root]
    elif voicing == "guitar":
        third = intervals[1]
        seventh = intervals[3] if len(intervals) > 3 else 12
        notes = [root, root + 7, root + seventh, root + 12 + third, root + 19, root + 24][: 6 if seventh == 12 else 5]
    return notes


@dataclass(frozen=True)
class _Degree:
    step: int  # scale degree 0-6
    quality: str


_PROGRESSIONS_MAJOR = (
    ((0, "maj"), (3, "maj"), (4, "maj"), (0, "maj")),
    ((0, "maj"), (5, "min"), (3, "maj"), (4, "maj")),
    ((0, "maj"), (4, "maj"), (5, "min"), (3, "maj")),
    ((1, "min"), (4, "maj"), (0, "maj"), (0, "maj")),
    ((0, "maj7"), (3, "maj7"), (1, "min7"), (4, "maj")),
)
_PROGRESSIONS_MINOR = (
    ((0, "min"), (3, "min"), (4, "maj"), (0, "min")),     # i iv V i (harmonic minor)
    ((0, "min"), (5, "maj"), (2, "maj"), (6, "maj")),     # i VI III VII
    ((0, "min"), (6, "maj"), (5, "maj"), (4, "maj")),     # i VII VI V (Andalusian)
    ((0, "min7"), (3, "min7"), (0, "min7"), (4, "maj")),  # i7 iv7 i7 V
    ((0, "min"), (3, "min"), (6, "maj"), (2, "maj")),     # i iv VII III
)


def progression(tonic: int, minor: bool, rng: np.random.Generator, *, style: str) -> tuple[list[NoteEvent], int]:
    """A four-chord progression, one chord per bar; returns (notes, bars). style: "pad"
    (held chords), "comp" (quarter-note stabs) or "arpeggio" (eighth notes), each with a
    root bass note an octave or two down."""
    choices = _PROGRESSIONS_MINOR if minor else _PROGRESSIONS_MAJOR
    chords = choices[int(rng.integers(len(choices)))]
    scale = HARMONIC_MINOR if minor else MAJOR
    base = 48 + tonic if tonic < 7 else 36 + tonic  # the chords' register: C3..F#4
    events: list[NoteEvent] = []
    for bar, (step, quality) in enumerate(chords):
        if minor and step in (2, 5, 6):  # III, VI, VII come from natural minor
            root = base + NATURAL_MINOR[step]
        else:
            root = base + scale[step]
        voicing = ("root", "first_inversion", "second_inversion")[int(rng.integers(3))] if root - base > 5 else "root"
        notes = chord_notes(root if root - base <= 7 else root - 12, quality, voicing)
        start = 4.0 * bar
        if style == "pad":
            events += [(start, 3.9, n, 80) for n in notes]
        elif style == "comp":
            events += [(start + b, 0.45, n, 90 if b == 0 else 75) for b in range(4) for n in notes]
        else:
            pattern = notes + notes[-2:0:-1]
            events += [(start + 0.5 * k, 0.45, pattern[k % len(pattern)] + 12, 80) for k in range(8)]
        events.append((start, 3.9, root - 12 if root - 12 >= 28 else root, 95))
    return events, len(chords)


def melody(tonic: int, minor: bool, rng: np.random.Generator, *, bars: int = 2) -> list[NoteEvent]:
    """A stepwise melody in the key's scale (harmonic minor's leading tone before the
    end): chord tones of the tonic triad on strong beats, starting and ending on the tonic."""
    scale = NATURAL_MINOR if minor else MAJOR
    base = 60 + tonic if tonic < 7 else 48 + tonic
    degree, events, t = 0, [], 0.0
    total = 4.0 * bars
    while t < total - 1.0:
        length = float(rng.choice([0.5, 0.5, 1.0, 1.0, 1.5]))
        length = min(length, total - 1.0 - t)
        strong = abs(t - round(t)) < 1e-9 and round(t) % 2 == 0
        if strong and degree % 7 not in (0, 2, 4):
            degree += 1 if rng.random() < 0.5 else -1
        pitch = base + 12 * (degree // 7) + scale[degree % 7]
        events.append((t, length * 0.95, pitch, int(rng.integers(80, 110))))
        t += length
        degree = int(np.clip(degree + rng.choice([-2, -1, -1, 1, 1, 2]), -3, 9))
    if minor and events:  # the leading tone (harmonic minor) before the final tonic
        start, length, _, velocity = events[-1]
        events[-1] = (start, length, base - 1, velocity)
    events.append((total - 1.0, 0.95, base, 100))
    return events


def bassline(tonic: int, minor: bool, rng: np.random.Generator) -> tuple[list[NoteEvent], int]:
    """Eighth-note root-fifth-octave patterns over a four-bar progression."""
    chords, bars = progression(tonic, minor, rng, style="pad")
    roots = sorted({(int(s // 4), p) for s, _, p, v in chords if v == 95})
    events: list[NoteEvent] = []
    for bar, root in roots:
        root = root - 12 if root >= 52 else root
        root = root + 12 if root < 28 else root
        figure = [0, 0, 7, 0, 12, 0, 7, 5] if rng.random() < 0.5 else [0, 0, 0, 7, 0, 0, 12, 7]
        events += [(4.0 * bar + 0.5 * k, 0.4, root + figure[k], 100 if k % 2 == 0 else 80) for k in range(8)]
    return events, bars
