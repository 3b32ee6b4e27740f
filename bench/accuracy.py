"""Accuracy of SampleMind's musical labels on real recordings, next to librosa and
(when importable) Essentia on the same files.

    python -m bench.accuracy [--split report|tune|all] [--quick] [--json FILE] [--no-baselines]

The corpus (bench/real) is rendered and mixed from Debian packages into
$SAMPLEMIND_CORPUS_DIR (default ~/.cache/samplemind-corpus) the first time; later runs
reuse it and the baselines' cached answers. The default split is the reporting one:
sources nothing was tuned on (TimGM6mb, MuseScore_General_Lite, TR808EmulationKit)."""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.real import baselines, categories_eval, corpus as real_corpus, scores

Answer = dict[str, Any]
SYSTEMS = ("samplemind", "librosa", "essentia")


@dataclass(frozen=True)
class Row:
    name: str
    sets: tuple[str, ...]
    label: str  # the answer field the score reads
    score: Callable[[Answer, dict[str, Any]], float | None]  # None: not scored for this file
    target: str


def _key(answer: Answer, truth: dict[str, Any]) -> float | None:
    return scores.mirex_key_score(answer.get("key"), truth["key"]) if truth.get("key") else None


def _key_exact(answer: Answer, truth: dict[str, Any]) -> float | None:
    return float(answer.get("key") == truth["key"]) if truth.get("key") else None


def _abstains(field: str) -> Callable[[Answer, dict[str, Any]], float | None]:
    def score(answer: Answer, truth: dict[str, Any]) -> float | None:
        return float(answer.get(field) is None) if field in answer else None
    return score


def _tempo(level: int) -> Callable[[Answer, dict[str, Any]], float | None]:
    def score(answer: Answer, truth: dict[str, Any]) -> float | None:
        if not truth.get("tempo_bpm"):
            return None
        return float(scores.tempo_hits(answer.get("tempo_bpm"), truth["tempo_bpm"])[level - 1])
    return score


def _loop(answer: Answer, truth: dict[str, Any]) -> float | None:
    return float(bool(answer["is_loop"]) == truth["is_loop"]) if "is_loop" in truth else None


def _pitch(answer: Answer, truth: dict[str, Any]) -> float | None:
    return float(scores.cents_error(answer.get("pitch_hz"), truth["pitch_midi"]) <= 25) if truth.get("pitch_midi") else None


def _no_pitch(answer: Answer, truth: dict[str, Any]) -> float | None:
    return float(answer.get("pitch_hz") is None)


TONAL_LOOPS = ("progression", "melody", "bassline")
PHRASES = ("progression", "melody")
ONE_SHOTS = ("drum_hit", "note", "chord", "strum")
ROWS = (
    Row("key MIREX, progressions and melodies", PHRASES, "key", _key, ">= 0.90"),
    Row("key exact, progressions and melodies", PHRASES, "key", _key_exact, ""),
    # A bassline of roots and fifths often leaves the mode undecidable (A-D-E: A major or A minor).
    Row("key MIREX, basslines", ("bassline",), "key", _key, ""),
    Row("key MIREX, single chords and strums", ("chord", "strum"), "key", _key, ">= 0.85"),
    Row("key exact, single chords and strums", ("chord", "strum"), "key", _key_exact, ""),
    Row("tempo Accuracy1, drum loops", ("drum_loop",), "tempo_bpm", _tempo(1), ">= 0.92"),
    Row("tempo Accuracy2, drum loops", ("drum_loop",), "tempo_bpm", _tempo(2), ">= 0.99"),
    Row("tempo Accuracy1, tonal loops", TONAL_LOOPS, "tempo_bpm", _tempo(1), ""),
    Row("drum one-shots: no key", ("drum_hit",), "key", _abstains("key"), ">= 0.98"),
    Row("drum one-shots: no tempo", ("drum_hit",), "tempo_bpm", _abstains("tempo_bpm"), ">= 0.98"),
    Row("tonal one-shots: no tempo", ("note", "chord", "strum"), "tempo_bpm", _abstains("tempo_bpm"), ""),
    Row("loop vs one-shot correct", ONE_SHOTS + TONAL_LOOPS + ("drum_loop", "lmms_loop"), "is_loop", _loop, ">= 0.98"),
    Row("pitch within 25 cents, single notes", ("note",), "pitch_hz", _pitch, ">= 0.97"),
    Row("chords: no pitch", ("chord", "strum"), "pitch_hz", _no_pitch, ">= 0.95"),
)


def samplemind_answers(corpus: Path, entries: list[dict[str, Any]]) -> tuple[dict[str, Answer], dict[str, Any]]:
    # Imported here, not at the top: the baselines' spawned workers import this module,
    # and usearch (imported by samplemind) sets a global C++ locale that breaks
    # Essentia's parameter parsing.
    import samplemind

    paths = [str(_absolute(corpus, e["path"])) for e in entries]
    results = samplemind.analyze_batch(paths)
    answers, analyses = {}, {}
    for entry, result in zip(entries, results):
        if isinstance(result, samplemind.AnalysisError):
            raise RuntimeError(f"SampleMind failed on a corpus file: {result}")
        answers[entry["path"]] = {"key": result.key, "tempo_bpm": result.tempo_bpm, "pitch_hz": result.pitch_hz,
                                  "is_loop": result.is_loop, "category": result.category}
        analyses[entry["path"]] = result
    return answers, analyses


def _absolute(corpus: Path, path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else corpus / p


def table(entries: list[dict[str, Any]], answers: dict[str, dict[str, Answer]]) -> list[dict[str, Any]]:
    """One dict per row: name, files, target and each system's score (None: no such label)."""
    rows = []
    for row in ROWS:
        chosen = [e for e in entries if e["set"] in row.sets]
        out: dict[str, Any] = {"row": row.name, "target": row.target}
        for system in SYSTEMS:
            values = []
            for e in chosen:
                answer = answers[system].get(e["path"])
                if answer is None or row.label not in answer:
                    continue
                value = row.score(answer, e)
                if value is not None:
                    values.append(value)
            out[system] = sum(values) / len(values) if values else None
            out["files"] = max(out.get("files", 0), len(values))
        rows.append(out)
    return rows


def print_table(rows: list[dict[str, Any]], systems: list[str]) -> None:
    head = f"{'descriptor':48s} {'files':>6s} " + " ".join(f"{s:>10s}" for s in systems) + f" {'target':>8s}"
    print(head)
    print("-" * len(head))
    for row in rows:
        cells = " ".join(f"{'—' if row[s] is None else f'{row[s]:.2f}':>10s}" for s in systems)
        print(f"{row['row']:48s} {row['files']:6d} {cells} {row['target']:>8s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("report", "tune", "all"), default="report")
    parser.add_argument("--quick", action="store_true", help="a small corpus (for CI; figures are not comparable)")
    parser.add_argument("--json", type=Path, help="write the table and the per-file answers here")
    parser.add_argument("--no-baselines", action="store_true", help="SampleMind only (for tuning)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the baselines")
    args = parser.parse_args()

    started = time.perf_counter()
    folder = real_corpus.build(quick=args.quick)
    entries = [e for e in real_corpus.load_manifest(folder) if args.split in ("all", e["split"])]
    print(f"corpus {folder} ({args.split} split): {len(entries)} files; built in {time.perf_counter() - started:.0f} s")
    answers: dict[str, dict[str, Answer]] = {s: {} for s in SYSTEMS}
    answers["samplemind"], analyses = samplemind_answers(folder, entries)
    systems = ["samplemind"]
    if not args.no_baselines:
        for path, by_system in baselines.run_baselines(folder, entries, args.workers).items():
            for system, answer in by_system.items():
                answers[system][path] = answer
        systems += [s for s in ("librosa", "essentia") if s in baselines.available()]
    from samplemind import CATEGORIES, __version__

    names = list(CATEGORIES)
    rows = table(entries, answers) + categories_eval.category_rows(entries, analyses, names)
    print_table(rows, systems)
    print("\ncategory confusion (true class: share right, then the wrong answers):")
    print("\n".join(categories_eval.confusion(entries, analyses, names)))
    overall, per_class = categories_eval.precision_at_5(entries, analyses, names)
    print("\nmore like this: precision@5 over labelled one-shots, neighbours from other sources only")
    print(f"  {'class':14s} " + " ".join(f"{space:>26s}" for space in overall))
    print(f"  {'all':14s} " + " ".join(f"{v:26.2f}" for v in overall.values()))
    for name in per_class[next(iter(per_class))]:
        print(f"  {name:14s} " + " ".join(f"{per_class[space][name]:26.2f}" for space in overall))
    print(f"({time.perf_counter() - started:.0f} s; " + ", ".join(
        f"{k} {v}" for k, v in {"samplemind": __version__, **baselines.available()}.items()) + ")")
    if args.json:
        report = {"split": args.split, "quick": args.quick, "rows": rows, "precision_at_5": overall,
                  "precision_at_5_by_class": per_class, "entries": entries,
                  "answers": {s: answers[s] for s in systems}}
        args.json.write_text(json.dumps(report, indent=1, default=lambda v: None if isinstance(v, float) and math.isnan(v) else v))


if __name__ == "__main__":
    main()
