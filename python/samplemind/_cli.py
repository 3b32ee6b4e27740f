"""The samplemind command line.

Exit status: 0 when every file was analysed, 1 when some failed (they are listed on
stderr), 2 for a usage error, 130 when interrupted (finished results stay cached).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from samplemind import __version__
from samplemind._analysis import Analysis
from samplemind._batch import analyze_batch
from samplemind._bench import ComparisonUnavailable, bench_main, format_report
from samplemind._categories import CATEGORIES, CATEGORY_FILTER_NAMES
from samplemind._cache import ResultCache
from samplemind._data_dir import ENV_VAR, default_data_dir, resolve_data_dir
from samplemind._demo_pack import BROKEN_NAME, write_demo_pack
from samplemind._exceptions import AnalysisError, SharedStorageError
from samplemind._files import find_audio_files
from samplemind._output import FORMATS, write_results
from samplemind._progress_bar import ProgressBar, format_duration
from samplemind._query_syntax import parse_range, parse_weights
from samplemind.similarity import SearchFilters, SearchResult, SimilarityIndex

__all__ = ["main"]

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE, as shells report

ANALYZE_EXAMPLES = """examples:
  samplemind analyze kick.wav snare.flac
  samplemind analyze ~/Samples --recursive --format csv --output samples.csv
  samplemind analyze ~/Samples -r --workers 4 --format jsonl > samples.jsonl
  samplemind analyze loops/ --no-cache --format json
  samplemind analyze /shared/Samples -r --dask-scheduler tcp://10.0.0.5:8786
"""
INDEX_EXAMPLES = """examples:
  samplemind index ~/Samples --recursive          # analyse what the cache lacks, then index
  samplemind index --stats
  samplemind index --remove ~/Samples/old/kick.wav
"""
SEARCH_EXAMPLES = """examples:
  samplemind search kick.wav -k 20
  samplemind search 42 --weights timbre=1,pitch=0.5 --min-similarity 0.7
  samplemind search loop.wav --tempo 120-130 --key "A minor" --compatible-keys --format json
  samplemind search --text "dusty snare"          # by name: abbreviations, prefixes, typos
  samplemind search kick.wav --text 808            # like this kick, named 808
"""
DUPLICATES_EXAMPLES = """examples:
  samplemind duplicates                         # exact copies among the indexed samples
  samplemind duplicates ~/Samples -r --near     # also trimmed, re-levelled, resampled, MP3/Ogg, mono
  samplemind duplicates packs/ -r --near --format json > copies.json
"""
SET_EXAMPLES = """examples:
  samplemind set loops/funk.wav --tempo 96 --key "E minor"
  samplemind set one-shots/thing.wav --category cymbal_ride
  samplemind set loops/funk.wav --clear tempo      # back to the analysed tempo (--clear alone: all)
"""
BENCH_EXAMPLES = """examples:
  samplemind bench --quick
  samplemind bench ~/Samples --workers 1,2,4,8 --json report.json --plot report.png
  samplemind bench --compare librosa          # needs librosa and pyloudnorm installed
"""
WATCH_EXAMPLES = """examples:
  samplemind watch ~/Samples                     # keep the index in step until Ctrl-C
  samplemind watch ~/Samples ~/Packs --once      # re-check once (what changed since the last run)
"""
SERVE_EXAMPLES = """examples:
  samplemind serve                                   # http://127.0.0.1:8000, the default data folder
  samplemind serve --library ~/Samples --token "$SAMPLEMIND_TOKEN"
  samplemind serve --library ~/Samples --watch       # follow the library's changes while serving
  samplemind serve --host 0.0.0.0 --port 8080 --allow-origin https://browser.example
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
    parser.add_argument("--version", action="version", version=f"samplemind {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze = _command(
        commands, "analyze", "analyse files and folders", ANALYZE_EXAMPLES,
        "Analyse audio files (folders expand to the audio files in them) and print their descriptors.",
    )
    analyze.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    analyze.add_argument("--category", choices=CATEGORY_FILTER_NAMES, metavar="NAME",
                         help="print only files of this category or family (failures are always printed)")
    _add_run_options(analyze)
    _add_dask_option(analyze)
    index = _command(
        commands, "index", "add files and folders to the similarity index", INDEX_EXAMPLES,
        "Analyse (using the cache) and add audio files to the similarity index in the data folder.",
    )
    index.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    index.add_argument("-r", "--recursive", action="store_true", help="descend into sub-folders")
    index.add_argument("--workers", type=int, default=0, metavar="N", help="worker threads (default: one per core)")
    index.add_argument("--data-dir", type=Path, metavar="DIR", help="data folder (cache and index)")
    index.add_argument("--stats", action="store_true", help="print what the index holds")
    index.add_argument("--remove", nargs="+", type=Path, metavar="PATH", help="remove these files from the index")
    _add_dask_option(index)
    search = _command(
        commands, "search", "find the most similar indexed samples", SEARCH_EXAMPLES,
        "Find indexed samples like QUERY (an audio file, or the id of an indexed sample, the #N a search shows), or whose "
        "names match --text, or both.",
    )
    search.add_argument("query", nargs="?", metavar="QUERY")
    search.add_argument("--text", metavar="WORDS", help='words of the name, e.g. "dusty snare" or "bd 808"')
    search.add_argument("-k", "--limit", dest="k", type=int, default=10, metavar="N", help="results (default 10)")
    search.add_argument("--min-similarity", type=float, default=0.0, metavar="S", help="in [0, 1]")
    search.add_argument("--weights", metavar="ASPECT:W,...", help="aspect weights, e.g. timbre:1,pitch:0.5 (or =)")
    search.add_argument("--tempo", metavar="LO-HI", help="tempo range in BPM, e.g. 120-130")
    search.add_argument("--duration", metavar="LO-HI", help="duration range in seconds")
    search.add_argument("--pitch", metavar="LO-HI", help="pitch range in Hz, e.g. 40-80")
    search.add_argument("--key", help='musical key, e.g. "A minor"')
    search.add_argument("--compatible-keys", action="store_true", help="also relative and fifth-related keys")
    search.add_argument("--loops", choices=("only", "none"), help="only loops, or no loops")
    search.add_argument("--category", choices=CATEGORY_FILTER_NAMES, metavar="NAME",
                        help="a category (kick, pad, drum_loop, ...) or a family (drums, tonal, fx, loops)")
    search.add_argument("--format", choices=("table", "json"), default="table")
    search.add_argument("--data-dir", type=Path, metavar="DIR", help="data folder (cache and index)")
    duplicates = _command(
        commands, "duplicates", "find copies of the same sample", DUPLICATES_EXAMPLES,
        "Group copies of the same sample: the same audio in any container and, with --near, copies "
        "trimmed, re-levelled, resampled, re-encoded (MP3, Ogg) or mixed to mono. Without PATH, among "
        "the indexed samples.",
    )
    duplicates.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    duplicates.add_argument("-r", "--recursive", action="store_true", help="descend into sub-folders")
    duplicates.add_argument("--near", action="store_true", help="also near copies, not only exact ones")
    duplicates.add_argument("--format", choices=("table", "json"), default="table")
    duplicates.add_argument("--workers", type=int, default=0, metavar="N", help="threads (default: one per core)")
    duplicates.add_argument("--data-dir", type=Path, metavar="DIR", help="data folder (fingerprints are kept there)")
    correct = _command(
        commands, "set", "correct a file's tempo, key or category", SET_EXAMPLES,
        "Set the tempo, key or category of a file by hand. Corrections are kept apart from the analysis: "
        "they outlive re-analysis and upgrades, and searches, filters and results use them (source \"user\").",
    )
    correct.add_argument("file", type=Path, metavar="FILE")
    correct.add_argument("--tempo", type=float, metavar="BPM")
    correct.add_argument("--key", help='musical key, e.g. "A minor" or Am')
    correct.add_argument("--category", choices=sorted(CATEGORIES), metavar="NAME", help="kick, pad, drum_loop, ...")
    correct.add_argument("--clear", nargs="*", choices=("tempo", "key", "category"), metavar="FIELD",
                         help="remove these corrections (tempo, key, category; none named: all)")
    correct.add_argument("--data-dir", type=Path, metavar="DIR", help="data folder (cache and index)")
    bench = _command(
        commands, "bench", "measure performance on this machine", BENCH_EXAMPLES,
        "Measure throughput per worker count, cached re-scans, memory and similarity search on a "
        "folder of yours or on a generated corpus (with one corrupt file), and print a report.",
    )
    bench.add_argument("folder", nargs="?", type=Path, metavar="PATH", help="audio folder (default: generated)")
    bench.add_argument("--quick", action="store_true", help="a small corpus and one repeat (under two minutes)")
    bench.add_argument("--workers", default="1,2", metavar="N,N,...", help="worker counts (default 1,2)")
    bench.add_argument("--files", type=int, metavar="N", help="generated corpus size (default 200, quick 24)")
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    bench.add_argument("--plot", type=Path, metavar="FILE.png",
                       help="also draw throughput and the time split (needs matplotlib: samplemind[plot])")
    bench.add_argument("--compare", choices=("librosa",), help="time librosa computing the same descriptors")
    watch = _command(
        commands, "watch", "keep the index in step with folders", WATCH_EXAMPLES,
        "Check the folders (recursively) against the index, then follow their changes: new and changed "
        "files are analysed and indexed in the background, moved files keep their corrections, deleted "
        "ones leave the index. A restart redoes nothing that was finished.",
    )
    watch.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="folders to watch")
    watch.add_argument("--once", action="store_true", help="check, index what changed, and exit")
    watch.add_argument("--workers", type=int, default=0, metavar="N", help="worker threads (default: one per core)")
    watch.add_argument("--data-dir", type=Path, metavar="DIR", help="data folder (cache and index)")
    watch.add_argument("--no-cache", action="store_true", help="analyse changed files without the result cache")
    serve = _command(
        commands, "serve", "run the HTTP and WebSocket server", SERVE_EXAMPLES,
        "Serve the web app (at /), batch analysis, similarity search and live analysis over HTTP and "
        "WebSocket, on the same data folder as the other commands. Jobs survive restarts; the --library "
        "folders' new files are indexed at start.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--data-dir", type=Path, metavar="DIR", help="data folder (cache, index, jobs)")
    serve.add_argument("--token", default=os.environ.get("SAMPLEMIND_TOKEN"),
                       help="bearer token required on every route but /health (default: $SAMPLEMIND_TOKEN)")
    serve.add_argument("--library", action="append", type=Path, default=[], metavar="DIR",
                       help="folder whose files clients may name by path (repeatable)")
    serve.add_argument("--no-index", action="store_true",
                       help="do not index the --library folders' new files at start")
    serve.add_argument("--watch", action="store_true",
                       help="follow the --library folders' changes (new, changed, moved, deleted files)")
    serve.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                       help="browser origin allowed to open WebSockets (repeatable)")
    serve.add_argument("--workers", type=int, default=0, metavar="N", help="worker threads (default: one per core)")
    demo = _command(
        commands, "demo", "generate a small sample pack and analyse it", DEMO_EXAMPLES,
        "Write a generated sample pack (kicks, snares, hats, a clap, notes, a pad, loops and one "
        "broken file) and analyse it, to see SampleMind work in one command.",
    )
    demo.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="where to write the pack")
    _add_run_options(demo)
    return parser


def _command(commands: Any, name: str, summary: str, examples: str, description: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with its examples, laid out as written."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, epilog=examples, description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into sub-folders")
    parser.add_argument("--workers", type=int, default=0, metavar="N", help="worker threads (default: one per core)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write results to FILE instead of stdout")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help=f"data folder for the cache (default: ${ENV_VAR} or {default_data_dir()})")
    parser.add_argument("--no-cache", action="store_true", help="analyse everything; read and write no cache")


def _add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask-scheduler", metavar="ADDRESS",
                        help="analyse on a Dask cluster (e.g. tcp://10.0.0.5:8786; needs samplemind[dask]); the "
                        "workers must see the files at the same paths")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `samplemind analyze ... | head`: stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    workers = getattr(args, "workers", 0)  # a count for analyze/index/demo; a list text for bench
    if isinstance(workers, int) and workers < 0:
        print("samplemind: error: --workers must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "index":
        return run_index(args)
    if args.command == "search":
        return run_search(args)
    if args.command == "set":
        return run_set(args)
    if args.command == "duplicates":
        return run_duplicates(args)
    if args.command == "bench":
        return run_bench_command(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "watch":
        return run_watch(args)
    if args.command == "demo":
        folder = args.folder or default_data_dir() / "demo-pack"
        write_demo_pack(folder)
        print(f"wrote the demo pack to {folder}", file=sys.stderr)
        args.paths, args.recursive = [folder], True
        status = run_analysis(args, expected_failures={str(folder / BROKEN_NAME)})
        print(f"({BROKEN_NAME} is broken on purpose: bad files are reported, never fatal)", file=sys.stderr)
        with SimilarityIndex(args.data_dir) as index:
            cache = None if args.no_cache else ResultCache(args.data_dir)  # just filled: no re-analysis
            index.add_paths(find_audio_files([folder]), cache=cache)
            if cache is not None:
                cache.close()
            query = folder / "kick-deep.wav"
            print(f"\nsamples most like {query.name}:")
            write_search(index.search(query, k=5), "table", sys.stdout)
        return status
    return run_analysis(args)


def run_analysis(args: argparse.Namespace, expected_failures: frozenset[str] | set[str] = frozenset()) -> int:
    named, missing = existing_or_files(args.paths)
    paths = find_audio_files(named, recursive=args.recursive)
    if not paths:
        return nothing_found(args.paths, args.recursive)
    cache = None if args.no_cache else ResultCache(args.data_dir)
    bar = ProgressBar()
    started = time.monotonic()
    try:
        results = analyze_batch(paths, workers=args.workers, progress=bar, cache=cache,
                                scheduler=getattr(args, "dask_scheduler", None))
    except SharedStorageError as error:
        bar.close()
        print(f"samplemind: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        bar.close()
        print("samplemind: interrupted; finished results are kept in the cache", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if cache is not None:
            cache.close()
    bar.close()
    shown = _of_category(results, getattr(args, "category", None))
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            write_results(shown, args.format, stream)
    else:
        write_results(shown, args.format, sys.stdout)
    status = summarise(results, time.monotonic() - started, expected_failures)
    return EXIT_SOME_FAILED if missing else status


def _of_category(results: Sequence[Analysis | AnalysisError], category: str | None) -> list[Analysis | AnalysisError]:
    """The results of a category or family, and every failure (never hidden)."""
    return [r for r in results
            if category is None or not isinstance(r, Analysis) or category in (r.category, r.category_family)]


def existing_or_files(given: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(what to expand, what is missing and looks like a folder): a missing name with an
    extension is a file, whose analysis reports it; one without is a mistyped folder."""
    missing = [p for p in given if not p.expanduser().exists() and not p.suffix]
    for path in missing:
        print(f"samplemind: error: no such file or folder: {path.expanduser()}", file=sys.stderr)
    return [p for p in given if p not in missing], missing


def nothing_found(given: Sequence[Path], recursive: bool) -> int:
    """No audio among what was named: say why (a typo, or sub-folders without -r)."""
    for path in given:
        path = path.expanduser()
        if path.is_dir():
            below = [] if recursive else find_audio_files([path], recursive=True)
            hint = f"; its sub-folders hold {len(below)} (add -r)" if below else ""
            print(f"samplemind: no audio files in {path}{hint}", file=sys.stderr)
    return EXIT_SOME_FAILED


def run_serve(args: argparse.Namespace) -> int:
    from samplemind.server import ServerConfig, serve  # aiohttp loads only for this command

    try:
        config = ServerConfig(data_dir=resolve_data_dir(args.data_dir), host=args.host, port=args.port,
                              token=args.token or None, library_roots=tuple(args.library),
                              index_library=not args.no_index, watch_library=args.watch,
                              allowed_origins=tuple(args.allow_origin), workers=args.workers)
    except ValueError as error:
        print(f"samplemind: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    missing = [str(root) for root in config.library_roots if not root.is_dir()]
    if missing:
        print(f"samplemind: error: --library folder not found: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    serve(config)
    return EXIT_OK


def run_watch(args: argparse.Namespace) -> int:
    from samplemind._library_watch import LibraryWatcher, WatchChange

    missing = [str(folder) for folder in args.folders if not folder.expanduser().is_dir()]
    if missing:
        print(f"samplemind: error: not a folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    failed: list[str] = []

    def report(change: WatchChange) -> None:
        detail = f" (from {change.detail})" if change.kind == "moved" else f": {change.detail}" if change.detail else ""
        print(f"{change.kind:8} {change.path}{detail}", file=sys.stderr, flush=True)
        if change.kind == "failed":
            failed.append(change.path)

    with SimilarityIndex(args.data_dir) as index:
        watcher = LibraryWatcher(index, args.folders, workers=args.workers, use_cache=not args.no_cache,
                                 on_change=report)
        try:
            if args.once:
                found = watcher.check()
                print(f"{found.files} files: {found.unchanged} unchanged, {found.queued} to analyse, "
                      f"{found.moved} moved, {found.removed} removed ({found.seconds:.1f} s)", file=sys.stderr)
                watcher.start(check=False, follow=False)
                watcher.wait_idle()
            else:
                watcher.start()
                print(f"watching {', '.join(map(str, args.folders))} (Ctrl-C stops)", file=sys.stderr, flush=True)
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            watcher.stop()
    return EXIT_SOME_FAILED if failed and args.once else EXIT_OK


def upgrade_index(index: SimilarityIndex, args: argparse.Namespace) -> None:
    """Re-analyses what an older SampleMind indexed (its vectors are another version's)."""
    outdated = len(index.outdated_paths())
    if outdated == 0:
        return
    print(f"re-analysing {outdated} samples indexed by an older embedding version", file=sys.stderr)
    cache, bar = ResultCache(args.data_dir), ProgressBar()
    try:
        failures = index.upgrade(workers=getattr(args, "workers", 0), cache=cache, progress=bar)
    finally:
        bar.close()
        cache.close()
    for failure in failures:
        print(f"  not re-indexed: {failure.path}: {failure.code}: {failure.reason}", file=sys.stderr)


def run_index(args: argparse.Namespace) -> int:
    with SimilarityIndex(args.data_dir) as index:
        upgrade_index(index, args)
        if args.remove:
            print(f"removed {index.remove(args.remove)} of {len(args.remove)} files", file=sys.stderr)
        if args.paths:
            named, missing = existing_or_files(args.paths)
            found = find_audio_files(named, recursive=args.recursive)
            if not found:
                return nothing_found(args.paths, args.recursive)
            cache = ResultCache(args.data_dir)
            bar = ProgressBar()
            try:
                failures = index.add_paths(found, workers=args.workers, cache=cache, progress=bar,
                                           scheduler=args.dask_scheduler)
            except SharedStorageError as error:
                print(f"samplemind: error: {error}", file=sys.stderr)
                return EXIT_USAGE
            finally:
                bar.close()
                cache.close()
            for failure in failures:
                print(f"  not indexed: {failure.path}: {failure.code}: {failure.reason}", file=sys.stderr)
            print(f"the index holds {len(index)} samples ({len(failures)} files failed)", file=sys.stderr)
            if failures or missing:
                return EXIT_SOME_FAILED
        if args.stats or not (args.paths or args.remove):
            for name, value in index.stats().items():
                print(f"{name}: {value}")
    return EXIT_OK


def run_bench_command(args: argparse.Namespace) -> int:
    try:
        workers = [int(w) for w in args.workers.split(",")]
    except ValueError:
        print(f"samplemind: error: --workers takes N,N,..., got {args.workers!r}", file=sys.stderr)
        return EXIT_USAGE
    if any(w < 1 for w in workers):
        print("samplemind: error: --workers counts must be >= 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = bench_main(args.folder, quick=args.quick, workers=workers, json_path=args.json,
                            compare_librosa=args.compare == "librosa", files=args.files, plot_path=args.plot)
    except ComparisonUnavailable as error:
        print(f"samplemind: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(format_report(report))
    return EXIT_OK


def run_search(args: argparse.Namespace) -> int:
    try:
        filters = SearchFilters(
            tempo_bpm=_range(args.tempo, "--tempo"), duration_s=_range(args.duration, "--duration"),
            pitch_hz=_range(args.pitch, "--pitch"), key=args.key,
            compatible_keys=args.compatible_keys, is_loop={"only": True, "none": False}.get(args.loops or ""),
            category=args.category,
        )
        weights = _weights(args.weights)
        if args.query is None and args.text is None:
            raise ValueError("give a QUERY (an audio file or a sample's id), --text WORDS, or both")
        query = _sample_id_or_path(args.query)
        def answer(index: SimilarityIndex) -> tuple[list[SearchResult], int]:
            if query is None:
                return index.search_text(args.text, k=args.k, filters=filters), len(index)
            found = index.search(query, k=args.k, min_similarity=args.min_similarity, filters=filters,
                                 weights=weights, text=args.text)
            return found, len(index)

        # Read-only (the graph memory-mapped); reopened for writing only when samples of an
        # older embedding must be re-indexed first.
        with SimilarityIndex(args.data_dir, read_only=True) as index:
            outdated = bool(index.outdated_paths())
            if not outdated:
                results, indexed = answer(index)
        if outdated:
            with SimilarityIndex(args.data_dir) as index:
                upgrade_index(index, args)
                results, indexed = answer(index)
    except (ValueError, KeyError) as error:
        print(f"samplemind: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except AnalysisError as error:
        print(f"samplemind: error: {error}", file=sys.stderr)
        return EXIT_SOME_FAILED
    if not results:
        print("samplemind: no match" + ("" if indexed else ": the index is empty (add files with "
                                        "'samplemind index PATH')"), file=sys.stderr)
    write_search(results, args.format, sys.stdout)
    return EXIT_OK


def write_search(results: Sequence[SearchResult], output_format: str, stream: TextIO) -> None:
    if output_format == "json":
        json.dump([r.to_dict() for r in results], stream, indent=2)
        stream.write("\n")
        return
    for rank, r in enumerate(results, 1):
        tempo = f"{r.descriptors.get('tempo_bpm'):.0f} BPM" if r.descriptors.get("tempo_bpm") else ""
        similarity = "    -" if r.similarity is None else f"{r.similarity:.3f}"
        key = r.descriptors.get("key") or ""
        stream.write(f"{rank:>3}  #{r.sample_id:<6} {similarity}  {r.path}  {key}  {tempo}\n")


def run_duplicates(args: argparse.Namespace) -> int:
    paths: list[str] | None = None
    missing: list[Path] = []
    if args.paths:
        named, missing = existing_or_files(args.paths)
        paths = find_audio_files(named, recursive=args.recursive)
        if not paths:
            return nothing_found(args.paths, args.recursive)
    with SimilarityIndex(args.data_dir, read_only=paths is not None) as index:
        groups, failed = index.duplicates(paths, near=args.near, workers=args.workers)
    if args.format == "json":
        json.dump([g.to_dict() for g in groups], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for number, group in enumerate(groups, 1):
            print(f"{number}. {group.kind}, {len(group.paths)} files")
            for path in group.paths:
                print(f"   {os.path.basename(path)}   in {os.path.dirname(path)}")
    for failure in failed:
        print(f"  not read: {failure.path}: {failure.code}: {failure.reason}", file=sys.stderr)
    copies = sum(len(g.paths) - 1 for g in groups)
    print(f"{len(groups)} groups of copies ({copies} files could go)" if groups else "no copies found",
          file=sys.stderr)
    return EXIT_SOME_FAILED if failed or missing else EXIT_OK


def run_set(args: argparse.Namespace) -> int:
    """Sets or clears a file's corrections and prints the sample as results now show it."""
    fields = {"tempo": "tempo_bpm", "key": "key", "category": "category"}
    values = {"tempo_bpm": args.tempo, "key": args.key, "category": args.category}
    changes = {name: value for name, value in values.items() if value is not None}
    if args.clear is not None:
        cleared = [fields[name] for name in args.clear] or list(fields.values())
        if set(cleared) & set(changes):
            print("samplemind: error: a field cannot be both set and cleared", file=sys.stderr)
            return EXIT_USAGE
        changes.update(dict.fromkeys(cleared))
    if not changes:
        print("samplemind: error: nothing to do: give --tempo, --key, --category or --clear", file=sys.stderr)
        return EXIT_USAGE
    if not args.file.expanduser().is_file():
        print(f"samplemind: error: no such file: {args.file}", file=sys.stderr)
        return EXIT_USAGE
    with SimilarityIndex(args.data_dir) as index:
        try:
            index.correct(args.file.expanduser(), **changes)
        except ValueError as error:
            print(f"samplemind: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        sample_id = index.sample_id_of(args.file.expanduser())
        if sample_id is None:
            print(f"saved; {args.file} is not indexed yet: the correction applies once it is "
                  "('samplemind index')", file=sys.stderr)
            return EXIT_OK
        shown = index.sample(sample_id).descriptors
    for name in fields.values():
        source = shown[f"{name.removesuffix('_bpm')}_source"]
        analysed = shown.get("analysis", {}).get(name)
        note = f" (analysis: {analysed})" if source == "user" else ""
        print(f"{name}: {shown.get(name)} [{source}]{note}")
    return EXIT_OK


def _sample_id_or_path(query: str | None) -> str | int | None:
    """A sample id as the table shows it ("#42", or plain 42), else the path as given."""
    digits = query.removeprefix("#") if query else ""
    return int(digits) if digits.isdigit() else query


def _range(text: str | None, option: str) -> tuple[float, float] | None:
    return None if text is None else parse_range(text, option)


def _weights(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    weights = {}
    for name, value in parse_weights(text, "--weights").items():
        try:
            weights[name] = float(value)
        except ValueError:
            raise ValueError(f"--weights: the weight of {name} must be a number, got {value!r}") from None
    return weights


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
