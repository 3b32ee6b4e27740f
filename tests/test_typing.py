"""The package's types: the compiled module's stub is generated (and current), and
the package passes mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import samplemind

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "python" / "samplemind" / "_core.pyi"


@pytest.mark.skipif(not STUB.exists(), reason="needs the source tree")
def test_core_stub_is_generated_and_current(tmp_path: Path) -> None:
    """Regenerate with: pybind11-stubgen samplemind._core -o python"""
    subprocess.run(
        [sys.executable, "-m", "pybind11_stubgen", "samplemind._core", "-o", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "samplemind" / "_core.pyi").read_text() == STUB.read_text()


@pytest.mark.skipif(not STUB.exists(), reason="needs the source tree")
def test_package_passes_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_py_typed_ships() -> None:
    assert (Path(samplemind.__file__).parent / "py.typed").exists()
