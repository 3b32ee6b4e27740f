"""Text search over sample names, in SQLite FTS5 beside the samples.

A sample's words come from its file name, the three folders above it (the pack and
its sub-folders) and its tags (title, genre, keywords, description, comment, album,
artist), split at punctuation, case changes and digits ("DustySnare_02" gives
dustysnare, dusty, snare and 02). The abbreviations producers use are indexed and
searched as the word they stand for (bd, kik -> kick), so "kick" finds BD_01.wav and
"bd" finds kick_01.wav. Every query word matches as a prefix ("sna" finds snare); a
word of four letters or more that starts no indexed word matches the indexed words
within one edit (two from eight letters), so "snaer" finds snare. All query words must
match. Results come by path (a sample browser's order; ranking by BM25 would cost
FTS5 ~3 us per match, 40 ms for "kick" in a 100,000-sample drum library).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable

__all__ = ["ABBREVIATIONS", "TEXT_SCHEMA", "index_words", "match_expression", "words_of_path", "words_of_text"]

ABBREVIATIONS: dict[str, str] = {
    "bd": "kick", "kik": "kick", "kck": "kick", "kd": "kick", "bassdrum": "kick", "kicks": "kick",
    "sn": "snare", "snr": "snare", "sd": "snare", "snares": "snare",
    "hh": "hihat", "hat": "hihat", "hats": "hihat", "hihats": "hihat", "chh": "hihat", "ohh": "hihat",
    "cp": "clap", "clp": "clap", "claps": "clap",
    "cym": "cymbal", "cymb": "cymbal", "cymbals": "cymbal", "crsh": "crash", "rd": "ride",
    "perc": "percussion", "percs": "percussion", "shkr": "shaker",
    "tm": "tom", "toms": "tom", "rim": "rimshot", "rs": "rimshot",
    "fx": "effect", "sfx": "effect", "efx": "effect",
    "vox": "vocal", "vocals": "vocal", "vx": "vocal",
    "bs": "bass", "sub": "bass", "gtr": "guitar", "pno": "piano", "keyz": "keys", "syn": "synth",
    "str": "strings", "stg": "strings", "brs": "brass", "pd": "pad", "ld": "lead",
    "lp": "loop", "loops": "loop", "oneshot": "shot", "os": "shot",
}
"""An abbreviation (or plural) -> the word it stands for; both are indexed and searched."""

TEXT_SCHEMA = (
    # rowid = samples.key; prefix indexes make 2- and 3-letter prefix queries cheap.
    "CREATE VIRTUAL TABLE IF NOT EXISTS sample_text USING fts5(words, prefix='2 3')",
    # Every word ever indexed, for prefix and typo lookups (FTS5's own vocabulary table
    # counts documents per word on every read: 8 ms for one letter's words at 100,000).
    # A word of removed samples stays: as a typo candidate it just matches nothing.
    "CREATE TABLE IF NOT EXISTS sample_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
)
_FOLDERS = 3  # folders above the file whose names count: the pack and its sub-folders
_RUN = re.compile(r"[^\W_]+")  # a run of letters and digits
_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+")  # DustySnare02 -> Dusty, Snare, 02


def words_of_text(text: str) -> list[str]:
    """The words of a name or a query, lower case, with what abbreviations stand for."""
    words: list[str] = []
    for run in _RUN.findall(text):
        parts = _PART.findall(run)
        for word in ([run] if len(parts) > 1 else []) + parts:
            word = word.lower()
            words.append(word)
            if word in ABBREVIATIONS:
                words.append(ABBREVIATIONS[word])
    return list(dict.fromkeys(words))


def words_of_path(path: str) -> str:
    """The indexed words of a sample's path: its file name and the folders above it."""
    folders, name = os.path.split(path)
    names = [os.path.splitext(name)[0]]
    for _ in range(_FOLDERS):
        folders, folder = os.path.split(folders)
        if not folder:
            break
        names.append(folder)
    return " ".join(dict.fromkeys(w for n in names for w in words_of_text(n)))


def match_expression(db: sqlite3.Connection, text: str) -> str | None:
    """The FTS5 MATCH expression for a query (None when it has no words): each word (or
    what it abbreviates) as a prefix, or its near spellings when nothing starts with it."""
    groups = []
    for run in _RUN.findall(text):
        options = words_of_text(run)
        if not any(_starts_a_word(db, w) for w in options):
            options += _near_words(db, options[-1])
        groups.append("(" + " OR ".join(f'"{w}"*' for w in dict.fromkeys(options)) + ")")
    return " AND ".join(groups) if groups else None


def _starts_a_word(db: sqlite3.Connection, prefix: str) -> bool:
    found = db.execute("SELECT 1 FROM sample_terms WHERE term >= ? AND term < ? LIMIT 1",
                       (prefix, prefix + "\uffff")).fetchone()
    return found is not None


def _near_words(db: sqlite3.Connection, word: str) -> list[str]:
    """Indexed words within one edit of `word` (two from eight letters; none under four),
    among those sharing its first letter: a typo rarely starts a word."""
    if len(word) < 4:
        return []
    allowed = 1 if len(word) < 8 else 2
    rows = db.execute("SELECT term FROM sample_terms WHERE term >= ? AND term < ? AND "
                      "length(term) BETWEEN ? AND ?",
                      (word[0], word[0] + "\uffff", len(word) - allowed, len(word) + allowed)).fetchall()
    return [term for (term,) in rows if _edits(word, term, allowed) <= allowed]


def _edits(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1 once past it."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def index_words(db: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """(Re)writes the words of samples given as (key, path, text of their tags)."""
    words = [(key, " ".join(dict.fromkeys([*words_of_path(path).split(), *words_of_text(tags)])))
             for key, path, tags in rows]
    db.executemany("DELETE FROM sample_text WHERE rowid = ?", [(key,) for key, _ in words])
    db.executemany("INSERT INTO sample_text (rowid, words) VALUES (?, ?)", words)
    db.executemany("INSERT OR IGNORE INTO sample_terms (term) VALUES (?)",
                   [(term,) for term in {t for _, text in words for t in text.split()}])
