"""The similarity embedding's layout."""

from __future__ import annotations

from samplemind import _core

__all__ = ["EMBEDDING_ASPECTS", "EMBEDDING_VERSION"]

EMBEDDING_VERSION: int = int(_core.EMBEDDING_VERSION)
"""Changes whenever the embedding's layout or scaling does; indexes of another version are rebuilt."""

EMBEDDING_ASPECTS: dict[str, tuple[int, int, float]] = _core.embedding_aspects()
"""Aspect name -> (offset, size, weight): timbre, spectrum, pitch, envelope, rhythm.
Each aspect is scaled to length sqrt(weight) before the whole vector is normalised."""
