"""The samplemind command line, run as a user would, in a subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import samplemind
from samplemind._output import CSV_COLUMNS
from tests.conftest import tone


def run(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Runs the CLI with its data folder under the test's temporary directory."""
    command = [sys.executable, "-m", "samplemind", *args]
    if data_dir is not None and args and args[0] in ("analyze", "demo"):
        command += ["--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_demo_analyses_a_generated_pack(tmp_path: Path) -> None:
    result = run("demo", str(tmp_path / "pack"), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr  # the pack's broken file is expected
    assert "kick-deep.wav" in result.stdout and "loop-120bpm.flac" in result.stdout
    assert "broken.wav" in result.stderr and "analysed 15 of 16 files" in result.stderr


def test_analyze_json_and_exit_codes(write_audio: Callable[..., Path], tmp_path: Path) -> None:
    good = write_audio("a.wav", tone(440, 0.5))
    missing = tmp_path / "missing.wav"
    result = run("analyze", "--format", "json", str(good), str(missing), data_dir=tmp_path / "data")
    assert result.returncode == 1  # one file failed
    good_record, missing_record = json.loads(result.stdout)
    assert good_record["path"] == str(good) and good_record["duration_s"] == 0.5
    assert missing_record == {"path": str(missing), "error": {"code": "not_found", "message": missing_record["error"]["message"]}}
    assert str(missing) in result.stderr
    assert run("analyze", "--format", "json", str(good), data_dir=tmp_path / "data").returncode == 0
    assert run("analyze").returncode == 2  # usage error
    assert run("analyze", "--workers", "-1", str(good)).returncode == 2


def test_output_formats(write_audio: Callable[..., Path], tmp_path: Path) -> None:
    files = [write_audio("a.wav", tone(440, 0.5)), write_audio("b.flac", tone(880, 0.5))]
    args = ("analyze", *map(str, files), "--no-cache")
    lines = run(*args, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["path"] for line in lines] == [str(f) for f in files]
    output = tmp_path / "out.csv"
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....WAVEjunk")
    assert run("analyze", *map(str, [*files, broken]), "--no-cache", "--format", "csv", "--output", str(output)).returncode == 1
    with output.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == list(CSV_COLUMNS) and len(rows) == 3
    assert float(rows[1]["centroid_hz_mean"]) > 0 and rows[1]["pitch_note"] == "A5" and rows[1]["error_code"] == ""
    assert rows[2]["path"] == str(broken) and rows[2]["error_code"] == "corrupt_data" and rows[2]["duration_s"] == ""
    table = run(*args).stdout.splitlines()
    assert table[0].split() == ["file", "category", "kind", "duration", "BPM", "key", "pitch", "LUFS", "peak",
                                "dBFS", "status"]
    assert [line.split()[0] for line in table[1:]] == ["a.wav", "b.flac"]  # relative to their common folder
    assert table[2].split()[2:4] == ["one-shot", "0.500"] and table[2].split()[4] == "A5"  # 880 Hz: no BPM, no key


def test_csv_columns_hold_every_scalar_field(write_audio: Callable[..., Path]) -> None:
    """A field added to Analysis reaches the CSV or is a vector; nothing else is left out."""
    fields = samplemind.analyze(write_audio("a.wav", tone(440, 0.5))).to_dict()
    scalars = {name for name, value in fields.items() if not isinstance(value, (list, dict))}
    stats = {f"{name}_{stat}" for name, value in fields.items() if isinstance(value, dict) and name != "metadata"
             for stat in value}
    assert scalars | stats == set(CSV_COLUMNS) - {"error_code", "error_message"}
    assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)


def test_help_has_examples() -> None:
    for command in ("analyze", "demo"):
        result = run(command, "--help")
        assert result.returncode == 0 and "examples:" in result.stdout


def test_index_and_search(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pack = tmp_path / "pack"
    assert run("demo", str(pack), data_dir=data).returncode == 0  # also indexes the pack
    stats = subprocess.run([sys.executable, "-m", "samplemind", "index", "--stats", "--data-dir", str(data)],
                           capture_output=True, text=True, check=True).stdout
    assert "samples: 15" in stats
    search = [sys.executable, "-m", "samplemind", "search", str(pack / "kick-deep.wav"), "-k", "3",
              "--format", "json", "--data-dir", str(data)]
    results = json.loads(subprocess.run(search, capture_output=True, text=True, check=True).stdout)
    assert results[0]["path"] == str(pack / "kick-deep.wav") and results[0]["similarity"] == 1.0
    assert [r["path"] for r in results[1:]] == sorted(r["path"] for r in results[1:] if "kick" in r["path"])
    loops = subprocess.run([*search[:7], "--loops", "only", "--format", "json", "--data-dir", str(data)],
                           capture_output=True, text=True, check=True).stdout
    assert json.loads(loops) and all("loop" in r["path"] for r in json.loads(loops))
    removed = subprocess.run([sys.executable, "-m", "samplemind", "index", "--remove", str(pack / "clap.aiff"),
                              "--data-dir", str(data)], capture_output=True, text=True, check=True)
    assert "removed 1 of 1" in removed.stderr
    bad = subprocess.run([*search[:4], "--tempo", "fast", "--data-dir", str(data)], capture_output=True, text=True)
    assert bad.returncode == 2 and "--tempo" in bad.stderr
    backwards = subprocess.run([*search[:5], "--tempo", "140-120", "--data-dir", str(data)],
                               capture_output=True, text=True)
    assert backwards.returncode == 2 and "tempo_bpm must be (low, high) with 0 <= low <= high" in backwards.stderr
    spelled = subprocess.run([*search[:5], "--key", "a minor", "--format", "json", "--data-dir", str(data)],
                             capture_output=True, text=True, check=True)
    in_a_minor = json.loads(spelled.stdout)
    assert in_a_minor and all(r["key"] == "A minor" for r in in_a_minor)  # the demo pad
    wrong_key = subprocess.run([*search[:5], "--key", "Q minor", "--data-dir", str(data)], capture_output=True, text=True)
    assert wrong_key.returncode == 2 and "not a musical key: 'Q minor'" in wrong_key.stderr
    # The server's spellings work here too: --limit, NAME:W weights, and a pitch range.
    same = [*search[:5], "--limit", "3", "--format", "json", "--data-dir", str(data)]
    assert json.loads(subprocess.run(same, capture_output=True, text=True, check=True).stdout) == results
    colons = json.loads(subprocess.run([*same, "--weights", "timbre:1,pitch:0"], capture_output=True, text=True,
                                       check=True).stdout)
    equals = json.loads(subprocess.run([*same, "--weights", "timbre=1,pitch=0"], capture_output=True, text=True,
                                       check=True).stdout)
    assert colons == equals and colons
    low = json.loads(subprocess.run([*same[:5], "--pitch", "20-100", "-k", "15", "--format", "json", "--data-dir",
                                     str(data)], capture_output=True, text=True, check=True).stdout)
    assert low and all(r["pitch_hz"] is not None and 20 <= r["pitch_hz"] <= 100 for r in low)


def test_nothing_found_says_why(write_audio: Callable[..., Path], tmp_path: Path) -> None:
    nested = tmp_path / "pack" / "drums"
    nested.mkdir(parents=True)
    kick = write_audio("kick.wav", tone(60, 0.5))
    kick.rename(nested / "kick.wav")
    kick = nested / "kick.wav"
    data = ("--data-dir", str(tmp_path / "data"))
    for command in ("analyze", "index"):
        flat = run(command, str(tmp_path / "pack"), *data)
        assert flat.returncode == 1, flat.stderr
        assert f"no audio files in {tmp_path / 'pack'}; its sub-folders hold 1 (add -r)" in flat.stderr
        typo = run(command, str(tmp_path / "pakc"), *data)
        assert typo.returncode == 1 and f"no such file or folder: {tmp_path / 'pakc'}" in typo.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert f"no audio files in {empty}\n" in run("analyze", str(empty), *data).stderr
    search = run("search", str(kick), *data)
    assert search.returncode == 0 and "no match: the index is empty" in search.stderr
    zero = run("search", str(kick), "--weights", "timbre=0,spectrum=0,pitch=0,envelope=0,rhythm=0", *data)
    assert zero.returncode == 2 and "every aspect weight is 0" in zero.stderr
