"""Trains the shipped category model and the embedding's learned timbre projection.

    python -m bench.train_category [--out cpp/models/category.smm] [--quick]

Data: the tuning split of the real-recordings corpus (bench/real: FluidR3_GM's drums
and instruments, hydrogen's GMRockKit, LMMS's samples and loops), each file with
augmented copies (gain, pitch shift, trimmed start or tail, a reverb tail, a shelving
EQ, Ogg or MP3 re-encoding). The reporting split (TimGM6mb, MuseScore_General_Lite, TR808) is never
seen: `python -m bench.accuracy` measures the model there.

Model: model_features() (the C++ core's, read through the binding) standardised, one
hidden layer of 128 ReLU units, softmax over the 24 categories (loop classes for loops,
the rest for one-shots, as at inference); class-weighted cross-entropy, Adam, weight
decay, input noise and dropout, a fixed seed. The timbre projection is linear discriminant analysis of the
hidden layer (32 directions). Everything is seeded: the same corpus gives the same
bytes. Rebuild the package afterwards (pip install .) to ship the new model.
"""

from __future__ import annotations

import argparse
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.linalg
import scipy.signal
import soundfile as sf

from bench.real import corpus as real_corpus

HIDDEN = 128
EMBED = 32
INPUT_NOISE = 0.5  # standard deviations of the standardised features
DROPOUT = 0.3
WEIGHT_DECAY = 1e-3
LOOP_CLASSES = 3
SEED = 20261203


def load_features(paths: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(features, is_loop) of each file, from the installed samplemind."""
    import samplemind
    from samplemind import _core
    from samplemind._sndfile import sndfile_path

    config = samplemind.AnalysisConfig()._to_core()
    rows, loops = [], []
    for path in paths:
        raw, features = _core.analyze_file_with_model_features(path, config, sndfile_path())
        rows.append(features)
        loops.append(raw["is_loop"])
    return np.asarray(rows, np.float64), np.asarray(loops, bool)


def augment(source: Path, out_dir: Path, rng: np.random.Generator, copies: int) -> list[Path]:
    """`copies` transformed versions of one file."""
    audio, rate = sf.read(str(source), dtype="float32", always_2d=True)
    made = []
    for k in range(copies):
        y = audio.copy()
        if rng.random() < 0.5:  # pitch shift by resampling: +-1..3 semitones
            semitones = int(rng.choice([-3, -2, -1, 1, 2, 3]))
            up, down = _ratio(2 ** (-semitones / 12))
            y = scipy.signal.resample_poly(y, up, down, axis=0).astype(np.float32)
        if rng.random() < 0.4:  # trims: a little of the start, or the tail with a fade
            if rng.random() < 0.5:
                y = y[int(rng.uniform(0, 0.015) * rate):]
            else:
                keep = max(int(len(y) * rng.uniform(0.4, 0.9)), rate // 20)
                y = y[:keep]
                fade = min(len(y), rate // 100)
                y[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)[:, None]
        if rng.random() < 0.4:  # a reverb tail: exponentially decaying noise
            rt60 = rng.uniform(0.3, 1.5)
            t = np.arange(int(rt60 * rate)) / rate
            ir = rng.standard_normal((len(t), y.shape[1])).astype(np.float32) * np.exp(-6.9 * t / rt60)[:, None].astype(np.float32)
            wet = np.stack([scipy.signal.fftconvolve(y[:, c], ir[:, c]) for c in range(y.shape[1])], axis=1)
            wet *= np.abs(y).max() / max(np.abs(wet).max(), 1e-9)
            y = np.concatenate([y, np.zeros((len(ir) - 1, y.shape[1]), np.float32)]) + rng.uniform(0.1, 0.35) * wet
        if rng.random() < 0.5:  # EQ: a shelf of up to 9 dB cut or boost, as kits and mixes differ
            cutoff = float(np.exp(rng.uniform(np.log(150.0), np.log(6000.0))))
            kind = str(rng.choice(["lowpass", "highpass"]))
            sos = scipy.signal.butter(2, cutoff, kind, fs=rate, output="sos")
            amount = 10 ** (rng.uniform(-9, 9) / 20) - 1.0  # the band's gain change
            y = (y + amount * (y - scipy.signal.sosfilt(sos, y, axis=0))).astype(np.float32)
        y = y * 10 ** (rng.uniform(-18, 0) / 20) / max(float(np.abs(y).max()), 1e-9)  # gain
        fmt = str(rng.choice(["wav", "wav", "ogg", "mp3"]))
        path = out_dir / f"{source.stem}.{k}.{fmt}"
        subtype = {"wav": "PCM_16", "ogg": "VORBIS", "mp3": "MPEG_LAYER_III"}[fmt]
        if fmt == "mp3" and rate > 48000:
            continue
        sf.write(str(path), y.astype(np.float32), rate, format={"wav": "WAV", "ogg": "OGG", "mp3": "MP3"}[fmt], subtype=subtype)
        made.append(path)
    return made


def _ratio(value: float) -> tuple[int, int]:
    from fractions import Fraction

    f = Fraction(value).limit_denominator(200)
    return f.numerator, f.denominator


class Network:
    """features -> standardise -> ReLU(W1 x + b1) -> W2 h + b2 (masked softmax)."""

    def __init__(self, n_features: int, n_classes: int, rng: np.random.Generator) -> None:
        self.w1 = rng.standard_normal((HIDDEN, n_features)) * np.sqrt(2 / n_features)
        self.b1 = np.zeros(HIDDEN)
        self.w2 = rng.standard_normal((n_classes, HIDDEN)) * np.sqrt(1 / HIDDEN)
        self.b2 = np.zeros(n_classes)

    def params(self) -> list[np.ndarray]:
        return [self.w1, self.b1, self.w2, self.b2]

    def hidden(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, x @ self.w1.T + self.b1)

    def probabilities(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        logits = self.hidden(x) @ self.w2.T + self.b2
        logits = np.where(mask, logits, -1e9)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


def class_masks(is_loop: np.ndarray, n_classes: int) -> np.ndarray:
    mask = np.zeros((len(is_loop), n_classes), bool)
    mask[is_loop, n_classes - LOOP_CLASSES:] = True
    mask[~is_loop, : n_classes - LOOP_CLASSES] = True
    return mask


def train(x: np.ndarray, y: np.ndarray, mask: np.ndarray, n_classes: int, epochs: int) -> Network:
    rng = np.random.default_rng(SEED)
    net = Network(x.shape[1], n_classes, rng)
    counts = np.bincount(y, minlength=n_classes).astype(float)
    weights = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, 1)), 0.0)
    weights *= len(y) / (weights[y]).sum()
    params = net.params()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, decay, step = 2e-3, WEIGHT_DECAY, 0
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 128):
            idx = order[start:start + 128]
            # Noise on the standardised inputs and dropout on the hidden layer: the other
            # sources' sounds differ from these in ways no augmentation spells out.
            xb = x[idx] + INPUT_NOISE * rng.standard_normal((len(idx), x.shape[1]))
            yb, mb, wb = y[idx], mask[idx], weights[y[idx]]
            h_pre = xb @ net.w1.T + net.b1
            keep = (rng.random(h_pre.shape) >= DROPOUT) / (1.0 - DROPOUT)
            h = np.maximum(0.0, h_pre) * keep
            logits = np.where(mb, h @ net.w2.T + net.b2, -1e9)
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            grad_logits = p.copy()
            grad_logits[np.arange(len(yb)), yb] -= 1.0
            grad_logits *= wb[:, None] / len(yb)
            g_w2 = grad_logits.T @ h + decay * net.w2
            g_b2 = grad_logits.sum(0)
            g_h = (grad_logits @ net.w2) * (h_pre > 0) * keep
            g_w1 = g_h.T @ xb + decay * net.w1
            g_b1 = g_h.sum(0)
            step += 1
            for i, (param, grad) in enumerate(zip(params, [g_w1, g_b1, g_w2, g_b2])):
                m[i] = 0.9 * m[i] + 0.1 * grad
                v[i] = 0.999 * v[i] + 0.001 * grad * grad
                param -= lr * (m[i] / (1 - 0.9**step)) / (np.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)
        if epoch % 50 == 0 or epoch == epochs - 1:
            accuracy = (net.probabilities(x, mask).argmax(1) == y).mean()
            print(f"  epoch {epoch:4d}: training accuracy {accuracy:.3f}", flush=True)
    return net


def discriminant_projection(h: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LDA of the hidden layer: EMBED directions (rows) and the bias that centres them."""
    mean = h.mean(axis=0)
    within = np.zeros((h.shape[1], h.shape[1]))
    between = np.zeros_like(within)
    for c in np.unique(y):
        hc = h[y == c]
        d = hc - hc.mean(axis=0)
        within += d.T @ d
        centre = (hc.mean(axis=0) - mean)[:, None]
        between += len(hc) * centre @ centre.T
    within += 1e-3 * np.trace(within) / len(within) * np.eye(len(within))
    values, vectors = scipy.linalg.eigh(between, within)
    directions = vectors[:, np.argsort(values)[::-1][:EMBED]].T
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions, -directions @ mean


def write_model(path: Path, names: list[str], mean: np.ndarray, scale: np.ndarray, net: Network,
                projection: np.ndarray, bias: np.ndarray, model_version: int) -> None:
    out = bytearray(b"SMCM")
    out += struct.pack("<6I", 1, model_version, len(mean), HIDDEN, len(names), EMBED)
    for name in names:
        out += struct.pack("<I", len(name)) + name.encode()
    for array in (mean, scale, net.w1, net.b1, net.w2, net.b2, projection, bias):
        out += np.ascontiguousarray(array, dtype="<f4").tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))


def main() -> None:
    import samplemind

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("cpp/models/category.smm"))
    parser.add_argument("--quick", action="store_true", help="the small corpus and few epochs (a smoke test)")
    parser.add_argument("--epochs", type=int, default=150)
    args = parser.parse_args()
    started = time.perf_counter()
    folder = real_corpus.build(quick=args.quick)
    names = list(samplemind.CATEGORIES)
    entries = [e for e in real_corpus.load_manifest(folder) if e["split"] == "tune" and e.get("category") in names]
    sources = [Path(e["path"]) if Path(e["path"]).is_absolute() else folder / e["path"] for e in entries]
    labels = [names.index(e["category"]) for e in entries]
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        paths: list[str] = []
        y: list[int] = []
        for index, (source, label) in enumerate(zip(sources, labels)):
            paths.append(str(source))
            y.append(label)
            for copy in augment(source, Path(tmp), rng, copies=1 if args.quick else 4):
                paths.append(str(copy))
                y.append(label)
        print(f"{len(entries)} files, {len(paths)} with augmented copies ({time.perf_counter() - started:.0f} s)", flush=True)
        x, is_loop = load_features(paths)
    labels_array = np.asarray(y)
    mask = class_masks(is_loop, len(names))
    usable = mask[np.arange(len(labels_array)), labels_array]  # the loop verdict allows the label
    print(f"features: {x.shape}; {int((~usable).sum())} files whose loop verdict excludes their label left out")
    x, labels_array, mask = x[usable], labels_array[usable], mask[usable]
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-6, x.std(axis=0), 1.0)
    xs = (x - mean) / scale
    net = train(xs, labels_array, mask, len(names), 60 if args.quick else args.epochs)
    projection, bias = discriminant_projection(net.hidden(xs), labels_array)
    write_model(args.out, names, mean, scale, net, projection, bias, samplemind.CATEGORY_MODEL_VERSION)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB) in {time.perf_counter() - started:.0f} s; "
          "reinstall (pip install .) to ship it")


if __name__ == "__main__":
    main()
