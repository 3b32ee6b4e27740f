"""SimilarityIndex: self-queries, filters, weights, persistence, damaged index files,
concurrency, and neighbour quality against an MFCC-mean baseline."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import samplemind
from samplemind import SearchFilters, SimilarityIndex
from tests.musical_signals import note
from tests.test_embedding import KINDS


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[str]]:
    """Six variations of each of the seven kinds, as files."""
    folder = tmp_path_factory.mktemp("lib")
    paths, labels = [], []
    for kind, make in KINDS.items():
        for seed in range(6):
            rng = np.random.default_rng(500 + seed)
            y = make(rng, 44100)
            path = folder / f"{kind}-{seed}.wav"
            sf.write(str(path), (0.8 * y / np.abs(y).max()).astype(np.float32), 44100)
            paths.append(path)
            labels.append(kind)
    return folder, paths, labels


@pytest.fixture
def index(library: tuple[Path, list[Path], list[str]], tmp_path: Path) -> SimilarityIndex:
    _, paths, _ = library
    idx = SimilarityIndex(tmp_path / "data")
    assert idx.add_paths(paths) == []
    return idx


def test_self_query_comes_first_with_similarity_one(index: SimilarityIndex, library: tuple) -> None:
    _, paths, _ = library
    for path in paths[::7]:
        first = index.search(path, k=3)[0]
        assert first.path == str(path) and first.similarity == pytest.approx(1.0, abs=1e-5)
        by_key = index.search(first.sample_id, k=1)[0]
        assert by_key.sample_id == first.sample_id and set(by_key.aspects) == set(samplemind.EMBEDDING_ASPECTS)


def test_queries_by_analysis_and_vector_agree(index: SimilarityIndex, library: tuple, tmp_path: Path) -> None:
    _, paths, _ = library
    outside = tmp_path / "new.wav"
    sf.write(str(outside), note(64, 1.0), 44100)
    analysis = samplemind.analyze(outside)
    by_file = [r.sample_id for r in index.search(outside, k=5)]
    assert by_file == [r.sample_id for r in index.search(analysis, k=5)] == [r.sample_id for r in index.search(analysis.embedding, k=5)]


def test_min_similarity_and_filters(index: SimilarityIndex, library: tuple) -> None:
    _, paths, _ = library
    query = paths[0]
    everything = index.search(query, k=100)
    assert len(everything) == len(paths)
    cut = index.search(query, k=100, min_similarity=0.8)
    assert cut and all(r.similarity >= 0.8 for r in cut) and len(cut) < len(everything)
    loops = index.search(query, k=100, filters=SearchFilters(is_loop=True))
    assert loops and all(r.descriptors["is_loop"] for r in loops)
    short = index.search(query, k=100, filters=SearchFilters(duration_s=(0.0, 0.5)))
    assert short and all(r.descriptors["duration_s"] <= 0.5 for r in short)
    tempo = index.search(query, k=100, filters=SearchFilters(tempo_bpm=(80, 160)))
    assert tempo and all(80 <= r.descriptors["tempo_bpm"] <= 160 for r in tempo)
    keyed = index.search(query, k=100, filters=SearchFilters(key="C major", compatible_keys=True))
    assert keyed and all(r.descriptors["key"] in {"C major", "A minor", "G major", "E minor", "F major", "D minor"}
                         for r in keyed)


def test_weights_change_the_ranking(index: SimilarityIndex, library: tuple) -> None:
    _, paths, labels = library
    query = paths[labels.index("tonal")]
    default = [r.sample_id for r in index.search(query, k=10)]
    rhythm_only = [r.sample_id for r in index.search(query, k=10, weights={"rhythm": 1.0, "timbre": 0, "spectrum": 0,
                                                                     "pitch": 0, "envelope": 0})]
    assert default != rhythm_only
    with pytest.raises(ValueError, match="unknown aspect"):
        index.search(query, weights={"colour": 1.0})


def test_add_update_remove_and_reopen(index: SimilarityIndex, library: tuple, tmp_path: Path) -> None:
    _, paths, _ = library
    first = index.search(paths[3], k=1)[0]
    keys = index.add([samplemind.analyze(paths[3])])  # re-adding a path replaces it, same key
    assert len(index) == len(paths) and keys == [first.sample_id]
    assert index.remove([paths[5], tmp_path / "never-indexed.wav"]) == 1
    remaining = index.search(paths[3], k=100)
    assert remaining and all(r.path != str(paths[5]) for r in remaining)
    before = [(r.sample_id, round(r.similarity, 6)) for r in index.search(paths[3], k=8)]
    index.close()
    reopened = SimilarityIndex(tmp_path / "data")
    assert len(reopened) == len(paths) - 1
    assert [(r.sample_id, round(r.similarity, 6)) for r in reopened.search(paths[3], k=8)] == before
    reopened.close()


@pytest.mark.parametrize("damage", ["truncate", "flip", "version", "delete"])
def test_damaged_index_file_is_detected_and_rebuilt(index: SimilarityIndex, library: tuple, tmp_path: Path,
                                                    damage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, paths, _ = library
    expected = [r.sample_id for r in index.search(paths[1], k=10)]
    index.close()
    graph = tmp_path / "data" / f"similarity-v{samplemind.EMBEDDING_VERSION}.usearch"
    sidecar = graph.with_suffix(".json")
    content = bytearray(graph.read_bytes())
    if damage == "truncate":
        graph.write_bytes(bytes(content[: len(content) // 3]))
    elif damage == "flip":
        content[len(content) // 2] ^= 0xFF
        graph.write_bytes(bytes(content))
    elif damage == "version":
        stated = f'"embedding_version": {samplemind.EMBEDDING_VERSION}'
        assert stated in sidecar.read_text()
        sidecar.write_text(sidecar.read_text().replace(stated, '"embedding_version": 0'))
    else:
        graph.unlink()
    # 42 samples are re-ranked whole either way, so equal answers alone would not show a
    # rebuild: count the graphs built from SQLite, and check what was saved.
    built: list[int] = []
    from_rows = SimilarityIndex._graph_from_rows

    def counted(self: SimilarityIndex) -> Any:
        built.append(1)
        return from_rows(self)

    monkeypatch.setattr(SimilarityIndex, "_graph_from_rows", counted)
    reopened = SimilarityIndex(tmp_path / "data")  # verifies, rebuilds from SQLite, never loads a bad graph
    assert built == [1]
    assert reopened._graph_file.verified(reopened._sample_count())  # saved, with a sidecar vouching for it
    assert [r.sample_id for r in reopened.search(paths[1], k=10)] == expected
    reopened.close()


def test_concurrent_adds_and_searches(index: SimilarityIndex, library: tuple) -> None:
    _, paths, _ = library
    analyses = [samplemind.analyze(p) for p in paths[:12]]
    errors: list[BaseException] = []

    def add() -> None:
        try:
            for _ in range(5):
                index.add(analyses)
        except BaseException as error:  # noqa: BLE001 - surfaced below
            errors.append(error)

    def search() -> None:
        try:
            for path in paths * 2:
                assert index.search(path, k=5)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=add), threading.Thread(target=search), threading.Thread(target=search)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(index) == len(paths)


def test_neighbours_beat_an_mfcc_mean_baseline(index: SimilarityIndex, library: tuple) -> None:
    _, paths, labels = library
    by_path = dict(zip(map(str, paths), labels))
    ours, baseline = [], []
    mfcc = np.stack([samplemind.analyze(p).mfcc_mean for p in paths])
    for i, path in enumerate(paths):
        neighbours = [r for r in index.search(path, k=6) if r.path != str(path)][:5]
        ours.append(np.mean([by_path[r.path] == labels[i] for r in neighbours]))
        distances = np.linalg.norm(mfcc - mfcc[i], axis=1)
        distances[i] = np.inf
        baseline.append(np.mean([labels[j] == labels[i] for j in np.argsort(distances)[:5]]))
    print(f"precision@5: embedding {np.mean(ours):.3f}, MFCC-mean baseline {np.mean(baseline):.3f}")
    assert np.mean(ours) >= 0.9 and np.mean(ours) > np.mean(baseline)


def _age(data_dir: Path) -> None:
    """Makes every row look indexed by embedding version 1 (an older SampleMind)."""
    import sqlite3

    with sqlite3.connect(data_dir / "samplemind.sqlite3") as db:
        db.execute("UPDATE samples SET embedding_version = 1")


def test_an_index_of_an_older_embedding_is_rebuilt_by_index_and_search(
        library: tuple[Path, list[Path], list[str]], tmp_path: Path) -> None:
    import subprocess
    import sys

    _, paths, _ = library
    data = tmp_path / "data"
    with SimilarityIndex(data) as index:
        assert index.add_paths(paths[:5]) == []
    _age(data)
    (paths[4].parent / "gone.wav").write_bytes(paths[4].read_bytes())
    with SimilarityIndex(data) as index:
        index.add_paths([paths[4].parent / "gone.wav"])
    _age(data)
    (paths[4].parent / "gone.wav").unlink()
    with SimilarityIndex(data) as index:
        assert len(index) == 0 and index.stats()["outdated"] == 6
        assert index.outdated_paths()[:5] == [str(p) for p in paths[:5]]
    search = subprocess.run([sys.executable, "-m", "samplemind", "search", str(paths[0]), "--format", "json",
                             "--data-dir", str(data)], capture_output=True, text=True, timeout=300)
    assert search.returncode == 0, search.stderr
    assert "re-analysing 6 samples indexed by an older embedding version" in search.stderr
    assert "not re-indexed:" in search.stderr and "gone.wav" in search.stderr  # reported, not fatal
    assert __import__("json").loads(search.stdout)[0]["path"] == str(paths[0])
    with SimilarityIndex(data) as index:
        assert len(index) == 5 and index.outdated_paths() == [str(paths[4].parent / "gone.wav")]


@pytest.mark.parametrize(("spelling", "key"), [
    ("A minor", "A minor"), ("a minor", "A minor"), ("A Minor", "A minor"), ("Am", "A minor"), ("Amin", "A minor"),
    ("A-moll", "A minor"), ("Bb major", "A# major"), ("Bb", "A# major"), ("B♭", "A# major"), ("C♯ minor", "C# minor"),
    ("c#m", "C# minor"), ("H minor", "B minor"), ("Ebm", "D# minor"), ("E flat minor", "D# minor"), ("Cb", "B major"),
    ("F#maj", "F# major"), ("GM", "G major"),
])
def test_search_filters_read_every_common_key_spelling(spelling: str, key: str) -> None:
    assert SearchFilters(key=spelling).key == key


@pytest.mark.parametrize(("filters", "message"), [
    ({"key": "X major"}, "not a musical key: 'X major'"), ({"key": "A minor 7"}, "not a musical key"),
    ({"key": ""}, "not a musical key"), ({"tempo_bpm": (140, 120)}, "tempo_bpm must be"),
    ({"duration_s": (-1, 2)}, "duration_s must be"), ({"pitch_hz": (float("nan"), 2)}, "pitch_hz must be"),
])
def test_search_filters_reject_what_is_invalid(filters: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SearchFilters(**filters)  # type: ignore[arg-type]


def test_an_indexed_key_finds_itself_first_even_when_the_graph_misses_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    with SimilarityIndex(tmp_path / "data") as index:
        base = samplemind.analyze(note(60, 0.5), sample_rate=44100)
        analyses = []
        for i in range(300):  # over the size that is re-ranked whole: the graph's candidates count
            vector = base.embedding + 0.05 * rng.standard_normal(base.embedding.size).astype(np.float32)
            analyses.append(dataclasses.replace(base, path=f"/virtual/{i}.wav", embedding=vector / np.linalg.norm(vector)))
        keys = index.add(analyses)
        index._index.remove(keys[123])  # as a graph node no search reaches
        hits = index.search(keys[123], k=5)
        assert (hits[0].sample_id, hits[0].similarity) == (keys[123], 1.0)
        assert hits[1].similarity < 1.0


def test_relative_and_absolute_names_are_one_sample(library: tuple[Path, list[Path], list[str]], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder, paths, _ = library
    monkeypatch.chdir(folder.parent)
    with SimilarityIndex(tmp_path / "data") as index:
        assert index.add_paths([Path(folder.name) / paths[0].name]) == []
        assert index.add_paths([paths[0]]) == []
        assert len(index) == 1
        hit = index.search(Path(folder.name) / paths[0].name, k=1)[0]
        assert (hit.path, hit.similarity) == (str(paths[0]), 1.0)
        assert index.remove([Path(folder.name) / paths[0].name]) == 1


def test_a_non_finite_embedding_is_refused(tmp_path: Path) -> None:
    good = samplemind.analyze(note(60, 0.5), sample_rate=44100)
    bad = dataclasses.replace(good, path="/virtual/bad.wav", embedding=np.full_like(good.embedding, np.nan))
    with SimilarityIndex(tmp_path / "data") as index:
        with pytest.raises(ValueError, match="/virtual/bad.wav: the embedding is not finite"):
            index.add([dataclasses.replace(good, path="/virtual/good.wav"), bad])
        assert len(index) == 0


def test_a_damaged_stored_embedding_is_reported_and_re_analysed(
        library: tuple[Path, list[Path], list[str]], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import sqlite3

    _, paths, _ = library
    data = tmp_path / "data"
    with SimilarityIndex(data) as index:
        assert index.add_paths(paths[:4]) == []
        victim = index.search(paths[2], k=1)[0].sample_id
    with sqlite3.connect(data / "samplemind.sqlite3") as db:  # flip bytes in one stored vector
        (blob,) = db.execute("SELECT embedding FROM samples WHERE key = ?", (victim,)).fetchone()
        db.execute("UPDATE samples SET embedding = ? WHERE key = ?", (bytes(b ^ 0x5A for b in blob[:8]) + blob[8:],
                                                                      victim))
    with SimilarityIndex(data) as index:
        found = index.search(paths[0], k=10)
        assert victim not in [r.sample_id for r in found]  # never ranked on damaged numbers
        assert f"the stored embedding of {paths[2]} (key {victim}) is damaged" in caplog.text
        assert index.outdated_paths() == [str(paths[2])]
        with pytest.raises(KeyError, match="no indexed sample has key|is damaged"):
            index.search(victim, k=1)
        assert index.upgrade() == []
        assert index.search(paths[2], k=1)[0].similarity == 1.0


def test_a_truncated_database_is_not_taken_for_a_new_library(library: tuple[Path, list[Path], list[str]],
                                                             tmp_path: Path) -> None:
    _, paths, _ = library
    data = tmp_path / "data"
    with SimilarityIndex(data) as index:
        assert index.add_paths(paths[:3]) == []
    graph = data / f"similarity-v{samplemind.EMBEDDING_VERSION}.usearch"
    saved = graph.read_bytes()
    (data / "samplemind.sqlite3").write_bytes(b"")
    for leftover in ("samplemind.sqlite3-wal", "samplemind.sqlite3-shm"):
        (data / leftover).unlink(missing_ok=True)
    with pytest.raises(RuntimeError, match="is empty .0 bytes. but the saved graph .* holds 3 samples"):
        SimilarityIndex(data)
    assert graph.read_bytes() == saved  # kept for whoever restores the database


def test_samples_another_process_indexes_are_found_and_never_overwritten(
        library: tuple[Path, list[Path], list[str]], tmp_path: Path) -> None:
    import subprocess
    import sys

    _, paths, _ = library
    data = tmp_path / "data"
    with SimilarityIndex(data) as serving:  # as a server holds it open
        assert serving.add_paths(paths[:3]) == []
        serving.save()
        subprocess.run([sys.executable, "-m", "samplemind", "index", *map(str, paths[3:6]), "--data-dir", str(data)],
                       capture_output=True, text=True, check=True, timeout=300)
        hit = serving.search(paths[4], k=1)[0]
        assert (hit.path, hit.similarity) == (str(paths[4]), 1.0)  # the other process's sample, by its own key
        assert len(serving) == 6
    with SimilarityIndex(data) as reopened:  # the server's save on close wrote all six
        sidecar = __import__("json").loads((data / f"similarity-v{samplemind.EMBEDDING_VERSION}.json").read_text())
        assert sidecar["count"] == len(reopened) == 6


def test_path_of_answers_while_a_search_holds_the_index(index: SimilarityIndex, library: tuple) -> None:
    """An audition looks its file up by id on the thread's own connection: it does not
    wait for the shared one (a search holds it for its whole ranking)."""
    _, paths, _ = library
    sample_id = index.sample_id_of(paths[3])
    assert sample_id is not None
    expected = index.sample(sample_id).path
    assert index.path_of(sample_id) == expected
    with pytest.raises(KeyError, match="no indexed sample has id 999999"):
        index.path_of(999999)
    held, release = threading.Event(), threading.Event()

    def hold_the_index() -> None:
        with index._lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_index)
    holder.start()
    assert held.wait(10)
    answers: list[str] = []
    try:
        reader = threading.Thread(target=lambda: answers.append(index.path_of(sample_id)))  # a new thread: a new connection
        reader.start()
        reader.join(10)
        waited = reader.is_alive()
    finally:
        release.set()
        holder.join()
    assert not waited and answers == [expected]
