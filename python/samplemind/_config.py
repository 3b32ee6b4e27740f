"""Analysis parameters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from samplemind import _core

__all__ = ["AnalysisConfig"]


@dataclass(frozen=True, kw_only=True)
class AnalysisConfig:
    """Parameters of an analysis; defaults follow librosa.

    Every field is validated by the core when an analysis starts; an invalid one
    raises ``ValueError`` naming it, its value and what is allowed.
    """

    sample_rate: float = 22050.0
    """Rate the audio is resampled to before framing, Hz, in [1000, 192000]."""
    n_fft: int = 2048
    """FFT size in samples, a power of two in [16, 65536]."""
    hop_length: int = 512
    """Hop between frames in samples, in [1, n_fft]."""
    n_mels: int = 128
    """Number of Slaney mel bands, in [1, 512]."""
    n_mfcc: int = 20
    """Number of MFCCs (DCT-II, ortho), in [1, n_mels]."""
    fmin: float = 0.0
    """Lowest mel edge in Hz."""
    fmax: float = 0.0
    """Highest mel edge in Hz; 0 means sample_rate / 2."""
    top_db: float = 80.0
    """Dynamic range kept in mel dB and MFCC, dB."""
    rolloff_percent: float = 0.85
    """Fraction of spectral magnitude below the rolloff frequency, in (0, 1)."""
    contrast_fmin: float = 200.0
    """Lower edge of the first spectral-contrast octave band, Hz."""
    contrast_bands: int = 6
    """Number of contrast octave bands (results have one more), in [1, 10]."""
    contrast_quantile: float = 0.02
    """Quantile taken as peak and valley of each contrast band, in (0, 1)."""
    silence_threshold_db: float = -60.0
    """Level below which a sample counts as silence, dBFS."""
    max_duration_s: float = 4.0 * 3600.0
    """Longest audio accepted, seconds."""
    keep_frames: bool = False
    """Also return the per-frame tracks (memory grows with the file's length)."""

    def validate(self) -> None:
        """Raise ``ValueError`` if any field is out of range."""
        self._to_core().validate()

    def fingerprint(self) -> str:
        """A canonical text of every field that changes results (for cache keys)."""
        return str(self._to_core().fingerprint())

    def _to_core(self) -> _core.AnalysisConfig:
        core = _core.AnalysisConfig()
        for field in dataclasses.fields(self):
            setattr(core, field.name, getattr(self, field.name))
        return core
