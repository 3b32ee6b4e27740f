"""The Debian packages the real corpus is built from, fetched with `apt-get download`
and unpacked with `dpkg -x` into a cache folder. Only benchmarks and training scripts
call this; the product never downloads anything."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PACKAGES", "SOUNDFONTS", "cache_dir", "fetch", "fluidsynth"]

# Use these and no others, so that figures stay comparable from run to run.
PACKAGES = (
    "hydrogen-data",                      # GMRockKit (WAV), TR808EmulationKit (FLAC)
    "lmms-common",                        # drums, beats, basses, instruments, loops (Ogg, WAV)
    "fluid-soundfont-gm",                 # FluidR3_GM.sf2
    "timgm6mb-soundfont",                 # TimGM6mb.sf2
    "musescore-general-soundfont-small",  # MuseScore_General_Lite.sf3
)


@dataclass(frozen=True)
class SoundFont:
    source: str  # the corpus's name for it
    relative_path: str  # inside the unpacked tree


SOUNDFONTS = (
    SoundFont("fluidr3", "usr/share/sounds/sf2/FluidR3_GM.sf2"),
    SoundFont("timgm6mb", "usr/share/sounds/sf2/TimGM6mb.sf2"),
    SoundFont("musescore", "usr/share/sounds/sf3/MuseScore_General_Lite.sf3"),
)


def cache_dir() -> Path:
    """$SAMPLEMIND_CORPUS_DIR, else ~/.cache/samplemind-corpus."""
    configured = os.environ.get("SAMPLEMIND_CORPUS_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "samplemind-corpus"


def fetch(root: Path | None = None) -> Path:
    """Downloads and unpacks PACKAGES (once) and returns the unpacked tree."""
    root = root or cache_dir()
    debs, tree = root / "debs", root / "tree"
    debs.mkdir(parents=True, exist_ok=True)
    tree.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        marker = tree / f".{package}.unpacked"
        if marker.exists():
            continue
        if not list(debs.glob(f"{package}_*.deb")):
            _run(["apt-get", "download", package], cwd=debs)
        (deb,) = sorted(debs.glob(f"{package}_*.deb"))[-1:]
        _run(["dpkg", "-x", str(deb), str(tree)])
        marker.touch()
    return tree


def fluidsynth() -> str:
    """The fluidsynth program, installed from Debian when it is missing and we are root."""
    found = shutil.which("fluidsynth")
    if found:
        return found
    if os.geteuid() == 0:
        _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "fluidsynth"])
        found = shutil.which("fluidsynth")
    if not found:
        raise RuntimeError("fluidsynth is needed to render the SoundFonts: apt-get install fluidsynth")
    return found


def _run(command: list[str], cwd: Path | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
