"""Files with embedded metadata for the tests and the fuzz corpus.

Two kinds, so that the readers are checked against writers other than ourselves:
files tagged by mutagen or written by libsndfile (through soundfile's handle), and
chunks laid out by hand for what neither writes ('acid', Apple Loops 'basc') or for
hostile cases; libsndfile reads those back as the reference."""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 44100
FRAMES = 22050  # half a second

_SFC_GET_INSTRUMENT, _SFC_SET_INSTRUMENT = 0x10D0, 0x10D1
_SFC_GET_LOOP_INFO = 0x10E0
_SFC_SET_BROADCAST_INFO = 0x10F1


class _Loop(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("start", ctypes.c_uint32), ("end", ctypes.c_uint32),
                ("count", ctypes.c_uint32)]


class Instrument(ctypes.Structure):
    """libsndfile's SF_INSTRUMENT."""

    _fields_ = [("gain", ctypes.c_int), ("basenote", ctypes.c_byte), ("detune", ctypes.c_byte),
                ("velocity_lo", ctypes.c_byte), ("velocity_hi", ctypes.c_byte), ("key_lo", ctypes.c_byte),
                ("key_hi", ctypes.c_byte), ("loop_count", ctypes.c_int), ("loops", _Loop * 16)]


class LoopInfo(ctypes.Structure):
    """libsndfile's SF_LOOP_INFO (what it reads from 'acid' and 'basc')."""

    _fields_ = [("time_sig_num", ctypes.c_short), ("time_sig_den", ctypes.c_short), ("loop_mode", ctypes.c_int),
                ("num_beats", ctypes.c_int), ("bpm", ctypes.c_float), ("root_key", ctypes.c_int),
                ("future", ctypes.c_int * 6)]


class BroadcastInfo(ctypes.Structure):
    """libsndfile's SF_BROADCAST_INFO with a 256-byte coding history."""

    _fields_ = [("description", ctypes.c_char * 256), ("originator", ctypes.c_char * 32),
                ("originator_reference", ctypes.c_char * 32), ("origination_date", ctypes.c_char * 10),
                ("origination_time", ctypes.c_char * 8), ("time_reference_low", ctypes.c_uint32),
                ("time_reference_high", ctypes.c_uint32), ("version", ctypes.c_short), ("umid", ctypes.c_char * 64),
                ("loudness", ctypes.c_int16 * 5), ("reserved", ctypes.c_char * 180),
                ("coding_history_size", ctypes.c_uint32), ("coding_history", ctypes.c_char * 256)]


def tone(frames: int = FRAMES) -> np.ndarray:
    return (0.2 * np.sin(2 * np.pi * 220 * np.arange(frames) / RATE)).astype(np.float32)


def _command(file: sf.SoundFile, command: int, data: ctypes.Structure) -> int:
    buffer = bytearray(data)
    result = int(sf._snd.sf_command(file._file, command, sf._ffi.from_buffer(buffer), len(buffer)))
    ctypes.memmove(ctypes.addressof(data), bytes(buffer), len(buffer))
    return result


def write_with_libsndfile(path: Path, fmt: str, *, basenote: int, loop: tuple[int, int] | None,
                          strings: dict[str, str], broadcast: dict[str, bytes] | None = None) -> None:
    """A file libsndfile writes with an instrument ('smpl' + 'inst', or AIFF 'INST' +
    'MARK'), its string tags (RIFF INFO, AIFF NAME/AUTH/...) and a 'bext' chunk."""
    instrument = Instrument(basenote=basenote, velocity_lo=1, velocity_hi=127, key_lo=0, key_hi=127)
    if loop is not None:
        instrument.loop_count = 1
        instrument.loops[0] = _Loop(mode=801, start=loop[0], end=loop[1], count=0)  # SF_LOOP_FORWARD
    with sf.SoundFile(str(path), "w", RATE, 1, "PCM_16", format=fmt) as file:
        assert _command(file, _SFC_SET_INSTRUMENT, instrument) == 1
        if broadcast is not None:
            assert _command(file, _SFC_SET_BROADCAST_INFO, BroadcastInfo(**broadcast)) == 1
        for name, value in strings.items():
            setattr(file, name, value)
        file.write(tone())


def libsndfile_reads(path: Path) -> tuple[LoopInfo | None, Instrument | None]:
    """What libsndfile reads of a file's loop info and instrument (None: it has none)."""
    loop_info, instrument = LoopInfo(), Instrument()
    with sf.SoundFile(str(path)) as file:
        has_loop_info = _command(file, _SFC_GET_LOOP_INFO, loop_info) == 1
        has_instrument = _command(file, _SFC_GET_INSTRUMENT, instrument) == 1
    return (loop_info if has_loop_info else None), (instrument if has_instrument else None)


def riff_chunk(tag: bytes, body: bytes) -> bytes:
    return tag + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def iff_chunk(tag: bytes, body: bytes) -> bytes:
    return tag + struct.pack(">I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def acid_chunk(*, one_shot: bool, root_note: int | None, beats: int, tempo: float) -> bytes:
    flags = (0x01 if one_shot else 0) | (0x02 if root_note is not None else 0)
    return riff_chunk(b"acid", struct.pack("<IHHfIHHf", flags, root_note or 0, 0x8000, 0.0, beats, 4, 4, tempo))


def smpl_chunk(*, unity_note: int, loops: list[tuple[int, int]], declared_loops: int | None = None) -> bytes:
    body = struct.pack("<9I", 0, 0, round(1e9 / RATE), unity_note, 0, 0, 0,
                       len(loops) if declared_loops is None else declared_loops, 0)
    body += b"".join(struct.pack("<6I", i, 0, start, end, 0, 0) for i, (start, end) in enumerate(loops))
    return riff_chunk(b"smpl", body)


def info_list(items: dict[bytes, bytes]) -> bytes:
    return riff_chunk(b"LIST", b"INFO" + b"".join(riff_chunk(tag, text + b"\0") for tag, text in items.items()))


def wav_file(*, before: Sequence[bytes] = (), after: Sequence[bytes] = (), frames: int = FRAMES) -> bytes:
    """A mono 16-bit WAV with extra chunks before and after its 'data'."""
    fmt = riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16))
    data = riff_chunk(b"data", (tone(frames) * 32767).astype("<i2").tobytes())
    body = b"WAVE" + fmt + b"".join(before) + data + b"".join(after)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def basc_chunk(*, beats: int, root_note: int, scale: int, one_shot: bool) -> bytes:
    return iff_chunk(b"basc", struct.pack(">IIHHHHH", 1, beats, root_note, scale, 4, 4, 1 if one_shot else 0) +
                     bytes(66))


def aiff_file(chunks: list[bytes], frames: int = FRAMES) -> bytes:
    """A mono 16-bit AIFF with extra chunks after 'COMM'."""
    exponent, mantissa = 16383 + 15, RATE << 48  # 44100 as an 80-bit extended float
    rate = struct.pack(">HQ", exponent, mantissa)
    comm = iff_chunk(b"COMM", struct.pack(">hIh", 1, frames, 16) + rate)
    ssnd = iff_chunk(b"SSND", struct.pack(">II", 0, 0) + (tone(frames) * 32767).astype(">i2").tobytes())
    body = b"AIFF" + comm + b"".join(chunks) + ssnd
    return b"FORM" + struct.pack(">I", len(body)) + body


def tag_with_mutagen(path: Path, tags: dict[str, str]) -> None:
    """Tags a file as taggers do: Vorbis comments for FLAC and Ogg, ID3v2 otherwise.
    Keys are Vorbis names (BPM, KEY, TITLE, GENRE, COMMENT)."""
    import mutagen
    from mutagen import id3

    file = mutagen.File(str(path))
    if path.suffix in (".flac", ".ogg", ".opus"):
        for name, value in tags.items():
            file[name] = value
    else:
        if file.tags is None:
            file.add_tags()
        frames = {"BPM": id3.TBPM, "KEY": id3.TKEY, "TITLE": id3.TIT2, "GENRE": id3.TCON}
        for name, value in tags.items():
            if name == "COMMENT":
                file.tags.add(id3.COMM(encoding=id3.Encoding.UTF16, lang="eng", desc="", text=[value]))
            else:
                file.tags.add(frames[name](encoding=id3.Encoding.UTF16, text=[value]))
    file.save()


HOSTILE = {
    "smpl declares 2^32-1 loops": wav_file(after=[smpl_chunk(unity_note=60, loops=[(0, 10)],
                                                             declared_loops=0xFFFFFFFF)]),
    "chunk size past the end": wav_file(after=[b"LIST" + (0xFFFFFFF0).to_bytes(4, "little") + b"INFOINAM"]),
    "out-of-range values": wav_file(before=[acid_chunk(one_shot=False, root_note=300, beats=0, tempo=float("nan"))]),
    "truncated acid": wav_file(after=[riff_chunk(b"acid", b"\x01\x02")]),
    "id3 chunk with a huge size": wav_file(after=[riff_chunk(b"id3 ", b"ID3\x04\x00\x00\x7f\x7f\x7f\x7fTBPM")]),
    "invalid UTF-8 and controls": wav_file(after=[info_list({b"INAM": b"\xff\xfe\x00bad\x01\x02", b"ICMT": b"\xc3("})]),
    "thousands of empty chunks": wav_file(after=[riff_chunk(b"junk", b"")] * 20000),
    "MARK with a lying count": aiff_file([iff_chunk(b"MARK", b"\xff\xff\x00\x01"),
                                          iff_chunk(b"INST", bytes([60, 0, 0, 127, 1, 127, 0, 0, 0, 1, 0, 1, 0, 2]) +
                                                    bytes(6))]),
    "ogg page that lies": b"OggS" + bytes(22) + b"\xff" + b"\xff" * 255,
    "flac block past the end": b"fLaC\x04\xff\xff\xff" + b"\x10\x00\x00\x00",
}
"""Malformed metadata the readers must survive: by what is wrong with it."""


def write_corpus_files(folder: Path) -> int:
    """Tagged and hostile metadata files for the fuzz corpus; returns how many."""
    files = {
        "meta-acid-smpl-info.wav": wav_file(before=[acid_chunk(one_shot=False, root_note=57, beats=8, tempo=120.0)],
                                            after=[smpl_chunk(unity_note=57, loops=[(0, 1000)]),
                                                   info_list({b"INAM": b"Loop", b"IGNR": b"House"})]),
        "meta-smpl-overstated.wav": wav_file(after=[smpl_chunk(unity_note=60, loops=[(0, 10)],
                                                               declared_loops=0xFFFFFFFF)]),
        "meta-basc.aiff": aiff_file([basc_chunk(beats=8, root_note=57, scale=1, one_shot=False)]),
    }
    files.update({f"meta-hostile-{i:02d}.bin": content for i, content in enumerate(HOSTILE.values())})
    for name, content in files.items():
        (folder / name).write_bytes(content)
    for suffix in ("flac", "ogg", "mp3"):
        path = folder / f"meta-tagged.{suffix}"
        sf.write(str(path), tone(), RATE)
        tag_with_mutagen(path, {"BPM": "128", "KEY": "Am", "TITLE": "Dusty Snäre", "GENRE": "House"})
    return len(files) + 3
