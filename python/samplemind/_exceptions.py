"""Exceptions raised by samplemind.

The tree::

    SampleMindError
     └── AnalysisError                 one input could not be analysed
          ├── AudioNotFoundError       (also a FileNotFoundError) no such file
          ├── UnsupportedFormatError   not audio, or an encoding nothing here decodes
          ├── CorruptAudioError        an impossible header or damaged data
          ├── AudioTooLargeError       longer than AnalysisConfig.max_duration_s
          ├── AnalysisCancelled        the work was cancelled
          └── AudioReadError           (also an OSError) the system failed to read
     └── SharedStorageError            Dask workers cannot see the files (a whole batch)

Every AnalysisError carries ``path``, ``code`` (a stable short name such as
``"corrupt_data"``) and ``reason``; ``str()`` is ``"<path>: <reason>"``.
Invalid parameters raise ``ValueError`` naming the parameter.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AnalysisCancelled",
    "AnalysisError",
    "AudioNotFoundError",
    "AudioReadError",
    "AudioTooLargeError",
    "CorruptAudioError",
    "SampleMindError",
    "SharedStorageError",
    "UnsupportedFormatError",
]


class SampleMindError(Exception):
    """Base class of every error samplemind raises on purpose."""


class _PathError(SampleMindError):
    """An error about one path: ``path``, ``reason``, ``str()`` is "<path>: <reason>"."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable (Dask sends error records between processes): rebuild from both fields.
        return type(self), (self.path, self.reason)


class AnalysisError(_PathError):
    """One input (a file or a buffer) could not be analysed."""

    code: ClassVar[str] = "analysis_error"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready error record: ``{"path", "error": {"code", "message"}}``."""
        return {"path": self.path, "error": {"code": self.code, "message": self.reason}}


class AudioNotFoundError(AnalysisError, FileNotFoundError):
    code = "not_found"


class UnsupportedFormatError(AnalysisError):
    code = "unsupported_format"


class CorruptAudioError(AnalysisError):
    code = "corrupt_data"


class AudioTooLargeError(AnalysisError):
    code = "too_large"


class AnalysisCancelled(AnalysisError):
    code = "cancelled"


class AudioReadError(AnalysisError, OSError):
    code = "io_error"


class SharedStorageError(_PathError):
    """A Dask worker cannot read a file this machine can: the batch is not sent."""


_BY_CODE: dict[str, type[AnalysisError]] = {
    cls.code: cls
    for cls in (
        AudioNotFoundError,
        UnsupportedFormatError,
        CorruptAudioError,
        AudioTooLargeError,
        AnalysisCancelled,
        AudioReadError,
    )
}


def _from_core(code: str, path: str, reason: str) -> AnalysisError:
    """Builds the exception for an error the C++ core reported (used by _core)."""
    return _BY_CODE.get(code, AnalysisError)(path, reason)
