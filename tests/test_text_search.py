"""Text search over sample names: words, abbreviations, prefixes, typos, filters, and
text with similarity, in the Python API, the CLI and the server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from samplemind import SearchFilters, SimilarityIndex
from samplemind._cli import main
from samplemind._text_search import words_of_path, words_of_text
from samplemind.server import create_app
from tests.server_helpers import server_config

SR = 22050
NAMES = ("Vintage Kit/BD_808_01.wav", "Vintage Kit/Snr Dusty.wav", "Vintage Kit/HH_closed.wav",
         "Vintage Kit/kick_acoustic.wav", "Vocals/vox_chop_Amin.wav", "Vocals/DustyVocal02.wav",
         "Loops/funk_lp_96bpm.wav", "Loops/snare_roll.wav")


def write_named(folder: Path) -> list[Path]:
    """Short distinct sounds under producer-style names (the names are what is tested)."""
    t = np.arange(int(0.4 * SR)) / SR
    paths = []
    for i, name in enumerate(NAMES):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        y = 0.4 * np.sin(2 * np.pi * (110 + 70 * i) * t) * np.exp(-(3 + i) * t)
        sf.write(str(path), y.astype(np.float32), SR)
        paths.append(path)
    return paths


@pytest.fixture
def library(tmp_path: Path) -> tuple[SimilarityIndex, list[Path]]:
    paths = write_named(tmp_path / "library")
    index = SimilarityIndex(tmp_path / "data")
    assert index.add_paths(paths) == []
    return index, paths


def names(results: Any) -> list[str]:
    return sorted(Path(r.path).name for r in results)


def test_words_split_names_as_producers_write_them() -> None:
    assert words_of_text("DustySnare_02") == ["dustysnare", "dusty", "snare", "02"]
    assert words_of_text("BD-808") == ["bd", "kick", "808"]
    assert "vocal" in words_of_text("vox") and "hihat" in words_of_text("HH")
    assert words_of_path("/x/Packs/Vintage Kit/Kicks/BD_01.wav").split() == [
        "bd", "kick", "01", "kicks", "vintage", "kit", "packs"]


def test_abbreviations_work_both_ways(library: tuple[SimilarityIndex, list[Path]]) -> None:
    index, _ = library
    assert names(index.search_text("kick")) == ["BD_808_01.wav", "kick_acoustic.wav"]
    assert names(index.search_text("bd")) == ["BD_808_01.wav", "kick_acoustic.wav"]
    assert names(index.search_text("hi hat")) == ["HH_closed.wav"]
    assert names(index.search_text("vocal")) == ["DustyVocal02.wav", "vox_chop_Amin.wav"]


def test_every_word_must_match_as_a_prefix(library: tuple[SimilarityIndex, list[Path]]) -> None:
    index, _ = library
    assert names(index.search_text("dusty snare")) == ["Snr Dusty.wav"]
    assert names(index.search_text("sna")) == ["Snr Dusty.wav", "snare_roll.wav"]
    assert names(index.search_text("vintage 808")) == ["BD_808_01.wav"]  # a folder word and a name word
    assert index.search_text("kick vocal") == []
    assert index.search_text("  --  ") == []  # no words: nothing, not everything


def test_a_typo_finds_the_word_it_misspells(library: tuple[SimilarityIndex, list[Path]]) -> None:
    index, _ = library
    assert names(index.search_text("snaer")) == ["Snr Dusty.wav", "snare_roll.wav"]
    assert names(index.search_text("vocla")) == ["DustyVocal02.wav", "vox_chop_Amin.wav"]
    assert index.search_text("xylophone") == []


def test_text_combines_with_filters_and_with_similarity(library: tuple[SimilarityIndex, list[Path]]) -> None:
    index, paths = library
    short = SearchFilters(duration_s=(0.0, 0.1))
    assert index.search_text("kick", filters=short) == []
    assert len(index.search_text("kick", filters=SearchFilters(duration_s=(0.3, 0.5)))) == 2
    like_the_808 = index.search(paths[0], text="snare", k=5)
    assert names(like_the_808) == ["Snr Dusty.wav", "snare_roll.wav"]
    assert all(r.similarity is not None and 0 <= r.similarity <= 1 for r in like_the_808)
    total, page = index.samples(text="vintage", sort="-duration_s", limit=2)
    assert total == 4 and len(page) == 2


def test_a_listings_total_leaves_out_samples_awaiting_reanalysis(library: tuple[SimilarityIndex, list[Path]]) -> None:
    """Without filters the total is the text match's count, unless a sample of an older
    embedding (not listed until it is re-analysed) is among the matches."""
    index, paths = library
    assert index.samples(text="vintage")[0] == 4
    index._db.execute("UPDATE sample_fields SET embedding_version = 1 WHERE path = ?", (str(paths[0]),))
    total, page = index.samples(text="vintage")
    assert total == 3 and names(page) == ["HH_closed.wav", "Snr Dusty.wav", "kick_acoustic.wav"]
    assert index.samples(text="vintage", filters=SearchFilters(duration_s=(0.3, 0.5)))[0] == 3


def test_an_index_from_before_text_search_gets_its_words(tmp_path: Path) -> None:
    paths = write_named(tmp_path / "library")
    with SimilarityIndex(tmp_path / "data") as index:
        index.add_paths(paths)
    with sqlite3.connect(tmp_path / "data" / "samplemind.sqlite3") as db:
        db.execute("DELETE FROM sample_text")  # as an index written by 0.2.0 has no words
    with SimilarityIndex(tmp_path / "data") as index:
        assert names(index.search_text("bd")) == ["BD_808_01.wav", "kick_acoustic.wav"]


def test_cli_search_by_text(library: tuple[SimilarityIndex, list[Path]], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    index, paths = library
    index.close()
    data = str(tmp_path / "data")
    assert main(["search", "--text", "dusty snare", "--data-dir", data, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [Path(r["path"]).name for r in found] == ["Snr Dusty.wav"] and found[0]["similarity"] is None
    assert main(["search", str(paths[0]), "--text", "vox", "--data-dir", data]) == 0
    assert "vox_chop_Amin.wav" in capsys.readouterr().out
    assert main(["search", "--data-dir", data]) == 2
    assert "--text" in capsys.readouterr().err


async def test_server_text_search_and_listing(aiohttp_client: Any, tmp_path: Path) -> None:
    paths = write_named(tmp_path / "library")
    with SimilarityIndex(tmp_path / "data") as index:
        index.add_paths(paths)
    client = await aiohttp_client(create_app(server_config(tmp_path / "data", tmp_path / "library")))
    response = await client.post("/similarity/search", json={"q": "kik"})
    assert response.status == 200
    assert sorted(Path(r["path"]).name for r in (await response.json())["results"]) == [
        "BD_808_01.wav", "kick_acoustic.wav"]
    listing = await (await client.get("/samples", params={"q": "vintage", "sort": "path", "limit": "3"})).json()
    assert listing["total"] == 4 and len(listing["results"]) == 3
    assert [r["path"] for r in listing["results"]] == sorted(r["path"] for r in listing["results"])
    everything = await (await client.get("/samples", params={"limit": "0"})).json()
    assert (everything["total"], everything["results"]) == (len(NAMES), [])
    like = await client.post("/similarity/search", params={"q": "snare"}, json={"path": str(paths[0])})
    assert sorted(Path(r["path"]).name for r in (await like.json())["results"]) == [
        "Snr Dusty.wav", "snare_roll.wav"]
    for params in ({"sort": "colour"}, {"q": "x" * 201}, {"limit": "5000"}):
        bad = await client.get("/samples", params=params)
        assert bad.status == 400 and (await bad.json())["error"]["message"]
