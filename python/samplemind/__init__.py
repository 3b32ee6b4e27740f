"""SampleMind: fast analysis and similarity search for audio sample libraries.

>>> import samplemind
>>> result = samplemind.analyze("kick.wav")      # doctest: +SKIP
>>> result.peak_dbfs, result.centroid_hz.mean    # doctest: +SKIP
"""

from samplemind._analysis import Analysis, Stats
from samplemind._api import analyze
from samplemind._config import AnalysisConfig
from samplemind._core import __version__
from samplemind._exceptions import (
    AnalysisCancelled,
    AnalysisError,
    AudioNotFoundError,
    AudioReadError,
    AudioTooLargeError,
    CorruptAudioError,
    SampleMindError,
    UnsupportedFormatError,
)

__all__ = [
    "Analysis",
    "AnalysisCancelled",
    "AnalysisConfig",
    "AnalysisError",
    "AudioNotFoundError",
    "AudioReadError",
    "AudioTooLargeError",
    "CorruptAudioError",
    "SampleMindError",
    "Stats",
    "UnsupportedFormatError",
    "__version__",
    "analyze",
]
