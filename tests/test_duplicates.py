"""Duplicates: exact copies (the same audio in another container) and near copies
(silence trimmed or added, gain, resampled, MP3, Ogg, mono), never two different sounds
or two takes of one; through the Python API, the CLI and GET /duplicates.
(Precision and recall on real samples: python -m bench.duplicates.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from samplemind import SimilarityIndex, _core
from samplemind._cli import main
from samplemind._fingerprint import fingerprint_file
from samplemind.server import create_app
from tests.server_helpers import server_config

SR = 44100


def hit(seed: int, pitch: float, seconds: float = 0.6) -> np.ndarray:
    """A stereo drum-like hit: a pitched body and a noise burst, distinct per seed."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    body = np.sin(2 * np.pi * pitch * t * (1 + 0.5 * np.exp(-30 * t))) * np.exp(-7 * t)
    burst = rng.standard_normal(t.size) * np.exp(-40 * t)
    mono = 0.5 * body + 0.3 * burst
    return (np.stack([mono, 0.9 * mono + 0.05 * rng.standard_normal(t.size) * np.exp(-40 * t)], axis=1)
            .astype(np.float32))


@pytest.fixture
def library(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "packs"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    original = np.round(hit(1, 110) * 32767).astype(np.int16)  # integers: both containers hold the same
    files = {"original": folder / "a" / "snare.wav", "flac": folder / "b" / "snare copy.flac",
             "quieter": folder / "b" / "snare-quiet.wav", "padded": folder / "b" / "snare-padded.wav",
             "resampled": folder / "b" / "snare-48k.wav", "mp3": folder / "b" / "snare.mp3",
             "ogg": folder / "b" / "snare.ogg", "mono": folder / "b" / "snare-mono.wav",
             "other": folder / "a" / "kick.wav", "take": folder / "a" / "snare-take2.wav"}
    sf.write(str(files["original"]), original, SR, subtype="PCM_16")
    sf.write(str(files["flac"]), original, SR, subtype="PCM_16")
    original = original.astype(np.float32) / 32768
    sf.write(str(files["quieter"]), original * 0.3, SR)
    sf.write(str(files["padded"]), np.vstack([np.zeros((SR // 5, 2), np.float32), original]), SR)
    resampled = np.stack([_core.resample(np.ascontiguousarray(original[:, c]), SR, 48000) for c in (0, 1)], axis=1)
    sf.write(str(files["resampled"]), resampled, 48000)
    sf.write(str(files["mp3"]), original, SR, format="MP3")
    sf.write(str(files["ogg"]), original, SR, format="OGG", subtype="VORBIS")
    sf.write(str(files["mono"]), original.mean(axis=1), SR)
    sf.write(str(files["other"]), hit(2, 55, 0.9), SR)
    sf.write(str(files["take"]), hit(3, 113), SR)  # the same kind of hit, another take: not a copy
    return files


def test_the_same_audio_in_another_container_has_the_same_hash(library: dict[str, Path]) -> None:
    assert fingerprint_file(library["original"]).audio_hash == fingerprint_file(library["flac"]).audio_hash
    assert fingerprint_file(library["original"]).audio_hash != fingerprint_file(library["quieter"]).audio_hash


def test_exact_and_near_copies_are_grouped_and_nothing_else(library: dict[str, Path], tmp_path: Path) -> None:
    with SimilarityIndex(tmp_path / "data") as index:
        exact, failed = index.duplicates(library.values())
        assert failed == []
        assert [(g.kind, g.paths) for g in exact] == [("exact", sorted(str(library[k]) for k in ("original", "flac")))]
        near, _ = index.duplicates(library.values(), near=True)
    copies = sorted(str(p) for name, p in library.items() if name not in ("other", "take"))
    assert [(g.kind, g.paths) for g in near] == [("near", copies)]
    assert near[0].to_dict()["files"][0]["folder"] == str(library["original"].parent)


def test_fingerprints_are_kept_and_a_changed_file_is_read_again(library: dict[str, Path], tmp_path: Path) -> None:
    with SimilarityIndex(tmp_path / "data") as index:
        index.duplicates(library.values())
        sf.write(str(library["flac"]), hit(9, 300), SR)  # no longer a copy
        groups, _ = index.duplicates(library.values())
    assert groups == []


def test_unreadable_files_are_reported_and_the_rest_checked(library: dict[str, Path], tmp_path: Path) -> None:
    broken = library["original"].parent / "broken.wav"
    broken.write_bytes(b"RIFF\x04\x00\x00\x00WAVE")
    with SimilarityIndex(tmp_path / "data") as index:
        groups, failed = index.duplicates([*library.values(), broken, tmp_path / "gone.wav"])
    assert sorted(Path(f.path).name for f in failed) == ["broken.wav", "gone.wav"]
    assert len(groups) == 1


def test_cli_and_server(library: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["duplicates", str(library["original"].parents[1]), "-r", "--near", "--format", "json",
                 "--data-dir", data]) == 0
    found = json.loads(capsys.readouterr().out)
    assert len(found) == 1 and len(found[0]["files"]) == 8
    assert main(["duplicates", str(library["original"].parents[1]), "-r", "--data-dir", data]) == 0
    captured = capsys.readouterr()
    assert "exact, 2 files" in captured.out and "1 groups of copies" in captured.err


async def test_server_lists_the_copies_in_the_index(aiohttp_client: Any, library: dict[str, Path],
                                                    tmp_path: Path) -> None:
    with SimilarityIndex(tmp_path / "data") as index:
        index.add_paths(list(library.values()))
    client = await aiohttp_client(create_app(server_config(tmp_path / "data")))
    body = await (await client.get("/duplicates", params={"near": "true"})).json()
    assert [len(g["files"]) for g in body["groups"]] == [8] and body["unreadable"] == []
    assert (await client.get("/duplicates", params={"near": "maybe"})).status == 400
