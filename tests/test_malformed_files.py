"""Hostile and broken files: each gets its own clear error naming the file, and
nothing crashes, hangs or poisons the next analysis."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import samplemind
from samplemind import _core
from samplemind._sndfile import sndfile_path


def wav_bytes(
    *,
    channels: int = 1,
    rate: int = 44100,
    bits: int = 16,
    tag: int = 1,
    frames: int = 100,
    block_align: int | None = None,
    data_size: int | None = None,
    fmt_size: int = 16,
    with_fmt: bool = True,
    with_data: bool = True,
) -> bytes:
    """A hand-made RIFF/WAVE file whose every field the test controls."""
    width = (bits + 7) // 8
    align = channels * width if block_align is None else block_align
    fmt = struct.pack("<HHIIHH", tag, channels, rate, (rate * align) & 0xFFFFFFFF, align & 0xFFFF, bits)
    fmt = fmt[:fmt_size].ljust(fmt_size, b"\0")
    payload = (np.arange(frames * max(channels, 1) * width) % 251).astype(np.uint8).tobytes()
    body = b"WAVE"
    if with_fmt:
        body += b"fmt " + struct.pack("<I", fmt_size) + fmt
    if with_data:
        body += b"data" + struct.pack("<I", len(payload) if data_size is None else data_size) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def extended80(value: float) -> bytes:
    """An IEEE 754 80-bit extended float, as AIFF stores its sample rate."""
    if math.isnan(value):
        return b"\x7f\xff\xc0" + b"\0" * 7
    if math.isinf(value):
        return b"\x7f\xff\x80" + b"\0" * 7
    if value == 0:
        return b"\0" * 10
    mantissa, exponent = math.frexp(value)
    return struct.pack(">HQ", exponent - 1 + 16383, int(mantissa * 2**64))


def aiff_bytes(*, channels: int = 1, frames: int = 100, bits: int = 16, rate: float = 44100.0,
               with_ssnd: bool = True) -> bytes:
    comm = struct.pack(">hIh", channels, frames, bits) + extended80(rate)
    data = bytes(frames * max(channels, 1) * 2)
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm
    if with_ssnd:
        body += b"SSND" + struct.pack(">III", len(data) + 8, 0, 0) + data
    return b"FORM" + struct.pack(">I", len(body)) + body


def expect_error(path: Path, error: type[samplemind.AnalysisError], match: str) -> samplemind.AnalysisError:
    with pytest.raises(error, match=match) as caught:
        samplemind.analyze(path)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


CASES: dict[str, tuple[bytes, type[samplemind.AnalysisError], str]] = {
    "empty": (b"", samplemind.CorruptAudioError, "empty file"),
    "text": (b"hello, this is not audio\n" * 20, samplemind.UnsupportedFormatError, "not a recognised audio format"),
    "random bytes": (np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
                     samplemind.UnsupportedFormatError, "not a recognised audio format"),
    "riff header only": (b"RIFF\x04\x00\x00\x00WAVE", samplemind.CorruptAudioError, "no 'fmt ' chunk"),
    "no data chunk": (wav_bytes(with_data=False), samplemind.CorruptAudioError, "no 'data' chunk"),
    "no fmt chunk": (wav_bytes(with_fmt=False), samplemind.CorruptAudioError, "no 'fmt ' chunk"),
    "zero channels": (wav_bytes(channels=0, block_align=0), samplemind.CorruptAudioError, "channel count 0"),
    "huge channel count": (wav_bytes(channels=4000), samplemind.CorruptAudioError, "channel count 4000"),
    "zero sample rate": (wav_bytes(rate=0), samplemind.CorruptAudioError, "sample rate 0"),
    "absurd sample rate": (wav_bytes(rate=4_000_000_000), samplemind.CorruptAudioError, "sample rate 4e"),
    "0-bit pcm": (wav_bytes(bits=0), samplemind.UnsupportedFormatError, "bit depth 0"),
    "40-bit pcm": (wav_bytes(bits=40), samplemind.UnsupportedFormatError, "bit depth 40"),
    "48-bit float": (wav_bytes(tag=3, bits=48), samplemind.UnsupportedFormatError, "bit depth 48"),
    "unknown codec": (wav_bytes(tag=0x1234), samplemind.UnsupportedFormatError, "WAV codec 0x1234"),
    "short fmt chunk": (wav_bytes(fmt_size=8), samplemind.CorruptAudioError, "'fmt ' chunk is 8 bytes"),
    "two fmt chunks that disagree": (wav_bytes()[:36] + wav_bytes(channels=2)[12:], samplemind.CorruptAudioError,
                                     "two 'fmt ' chunks that disagree"),
    "zero data size": (wav_bytes(data_size=0), samplemind.CorruptAudioError, "no audio frames"),
    "truncated fmt": (wav_bytes()[:30], samplemind.CorruptAudioError, "truncated 'fmt ' chunk"),
    "aiff nan rate": (aiff_bytes(rate=float("nan")), samplemind.CorruptAudioError, "sample rate nan"),
    "aiff infinite rate": (aiff_bytes(rate=float("inf")), samplemind.CorruptAudioError, "sample rate inf"),
    "aiff zero rate": (aiff_bytes(rate=0.0), samplemind.CorruptAudioError, "sample rate 0"),
    "aiff zero channels": (aiff_bytes(channels=0), samplemind.CorruptAudioError, "channel count 0"),
    "aiff negative channels": (aiff_bytes(channels=-2), samplemind.CorruptAudioError, "channel count -2"),
    "aiff no ssnd": (aiff_bytes(with_ssnd=False), samplemind.CorruptAudioError, "no 'SSND' chunk"),
    "aiff zero frames": (aiff_bytes(frames=0), samplemind.CorruptAudioError, "no audio frames"),
    "aiff bit depth 40": (aiff_bytes(bits=40), samplemind.UnsupportedFormatError, "bit depth 40"),
    "flac magic, garbage body": (b"fLaC" + bytes(200), samplemind.CorruptAudioError, "looks like FLAC"),
    "ogg magic, garbage body": (b"OggS" + bytes(200), samplemind.CorruptAudioError, "looks like Ogg"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_gets_its_error(tmp_path: Path, name: str) -> None:
    content, error, match = CASES[name]
    path = tmp_path / "sample.wav"  # every case claims to be a WAV by name
    path.write_bytes(content)
    expect_error(path, error, match)


@pytest.mark.parametrize("fields", [{"bits": 7}, {"bits": 12}, {"bits": 20, "channels": 2},
                                    {"channels": 2, "block_align": 3}, {"channels": 2, "block_align": 0}],
                         ids=["7-bit", "12-bit", "20-bit stereo", "block_align 3", "block_align 0"])
def test_odd_headers_libsndfile_reads_decode_as_it_does(tmp_path: Path, fields: dict[str, int]) -> None:
    """A depth between whole bytes sits in the next whole byte, and the stride comes from
    channels x container whatever block_align says: as libsndfile reads them."""
    path = tmp_path / "odd.wav"
    path.write_bytes(wav_bytes(frames=200, **fields))
    samples, info = _core.decode_file(str(path), "")
    reference, _ = sf.read(str(path), dtype="float32", always_2d=True)
    assert info["frames"] == 200 and samples.shape == reference.shape
    np.testing.assert_allclose(samples, reference, atol=1e-6)


def test_a_repeated_identical_fmt_chunk_is_accepted(tmp_path: Path) -> None:
    once = wav_bytes()
    path = tmp_path / "twice.wav"
    path.write_bytes(once[:36] + once[12:])  # RIFF header and fmt, then fmt and data again
    assert _core.decode_file(str(path), "")[1]["frames"] == 100


def test_overstated_data_size_is_clamped_to_the_bytes_present(tmp_path: Path) -> None:
    path = tmp_path / "overstated.wav"
    path.write_bytes(wav_bytes(frames=1000, data_size=0xFFFFFFF0))
    samples, info = _core.decode_file(str(path), "")
    assert info["frames"] == 1000 and samples.shape == (1000, 1)


def test_file_truncated_mid_data_keeps_the_frames_present(tmp_path: Path) -> None:
    original = wav_bytes(channels=2, frames=1000)
    path = tmp_path / "cut.wav"
    path.write_bytes(original[: len(original) - 1001])  # 250 frames and one stray byte short
    samples, info = _core.decode_file(str(path), "")
    assert info["frames"] == 749
    full = tmp_path / "full.wav"
    full.write_bytes(original)
    np.testing.assert_array_equal(samples, _core.decode_file(str(full), "")[0][:749])


def test_junk_chunk_with_huge_size_before_fmt(tmp_path: Path) -> None:
    content = wav_bytes()
    junk = b"junk" + struct.pack("<I", 0xFFFFFFF0) + bytes(16)
    path = tmp_path / "junk.wav"
    path.write_bytes(content[:12] + junk + content[12:])
    expect_error(path, samplemind.CorruptAudioError, "no 'fmt ' chunk")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "missing.wav"
    err = expect_error(missing, samplemind.AudioNotFoundError, "cannot open")
    assert isinstance(err, FileNotFoundError) and err.code == "not_found"
    expect_error(tmp_path, samplemind.UnsupportedFormatError, "not a regular file")


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), 0.0, 1e12])
def test_libsndfile_answers_are_checked_too(tmp_path: Path, rate: float) -> None:
    """A mu-law AIFF-C (decoded by libsndfile, not natively) with an impossible rate:
    libsndfile opens it; the core refuses what libsndfile reports."""
    path = tmp_path / "ulaw.aiff"
    sf.write(str(path), np.zeros(1000, np.float32), 44100, format="AIFF", subtype="ULAW")
    content = bytearray(path.read_bytes())
    at = content.index(b"COMM") + 16
    content[at : at + 10] = extended80(rate)
    path.write_bytes(bytes(content))
    expect_error(path, samplemind.CorruptAudioError, "sample rate|could not be decoded")


def test_too_long_for_the_configured_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sf.write(str(path), np.zeros(44100, np.float32), 44100)
    with pytest.raises(samplemind.AudioTooLargeError, match="max_duration_s"):
        samplemind.analyze(path, config=samplemind.AnalysisConfig(max_duration_s=0.5))


def test_a_good_file_after_every_bad_one_still_analyses(tmp_path: Path) -> None:
    good = tmp_path / "good.wav"
    sf.write(str(good), 0.5 * np.sin(np.arange(22050) * 0.1).astype(np.float32), 22050)
    for name, (content, error, _) in CASES.items():
        bad = tmp_path / f"bad-{len(name)}.wav"
        bad.write_bytes(content)
        with pytest.raises(error):
            samplemind.analyze(bad)
        assert samplemind.analyze(good).peak_dbfs == pytest.approx(-6.02, abs=0.01)


def test_sndfile_library_is_found() -> None:
    assert "sndfile" in sndfile_path()


@pytest.mark.parametrize("fmt", ["wav", "aiff", "flac"])
def test_a_file_cut_short_is_analysed_and_says_so(tmp_path: Path, fmt: str) -> None:
    y = (0.3 * np.sin(np.arange(44100 * 3) / 10)).astype(np.float32)
    whole, cut = tmp_path / f"whole.{fmt}", tmp_path / f"cut.{fmt}"
    sf.write(whole, y, 44100)
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # the header still declares 3 s
    intact, short = samplemind.analyze(whole), samplemind.analyze(cut)
    assert not intact.truncated and intact.duration_s == pytest.approx(3.0)
    assert short.truncated and 1.0 < short.duration_s < 2.0
    assert short.to_dict()["truncated"] is True


@pytest.mark.parametrize(("at", "count"), [(0.4, 4), (0.5, 64)])  # the decoder resynchronises; it stops
def test_a_flac_damaged_mid_stream_fails_with_the_decoders_reason(tmp_path: Path, at: float, count: int) -> None:
    """Damage in the middle is not a file cut short: what decodes would be a fragment's
    features (or a gap's), so the file fails, as libsndfile's own readers fail it."""
    t = np.arange(44100 * 3) / 44100
    whole, damaged = tmp_path / "whole.flac", tmp_path / "damaged.flac"
    sf.write(whole, (0.5 * np.sin(2 * np.pi * 440 * t) * (1 + 0.3 * np.sin(2 * np.pi * 3 * t))).astype(np.float32), 44100)
    data = bytearray(whole.read_bytes())
    start = int(len(data) * at)
    data[start:start + count] = bytes(b ^ 0x5A for b in data[start:start + count])
    damaged.write_bytes(bytes(data))
    with pytest.raises(samplemind.CorruptAudioError, match=r"could not decode the audio (near|after) \d\.\d\d s.*: \w"):
        samplemind.analyze(damaged)
    assert samplemind.analyze(whole).duration_s == pytest.approx(3.0)
