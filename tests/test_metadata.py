"""Embedded metadata and name cues: read from files other tools wrote (mutagen,
libsndfile) and checked against libsndfile's own reading where it has one; hostile
chunks never raise, never hang and stay bounded; stated labels reach the library."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import samplemind
from samplemind import Metadata, NameCues
from samplemind._metadata import label_sources, name_cues
from tests.metadata_files import (
    FRAMES,
    HOSTILE,
    RATE,
    acid_chunk,
    aiff_file,
    basc_chunk,
    iff_chunk,
    info_list,
    libsndfile_reads,
    riff_chunk,
    smpl_chunk,
    tag_with_mutagen,
    tone,
    wav_file,
    write_with_libsndfile,
)

TAGS = {"BPM": "128", "KEY": "Am", "TITLE": "Dusty Snäre ♯", "GENRE": "House", "COMMENT": "from the tests"}


@pytest.mark.parametrize(("suffix", "fmt", "subtype"), [
    ("flac", "FLAC", "PCM_16"), ("ogg", "OGG", "VORBIS"), ("opus", "OGG", "OPUS"), ("mp3", "MP3", "MPEG_LAYER_III"),
    ("wav", "WAV", "PCM_16"), ("aiff", "AIFF", "PCM_16"),
])
def test_tags_written_by_mutagen(tmp_path: Path, suffix: str, fmt: str, subtype: str) -> None:
    path = tmp_path / f"loop.{suffix}"
    sf.write(str(path), tone(48000), 48000, format=fmt, subtype=subtype)
    tag_with_mutagen(path, TAGS)
    metadata = samplemind.read_metadata(path)
    assert metadata.tempo_bpm == 128.0
    assert metadata.key == "A minor"  # "Am" as written stays in the tags
    assert metadata.tags["key"] == "Am"
    assert metadata.tags["title"] == "Dusty Snäre ♯"
    assert metadata.tags["genre"] == "House"
    assert metadata.tags["comment"] == "from the tests"
    assert metadata.sources[-1] in {"vorbis_comment", "id3"}
    assert samplemind.analyze(path).metadata == metadata


def test_instrument_strings_and_bext_written_by_libsndfile(tmp_path: Path) -> None:
    path = tmp_path / "note.wav"
    broadcast = {"description": b"Felt piano, soft", "originator": b"SampleMind tests",
                 "origination_date": b"2026-12-03"}
    write_with_libsndfile(path, "WAV", basenote=57, loop=(1000, 20000),
                          strings={"title": "Felt A3", "artist": "Tester", "comment": "soft"}, broadcast=broadcast)
    metadata = samplemind.read_metadata(path)
    _, instrument = libsndfile_reads(path)
    assert instrument is not None
    assert metadata.root_note == instrument.basenote == 57
    assert metadata.root_note_name == "A3"
    assert metadata.loops == ((instrument.loops[0].start, instrument.loops[0].end),) == ((1000, 20000),)
    assert metadata.is_loop is None  # a sustain loop does not make the file a loop
    assert {"smpl", "bext", "LIST/INFO"} <= set(metadata.sources)  # libsndfile writes no 'inst'
    assert metadata.tags["title"] == "Felt A3"
    assert metadata.tags["artist"] == "Tester"
    assert metadata.tags["comment"] == "soft"
    assert metadata.tags["description"] == "Felt piano, soft"
    assert metadata.tags["originator"] == "SampleMind tests"


def test_aiff_instrument_and_markers_agree_with_libsndfile(tmp_path: Path) -> None:
    # libsndfile does not write AIFF 'INST' but reads it: the reference for ours.
    path = tmp_path / "note.aif"
    markers = iff_chunk(b"MARK", b"\x00\x02" + b"\x00\x01" + (1000).to_bytes(4, "big") + b"\x03beg" +
                        b"\x00\x02" + (20000).to_bytes(4, "big") + b"\x03end")
    inst = iff_chunk(b"INST", bytes([57, 0, 0, 127, 1, 127]) + b"\x00\x00" + b"\x00\x01\x00\x01\x00\x02" + bytes(6))
    path.write_bytes(aiff_file([inst, markers, iff_chunk(b"NAME", b"Felt A3"), iff_chunk(b"AUTH", b"Tester")]))
    metadata = samplemind.read_metadata(path)
    _, instrument = libsndfile_reads(path)
    assert instrument is not None
    assert metadata.root_note == instrument.basenote == 57
    assert metadata.loops == ((instrument.loops[0].start, instrument.loops[0].end),) == ((1000, 20000),)
    assert metadata.tags == {"title": "Felt A3", "artist": "Tester"}
    assert {"INST", "MARK"} <= set(metadata.sources)


@pytest.mark.parametrize("one_shot", [False, True])
def test_acid_chunk_agrees_with_libsndfile(tmp_path: Path, one_shot: bool) -> None:
    path = tmp_path / "acid.wav"
    path.write_bytes(wav_file(before=[acid_chunk(one_shot=one_shot, root_note=60, beats=8, tempo=123.5)]))
    metadata = samplemind.read_metadata(path)
    loop_info, _ = libsndfile_reads(path)
    assert loop_info is not None
    assert metadata.tempo_bpm == pytest.approx(loop_info.bpm) == 123.5
    assert metadata.beats == loop_info.num_beats == 8
    assert metadata.root_note == loop_info.root_key == 60
    assert metadata.is_loop is (not one_shot)
    assert (loop_info.loop_mode == 800) is one_shot  # SF_LOOP_NONE


def test_apple_loops_basc_agrees_with_libsndfile(tmp_path: Path) -> None:
    path = tmp_path / "apple.aif"
    path.write_bytes(aiff_file([basc_chunk(beats=2, root_note=57, scale=1, one_shot=False)]))
    metadata = samplemind.read_metadata(path)
    loop_info, _ = libsndfile_reads(path)
    assert loop_info is not None
    assert metadata.tempo_bpm == pytest.approx(loop_info.bpm, rel=1e-5)
    assert metadata.tempo_bpm == pytest.approx(2 * 60 * RATE / FRAMES)  # two beats in half a second
    assert metadata.key == "A minor" and metadata.root_note == 57 and metadata.is_loop is True


def test_chunks_after_the_audio_and_riff_info(tmp_path: Path) -> None:
    path = tmp_path / "late.wav"
    path.write_bytes(wav_file(after=[info_list({b"INAM": b"Caf\xe9 Loop", b"IGNR": b"Jazz", b"IKEY": b"brush, live"}),
                                     smpl_chunk(unity_note=45, loops=[(0, 100), (200, 300)])]))
    metadata = samplemind.read_metadata(path)
    assert metadata.tags == {"title": "Café Loop", "genre": "Jazz", "keywords": "brush, live"}  # Latin-1 read as such
    assert metadata.loops == ((0, 101), (200, 301))  # 'smpl' stores the last frame
    assert metadata.root_note == 45
    path.write_bytes(wav_file(after=[riff_chunk(b"inst", bytes([62, 0, 0, 0, 127, 1, 127]))]))
    assert samplemind.read_metadata(path).root_note == 62


def test_a_file_without_metadata_has_none(tmp_path: Path) -> None:
    path = tmp_path / "plain.wav"
    sf.write(str(path), tone(), RATE, subtype="PCM_16")
    assert samplemind.read_metadata(path) == Metadata()
    assert samplemind.analyze(np.zeros(100, np.float32), sample_rate=RATE).metadata == Metadata()


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_metadata_never_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hostile.bin"
    path.write_bytes(content)
    metadata = samplemind.read_metadata(path)
    assert len(metadata.tags) <= 64 and len(metadata.loops) <= 16
    assert metadata.tempo_bpm is None or 20 <= metadata.tempo_bpm <= 999
    assert metadata.root_note is None or 0 <= metadata.root_note <= 127
    assert all(len(value.encode()) <= 1024 for value in metadata.tags.values())


def test_mutated_tagged_files_never_raise(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    originals = []
    for suffix in ("flac", "ogg", "mp3"):
        path = tmp_path / f"t.{suffix}"
        sf.write(str(path), tone(), RATE)
        tag_with_mutagen(path, TAGS)
        originals.append(path.read_bytes())
    originals.append(wav_file(before=[acid_chunk(one_shot=False, root_note=57, beats=8, tempo=120.0)],
                              after=[smpl_chunk(unity_note=57, loops=[(0, 1000)]), info_list({b"INAM": b"x"})]))
    target = tmp_path / "mutated.bin"
    for _ in range(300):
        data = bytearray(originals[rng.integers(len(originals))][:4096])
        for at in rng.integers(0, len(data), rng.integers(1, 12)):
            data[at] = rng.integers(256)
        target.write_bytes(bytes(data[: rng.integers(8, len(data) + 1)]))
        metadata = samplemind.read_metadata(target)  # returns, whatever the bytes
        assert len(metadata.tags) <= 64


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(samplemind.AudioNotFoundError, match="nothing.wav"):
        samplemind.read_metadata(tmp_path / "nothing.wav")


@pytest.mark.parametrize(("name", "is_loop", "cues"), [
    ("Dusty Loop 120bpm C#m.wav", True, NameCues(120.0, "C# minor", None)),
    ("Loop_140_Dusty.wav", True, NameCues(140.0, None, None)),
    ("Kick_140_Dusty.wav", False, NameCues(None, None, None)),  # a bare number on a one-shot: a take number
    ("Pad A minor.wav", False, NameCues(None, "A minor", None)),
    ("Keys_Bbm_95 BPM.aif", True, NameCues(95.0, "A# minor", None)),
    ("808_F#1.wav", False, NameCues(None, None, "F#1")),
    ("Snare_B.wav", False, NameCues(None, None, None)),  # a lone letter is a variation, not a key
    ("Vox_Amin.wav", False, NameCues(None, "A minor", None)),
    ("Hat 12bpm.wav", False, NameCues(None, None, None)),  # outside any tempo range
])
def test_name_cues(name: str, is_loop: bool, cues: NameCues) -> None:
    assert name_cues(os.path.join("/packs/Some Pack 128 BPM", name), is_loop=is_loop) == cues


def test_stated_labels_come_first_and_the_analysis_stays_visible() -> None:
    stated = Metadata(tempo_bpm=120.0, key="A minor", is_loop=True)
    assert label_sources(60.0, "C major", stated) == {
        "tempo_bpm": 120.0, "tempo_source": "metadata", "key": "A minor", "key_source": "metadata",
        "analysis": {"tempo_bpm": 60.0, "key": "C major"}}
    named = Metadata(name=NameCues(tempo_bpm=140.0, key=None))
    assert label_sources(70.0, None, named) == {"tempo_bpm": 140.0, "tempo_source": "name", "key": None,
                                                "key_source": "analysis", "analysis": {"tempo_bpm": 70.0}}
    one_shot = Metadata(tempo_bpm=120.0, is_loop=False)  # ACID keeps the project tempo in a one-shot
    assert label_sources(None, None, one_shot)["tempo_bpm"] is None


def test_library_filters_and_text_search_use_stated_labels(tmp_path: Path) -> None:
    loop = tmp_path / "lib" / "groove.wav"
    loop.parent.mkdir()
    loop.write_bytes(wav_file(before=[acid_chunk(one_shot=False, root_note=None, beats=8, tempo=97.0)],
                              after=[info_list({b"INAM": b"Sunday Shuffle", b"IGNR": b"Gospel"})]))
    named = tmp_path / "lib" / "Stab_Ebm.wav"
    sf.write(str(named), tone(), RATE, subtype="PCM_16")
    index = samplemind.SimilarityIndex(tmp_path / "data")
    try:
        index.add_paths([loop, named])
        _, tempo = index.samples(filters=samplemind.SearchFilters(tempo_bpm=(96.0, 98.0)))
        assert [r.path for r in tempo] == [str(loop)]
        assert tempo[0].descriptors["tempo_source"] == "metadata"
        assert "tempo_bpm" in tempo[0].descriptors["analysis"]  # the measured tempo, beside the stated one
        _, keyed = index.samples(filters=samplemind.SearchFilters(key="Ebm"))
        assert [r.path for r in keyed] == [str(named)]
        assert keyed[0].descriptors["key_source"] == "name"
        assert [r.path for r in index.search_text("gospel")] == [str(loop)]
        assert [r.path for r in index.search_text("sunday shuf")] == [str(loop)]
        index.correct(loop, tempo_bpm=98.5)  # the user's value goes over the file's
        corrected = index.sample(index.sample_id_of(loop))
        assert corrected.descriptors["tempo_source"] == "user"
        assert corrected.descriptors["analysis"]["tempo_bpm"] != 97.0  # still what the analysis measured
    finally:
        index.close()


def test_the_analyze_table_marks_stated_labels(tmp_path: Path) -> None:
    import subprocess
    import sys

    loop = tmp_path / "groove.wav"
    loop.write_bytes(wav_file(before=[acid_chunk(one_shot=False, root_note=None, beats=8, tempo=97.0)]))
    named = tmp_path / "Stab_Ebm.wav"
    sf.write(str(named), tone(), RATE, subtype="PCM_16")
    table = subprocess.run([sys.executable, "-m", "samplemind", "analyze", str(loop), str(named), "--no-cache"],
                           capture_output=True, text=True, check=True).stdout
    rows = {line.split()[0]: line for line in table.splitlines()[1:]}
    assert "97.0 (file)" in rows["groove.wav"]
    assert "D# minor (name)" in rows["Stab_Ebm.wav"]
