"""The Analysis fields are written in three places (analysis.hpp, the binding's dict,
_analysis.py): the binding must hand over exactly what Analysis reads, and Analysis
must hold exactly what to_dict() writes, so that a field added on one side only fails
here instead of vanishing."""

from __future__ import annotations

import dataclasses

import numpy as np

import samplemind
from samplemind import _analysis, _core

_GROUPS = {"info": _analysis._INFO, "level": _analysis._LEVEL}
_TOP = ("path", "analysis_sample_rate", "n_frames", "frames", "spectral", "categories", "metadata", *_GROUPS,
        *_analysis.VECTOR_FIELDS, *_analysis._MUSICAL, *_analysis._TIMES, *_analysis._CATEGORY)


def _raw() -> dict[str, object]:
    tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(22050) / 22050)).astype(np.float32)
    raw: dict[str, object] = _core.analyze_buffer(tone[:, None], 22050.0, samplemind.AnalysisConfig()._to_core())
    return raw


def test_the_binding_hands_over_exactly_what_analysis_reads() -> None:
    raw = _raw()
    assert sorted(raw) == sorted(_TOP)
    for group, names in _GROUPS.items():
        assert sorted(raw[group]) == sorted(names), group  # type: ignore[call-overload]
    assert sorted(raw["spectral"]) == sorted((*_analysis._SPECTRAL, "contrast_db"))  # type: ignore[call-overload]
    metadata_fields = {f.name for f in dataclasses.fields(samplemind.Metadata)} - {"name"}  # the name's cues: Python
    assert set(raw["metadata"]) == metadata_fields  # type: ignore[call-overload]


def test_analysis_holds_what_to_dict_writes() -> None:
    result = samplemind.Analysis._from_core(_raw())
    fields = {f.name for f in dataclasses.fields(result)} - {"tracks"}
    assert set(result.to_dict()) == fields | {"onset_count"}
