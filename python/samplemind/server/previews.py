"""WAV copies of samples in formats browsers cannot play (AIFF, CAF, W64, ...), made once
by the core's decoder and kept in the data folder, named by the file's path, size and
modification time (an edited file gets a new copy)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import soundfile as sf

from samplemind import _core
from samplemind._sndfile import sndfile_path


def playable_copy(folder: Path, path: str) -> Path:
    """The WAV copy of `path` (16-bit PCM, the file's rate and channels), made if missing;
    raises AnalysisError subclasses for a file that cannot be decoded."""
    stat = os.stat(path)
    name = hashlib.blake2b(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode(), digest_size=16).hexdigest()
    copy = folder / f"{name}.wav"
    if copy.exists():
        return copy
    samples, info = _core.decode_file(path, sndfile_path())
    folder.mkdir(parents=True, exist_ok=True)
    temporary = copy.with_suffix(".tmp")
    sf.write(str(temporary), samples.clip(-1.0, 1.0), int(info["sample_rate"]), subtype="PCM_16", format="WAV")
    os.replace(temporary, copy)  # a reader never sees half a file
    return copy
