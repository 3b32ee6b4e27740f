"""User corrections: set and cleared through the API, the CLI and PATCH /samples/{key};
kept apart from the analysis (a re-index or a removal and re-add keeps them); shown
with source "user" beside what the analysis said; used by filters and sorting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from samplemind import SearchFilters, SimilarityIndex
from samplemind._cli import main
from samplemind.server import create_app
from tests.server_helpers import server_config, write_library


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[SimilarityIndex, list[Path]]:
    paths = write_library(tmp_path / "library", 6)
    index = SimilarityIndex(tmp_path / "data")
    assert index.add_paths(paths) == []
    return index, paths


def test_a_correction_wins_and_the_analysis_stays_visible(indexed: tuple[SimilarityIndex, list[Path]]) -> None:
    index, paths = indexed
    sample_id = index.sample_id_of(paths[0])
    assert sample_id is not None
    analysed = index.sample(sample_id).descriptors
    index.correct(paths[0], tempo_bpm=128, key="f#m", category="cymbal_ride")
    shown = index.sample(sample_id).descriptors
    assert (shown["tempo_bpm"], shown["key"], shown["category"], shown["category_family"]) == (
        128.0, "F# minor", "cymbal_ride", "drums")
    assert (shown["tempo_source"], shown["key_source"], shown["category_source"]) == ("user",) * 3
    assert shown["analysis"]["category"] == analysed["category"]
    assert shown["analysis"]["tempo_bpm"] == analysed["tempo_bpm"]
    as_json = index.sample(sample_id).to_dict()
    assert as_json["key"] == "F# minor" and as_json["analysis"]["key"] == analysed["key"]
    assert as_json["sample_id"] == sample_id and "musical_key" not in as_json


def test_filters_search_and_sorting_use_the_correction(indexed: tuple[SimilarityIndex, list[Path]]) -> None:
    index, paths = indexed
    index.correct(paths[3], tempo_bpm=174.0, key="Bb major")
    found = index.search(paths[0], k=6, filters=SearchFilters(tempo_bpm=(170, 180), key="A# major"))
    assert [r.path for r in found] == [str(paths[3])]
    total, page = index.samples(sort="-tempo_bpm", limit=1)
    assert total == 6 and page[0].path == str(paths[3])
    assert index.samples(filters=SearchFilters(tempo_bpm=(170, 180)))[0] == 1


def test_corrections_outlive_reindexing_and_removal(indexed: tuple[SimilarityIndex, list[Path]]) -> None:
    index, paths = indexed
    index.correct(paths[1], category="clap")
    index.add_paths(paths)  # re-analysed (from the cache) and re-indexed
    index.remove([paths[1]])
    index.add_paths([paths[1]])
    sample_id = index.sample_id_of(paths[1])
    assert sample_id is not None and index.sample(sample_id).descriptors["category"] == "clap"
    index.correct(paths[1], category=None)  # cleared: the analysis shows again
    shown = index.sample(sample_id).descriptors
    assert shown["category_source"] == "analysis" and "analysis" not in shown


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tempo_bpm", -3, "tempo_bpm must be"), ("tempo_bpm", float("nan"), "tempo_bpm must be"),
    ("key", "Xb minor", "not a musical key"), ("category", "kazoo", "unknown category"),
    ("loudness_lufs", -9, "cannot correct loudness_lufs"),
])
def test_bad_corrections_are_refused_by_name(indexed: tuple[SimilarityIndex, list[Path]], field: str, value: Any,
                                             message: str) -> None:
    index, paths = indexed
    with pytest.raises(ValueError, match=message):
        index.correct(paths[0], **{field: value})


def test_cli_set_and_clear(indexed: tuple[SimilarityIndex, list[Path]], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    index, paths = indexed
    index.close()
    data = str(tmp_path / "data")
    assert main(["set", str(paths[2]), "--tempo", "96", "--key", "E minor", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "tempo_bpm: 96.0 [user]" in out and "key: E minor [user]" in out and "category:" in out
    assert main(["search", "--text", "sound", "--tempo", "95-97", "--data-dir", data, "--format", "json"]) == 0
    assert str(paths[2]) in capsys.readouterr().out
    assert main(["set", str(paths[2]), "--clear", "tempo", "--data-dir", data]) == 0
    assert "tempo_bpm: None [analysis]" in capsys.readouterr().out
    assert main(["set", str(paths[2]), "--clear", "--data-dir", data]) == 0
    assert "key: None [analysis]" in capsys.readouterr().out
    assert main(["set", str(paths[2]), "--data-dir", data]) == 2
    assert main(["set", str(tmp_path / "missing.wav"), "--tempo", "90", "--data-dir", data]) == 2
    assert main(["set", str(paths[2]), "--key", "nonsense", "--data-dir", data]) == 2
    assert "not a musical key" in capsys.readouterr().err


async def test_server_patch_and_get_a_sample(aiohttp_client: Any, indexed: tuple[SimilarityIndex, list[Path]],
                                             tmp_path: Path) -> None:
    index, paths = indexed
    sample_id = index.sample_id_of(paths[4])
    index.close()
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    patched = await client.patch(f"/samples/{sample_id}", json={"tempo_bpm": 140, "key": "Gm"})
    assert patched.status == 200
    body = await patched.json()
    assert (body["tempo_bpm"], body["key"], body["tempo_source"], body["sample_id"]) == (140.0, "G minor", "user", sample_id)
    listing = await (await client.get("/samples", params={"tempo_min": "139", "tempo_max": "141"})).json()
    assert [r["sample_id"] for r in listing["results"]] == [sample_id]
    cleared = await (await client.patch(f"/samples/{sample_id}", json={"tempo_bpm": None})).json()
    assert cleared["tempo_source"] == "analysis" and cleared["key_source"] == "user"
    assert (await (await client.get(f"/samples/{sample_id}")).json())["key"] == "G minor"
    for body, status, words in (({"key": "H#x"}, 400, "key"), ({"musical_key": "Gm"}, 400, "correctable"), ({"bpm": 1}, 400, "correctable"),
                                ({}, 400, "correctable"), ({"category": 3}, 400, "category")):
        response = await client.patch(f"/samples/{sample_id}", json=body)
        assert response.status == status and words in (await response.json())["error"]["message"]
    assert (await client.patch("/samples/999999", json={"tempo_bpm": 90})).status == 404
    assert (await client.get("/samples/abc")).status == 400


def test_a_home_relative_path_is_the_same_file(indexed: tuple[SimilarityIndex, list[Path]],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    index, paths = indexed
    monkeypatch.setenv("HOME", str(paths[0].parent))
    index.correct(f"~/{paths[0].name}", tempo_bpm=101)
    sample_id = index.sample_id_of(paths[0])
    assert sample_id is not None and index.sample(sample_id).descriptors["tempo_bpm"] == 101.0
