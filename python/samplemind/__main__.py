"""The samplemind command line: ``samplemind analyze FILE...`` and ``samplemind demo``.

Exit codes: 0 success, 1 some file failed to analyse, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from samplemind._analysis import Analysis
from samplemind._api import analyze
from samplemind._exceptions import AnalysisError

__all__ = ["main"]

EXIT_OK = 0
EXIT_FILE_FAILED = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="samplemind", description="Analyse audio samples.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="analyse files and print their descriptors")
    analyze_parser.add_argument("paths", nargs="+", type=Path)
    analyze_parser.add_argument("--format", choices=("table", "json"), default="table")
    demo_parser = commands.add_parser("demo", help="analyse a generated example file")
    demo_parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)

    if args.command == "demo":
        with tempfile.TemporaryDirectory() as folder:
            return _analyze_and_print([_write_demo_file(Path(folder))], args.format)
    return _analyze_and_print(args.paths, args.format)


def _analyze_and_print(paths: Sequence[Path], output_format: str) -> int:
    failed = False
    for path in paths:
        try:
            result = analyze(path)
        except AnalysisError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        if output_format == "json":
            print(json.dumps(result.to_dict()))
        else:
            print(_table(result))
    return EXIT_FILE_FAILED if failed else EXIT_OK


def _table(result: Analysis) -> str:
    rows = [
        ("file", str(result.path)),
        ("format", f"{result.container} {result.sample_format}, {result.channels} ch, {result.sample_rate:g} Hz"),
        ("duration", f"{result.duration_s:.3f} s"),
        ("peak / rms", f"{result.peak_dbfs:.2f} / {result.rms_dbfs:.2f} dBFS"),
        ("silence lead / tail", f"{result.leading_silence_s:.3f} / {result.trailing_silence_s:.3f} s"),
        ("centroid", f"{result.centroid_hz.mean:.1f} Hz (std {result.centroid_hz.std:.1f})"),
        ("bandwidth", f"{result.bandwidth_hz.mean:.1f} Hz"),
        ("rolloff 85%", f"{result.rolloff_hz.mean:.1f} Hz"),
        ("flatness", f"{result.flatness.mean:.4f}"),
        ("zero-crossing rate", f"{result.zcr.mean:.4f}"),
        ("mfcc mean", " ".join(f"{v:.1f}" for v in result.mfcc_mean[:8]) + " ..."),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows) + "\n"


def _write_demo_file(folder: Path) -> Path:
    """A 2 s stereo 44.1 kHz WAV: a decaying A3 note with harmonics and a noise burst."""
    import soundfile

    sr = 44100
    t = np.arange(2 * sr) / sr
    note = sum(np.sin(2 * np.pi * 220 * h * t) / h for h in range(1, 12)) * np.exp(-2 * t)
    burst = np.random.default_rng(0).standard_normal(t.size) * np.exp(-30 * t)
    left = 0.25 * note + 0.2 * burst
    right = 0.25 * note - 0.2 * burst
    path = folder / "demo-a3-note.wav"
    soundfile.write(str(path), np.stack([left, right], axis=1).astype(np.float32), sr, subtype="PCM_24")
    return path


if __name__ == "__main__":
    sys.exit(main())
