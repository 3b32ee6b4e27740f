"""How candidates are compared: the aspect weights' per-dimension scale, the per-aspect
similarities a result shows, and unit vectors.

Similarity is the cosine of two embeddings clipped to [0, 1]. Aspect weights rescale the
aspect sub-vectors of the query and the candidates alike.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from samplemind._embedding import EMBEDDING_ASPECTS

Vector = npt.NDArray[np.float32]

MAX_WEIGHT = 1e6
"""The largest aspect weight: past it, float32 scaling would overflow."""


def aspect_scale(weights: Mapping[str, float] | None, ndim: int) -> Vector:
    """Per-dimension factors: sqrt(weight / default weight) for each aspect's slice."""
    scale = np.ones(ndim, dtype=np.float32)
    for name, value in (weights or {}).items():
        if name not in EMBEDDING_ASPECTS:
            raise ValueError(f"unknown aspect {name!r}; aspects are {sorted(EMBEDDING_ASPECTS)}")
        if not 0 <= value <= MAX_WEIGHT:
            raise ValueError(f"aspect weight {name}={value} must be in [0, {MAX_WEIGHT:g}]")
        offset, size, default = EMBEDDING_ASPECTS[name]
        scale[offset : offset + size] = np.sqrt(value / default) if default > 0 else 0.0
    if not scale.any():
        raise ValueError("every aspect weight is 0: nothing would be compared; give one a weight > 0")
    return scale


def aspect_similarities(query: Vector, candidates: npt.NDArray[np.float32]) -> list[dict[str, float]]:
    """Per-aspect cosine (clipped at 0) of the query with each candidate row."""
    columns: dict[str, npt.NDArray[np.float64]] = {}
    for name, (offset, size, _) in EMBEDDING_ASPECTS.items():
        q, block = query[offset : offset + size], candidates[:, offset : offset + size]
        norms = np.linalg.norm(block, axis=1) * np.linalg.norm(q)
        dots = (block @ q).astype(np.float64)
        columns[name] = np.where(norms > 0, np.maximum(0.0, dots / np.where(norms > 0, norms, 1.0)), 0.0)
    return [{name: float(values[i]) for name, values in columns.items()} for i in range(len(candidates))]


def unit(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
