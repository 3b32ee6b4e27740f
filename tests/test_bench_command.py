"""`samplemind bench --quick --json`: a complete report, with the generated corpus's
corrupt file counted rather than fatal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samplemind._bench import REPORT_KEYS


def run_bench(tmp_path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    report = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "samplemind", "bench", "--quick", "--files", "6", "--json",
                             str(report), *extra], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "files/s" in result.stdout and "recall@10" in result.stdout
    return json.loads(report.read_text())


def test_quick_report_is_complete(tmp_path: Path) -> None:
    report = run_bench(tmp_path)
    assert tuple(sorted(report)) == tuple(sorted(REPORT_KEYS))
    assert report["corpus"]["files"] == 7 and report["corpus"]["failed"] == 1
    assert report["corpus"]["failures"][0]["error"]["code"] == "corrupt_data"
    assert report["corpus"]["audio_seconds"] > 0
    assert [row["workers"] for row in report["throughput"]] == [1, 2]
    for row in report["throughput"]:
        assert row["files_per_s"] > 0 and row["seconds_min"] <= row["seconds_median"] <= row["seconds_max"]
    assert report["cache"]["warm_speedup"] > 1 and report["cache"]["warm_files_per_s"] > 0
    assert report["memory"]["peak_rss_mib"] > 0
    for row in report["memory"]["per_file_in_flight"]:  # Linux: measured
        assert row["workers"] in (1, 2) and row["mib_per_file"] is not None and row["mib_per_file"] >= 0
    stages = report["stages"]
    assert set(stages["seconds"]) == {"decode", "resample", "stft", "descriptors", "musical", "embedding", "other"}
    for name in ("decode", "stft", "descriptors", "musical"):
        assert stages["seconds"][name] > 0, name
    assert sum(stages["seconds"].values()) <= stages["wall_seconds"] * 1.05
    assert 0.9 < sum(stages["share"].values()) < 1.05
    similarity = report["similarity"]
    assert similarity["samples"] == 6 and 0 <= similarity["recall_at_10"] <= 1
    assert 0 < similarity["search_p50_ms"] <= similarity["search_p99_ms"]
    assert report["librosa"] is None and report["versions"]["samplemind"]


def test_plot_is_a_png(tmp_path: Path) -> None:
    run_bench(tmp_path, "--workers", "1,2", "--plot", str(tmp_path / "report.png"))
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


@pytest.mark.slow  # librosa's pipeline on every file (~25 s)
def test_librosa_comparison(tmp_path: Path) -> None:
    librosa = run_bench(tmp_path, "--compare", "librosa", "--workers", "1")["librosa"]
    assert librosa["files"] == 6 and librosa["speedup"] > 1  # the corrupt file is timed on neither side


def test_a_comparison_that_cannot_run_prints_no_figure(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked" / "pyloudnorm"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('blocked for the test', name='pyloudnorm')\n")
    result = subprocess.run([sys.executable, "-m", "samplemind", "bench", "--quick", "--files", "6", "--compare",
                             "librosa"], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(tmp_path / "blocked")})
    assert result.returncode == 2 and result.stdout == ""
    assert "--compare librosa needs librosa and pyloudnorm (pyloudnorm is not installed)" in result.stderr
