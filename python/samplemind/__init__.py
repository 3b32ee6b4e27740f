"""SampleMind: fast analysis and similarity search for audio sample libraries.

>>> import samplemind
>>> result = samplemind.analyze("kick.wav")      # doctest: +SKIP
>>> result.peak_dbfs, result.centroid_hz.mean    # doctest: +SKIP
"""

from samplemind._analysis import Analysis, Stats
from samplemind._api import analyze
from samplemind._batch import BatchProgress, analyze_batch
from samplemind._cache import ResultCache
from samplemind._categories import CATEGORIES, CATEGORY_MODEL_VERSION
from samplemind._config import AnalysisConfig
from samplemind._data_dir import default_data_dir
from samplemind._duplicates import DuplicateGroup
from samplemind._waveform import Waveform, compute_waveform
from samplemind._files import find_audio_files
from samplemind._metadata import Metadata, NameCues, read_metadata
from samplemind._library_watch import CheckReport, LibraryWatcher, WatchChange
from samplemind._streaming import RunningDescriptors, StreamingAnalyzer
from samplemind.similarity import SearchFilters, SearchResult, SimilarityIndex
from samplemind._core import __version__
from samplemind._embedding import EMBEDDING_ASPECTS, EMBEDDING_VERSION
from samplemind._exceptions import (
    AnalysisCancelled,
    AnalysisError,
    AudioNotFoundError,
    AudioReadError,
    AudioTooLargeError,
    CorruptAudioError,
    SampleMindError,
    SharedStorageError,
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
    "BatchProgress",
    "CATEGORIES",
    "CATEGORY_MODEL_VERSION",
    "CheckReport",
    "CorruptAudioError",
    "DuplicateGroup",
    "EMBEDDING_ASPECTS",
    "EMBEDDING_VERSION",
    "LibraryWatcher",
    "Metadata",
    "NameCues",
    "ResultCache",
    "RunningDescriptors",
    "SampleMindError",
    "SearchFilters",
    "SearchResult",
    "SharedStorageError",
    "SimilarityIndex",
    "Stats",
    "StreamingAnalyzer",
    "UnsupportedFormatError",
    "WatchChange",
    "Waveform",
    "__version__",
    "analyze",
    "analyze_batch",
    "compute_waveform",
    "default_data_dir",
    "find_audio_files",
    "read_metadata",
]
