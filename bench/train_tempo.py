"""Fits the tempo weights (kTempoWeights in cpp/src/features/tempo.hpp).

    python -m bench.train_tempo [--write] [--quick]

Data: the loops and performances of the tuning split of the real-recordings corpus
(bench/real) with a rendered tempo: drum loops, progressions, melodies and basslines.
The reporting split is never seen: `python -m bench.accuracy` measures the weights there.

Each file is analysed with keep_frames, which returns every tempo candidate the core
weighed and its evidence (TempoTerm in tempo.hpp). The core picks the candidate with
the highest weights . evidence, so the weights are a conditional logit: the candidate
nearest the truth (within 4 %, the Accuracy1 tolerance) against the file's others,
by maximum likelihood with an L2 penalty chosen by 5-fold cross-validation on
Accuracy1. A file with no candidate near its truth teaches nothing and is left out of
the fit (it still counts as a miss in the figures). Drum loops and tonal loops weigh
the same in the likelihood, whatever their counts. Deterministic: the same corpus
gives the same weights. `--write` rewrites the weights' line; rebuild the package
afterwards (pip install .).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.optimize

from bench.real import corpus as real_corpus

TEMPO_SETS = ("drum_loop", "progression", "melody", "bassline")
TOLERANCE = 0.04
PENALTIES = (1e-4, 1e-3, 1e-2, 1e-1)
FOLDS = 5
HEADER = Path(__file__).resolve().parents[1] / "cpp" / "src" / "features" / "tempo.hpp"
WEIGHTS_LINE = re.compile(r"(inline constexpr TempoEvidence kTempoWeights = \{)[^}]*(\};)")


@dataclass
class File:
    path: str
    drums: bool
    truth: float
    bpm: np.ndarray       # the candidates' tempos
    evidence: np.ndarray  # candidates x terms
    label: int            # the candidate nearest the truth within TOLERANCE, or -1


def load(entries: list[dict], corpus: Path) -> tuple[list[File], list[str]]:
    import samplemind

    config = samplemind.AnalysisConfig(keep_frames=True)
    files, terms = [], []
    for entry in entries:
        tracks = samplemind.analyze(str(corpus / entry["path"]), config=config).tracks
        assert tracks is not None
        candidates = tracks["tempo_candidates"]
        terms = terms or list(candidates["terms"])
        bpm = np.asarray(candidates["bpm"], np.float64)
        label = -1
        if bpm.size:
            error = np.abs(np.log(bpm / entry["tempo_bpm"]))
            if error.min() < np.log1p(TOLERANCE):
                label = int(error.argmin())
        files.append(File(entry["path"], entry["set"] == "drum_loop", float(entry["tempo_bpm"]), bpm,
                          np.asarray(candidates["evidence"], np.float64), label))
    return files, terms


def chosen(file: File, weights: np.ndarray) -> float | None:
    return float(file.bpm[np.argmax(file.evidence @ weights)]) if file.bpm.size else None


def accuracy1(files: list[File], weights: np.ndarray) -> float:
    hits = [(bpm := chosen(f, weights)) is not None and abs(bpm / f.truth - 1) <= TOLERANCE for f in files]
    return float(np.mean(hits)) if hits else float("nan")


def fit(files: list[File], penalty: float, start: np.ndarray) -> np.ndarray:
    usable = [f for f in files if f.label >= 0]
    drums = sum(f.drums for f in usable)
    # Each group (drum loops, tonal loops) carries half the likelihood.
    share = {True: 0.5 / max(drums, 1), False: 0.5 / max(len(usable) - drums, 1)}

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = penalty * w @ w, 2 * penalty * w
        for f in usable:
            scores = f.evidence @ w
            scores -= scores.max()
            p = np.exp(scores)
            p /= p.sum()
            total -= share[f.drums] * np.log(p[f.label] + 1e-300)
            gradient -= share[f.drums] * (f.evidence[f.label] - p @ f.evidence)
        return float(total), gradient

    result = scipy.optimize.minimize(loss, start, jac=True, method="L-BFGS-B", options={"gtol": 1e-9, "maxiter": 5000})
    return np.asarray(result.x)


def cross_validated_penalty(files: list[File], start: np.ndarray) -> float:
    folds = [files[i::FOLDS] for i in range(FOLDS)]
    best, best_score = PENALTIES[0], -1.0
    for penalty in PENALTIES:
        held = []
        for i, fold in enumerate(folds):
            train = [f for j, other in enumerate(folds) if j != i for f in other]
            held.append(accuracy1(fold, fit(train, penalty, start)))
        score = float(np.mean(held))
        print(f"  penalty {penalty:g}: held-out Accuracy1 {score:.3f}")
        if score > best_score:
            best, best_score = penalty, score
    return best


def current_weights() -> np.ndarray:
    match = WEIGHTS_LINE.search(HEADER.read_text(encoding="utf-8"))
    assert match, f"no kTempoWeights line in {HEADER}"
    line = match.group(0)
    return np.asarray([float(v) for v in line[line.index("{") + 1 : line.index("}")].split(",")])


def write_weights(weights: np.ndarray) -> None:
    values = ", ".join(f"{w:.3g}" for w in weights)
    text = WEIGHTS_LINE.sub(lambda m: m.group(1) + values + m.group(2), HEADER.read_text(encoding="utf-8"))
    HEADER.write_text(text, encoding="utf-8")


def report(name: str, files: list[File], weights: np.ndarray) -> None:
    drums = [f for f in files if f.drums]
    tonal = [f for f in files if not f.drums]
    print(f"{name:10s} Accuracy1 drum loops {accuracy1(drums, weights):.3f} ({len(drums)}), "
          f"tonal loops {accuracy1(tonal, weights):.3f} ({len(tonal)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"rewrite the weights in {HEADER.name}")
    parser.add_argument("--quick", action="store_true", help="the quick corpus (a smoke test; weights not for shipping)")
    args = parser.parse_args()
    corpus = real_corpus.build(quick=args.quick)
    entries = [e for e in real_corpus.load_manifest(corpus)
               if e["split"] == "tune" and e["set"] in TEMPO_SETS and e.get("tempo_bpm")]
    files, terms = load(entries, corpus)
    print(f"{len(files)} files, {sum(f.label >= 0 for f in files)} with a candidate within 4 % of the truth")
    shipped = current_weights()
    assert shipped.size == len(terms), f"{HEADER.name} has {shipped.size} weights for {len(terms)} terms"
    start = np.zeros(len(terms))  # the likelihood is convex: the same optimum from anywhere
    penalty = cross_validated_penalty(files, start)
    weights = fit(files, penalty, start)
    report("shipped", files, shipped)
    report("fitted", files, weights)
    for term, old, new in zip(terms, shipped, weights):
        print(f"  {term:16s} {old:8.3g} -> {new:8.3g}")
    if args.write:
        write_weights(weights)
        print(f"wrote {HEADER}")


if __name__ == "__main__":
    main()
