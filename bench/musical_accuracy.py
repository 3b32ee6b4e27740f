"""Accuracy of tempo, key and pitch on the synthetic sets of tests/musical_signals.py,
SampleMind next to librosa on the same signals (librosa at 22,050 Hz):

- tempo: click tracks, drum loops and swung drum loops at 60-200 BPM (step 10);
  Accuracy1 = within 4 %, Accuracy2 = also allowing x2, x1/2, x3, x1/3. librosa:
  beat.beat_track.
- key: triads, scales, I-IV-V-I progressions, two short melodies and single chords in
  all 24 keys; exact rate and MIREX weighted score. librosa: mean chroma_stft
  correlated with Krumhansl-Kessler profiles (the usual recipe).
- pitch: harmonic and pure tones at MIDI 28-96; median absolute error in cents.
  librosa: pyin (fmin 30 Hz, fmax 4200 Hz), median of the voiced frames.

Run: python -m bench.musical_accuracy [--json FILE]   (a few minutes: pyin is slow)
"""

from __future__ import annotations

import argparse
import json
import warnings

import librosa
import numpy as np

import samplemind
from tests.musical_signals import (
    SR, chord, click_track, drum_loop, melody, midi_hz, note, progression, scale, triad,
)

KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def to_22k(y: np.ndarray) -> np.ndarray:
    return librosa.resample(y, orig_sr=SR, target_sr=22050)


def tempo_set() -> list[tuple[float, np.ndarray]]:
    cases = []
    for bpm in range(60, 201, 10):
        cases += [(bpm, click_track(bpm)), (bpm, drum_loop(bpm, seed=bpm)), (bpm, drum_loop(bpm, swing=0.3, seed=bpm + 1))]
    return cases


def tempo_scores(truths: list[float], estimates: list[float]) -> dict[str, float]:
    def within(estimate: float, target: float) -> bool:
        return abs(estimate - target) <= 0.04 * target

    acc1 = np.mean([within(e, t) for t, e in zip(truths, estimates)])
    acc2 = np.mean([any(within(e, t * f) for f in (1, 2, 0.5, 3, 1 / 3)) for t, e in zip(truths, estimates)])
    return {"accuracy1": float(acc1), "accuracy2": float(acc2)}


def key_set() -> list[tuple[int, bool, np.ndarray]]:
    makers = (triad, scale, progression, melody, lambda t, m: melody(t, m, seed=7, notes=6),
              lambda t, m: chord(60 + t, [0, 3 if m else 4, 7], 1.0))
    return [(t, m, make(t, m)) for t in range(12) for m in (False, True) for make in makers]


def mirex(tonic: int, minor: bool, key: str) -> float:
    name, mode = key.split()
    et, em = NAMES.index(name), mode == "minor"
    if (et, em) == (tonic, minor):
        return 1.0
    if em == minor and (et - tonic) % 12 in (5, 7):
        return 0.5
    if em != minor and et == ((tonic + 9) % 12 if not minor else (tonic + 3) % 12):
        return 0.3
    return 0.2 if (et == tonic and em != minor) else 0.0


def librosa_key(y: np.ndarray) -> str:
    chroma = librosa.feature.chroma_stft(y=to_22k(y), sr=22050).mean(axis=1)
    scores = [(np.corrcoef(np.roll(chroma, -t), p)[0, 1], t, m) for t in range(12)
              for m, p in ((False, KK_MAJOR), (True, KK_MINOR))]
    _, tonic, minor = max(scores)
    return f"{NAMES[tonic]} {'minor' if minor else 'major'}"


def pitch_set() -> list[tuple[int, np.ndarray]]:
    return [(m, note(m, 1.0, harmonics=h)) for m in range(28, 97, 4) for h in (1, 8)]


def cents(estimate: float | None, midi: int) -> float:
    return 1200.0 if not estimate else abs(1200 * np.log2(estimate / midi_hz(midi)))


def librosa_pitch(y: np.ndarray) -> float | None:
    f0, voiced, _ = librosa.pyin(to_22k(y), fmin=30, fmax=4200, sr=22050)
    values = f0[voiced & np.isfinite(f0)]
    return float(np.median(values)) if values.size else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    report: dict[str, dict[str, float]] = {}

    cases = tempo_set()
    truths = [bpm for bpm, _ in cases]
    ours = [samplemind.analyze(y, sample_rate=SR).tempo_bpm or 0.0 for _, y in cases]
    theirs = [float(np.atleast_1d(librosa.beat.beat_track(y=to_22k(y), sr=22050)[0])[0]) for _, y in cases]
    report["tempo"] = {**{f"samplemind_{k}": v for k, v in tempo_scores(truths, ours).items()},
                       **{f"librosa_{k}": v for k, v in tempo_scores(truths, theirs).items()}, "signals": len(cases)}

    keys = key_set()
    ours_k = [samplemind.analyze(y, sample_rate=SR).key for _, _, y in keys]
    theirs_k = [librosa_key(y) for _, _, y in keys]
    truth_names = [f"{NAMES[t]} {'minor' if m else 'major'}" for t, m, _ in keys]
    report["key"] = {
        "samplemind_exact": float(np.mean([a == b for a, b in zip(ours_k, truth_names)])),
        "samplemind_mirex": float(np.mean([mirex(t, m, k) for (t, m, _), k in zip(keys, ours_k)])),
        "librosa_exact": float(np.mean([a == b for a, b in zip(theirs_k, truth_names)])),
        "librosa_mirex": float(np.mean([mirex(t, m, k) for (t, m, _), k in zip(keys, theirs_k)])),
        "signals": len(keys),
    }

    tones = pitch_set()
    ours_p = [cents(samplemind.analyze(y, sample_rate=SR).pitch_hz, m) for m, y in tones]
    theirs_p = [cents(librosa_pitch(y), m) for m, y in tones]
    report["pitch"] = {"samplemind_median_cents": float(np.median(ours_p)),
                       "samplemind_max_cents": float(np.max(ours_p)),
                       "librosa_median_cents": float(np.median(theirs_p)),
                       "librosa_max_cents": float(np.max(theirs_p)), "signals": len(tones)}

    for section, figures in report.items():
        print(section, json.dumps({k: round(v, 4) for k, v in figures.items()}))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)


if __name__ == "__main__":
    main()
