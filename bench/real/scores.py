"""The accuracy measures of the real-recordings benchmark."""

from __future__ import annotations

import math

__all__ = ["KEY_NAMES", "cents_error", "mirex_key_score", "parse_key", "tempo_hits"]

KEY_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def parse_key(name: str) -> tuple[int, bool]:
    """'A minor' -> (9, True); flats as their sharps."""
    tonic, mode = name.split()
    flats = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#"}
    return KEY_NAMES.index(flats.get(tonic, tonic)), mode.lower() == "minor"


def mirex_key_score(estimate: str | None, truth: str) -> float:
    """MIREX weighting (as mir_eval.key.weighted_score): 1 exact, 0.5 a fifth above in the
    same mode, 0.3 the relative key, 0.2 the parallel key, else 0; no key scores 0."""
    if not estimate:
        return 0.0
    (e, e_minor), (t, t_minor) = parse_key(estimate), parse_key(truth)
    if (e, e_minor) == (t, t_minor):
        return 1.0
    if e_minor == t_minor and (e - t) % 12 == 7:
        return 0.5
    if e_minor != t_minor and ((not t_minor and (e - t) % 12 == 9) or (t_minor and (e - t) % 12 == 3)):
        return 0.3
    if e_minor != t_minor and e == t:
        return 0.2
    return 0.0


def tempo_hits(estimate: float | None, truth: float) -> tuple[bool, bool]:
    """(Accuracy1, Accuracy2): within 4 % of the truth; Accuracy2 also at x2, x1/2, x3, x1/3."""
    if not estimate:
        return False, False

    def near(target: float) -> bool:
        return abs(estimate - target) <= 0.04 * target

    return near(truth), any(near(truth * f) for f in (1, 2, 0.5, 3, 1 / 3))


def cents_error(estimate_hz: float | None, truth_midi: float) -> float:
    """|estimate - truth| in cents; infinite when there is no estimate."""
    if not estimate_hz or estimate_hz <= 0:
        return math.inf
    return abs(1200 * math.log2(estimate_hz / (440.0 * 2 ** ((truth_midi - 69) / 12))))
