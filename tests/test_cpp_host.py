"""C++ hosts: the core builds and installs without Python, and the two examples,
built against the installed package with find_package(samplemind), print what
samplemind.analyze() returns for the same file."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import samplemind
from samplemind._sndfile import sndfile_path
from tests.conftest import noise, tone

ROOT = Path(__file__).resolve().parents[1]
# slow: the package is configured, built and installed with cmake first (~40 s).
pytestmark = [
    pytest.mark.skipif(not (ROOT / "examples").exists() or shutil.which("cmake") is None,
                       reason="needs the source tree and cmake"),
    pytest.mark.slow,
]


def cmake(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run(["cmake", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Configure with SAMPLEMIND_BUILD_PYTHON=OFF, build, install to a temporary prefix."""
    work = tmp_path_factory.mktemp("cpp")
    prefix = work / "prefix"
    jobs = str(os.cpu_count() or 2)
    cmake("-S", str(ROOT), "-B", str(work / "build"), "-DCMAKE_BUILD_TYPE=Release",
          "-DSAMPLEMIND_BUILD_PYTHON=OFF", f"-DCMAKE_INSTALL_PREFIX={prefix}")
    cmake("--build", str(work / "build"), "--parallel", jobs)
    cmake("--install", str(work / "build"))
    return prefix


def build_example(name: str, prefix: Path, work: Path) -> Path:
    build = work / name
    cmake("-S", str(ROOT / "examples" / name), "-B", str(build), f"-DCMAKE_PREFIX_PATH={prefix}",
          "-DCMAKE_BUILD_TYPE=Release")
    cmake("--build", str(build))
    return build / name


@pytest.fixture(scope="module")
def audio_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "note.wav"
    y = np.stack([tone(330, 2.0, sr=44100) + noise(2.0, sr=44100, amplitude=0.02), tone(660, 2.0, sr=44100)], axis=1)
    sf.write(str(path), y, 44100, subtype="PCM_24")
    return path


def test_package_installs_headers_libraries_and_config(installed: Path) -> None:
    assert (installed / "include" / "samplemind" / "samplemind.hpp").exists()
    libs = {p.name for p in (installed / "lib").iterdir()}
    assert "libsamplemind.a" in libs and any(name.startswith("libsamplemind.so") for name in libs)
    assert (installed / "lib" / "cmake" / "samplemind" / "samplemindConfig.cmake").exists()


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-5, abs_tol=1e-4)


def test_analyze_files_example_matches_python(installed: Path, audio_file: Path, tmp_path: Path) -> None:
    program = build_example("analyze_files", installed, tmp_path)
    missing = tmp_path / "missing.wav"
    run = subprocess.run([str(program), str(audio_file), str(missing)], capture_output=True, text=True,
                         env={**os.environ, "LD_LIBRARY_PATH": str(installed / "lib")})
    assert run.returncode == 1  # the missing file
    good, bad = (json.loads(line) for line in run.stdout.splitlines())
    assert bad == {"path": str(missing), "error": {"code": "not_found", "message": bad["error"]["message"]}}
    reference = samplemind.analyze(audio_file).to_dict()
    for key in ("duration_s", "sample_rate", "peak_dbfs", "rms_dbfs"):
        assert close(good[key], reference[key]), key
    for key in ("centroid_hz", "bandwidth_hz", "rolloff_hz", "flatness", "zcr", "rms"):
        for stat in ("mean", "std"):
            assert close(good[key][stat], reference[key][stat]), (key, stat)
    np.testing.assert_allclose(good["mfcc_mean"], reference["mfcc_mean"], rtol=1e-5, atol=1e-4)
    assert good["n_frames"] == reference["n_frames"] and good["container"] == "wav"


def test_a_host_names_the_libsndfile_it_uses(installed: Path, audio_file: Path, tmp_path: Path) -> None:
    """FLAC goes through libsndfile: --sndfile (DecodeOptions::sndfile_path) gives its
    file; a path that does not load is named in the error, with the loader's reason."""
    program = build_example("analyze_files", installed, tmp_path)
    flac = tmp_path / "note.flac"
    sf.write(str(flac), sf.read(str(audio_file))[0], 44100, format="FLAC")
    env = {**os.environ, "LD_LIBRARY_PATH": str(installed / "lib")}
    library = sndfile_path()
    assert library, "the soundfile wheel ships a libsndfile"
    run = subprocess.run([str(program), "--sndfile", library, str(flac)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout
    analysed = json.loads(run.stdout)
    assert analysed["container"] == "flac" and close(analysed["duration_s"], 2.0)
    missing = tmp_path / "no" / "libsndfile.so.1"
    run = subprocess.run([str(program), "--sndfile", str(missing), str(flac)], capture_output=True, text=True, env=env)
    error = json.loads(run.stdout)["error"]
    assert run.returncode == 1 and error["code"] == "unsupported_format"
    assert str(missing) in error["message"] and "libsndfile could not be loaded" in error["message"]


def test_stream_callback_example_matches_python(installed: Path, audio_file: Path, tmp_path: Path) -> None:
    program = build_example("stream_callback", installed, tmp_path)
    run = subprocess.run([str(program), str(audio_file), "256"], capture_output=True, text=True, check=True,
                         env={**os.environ, "LD_LIBRARY_PATH": str(installed / "lib")})
    streamed = json.loads(run.stdout)
    reference = samplemind.analyze(audio_file)
    assert streamed["n_frames"] == reference.n_frames
    assert close(streamed["centroid_hz_mean"], reference.centroid_hz.mean)
    assert close(streamed["rms_dbfs"], reference.rms_dbfs) and close(streamed["peak_dbfs"], reference.peak_dbfs)
    assert close(streamed["mfcc_mean_0"], float(reference.mfcc_mean[0]))
    assert "centroid" in run.stderr  # running descriptors were printed along the way
