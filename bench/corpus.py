"""The batch benchmarks' corpus: `samplemind bench`'s generated sounds (mixed formats,
rates, channel counts and lengths up to 30 s, one in 50 unreadable), written once per
size and reused (under the system temp folder)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from samplemind._bench import write_corpus

BROKEN_EVERY = 50  # index % 50 == 49 is an unreadable WAV header


def corpus(files: int, seed: int = 0) -> list[Path]:
    """`files` files, lengths log-uniform in 0.1-30 s; one in every 50 is corrupt."""
    folder = Path(tempfile.gettempdir()) / f"samplemind-bench-corpus-v2-{files}-{seed}"
    done_marker = folder / ".complete"
    if not done_marker.exists():
        write_corpus(folder, files, seed, max_seconds=30.0, broken_every=BROKEN_EVERY)
        done_marker.touch()
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
