"""The samplemind command line.

Exit status: 0 when every file was analysed, 1 when some failed (they are listed on
stderr), 2 for a usage error, 130 when interrupted (finished results stay cached).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from samplemind._analysis import Analysis
from samplemind._batch import analyze_batch
from samplemind._cache import ResultCache
from samplemind._data_dir import ENV_VAR, default_data_dir
from samplemind._demo_pack import BROKEN_NAME, write_demo_pack
from samplemind._exceptions import AnalysisError
from samplemind._files import find_audio_files
from samplemind._output import FORMATS, write_results
from samplemind._progress_bar import ProgressBar, format_duration

__all__ = ["main"]

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE, as shells report

ANALYZE_EXAMPLES = """examples:
  samplemind analyze kick.wav snare.flac
  samplemind analyze ~/Samples --recursive --format csv --output samples.csv
  samplemind analyze ~/Samples -r --workers 4 --format jsonl > samples.jsonl
  samplemind analyze loops/ --no-cache --format json
"""
DEMO_EXAMPLES = """examples:
  samplemind demo                 # writes the pack into the data folder and analyses it
  samplemind demo ./demo-pack     # the same, into ./demo-pack
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samplemind", description="Fast analysis of audio sample libraries.",
        epilog="Run 'samplemind COMMAND --help' for a command's options and examples.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze", help="analyse files and folders", epilog=ANALYZE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Analyse audio files (folders expand to the audio files in them) and print their descriptors.",
    )
    analyze.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_run_options(analyze)
    demo = commands.add_parser(
        "demo", help="generate a small sample pack and analyse it", epilog=DEMO_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a generated sample pack (kicks, snares, hats, a clap, notes, a pad, loops and one "
        "broken file) and analyse it, to see SampleMind work in one command.",
    )
    demo.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="where to write the pack")
    _add_run_options(demo)
    return parser


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into sub-folders")
    parser.add_argument("--workers", type=int, default=0, metavar="N", help="worker threads (default: one per core)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write results to FILE instead of stdout")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help=f"data folder for the cache (default: ${ENV_VAR} or {default_data_dir()})")
    parser.add_argument("--no-cache", action="store_true", help="analyse everything; read and write no cache")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `samplemind analyze ... | head`: stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.workers < 0:
        print("samplemind: error: --workers must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "demo":
        folder = args.folder or default_data_dir() / "demo-pack"
        write_demo_pack(folder)
        print(f"wrote the demo pack to {folder}", file=sys.stderr)
        args.paths, args.recursive = [folder], True
        status = run_analysis(args, expected_failures={str(folder / BROKEN_NAME)})
        print(f"({BROKEN_NAME} is broken on purpose: bad files are reported, never fatal)", file=sys.stderr)
        return status
    return run_analysis(args)


def run_analysis(args: argparse.Namespace, expected_failures: frozenset[str] | set[str] = frozenset()) -> int:
    paths = find_audio_files(args.paths, recursive=args.recursive)
    cache = None if args.no_cache else ResultCache(args.data_dir)
    bar = ProgressBar()
    started = time.monotonic()
    try:
        results = analyze_batch(paths, workers=args.workers, progress=bar, cache=cache)
    except KeyboardInterrupt:
        bar.close()
        print("samplemind: interrupted; finished results are kept in the cache", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if cache is not None:
            cache.close()
    bar.close()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            write_results(results, args.format, stream)
    else:
        write_results(results, args.format, sys.stdout)
    return summarise(results, time.monotonic() - started, expected_failures)


def summarise(
    results: Sequence[Analysis | AnalysisError], elapsed: float, expected_failures: frozenset[str] | set[str]
) -> int:
    failures = [r for r in results if isinstance(r, AnalysisError)]
    rate = len(results) / elapsed if elapsed > 0 else 0.0
    print(f"analysed {len(results) - len(failures)} of {len(results)} files in {format_duration(elapsed)}"
          f" ({rate:.1f} files/s), {len(failures)} failed", file=sys.stderr)
    for failure in failures:
        print(f"  failed: {failure.path}: {failure.code}: {failure.reason}", file=sys.stderr)
    unexpected = [f for f in failures if str(Path(f.path)) not in expected_failures]
    return EXIT_SOME_FAILED if unexpected else EXIT_OK
