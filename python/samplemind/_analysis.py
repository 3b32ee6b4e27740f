"""The result of analysing one file or buffer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from samplemind._metadata import Metadata, label_sources, name_cues

__all__ = ["VECTOR_FIELDS", "Analysis", "Stats"]

FloatArray = npt.NDArray[np.float32]

_SPECTRAL = ("centroid_hz", "bandwidth_hz", "rolloff_hz", "flatness", "flux", "zcr", "rms")
_LEVEL = (
    "peak_dbfs",
    "rms_dbfs",
    "dc_offset",
    "clipped_samples",
    "leading_silence_s",
    "trailing_silence_s",
    "non_finite_samples",
)
_INFO = ("sample_rate", "channels", "frames", "duration_s", "container", "sample_format", "bit_depth", "decoder",
         "truncated")
VECTOR_FIELDS = ("mel_mean_db", "mfcc_mean", "mfcc_std", "chroma_mean", "pitch_class_profile", "embedding")
_MUSICAL = (
    "loudness_lufs", "true_peak_dbtp", "loudness_range_lu",
    "attack_time_s", "log_attack_time", "decay_time_s", "temporal_centroid_s", "effective_duration_s",
    "is_loop", "is_loop_confidence",
    "pitch_hz", "pitch_note", "pitch_cents", "pitch_confidence",
    "tuning_cents", "key", "key_strength", "key_confidence", "runner_up_key", "runner_up_key_strength",
    "tempo_bpm", "tempo_confidence", "runner_up_tempo_bpm", "beats_in_length", "loop_fits_tempo",
)
_TIMES = ("onset_times_s", "beat_times_s")
_CATEGORY = ("category", "category_family", "category_confidence")


@dataclass(frozen=True)
class Stats:
    """Statistics of a per-frame descriptor over all frames (std is ddof=0)."""

    mean: float
    std: float
    min: float
    max: float

    def to_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True, eq=False)
class Analysis:
    """Descriptors of one file or buffer.

    Levels are measured on the source samples; frame descriptors on the mono mix
    resampled to ``analysis_sample_rate``. dB values are floored at -160 dB, so
    silence is finite. Frame descriptor definitions follow librosa 0.11.
    """

    path: str | None
    """The analysed file, or None for an array."""
    sample_rate: float
    """Source sample rate, Hz."""
    channels: int
    frames: int
    """Sample frames decoded (one sample per channel each)."""
    duration_s: float
    container: str
    """Container detected from the bytes: "wav", "rf64", "aiff", "aifc", "flac", "ogg", "mp3", ... or "buffer"."""
    sample_format: str
    """Sample encoding: "pcm_16", "float_32", "vorbis", ..."""
    bit_depth: int
    """Bits per sample, 0 for compressed codecs."""
    decoder: str
    """"native", "libsndfile" or "buffer"."""
    truncated: bool
    """The file holds less audio than its header declares (cut short, or an overstated
    data size): the analysis covers what is there."""
    analysis_sample_rate: float
    n_frames: int
    """STFT frames: 1 + resampled length // hop_length."""

    peak_dbfs: float
    rms_dbfs: float
    dc_offset: float
    clipped_samples: int
    leading_silence_s: float
    trailing_silence_s: float
    non_finite_samples: int
    """NaN/Inf input samples, each replaced by 0 before analysis."""

    centroid_hz: Stats
    bandwidth_hz: Stats
    rolloff_hz: Stats
    flatness: Stats
    flux: Stats
    zcr: Stats
    rms: Stats
    """Frame RMS of the analysis-rate mono signal (linear)."""
    contrast_db: tuple[Stats, ...]
    """Spectral contrast per octave band, dB."""

    mel_mean_db: FloatArray
    mfcc_mean: FloatArray
    mfcc_std: FloatArray

    loudness_lufs: float
    """Integrated loudness, ITU-R BS.1770-4 (LUFS); a file under 400 ms is one block."""
    true_peak_dbtp: float
    """4x oversampled peak, dBTP."""
    loudness_range_lu: float | None
    """EBU Tech 3342 loudness range, LU; None under 3 s."""
    attack_time_s: float
    log_attack_time: float
    decay_time_s: float
    temporal_centroid_s: float
    effective_duration_s: float
    onset_times_s: tuple[float, ...]
    is_loop: bool
    """A loop (cut to whole beats) rather than a one-shot."""
    is_loop_confidence: float
    pitch_hz: float | None
    """Median YIN f0 of one stable note; None for unpitched sounds (noise, most drums)
    and for chords."""
    pitch_note: str | None
    """Nearest note, A4 = 440 Hz: "C#3"; None when unpitched."""
    pitch_cents: float | None
    """Deviation of pitch_hz from pitch_note, cents in [-50, 50); None when unpitched."""
    pitch_confidence: float
    chroma_mean: FloatArray
    """12 pitch classes, C first (librosa chroma_stft, tuning 0)."""
    pitch_class_profile: FloatArray
    """12 pitch classes, C first: the notes found in each frame, tuning removed (the key's evidence)."""
    tuning_cents: float
    key: str | None
    """"A minor", "F# major"; None where no key applies (drums, noise, a single note)."""
    key_strength: float
    key_confidence: float
    """[0, 1], from the margin over the runner-up key; 0 without a key."""
    runner_up_key: str | None
    runner_up_key_strength: float
    tempo_bpm: float | None
    """None when there is no pulse to measure."""
    tempo_confidence: float
    runner_up_tempo_bpm: float | None
    """The better of half and double tempo."""
    beats_in_length: float
    loop_fits_tempo: bool
    beat_times_s: tuple[float, ...]
    category: str
    """What the sound is, from samplemind.CATEGORIES ("kick", "pad", "drum_loop", ...), or
    "unknown" when the model's confidence is under 0.4."""
    category_family: str | None
    """"drums", "tonal", "fx" or "loops"; None when the category is unknown."""
    category_confidence: float
    """The model's probability for the best class, [0, 1]."""
    categories: tuple[tuple[str, float], ...]
    """The three most probable categories with their probabilities, best first."""
    embedding: FloatArray
    """The similarity embedding: float32, L2-normalised (see EMBEDDING_ASPECTS)."""
    metadata: Metadata = field(default_factory=Metadata)
    """What the file says about itself (tags, 'acid' tempo, root note, ...) and the
    cues in its name. The descriptors above are measured and never read it; a
    library's listings put a stated tempo or key first (see tempo_source)."""
    tracks: dict[str, FloatArray] | None = None
    """Per-frame tracks when AnalysisConfig(keep_frames=True) was used."""

    @classmethod
    def _from_core(cls, raw: dict[str, Any]) -> Analysis:
        """Builds an Analysis from the dictionary the C++ binding returns."""
        spectral = raw["spectral"]
        fields: dict[str, Any] = {name: raw["info"][name] for name in _INFO}
        fields.update({name: raw["level"][name] for name in _LEVEL})
        fields.update({name: Stats(**spectral[name]) for name in _SPECTRAL})
        fields["contrast_db"] = tuple(Stats(**band) for band in spectral["contrast_db"])
        fields.update({name: raw[name] for name in VECTOR_FIELDS})
        fields.update({name: raw[name] for name in _MUSICAL})
        fields.update({name: tuple(raw[name]) for name in _TIMES})
        fields.update({name: raw[name] for name in _CATEGORY})
        fields["categories"] = tuple((str(name), float(p)) for name, p in raw["categories"])
        path = raw["path"] or None
        return cls(
            path=path,
            analysis_sample_rate=raw["analysis_sample_rate"],
            n_frames=raw["n_frames"],
            tracks=raw["frames"],
            metadata=Metadata._from_core(raw["metadata"], path, raw["is_loop"]),
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: plain floats, ints, strings, lists and dicts (no tracks)."""
        out: dict[str, Any] = {"path": self.path}
        for name in (*_INFO, "analysis_sample_rate", "n_frames", *_LEVEL):
            out[name] = getattr(self, name)
        for name in _SPECTRAL:
            out[name] = getattr(self, name).to_dict()
        out["contrast_db"] = [band.to_dict() for band in self.contrast_db]
        for name in VECTOR_FIELDS:
            out[name] = [float(v) for v in getattr(self, name)]
        for name in _MUSICAL:
            out[name] = getattr(self, name)
        for name in _TIMES:
            out[name] = list(getattr(self, name))
        out["onset_count"] = len(self.onset_times_s)
        for name in _CATEGORY:
            out[name] = getattr(self, name)
        out["categories"] = [{"category": name, "probability": p} for name, p in self.categories]
        out["metadata"] = self.metadata.to_dict()
        return out

    @property
    def labels(self) -> dict[str, Any]:
        """The tempo and key a library shows: stated by the file's metadata or its name
        before measured, with tempo_source and key_source, and under `analysis` the
        measured value of each one taken from elsewhere (see samplemind._metadata)."""
        return label_sources(self.tempo_bpm, self.key, self.metadata)

    @property
    def onset_count(self) -> int:
        return len(self.onset_times_s)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """The inverse of to_dict()."""
        fields = dict(data)
        for name in _SPECTRAL:
            fields[name] = Stats(**fields[name])
        fields["contrast_db"] = tuple(Stats(**band) for band in fields["contrast_db"])
        for name in VECTOR_FIELDS:
            fields[name] = np.asarray(fields[name], dtype=np.float32)
        for name in _TIMES:
            fields[name] = tuple(fields[name])
        fields["categories"] = tuple((c["category"], c["probability"]) for c in fields["categories"])
        fields.pop("onset_count", None)
        if "loop_confidence" in fields:  # its name up to 0.3.0
            fields["is_loop_confidence"] = fields.pop("loop_confidence")
        # The name's cues are the current path's (a cached result may be another copy's).
        metadata = Metadata.from_dict(fields["metadata"])
        path = fields["path"]
        fields["metadata"] = dataclasses.replace(
            metadata, name=name_cues(path, is_loop=fields["is_loop"]) if path else metadata.name)
        return cls(**fields)
