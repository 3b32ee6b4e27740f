"""Instrument categories: the vocabulary, the fields of every analysis, the key dropped
for drums, and the category filter in the Python API, the CLI and the server. How right
the categories are on real recordings is measured by `python -m bench.accuracy`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import samplemind
from samplemind import SearchFilters, SimilarityIndex
from samplemind.server import create_app
from tests.musical_signals import SR, chord, drum_loop, hat, kick, note, snare
from tests.server_helpers import server_config

SOUNDS = {
    "kick": lambda: kick(),
    "snare": lambda: snare(np.random.default_rng(1)),
    "hat": lambda: hat(np.random.default_rng(2)),
    "note": lambda: note(57, 1.5),
    "chord": lambda: chord(57, [0, 3, 7]),
    "loop": lambda: drum_loop(120.0, bars=2),
}


def test_the_vocabulary_has_two_levels() -> None:
    assert len(samplemind.CATEGORIES) == 24
    assert set(samplemind.CATEGORIES.values()) == {"drums", "tonal", "fx", "loops"}
    drums = {name for name, family in samplemind.CATEGORIES.items() if family == "drums"}
    assert drums == {"kick", "snare", "clap", "rim", "hihat_closed", "hihat_open", "cymbal_crash",
                     "cymbal_ride", "tom", "percussion"}
    assert {"bass", "pad", "keys", "guitar", "strings", "vocal"} <= set(samplemind.CATEGORIES)
    assert {"drum_loop", "bass_loop", "melodic_loop"} <= set(samplemind.CATEGORIES)
    assert samplemind.CATEGORY_MODEL_VERSION >= 1


@pytest.mark.parametrize("sound", sorted(SOUNDS))
def test_every_analysis_has_a_category_with_its_top_three(sound: str) -> None:
    result = samplemind.analyze(SOUNDS[sound](), sample_rate=SR)
    names = [name for name, _ in result.categories]
    probabilities = [p for _, p in result.categories]
    assert len(names) == 3 and len(set(names)) == 3 and set(names) <= set(samplemind.CATEGORIES)
    assert probabilities == sorted(probabilities, reverse=True) and 0 <= sum(probabilities) <= 1 + 1e-6
    if result.category == "unknown":
        assert result.category_family is None and result.category_confidence < 0.4
    else:
        assert (result.category, result.category_confidence) == result.categories[0]
        assert result.category_family == samplemind.CATEGORIES[result.category]
        assert result.category_confidence >= 0.4
    families = {samplemind.CATEGORIES[name] for name in names}
    assert (families <= {"loops"}) == result.is_loop  # loops get loop classes, one-shots the rest
    if result.category_family in ("drums", "fx") or result.category == "drum_loop":
        assert result.key is None and result.key_confidence == 0.0 and result.runner_up_key is None
    data = json.loads(json.dumps(result.to_dict()))
    assert data["categories"][0] == {"category": names[0], "probability": probabilities[0]}
    assert samplemind.Analysis.from_dict(data).categories == result.categories


def test_a_synthetic_kick_is_not_tonal_and_has_no_key() -> None:
    result = samplemind.analyze(kick(), sample_rate=SR)  # a pitch sweep: the model says drums or fx
    assert result.category_family in ("drums", "fx") and result.key is None


def test_search_filters_take_a_category_or_a_family() -> None:
    kick_row = {"category": "kick", "category_family": "drums"}
    assert SearchFilters(category="kick").accepts(kick_row)
    assert SearchFilters(category="drums").accepts(kick_row)
    assert not SearchFilters(category="snare").accepts(kick_row)
    assert not SearchFilters(category="tonal").accepts(kick_row)
    with pytest.raises(ValueError, match="unknown category 'kicks'; one of: .*kick"):
        SearchFilters(category="kicks")


def _write(folder: Path) -> dict[str, Path]:
    import soundfile as sf

    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in SOUNDS.items():
        paths[name] = folder / f"{name}.wav"
        sf.write(paths[name], make(), SR)
    return paths


def test_index_search_by_category(tmp_path: Path) -> None:
    paths = _write(tmp_path / "library")
    with SimilarityIndex(tmp_path / "data") as index:
        assert index.add_paths(paths.values()) == []
        analyses = {name: samplemind.analyze(path) for name, path in paths.items()}
        for family in ("drums", "tonal", "loops"):
            found = index.search(paths["kick"], k=10, filters=SearchFilters(category=family))
            expected = {str(paths[n]) for n, a in analyses.items() if a.category_family == family}
            assert {r.path for r in found} == expected
            assert all(r.descriptors["category_family"] == family for r in found)


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "samplemind", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=300)


def test_cli_category_column_and_filters(tmp_path: Path) -> None:
    paths = _write(tmp_path / "library")
    table = _cli("analyze", str(tmp_path / "library"), data_dir=tmp_path / "data")
    assert table.returncode == 0, table.stderr
    assert table.stdout.split("\n")[0].split()[:2] == ["file", "category"]
    kick_line = next(line for line in table.stdout.splitlines() if "kick.wav" in line)
    assert samplemind.analyze(paths["kick"]).category in kick_line.split()
    drums = _cli("analyze", str(tmp_path / "library"), "--category", "drums", "--format", "json",
                 data_dir=tmp_path / "data")
    assert drums.returncode == 0, drums.stderr
    shown = json.loads(drums.stdout)
    assert shown and all(r["category_family"] == "drums" for r in shown)
    assert "analysed 6 of 6 files" in drums.stderr  # the summary counts every file
    bad = _cli("analyze", str(tmp_path / "library"), "--category", "kicks", data_dir=tmp_path / "data")
    assert bad.returncode == 2 and "invalid choice: 'kicks'" in bad.stderr
    assert _cli("index", str(tmp_path / "library"), data_dir=tmp_path / "data").returncode == 0
    found = _cli("search", str(paths["snare"]), "--category", "tonal", "--format", "json", data_dir=tmp_path / "data")
    assert found.returncode == 0, found.stderr
    tonal = json.loads(found.stdout)
    assert tonal and all(r["category_family"] == "tonal" for r in tonal)


async def test_server_category_filter(aiohttp_client: Any, tmp_path: Path) -> None:
    paths = _write(tmp_path / "library")
    with SimilarityIndex(tmp_path / "data") as index:
        index.add_paths(paths.values())
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    response = await client.post("/similarity/search?category=drums&limit=10", json={"path": str(paths["kick"])})
    assert response.status == 200, await response.text()
    results = (await response.json())["results"]
    assert results and all(r["category_family"] == "drums" for r in results)
    bad = await client.post("/similarity/search?category=kicks", json={"path": str(paths["kick"])})
    assert bad.status == 400
    assert "unknown category 'kicks'" in (await bad.json())["error"]["message"]
