"""Finding the audio files under folders."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["AUDIO_EXTENSIONS", "find_audio_files", "looks_like_audio"]

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".wave", ".bwf", ".rf64", ".aif", ".aiff", ".aifc", ".flac", ".ogg", ".oga", ".opus", ".mp3",
     ".caf", ".w64", ".au", ".snd"}
)
# Files with other extensions are kept when their first bytes are one of these.
_MAGIC = (b"RIFF", b"RF64", b"BW64", b"FORM", b"fLaC", b"OggS", b"ID3", b"caff", b"riff", b".snd")
# Known non-audio neighbours of samples: never sniffed.
_NOT_AUDIO = frozenset({".txt", ".md", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".json", ".xml", ".zip", ".mid",
                        ".midi", ".asd", ".nki", ".nkx", ".exe", ".dll"})


def looks_like_audio(path: Path) -> bool:
    """By extension, else by the first bytes (MPEG audio frames start 0xFFEx)."""
    suffix = path.suffix.lower()
    if suffix in AUDIO_EXTENSIONS:
        return True
    if suffix in _NOT_AUDIO:
        return False
    try:
        with open(path, "rb") as file:
            head = file.read(4)
    except OSError:
        return False
    return head.startswith(_MAGIC) or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def find_audio_files(paths: Iterable[str | os.PathLike[str]], *, recursive: bool = True) -> list[str]:
    """Expands folders into the audio files they hold, sorted; files named directly are
    kept as they are (their analysis says whether they are audio); "~" is expanded. Hidden files and
    folders (names starting with ".") are skipped; symbolic links are followed, but a
    folder already visited (a link loop) is not entered twice."""
    found: list[str] = []
    for item in paths:
        path = Path(item).expanduser()
        if path.is_dir():
            found.extend(_walk(path, recursive, visited=set()))
        else:
            found.append(str(path))
    return found


def _walk(folder: Path, recursive: bool, visited: set[tuple[int, int]]) -> list[str]:
    try:
        stat = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    if (stat.st_dev, stat.st_ino) in visited:
        return []
    visited.add((stat.st_dev, stat.st_ino))
    files: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if recursive:
                files.extend(_walk(Path(entry.path), recursive, visited))
        elif entry.is_file() and looks_like_audio(Path(entry.path)):
            files.append(entry.path)
    return files
