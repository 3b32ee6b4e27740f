"""Every README snippet a user can paste runs: the Python blocks as scripts and the
`samplemind` lines of the shell blocks, in a folder laid out as the README assumes
(~/Samples, kick.wav, loop.flac, loop.wav, loops/, broken.wav) with its own data folder.

Left out, each tested elsewhere: `pip install` lines and the quick start (CI runs
them), `samplemind serve` (tests/test_server_live.py), `bench` (tests/test_bench_command.py),
the Dask lines that name a remote scheduler (tests/test_dask.py) and the C++ build
lines (tests/test_cpp_host.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samplemind._demo_pack import write_demo_pack

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_SKIPPED = ("samplemind serve", "samplemind bench", "--dask-scheduler")


def _blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README.read_text()) if lang == language]


def _commands() -> list[str]:
    lines = [line.split("  #")[0].strip() for body in _blocks("bash") for line in body.splitlines()]
    return [line for line in lines if line.startswith("samplemind ") and not any(s in line for s in _SKIPPED)]


def _python_blocks() -> list[str]:
    return [body for body in _blocks("python") if "tcp://10.0.0.5" not in body]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("readme")
    pack = write_demo_pack(root / "pack")
    named = {p.name: p for p in pack}
    home, cwd = root / "home", root / "cwd"
    (home / "Samples" / "old").mkdir(parents=True)
    (cwd / "loops").mkdir(parents=True)
    for name in ("kick-deep.wav", "snare-tight.wav", "loop-120bpm.flac", "pad-A-minor.wav"):
        shutil.copy(named[name], home / "Samples" / name)
    shutil.copy(named["kick-deep.wav"], home / "Samples" / "kick.wav")
    shutil.copy(named["kick-punchy.wav"], home / "Samples" / "old" / "kick.wav")
    shutil.copy(named["kick-deep.wav"], cwd / "kick.wav")
    shutil.copy(named["loop-120bpm.flac"], cwd / "loop.flac")
    shutil.copy(named["loop-090bpm.wav"], cwd / "loop.wav")
    shutil.copy(named["loop-140bpm.wav"], cwd / "loops" / "loop-140bpm.wav")
    shutil.copy(named["broken.wav"], cwd / "broken.wav")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # this venv's samplemind
    env = {**os.environ, "HOME": str(home), "SAMPLEMIND_DATA_DIR": str(root / "data"), "PATH": path}
    return cwd, env


def test_the_readme_has_snippets_to_run() -> None:
    assert len(_python_blocks()) >= 2 and len(_commands()) >= 8


@pytest.mark.parametrize("block", range(len(_python_blocks())))
def test_python_snippet_runs(block: int, workspace: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workspace
    run = subprocess.run([sys.executable, "-c", _python_blocks()[block]], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip(), "the snippet prints what it shows"


@pytest.mark.parametrize("command", _commands())
def test_shell_snippet_runs(command: str, workspace: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workspace
    if "search" in command:  # searches need an index: the README's first index line makes it
        subprocess.run(["bash", "-c", "samplemind index ~/Samples --recursive"], cwd=cwd, env=env,
                       capture_output=True, timeout=300, check=True)
    run = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
