"""The samplemind command line, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import tone


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "samplemind", *args], capture_output=True, text=True, timeout=120)


def test_demo_prints_descriptors() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "centroid" in result.stdout and "dBFS" in result.stdout


def test_analyze_json_and_exit_codes(write_audio: Callable[..., Path], tmp_path: Path) -> None:
    good = write_audio("a.wav", tone(440, 0.5))
    missing = tmp_path / "missing.wav"
    result = run("analyze", "--format", "json", str(good), str(missing))
    assert result.returncode == 1  # one file failed
    record = json.loads(result.stdout.strip())
    assert record["path"] == str(good) and record["duration_s"] == 0.5
    assert str(missing) in result.stderr
    assert run("analyze", "--format", "json", str(good)).returncode == 0
    assert run("analyze").returncode == 2  # usage error
