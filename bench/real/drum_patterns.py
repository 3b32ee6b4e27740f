"""Drum grooves in many feels, each at a tempo range where producers play it.

A groove is a list of hits (time in beats from the loop's start, role, velocity); the
tempo in the corpus is the notated one (a half-time groove at 140 is labelled 140,
as sample packs label it). So that one pattern never has two labels, the grooves keep
the conventions producers notate by: the snare (or clap) on beats 2 and 4 (or on 3 in
half time), and hi-hats no finer than 16th notes of the notated beat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["FEELS", "GM_NOTE", "ROLE_CATEGORY", "Feel", "Hit", "groove"]

Hit = tuple[float, str, int]  # (beats from the start, role, velocity)

GM_NOTE = {"kick": 36, "snare": 38, "clap": 39, "rim": 37, "hat_closed": 42, "hat_pedal": 44,
           "hat_open": 46, "ride": 51, "crash": 49, "tom_hi": 50, "tom_mid": 47, "tom_low": 43,
           "shaker": 70, "tambourine": 54, "cowbell": 56}
ROLE_CATEGORY = {"kick": "kick", "snare": "snare", "clap": "clap", "rim": "rim", "hat_closed": "hihat_closed",
                 "hat_pedal": "hihat_closed", "hat_open": "hihat_open", "ride": "cymbal_ride",
                 "crash": "cymbal_crash", "tom_hi": "tom", "tom_mid": "tom", "tom_low": "tom",
                 "shaker": "percussion", "tambourine": "percussion", "cowbell": "percussion"}


@dataclass(frozen=True)
class Feel:
    name: str
    low_bpm: float
    high_bpm: float
    bar: Callable[[np.random.Generator], list[Hit]]  # one 4/4 bar
    swing: float = 0.0  # delay of the off-16ths (or off-8ths for triplet feels), fraction of a 16th


def _grid(role: str, steps: list[int], velocity: int, per_beat: int = 4) -> list[Hit]:
    return [(s / per_beat, role, velocity) for s in steps]


def _hats(rng: np.random.Generator, per_beat: int, role: str = "hat_closed") -> list[Hit]:
    hits = []
    for s in range(4 * per_beat):
        accent = s % per_beat == 0
        hits.append((s / per_beat, role, int(rng.integers(85, 110) if accent else rng.integers(55, 85))))
    return hits


def _four_on_floor(rng: np.random.Generator) -> list[Hit]:
    hits = _grid("kick", [0, 4, 8, 12], 115) + _grid("clap", [4, 12], 100) + _grid("hat_open", [2, 6, 10, 14], 80)
    if rng.random() < 0.6:
        hits += [h for h in _hats(rng, 4) if h[0] % 0.5 != 0]
    return hits


def _rock(rng: np.random.Generator) -> list[Hit]:
    kicks = [0, 8] + ([10] if rng.random() < 0.5 else []) + ([6] if rng.random() < 0.3 else [])
    cymbal = "ride" if rng.random() < 0.3 else "hat_closed"
    return _grid("kick", kicks, 115) + _grid("snare", [4, 12], 110) + _hats(rng, 2, cymbal)


def _hiphop(rng: np.random.Generator) -> list[Hit]:
    kicks = [0, 7, 10] if rng.random() < 0.5 else [0, 3, 10]
    return _grid("kick", kicks, 115) + _grid("snare", [4, 12], 110) + _hats(rng, 2 if rng.random() < 0.6 else 4)


def _funk(rng: np.random.Generator) -> list[Hit]:
    return (_grid("kick", [0, 3, 10] + ([14] if rng.random() < 0.5 else []), 112) + _grid("snare", [4, 12], 110)
            + _grid("snare", [7, 9, 15], 45) + _hats(rng, 4))


def _breakbeat(rng: np.random.Generator) -> list[Hit]:
    return (_grid("kick", [0, 2, 10, 11], 112) + _grid("snare", [4, 12], 110) + _grid("snare", [7, 9, 15], 60)
            + _hats(rng, 2, "ride" if rng.random() < 0.4 else "hat_closed"))


def _dnb(rng: np.random.Generator) -> list[Hit]:
    return _grid("kick", [0, 10], 115) + _grid("snare", [4, 12], 112) + _hats(rng, 2)


def _halftime(rng: np.random.Generator) -> list[Hit]:
    # 16th hats: with 8ths this groove would be the very pattern of a ballad at half
    # the tempo, and the two are labelled differently.
    return _grid("kick", [0, 3] + ([11] if rng.random() < 0.5 else []), 115) + _grid("snare", [8], 112) + _hats(rng, 4)


def _trap(rng: np.random.Generator) -> list[Hit]:
    hits = _grid("kick", [0, 7, 10] if rng.random() < 0.5 else [0, 6, 11], 118) + _grid("clap", [8], 110)
    for s in range(16):  # 16th hats with 32nd rolls and a triplet run
        if s in (6, 14) and rng.random() < 0.7:
            hits += [((s + k / 2) / 4, "hat_closed", 70) for k in range(2)]
        elif s == 11 and rng.random() < 0.5:
            hits += [((s + k / 3) / 4, "hat_closed", 65) for k in range(3)]
        else:
            hits.append((s / 4, "hat_closed", 90 if s % 2 == 0 else 65))
    return hits


def _reggaeton(rng: np.random.Generator) -> list[Hit]:
    return _grid("kick", [0, 4, 8, 12], 112) + _grid("snare", [3, 6, 11, 14], 100) + _hats(rng, 2)


def _shuffle(rng: np.random.Generator) -> list[Hit]:
    hats = [(b + t / 3, "hat_closed", 95 if t == 0 else 70) for b in range(4) for t in (0, 2)]
    return _grid("kick", [0, 8] + ([11] if rng.random() < 0.4 else []), 112) + _grid("snare", [4, 12], 108) + hats


def _jazz(rng: np.random.Generator) -> list[Hit]:
    ride = [(b + t / 3, "ride", 95 if t == 0 else 70) for b in range(4) for t in ((0, 2) if b % 2 else (0,))]
    comp = [(float(rng.integers(0, 4)) + 2 / 3, "snare", 50)]
    return ride + _grid("hat_pedal", [4, 12], 80) + _grid("kick", [0, 8], 60) + comp


def _ballad(rng: np.random.Generator) -> list[Hit]:
    return _grid("kick", [0, 10], 105) + _grid("snare" if rng.random() < 0.6 else "rim", [4, 12], 100) + _hats(rng, 4)


def _punk(rng: np.random.Generator) -> list[Hit]:
    return _grid("kick", [0, 6, 8], 118) + _grid("snare", [4, 12], 115) + _hats(rng, 2)


def _latin(rng: np.random.Generator) -> list[Hit]:
    return (_grid("kick", [0, 6, 8, 14], 105) + _grid("rim", [3, 6, 10, 12], 90) + _hats(rng, 2, "shaker")
            + _grid("cowbell", [0, 4, 8, 12], 80))


FEELS: tuple[Feel, ...] = (
    Feel("four_on_floor", 118, 132, _four_on_floor), Feel("techno", 125, 145, _four_on_floor),
    Feel("rock", 85, 165, _rock), Feel("hiphop", 78, 98, _hiphop, swing=0.25),
    Feel("funk", 92, 118, _funk), Feel("breakbeat", 122, 140, _breakbeat),
    Feel("jungle", 160, 176, _breakbeat), Feel("dnb", 165, 180, _dnb),
    Feel("halftime", 130, 160, _halftime), Feel("trap", 130, 150, _trap),
    Feel("reggaeton", 88, 100, _reggaeton), Feel("shuffle", 80, 130, _shuffle),
    Feel("jazz", 110, 200, _jazz), Feel("ballad", 60, 78, _ballad, swing=0.1),
    Feel("punk", 170, 200, _punk), Feel("latin", 95, 125, _latin),
)


def groove(feel: Feel, bars: int, rng: np.random.Generator, *, fill: bool) -> list[Hit]:
    """`bars` bars of the feel, the last ending in a tom fill when `fill`; a crash may open."""
    hits: list[Hit] = []
    for bar in range(bars):
        for t, role, velocity in feel.bar(rng):
            if fill and bar == bars - 1 and t >= 2.0:
                continue
            hits.append((4 * bar + _swing(t, feel.swing), role, velocity))
    if fill:
        toms = ["tom_hi", "tom_hi", "tom_mid", "tom_mid", "tom_low", "tom_low", "snare", "snare"]
        hits += [(4 * (bars - 1) + 2 + k / 4, toms[k], 95) for k in range(8)]
    if rng.random() < 0.3:
        hits.append((0.0, "crash", 100))
    return hits


def _swing(t: float, swing: float) -> float:
    """Delays the off-16th notes by `swing` of a 16th."""
    sixteenth = t * 4
    if swing and abs(sixteenth - round(sixteenth)) < 1e-6 and round(sixteenth) % 2 == 1:
        return t + swing / 4
    return t
