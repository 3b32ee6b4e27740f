"""Writing batch results as a table, JSON, JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from typing import Any, TextIO

from samplemind._analysis import Analysis
from samplemind._exceptions import AnalysisError

__all__ = ["CSV_COLUMNS", "FORMATS", "record", "write_results"]

FORMATS = ("table", "json", "jsonl", "csv")
_TRACKS = ("centroid_hz", "bandwidth_hz", "rolloff_hz", "flatness", "flux", "zcr", "rms")
CSV_COLUMNS = (
    "path", "error_code", "error_message",
    # the file
    "container", "sample_format", "bit_depth", "decoder", "sample_rate", "channels", "frames", "duration_s",
    "truncated", "analysis_sample_rate", "n_frames",
    # what a producer sorts by first
    "category", "category_family", "category_confidence", "is_loop", "is_loop_confidence",
    "tempo_bpm", "tempo_confidence", "runner_up_tempo_bpm", "beats_in_length", "loop_fits_tempo",
    "key", "key_strength", "key_confidence", "runner_up_key", "runner_up_key_strength",
    "pitch_hz", "pitch_note", "pitch_cents", "pitch_confidence", "tuning_cents",
    # level and envelope
    "loudness_lufs", "true_peak_dbtp", "loudness_range_lu", "peak_dbfs", "rms_dbfs", "dc_offset",
    "clipped_samples", "non_finite_samples", "leading_silence_s", "trailing_silence_s",
    "attack_time_s", "log_attack_time", "decay_time_s", "temporal_centroid_s", "effective_duration_s", "onset_count",
    # each per-frame track's statistics
    *(f"{track}_{stat}" for track in _TRACKS for stat in ("mean", "std", "min", "max")),
)
"""The CSV's columns, in this order whatever the files: the scalar fields of
Analysis.to_dict() (a track's statistics as TRACK_STAT) and, for a file that failed,
its error. Vectors, times and metadata are only in the JSON."""


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


def _write_csv(results: Sequence[Analysis | AnalysisError], stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(_csv_row(r) for r in results)


def _csv_row(result: Analysis | AnalysisError) -> dict[str, Any]:
    row = record(result)
    error = row.pop("error", None)
    if error is not None:
        return {"path": row["path"], "error_code": error["code"], "error_message": error["message"]}
    for track in _TRACKS:
        row.update({f"{track}_{stat}": value for stat, value in row.pop(track).items()})
    return row


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
