"""librosa's and Essentia's answers on the same files, for the accuracy table.

librosa (0.10/0.11): key from the mean chroma_cqt correlated with Krumhansl-Kessler
profiles (the usual recipe); tempo from beat.beat_track; pitch from pyin (fmin 30 Hz,
fmax 4200 Hz), the median of the voiced frames, none when under half the loud frames
are voiced. librosa has no loop detector and never abstains on key or tempo.

Essentia (when importable): KeyExtractor with the EDMA profile; RhythmExtractor2013
(multifeature) for tempo; LoopBpmEstimator (its confidence threshold 0.95) for loop or
one-shot; PitchYinFFT per frame with the same voicing rule as for pyin.

Each file's answers are cached beside the corpus, keyed by the library versions."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["available", "run_baselines"]

_KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
_SR = 22050


def available() -> dict[str, str]:
    """{'librosa': version, 'essentia': version} for the importable ones."""
    found = {}
    try:
        import librosa
        found["librosa"] = librosa.__version__
    except ImportError:
        pass
    try:
        import essentia
        found["essentia"] = essentia.__version__
    except ImportError:
        pass
    return found


def run_baselines(corpus: Path, entries: Sequence[dict[str, Any]], workers: int = 2) -> dict[str, dict[str, Any]]:
    """{path: {"librosa": {...}, "essentia": {...}}} for every entry (cached)."""
    versions = available()
    # Beside the corpus, not in it: a rebuilt corpus keeps the answers of unchanged files.
    cache_path = corpus.parent / f"baselines-{'-'.join(f'{k}{v}' for k, v in sorted(versions.items()))}.json"
    cache: dict[str, dict[str, Any]] = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    keys = {e["path"]: _cache_key(corpus, e["path"]) for e in entries}
    todo = [(str(_absolute(corpus, e["path"])), e["set"]) for e in entries if keys[e["path"]] not in cache]
    if todo:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for done, ((path, _), answer) in enumerate(zip(todo, pool.imap(_one, todo, chunksize=4)), 1):
                cache[keys[_relative(corpus, path)]] = answer
                if done % 200 == 0 or done == len(todo):  # an interrupted run keeps what it finished
                    cache_path.write_text(json.dumps(cache))
    return {e["path"]: cache[keys[e["path"]]] for e in entries}


def _cache_key(corpus: Path, path: str) -> str:
    """The path and a hash of the file's bytes: a rebuilt, changed file is a miss."""
    return f"{path}|{hashlib.blake2b(_absolute(corpus, path).read_bytes(), digest_size=12).hexdigest()}"


def _absolute(corpus: Path, path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else corpus / p


def _relative(corpus: Path, path: str) -> str:
    try:
        return str(Path(path).relative_to(corpus))
    except ValueError:
        return path


def _one(job: tuple[str, str]) -> dict[str, Any]:
    path, kind = job
    warnings.filterwarnings("ignore")
    import librosa
    y, _ = librosa.load(path, sr=_SR, mono=True)
    answer: dict[str, Any] = {"librosa": _librosa(y, kind)}
    if "essentia" in available():
        answer["essentia"] = _essentia(path, kind)
    return answer


def _wants(kind: str) -> tuple[bool, bool, bool]:
    """(key, tempo, pitch): key and tempo everywhere (abstention is scored too), pitch
    where it is scored (notes; chords, which should have none)."""
    return True, True, kind in ("note", "chord", "strum")


def _librosa(y: np.ndarray, kind: str) -> dict[str, Any]:
    import librosa
    out: dict[str, Any] = {}
    want_key, want_tempo, want_pitch = _wants(kind)
    if len(y) < 2048:
        y = np.pad(y, (0, 2048 - len(y)))
    if want_key:
        chroma = librosa.feature.chroma_cqt(y=y, sr=_SR).mean(axis=1)
        scores = [(np.corrcoef(np.roll(chroma, -t), profile)[0, 1], f"{_NAMES[t]} {mode}")
                  for t in range(12) for profile, mode in ((_KK_MAJOR, "major"), (_KK_MINOR, "minor"))]
        out["key"] = max(scores, key=lambda s: -1 if np.isnan(s[0]) else s[0])[1]
    if want_tempo:
        tempo, _ = librosa.beat.beat_track(y=y, sr=_SR)
        bpm = float(np.atleast_1d(tempo)[0])
        out["tempo_bpm"] = bpm if bpm > 0 else None
    if want_pitch:
        f0, voiced, _ = librosa.pyin(y, fmin=30, fmax=4200, sr=_SR)
        rms = librosa.feature.rms(y=y)[0][: len(f0)]
        loud = rms >= rms.max() * 0.0316 if rms.size and rms.max() > 0 else np.zeros(len(f0), bool)
        good = voiced[: len(loud)] & loud
        out["pitch_hz"] = float(np.nanmedian(f0[: len(loud)][good])) if loud.any() and good.sum() >= 0.5 * loud.sum() else None
    return out


def _essentia(path: str, kind: str) -> dict[str, Any]:
    import essentia
    import essentia.standard as es
    essentia.log.infoActive = False
    out: dict[str, Any] = {}
    want_key, want_tempo, want_pitch = _wants(kind)
    y44 = es.MonoLoader(filename=path, sampleRate=44100)()
    if len(y44) < 4096:
        y44 = np.pad(y44, (0, 4096 - len(y44))).astype(np.float32)
    if want_key:
        key, scale, _ = es.KeyExtractor(profileType="edma")(y44)
        out["key"] = f"{key.replace('Bb', 'A#').replace('Eb', 'D#').replace('Ab', 'G#').replace('Db', 'C#').replace('Gb', 'F#')} {scale}"
    if want_tempo:
        bpm = es.RhythmExtractor2013(method="multifeature")(y44)[0]
        out["tempo_bpm"] = float(bpm) if bpm > 0 else None
        loop_bpm = es.LoopBpmEstimator(confidenceThreshold=0.95)(y44)
        out["is_loop"] = bool(loop_bpm > 0)
    if want_pitch:
        window, spectrum = es.Windowing(type="hann"), es.Spectrum()
        yin = es.PitchYinFFT(frameSize=2048, sampleRate=44100)
        f0s, confidences, levels = [], [], []
        for frame in es.FrameGenerator(y44, frameSize=2048, hopSize=512, startFromZero=True):
            f0, confidence = yin(spectrum(window(frame)))
            f0s.append(f0), confidences.append(confidence), levels.append(float(np.sqrt(np.mean(frame**2))))
        levels_a, conf_a, f0_a = np.array(levels), np.array(confidences), np.array(f0s)
        loud = levels_a >= levels_a.max() * 0.0316 if levels_a.size and levels_a.max() > 0 else np.zeros(0, bool)
        good = loud & (conf_a > 0.5) & (f0_a > 0)
        out["pitch_hz"] = float(np.median(f0_a[good])) if loud.any() and good.sum() >= 0.5 * loud.sum() else None
    return out
