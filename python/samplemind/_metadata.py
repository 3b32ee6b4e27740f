"""What a file says about itself: embedded metadata (read by the C++ core from WAV
'acid'/'smpl'/'inst'/'bext'/'LIST-INFO', AIFF 'INST'/'MARK'/Apple Loops 'basc', ID3
and Vorbis comment tags) and the tempo, key and note cues in its name.

A stated tempo or key is trusted over a measured one: a library shows the first of
metadata, name and analysis that gives one (`label_sources`), says which with
`tempo_source` and `key_source`, and keeps what the analysis measured beside it.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from typing import Any

from samplemind import _core
from samplemind._keys import NOTES, parse_key

__all__ = ["Metadata", "NameCues", "label_sources", "name_cues", "read_metadata"]

_MIN_BPM, _MAX_BPM = 20.0, 999.0
# A bare number in the name ("Loop_140_Dusty") is a tempo only in this range and
# only for a loop: elsewhere it is as likely a take or a sample number.
_BARE_BPM = (60.0, 200.0)
_EXPLICIT_BPM = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*[-_ ]?\s*bpm\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\s_\-.,()\[\]{}+]+")
_KEY_TOKEN = re.compile(r"[A-G](#|b|♯|♭)?(m|min|minor|maj|major)")
_LONE_NOTE = re.compile(r"[A-G](#|b|♯|♭)?")
_NOTE_TOKEN = re.compile(r"([A-G])(#|b|♯|♭)?(-?[0-8])")
_MODE_WORDS = {"minor", "min", "major", "maj"}
_SEARCHED_TAGS = ("title", "genre", "keywords", "description", "comment", "album", "artist")


@dataclass(frozen=True)
class NameCues:
    """What the file name states (only the name, not its folders)."""

    tempo_bpm: float | None = None
    """"120bpm", "120 BPM", or for a loop a bare number in [60, 200] ("Loop_140_Dusty")."""
    key: str | None = None
    """"Amin", "C#m", "F#maj", "A minor", "Eb_minor", written as analyses write keys ("A minor")."""
    note: str | None = None
    """A note with an octave ("808_F#1"), as written: DAWs disagree on which C is C4."""


@dataclass(frozen=True)
class Metadata:
    """Metadata embedded in the file, and the cues in its name. Absent values are None."""

    tempo_bpm: float | None = None
    """From the 'acid' chunk, Apple Loops (beats over the length), or a BPM tag."""
    key: str | None = None
    """From a key tag or Apple Loops, as analyses write keys ("A minor"); None when the
    file states none or one that cannot be read (the written text stays in tags["key"])."""
    root_note: int | None = None
    """MIDI note (60 = C4): 'acid' root, 'smpl' unity note, 'inst' or AIFF 'INST' base note."""
    is_loop: bool | None = None
    """The 'acid' one-shot flag or the Apple Loops loop type."""
    beats: float | None = None
    loops: tuple[tuple[int, int], ...] = ()
    """Sampler loops, (first frame, end frame exclusive), as libsndfile reports them."""
    tags: dict[str, str] = field(default_factory=dict)
    """Text tags by lower-case name: title, artist, album, genre, comment, date,
    copyright, software, keywords, description, originator, bpm, key."""
    sources: tuple[str, ...] = ()
    """The chunks the values came from: "acid", "smpl", "LIST/INFO", "id3", "basc", ..."""
    name: NameCues = field(default_factory=NameCues)

    @classmethod
    def _from_core(cls, raw: dict[str, Any], path: str | None, is_loop: bool) -> Metadata:
        """From the binding's dictionary, with the cues of `path`'s name (the analysis's
        loop flag decides whether a bare number in it may be a tempo)."""
        key = raw["key"]
        try:
            key = parse_key(key) if key is not None else None
        except ValueError:
            key = None
        return cls(tempo_bpm=raw["tempo_bpm"], key=key, root_note=raw["root_note"], is_loop=raw["is_loop"],
                   beats=raw["beats"], loops=tuple((int(a), int(b)) for a, b in raw["loops"]),
                   tags=dict(raw["tags"]), sources=tuple(raw["sources"]),
                   name=name_cues(path, is_loop=is_loop) if path else NameCues())

    @property
    def root_note_name(self) -> str | None:
        """root_note as a note name, C4 = MIDI 60 (the convention of pitch_note)."""
        return None if self.root_note is None else f"{NOTES[self.root_note % 12]}{self.root_note // 12 - 1}"

    def stated(self) -> dict[str, Any]:
        """The musical values the file and its name state, without the empty ones: what a
        library keeps beside a sample to show where its labels came from."""
        values = {"tempo_bpm": self.tempo_bpm, "key": self.key, "root_note": self.root_note_name,
                  "is_loop": self.is_loop, "name_tempo_bpm": self.name.tempo_bpm, "name_key": self.name.key,
                  "name_note": self.name.note}
        return {name: value for name, value in values.items() if value is not None}

    def words(self) -> str:
        """The text of the tags a text search finds a sample by."""
        return " ".join(self.tags[name] for name in _SEARCHED_TAGS if name in self.tags)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["loops"] = [list(loop) for loop in self.loops]
        out["sources"] = list(self.sources)
        out["root_note_name"] = self.root_note_name
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metadata:
        fields = dict(data)
        fields.pop("root_note_name", None)
        fields["loops"] = tuple(tuple(loop) for loop in fields["loops"])
        fields["sources"] = tuple(fields["sources"])
        fields["name"] = NameCues(**fields["name"])
        return cls(**fields)


def read_metadata(path: str | os.PathLike[str]) -> Metadata:
    """A file's metadata without analysing its audio (a few small reads). A bare
    number in the name counts as a tempo only when the metadata says it is a loop.
    AudioNotFoundError when the file cannot be opened; a malformed chunk is skipped."""
    raw = _core.read_metadata(os.fspath(path))
    return Metadata._from_core(raw, os.fspath(path), bool(raw["is_loop"]))


def name_cues(path: str, *, is_loop: bool) -> NameCues:
    """The tempo, key and note a file's name states."""
    stem = os.path.splitext(os.path.basename(path))[0]
    tempo = _explicit_tempo(stem)
    tokens = _TOKEN.findall(stem)
    if tempo is None and is_loop:
        tempo = next((float(t) for t in tokens if t.isdigit() and _BARE_BPM[0] <= float(t) <= _BARE_BPM[1]), None)
    return NameCues(tempo_bpm=tempo, key=_key_in(tokens), note=_note_in(tokens))


def _explicit_tempo(stem: str) -> float | None:
    for match in _EXPLICIT_BPM.finditer(stem):
        bpm = float(match.group(1))
        if _MIN_BPM <= bpm <= _MAX_BPM:
            return bpm
    return None


def _key_in(tokens: list[str]) -> str | None:
    """A key token ("Am", "C#min", "Ebmaj"); a lone note is a key only when a mode word
    follows it ("A minor", "F#_maj"), else it is as likely a note or a variation letter."""
    for i, token in enumerate(tokens):
        following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        if _KEY_TOKEN.fullmatch(token):
            return parse_key(token)
        if following in _MODE_WORDS and _LONE_NOTE.fullmatch(token):
            return parse_key(f"{token} {following}")
    return None


def _note_in(tokens: list[str]) -> str | None:
    for token in tokens:
        match = _NOTE_TOKEN.fullmatch(token)
        if match:
            accidental = {"♯": "#", "♭": "b"}.get(match.group(2) or "", match.group(2) or "")
            return f"{match.group(1)}{accidental}{match.group(3)}"
    return None


def label_sources(measured_tempo: float | None, measured_key: str | None, metadata: Metadata) -> dict[str, Any]:
    """The tempo and key a library shows, each with where it came from ("metadata",
    "name" or "analysis"), and under `analysis` what the analysis measured of each one
    taken from elsewhere, so that a disagreement stays visible.

    A one-shot's 'acid' chunk still holds its project's tempo, so a file whose metadata
    says it is a one-shot takes no tempo from it."""
    tempo_options = (("metadata", metadata.tempo_bpm if metadata.is_loop is not False else None),
                     ("name", metadata.name.tempo_bpm), ("analysis", measured_tempo))
    key_options = (("metadata", metadata.key), ("name", metadata.name.key), ("analysis", measured_key))
    tempo_source, tempo = next(((s, v) for s, v in tempo_options if v is not None), ("analysis", None))
    key_source, key = next(((s, v) for s, v in key_options if v is not None), ("analysis", None))
    labels: dict[str, Any] = {"tempo_bpm": tempo, "tempo_source": tempo_source, "key": key, "key_source": key_source}
    analysis = {name: value for name, value, source in (("tempo_bpm", measured_tempo, tempo_source),
                                                        ("key", measured_key, key_source)) if source != "analysis"}
    if analysis:
        labels["analysis"] = analysis
    return labels
