"""Musical key names: every common spelling read in one place (the CLI, the server and
SearchFilters), written the way analyses write them ("A minor", "F# major")."""

from __future__ import annotations

import re

__all__ = ["NOTES", "compatible_keys", "parse_key"]

NOTES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11, "H": 11}  # H: German for B
_MODES = {"": "major", "maj": "major", "major": "major", "dur": "major",
          "m": "minor", "min": "minor", "minor": "minor", "moll": "minor"}
_PATTERN = re.compile(r"([A-Ha-h])\s*(#|b|sharp|flat)?[\s_-]*([A-Za-z]*)")
# DJ software's wheel notations: Camelot "8A" (A minor) / "8B" (C major), and Open Key
# "1m" (A minor) / "1d" (C major). Each step round the wheel is a fifth.
_WHEEL = re.compile(r"(1[0-2]|[1-9])\s*([ABabdm])")


def parse_key(text: str) -> str:
    """"A minor" from "a minor", "Am", "Amin", "A-moll", "A♭ major" ("G# major"), "Bb",
    "H minor" (B minor), Camelot "8A", Open Key "1m", ...; ValueError for anything else, naming what was given."""
    cleaned = text.strip().replace("♯", "#").replace("♭", "b")
    wheel = _WHEEL.fullmatch(cleaned)
    if wheel:
        return _wheel_key(int(wheel.group(1)), wheel.group(2))
    match = _PATTERN.fullmatch(cleaned)
    mode_word = match.group(3) if match else ""
    # A lone capital M is major (as in "CM7" notation); every other mode word is any case.
    mode = "major" if mode_word == "M" else _MODES.get(mode_word.lower())
    if match is None or mode is None:
        raise ValueError(f"not a musical key: {text!r}; write it like 'A minor', 'Am', 'F# major' or 'Bb'")
    accidental = {"#": 1, "sharp": 1, "b": -1, "flat": -1}.get((match.group(2) or "").lower(), 0)
    tonic = (_NATURAL[match.group(1).upper()] + accidental) % 12
    return f"{NOTES[tonic]} {mode}"


def _wheel_key(number: int, letter: str) -> str:
    minor = letter in "Aam"
    camelot = letter in "ABab"
    major_tonic = 7 * (number - (8 if camelot else 1)) % 12  # Camelot 8B and Open Key 1d are C major
    return f"{NOTES[(major_tonic + 9) % 12]} minor" if minor else f"{NOTES[major_tonic]} major"


def compatible_keys(key: str) -> set[str]:
    """The key, its relative, and the keys a fifth up and down with their relatives."""
    name, mode = parse_key(key).split()
    tonic = NOTES.index(name)
    minor = mode == "minor"
    keys = set()
    for shift in (0, 7, 5):
        t = (tonic + shift) % 12
        relative = (t + 3) % 12 if minor else (t + 9) % 12
        keys.add(f"{NOTES[t]} {mode}")
        keys.add(f"{NOTES[relative]} {'major' if minor else 'minor'}")
    return keys
