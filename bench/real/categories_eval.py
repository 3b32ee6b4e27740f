"""Category accuracy and "more like this" across sources, for bench.accuracy.

Precision@5 counts, for each labelled one-shot, how many of its five nearest
neighbours (cosine) share its category, among files of *other* sources only (another
SoundFont or kit), so that a kit's own samples cannot answer for it. Compared:
SampleMind's embedding (version 2, with the learned timbre), the version-1 embedding
(its formula reproduced here from the analysis fields), and a baseline of z-scored
MFCC means and deviations with the spectral statistics."""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

__all__ = ["category_rows", "confusion", "precision_at_5"]


def category_rows(entries: list[dict[str, Any]], analyses: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
    labelled = [e for e in entries if e.get("category") in names]
    rows = []
    for title, chosen, target in (
        ("category accuracy, drum one-shots", [e for e in labelled if e["set"] == "drum_hit"], ">= 0.92"),
        ("category accuracy, all classes", labelled, ">= 0.85"),
        ("category family accuracy, all", labelled, ""),
    ):
        if not chosen:
            continue
        if "family" in title:
            from samplemind import CATEGORIES
            hits = [CATEGORIES.get(analyses[e["path"]].category) == CATEGORIES[e["category"]] for e in chosen]
        else:
            hits = [analyses[e["path"]].category == e["category"] for e in chosen]
        rows.append({"row": title, "files": len(chosen), "samplemind": float(np.mean(hits)), "librosa": None,
                     "essentia": None, "target": target})
    return rows


def confusion(entries: list[dict[str, Any]], analyses: dict[str, Any], names: list[str]) -> list[str]:
    """One line per true class: accuracy and the most common wrong answers."""
    by_class: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for e in entries:
        if e.get("category") in names:
            by_class[e["category"]][analyses[e["path"]].category] += 1
    lines = []
    for name in names:
        answers = by_class.get(name)
        if not answers:
            continue
        total = sum(answers.values())
        wrong = ", ".join(f"{a} {n}" for a, n in answers.most_common() if a != name)[:80]
        lines.append(f"  {name:14s} {answers[name] / total:5.2f} of {total:4d}   {wrong}")
    return lines


def _v1_embedding(a: Any) -> np.ndarray:
    """SampleMind's embedding version 1, from the analysis fields (for comparison)."""
    def aspect(values: list[float], weight: float) -> list[float]:
        v = np.asarray(values, float)
        n = np.linalg.norm(v)
        return list(v * np.sqrt(weight) / n) if n > 1e-12 else list(v * 0)

    def log2r(value: float, ref: float) -> float:
        return float(np.log2(max(value, 1e-3) / ref))

    timbre = [a.mfcc_mean[i] / 40 for i in range(1, 13)] + [a.mfcc_std[i] / 20 for i in range(1, 13)]
    spectrum = [log2r(a.centroid_hz.mean, 1000) / 3, log2r(a.bandwidth_hz.mean, 1000) / 3, log2r(a.rolloff_hz.mean, 1000) / 3,
                2 * a.flatness.mean, 10 * a.flux.mean, 5 * a.zcr.mean] + [b.mean / 30 for b in a.contrast_db[:7]]
    chroma = np.asarray(a.chroma_mean, float)
    cn = np.linalg.norm(chroma)
    pitched = a.pitch_hz is not None
    pitch = list(0.5 * chroma / cn if cn > 0 else chroma) + [0.5 if pitched else 0.0,
                                                             log2r(a.pitch_hz, 261.63) / 3 if pitched else 0.0]
    duration = max(a.duration_s, 1e-3)
    envelope = [(a.log_attack_time + 1.5) / 1.5, np.log10(a.decay_time_s + 0.01) / 2, a.temporal_centroid_s / duration,
                a.effective_duration_s / duration, np.log10(duration) / 2, (a.peak_dbfs - a.rms_dbfs) / 30,
                a.is_loop_confidence if a.is_loop else 1 - a.is_loop_confidence]
    tempo = a.tempo_bpm or 0.0
    rhythm = [1.0 if a.is_loop else 0.0, log2r(tempo, 120) * a.tempo_confidence if tempo else 0.0, a.tempo_confidence,
              np.log2(1 + a.onset_count / duration) / 4, 0.5 if a.loop_fits_tempo else 0.0]
    v = np.asarray(aspect(timbre, 0.35) + aspect(spectrum, 0.25) + aspect(pitch, 0.15) + aspect(envelope, 0.15)
                   + aspect(rhythm, 0.10))
    return v / max(np.linalg.norm(v), 1e-12)


def _mfcc_baseline(analyses: list[Any]) -> np.ndarray:
    rows = np.asarray([list(a.mfcc_mean[1:]) + list(a.mfcc_std[1:]) + [
        a.centroid_hz.mean, a.bandwidth_hz.mean, a.rolloff_hz.mean, a.flatness.mean, a.zcr.mean, a.flux.mean]
        for a in analyses], float)
    rows = (rows - rows.mean(0)) / np.where(rows.std(0) > 0, rows.std(0), 1)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def precision_at_5(entries: list[dict[str, Any]], analyses: dict[str, Any], names: list[str]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """{space: P@5} and {space: {class: P@5}} over labelled one-shots, other sources only."""
    chosen = [e for e in entries if e.get("category") in names and e["set"] in ("drum_hit", "note", "chord", "strum")]
    found = [analyses[e["path"]] for e in chosen]
    spaces = {
        "v2 (SampleMind)": np.asarray([a.embedding for a in found], float),
        "v1": np.asarray([_v1_embedding(a) for a in found]),
        "MFCC + spectral, z-scored": _mfcc_baseline(found),
    }
    labels = np.asarray([e["category"] for e in chosen])
    sources = np.asarray([e["source"] for e in chosen])
    overall: dict[str, float] = {}
    per_class: dict[str, dict[str, float]] = {}
    for space, vectors in spaces.items():
        similarity = vectors @ vectors.T
        similarity[sources[:, None] == sources[None, :]] = -np.inf  # other sources only
        top = np.argsort(-similarity, axis=1)[:, :5]
        hits = (labels[top] == labels[:, None]).mean(axis=1)
        overall[space] = float(hits.mean())
        per_class[space] = {c: float(hits[labels == c].mean()) for c in names if (labels == c).any()}
    return overall, per_class
