"""Writing batch results as a table, JSON, JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from typing import Any, TextIO

from samplemind._analysis import Analysis
from samplemind._exceptions import AnalysisError

__all__ = ["FORMATS", "record", "write_results"]

FORMATS = ("table", "json", "jsonl", "csv")
# CSV keeps one column per scalar; these long vectors would add hundreds of columns.
_CSV_SKIPPED = frozenset({"mel_mean_db"})


def record(result: Analysis | AnalysisError) -> dict[str, Any]:
    """The JSON record of one file: Analysis.to_dict(), or path and error."""
    return result.to_dict()


def write_results(results: Sequence[Analysis | AnalysisError], output_format: str, stream: TextIO) -> None:
    if output_format == "json":
        json.dump([record(r) for r in results], stream, indent=2)
        stream.write("\n")
    elif output_format == "jsonl":
        for result in results:
            stream.write(json.dumps(record(result)) + "\n")
    elif output_format == "csv":
        _write_csv(results, stream)
    else:
        _write_table(results, stream)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"centroid_hz": {"mean": 1}} -> {"centroid_hz_mean": 1}; lists get _0, _1, ..."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key in _CSV_SKIPPED:
            continue
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "_"))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    flat.update(_flatten(item, f"{name}_{index}_"))
                else:
                    flat[f"{name}_{index}"] = item
        else:
            flat[name] = value
    return flat


def _write_csv(results: Sequence[Analysis | AnalysisError], stream: TextIO) -> None:
    rows = [_flatten(record(r)) for r in results]
    columns: list[str] = []
    for row in rows:  # union of columns in first-seen order: successes and errors differ
        columns.extend(key for key in row if key not in columns)
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _write_table(results: Sequence[Analysis | AnalysisError], stream: TextIO) -> None:
    """What producers read first, one row per file; paths relative to the folder that
    holds them all (the full path is in the JSON and CSV)."""
    header = ("file", "category", "kind", "duration", "BPM", "key", "pitch", "LUFS", "peak dBFS", "status")
    root = _common_folder([r.path for r in results if r.path])
    rows: list[tuple[str, ...]] = []
    for result in results:
        name = _shown_path(result.path, root)
        if isinstance(result, Analysis):
            labels = result.labels
            rows.append((
                name, result.category, "loop" if result.is_loop else "one-shot", f"{result.duration_s:.3f}",
                _labelled("" if labels["tempo_bpm"] is None else f"{labels['tempo_bpm']:.1f}", labels["tempo_source"]),
                _labelled(labels["key"] or "", labels["key_source"]),
                result.pitch_note or "", f"{result.loudness_lufs:.1f}", f"{result.peak_dbfs:.1f}", "ok",
            ))
        else:
            rows.append((name, *[""] * (len(header) - 2), f"{result.code}: {result.reason}"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        stream.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n")


def _labelled(value: str, source: str) -> str:
    """A tempo or key, marked when the file's metadata or name stated it."""
    return f"{value} ({'file' if source == 'metadata' else source})" if value and source != "analysis" else value


def _common_folder(paths: Sequence[str]) -> str | None:
    if len(paths) < 2:
        return None
    try:
        return os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths])
    except ValueError:  # different drives
        return None


def _shown_path(path: str | None, root: str | None) -> str:
    if path is None:
        return ""
    return os.path.relpath(os.path.abspath(path), root) if root and root != os.sep else str(path)
