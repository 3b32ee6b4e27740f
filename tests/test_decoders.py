"""Native WAV/AIFF readers and the libsndfile path, sample for sample against
libsndfile's own decoding (through soundfile)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import samplemind
from samplemind import _core
from samplemind._sndfile import sndfile_path

# (soundfile format, subtype, endian, expected container, sample_format, bits)
NATIVE_ENCODINGS = [
    ("WAV", "PCM_U8", "FILE", "wav", "pcm_u8", 8),
    ("WAV", "PCM_16", "FILE", "wav", "pcm_16", 16),
    ("WAV", "PCM_24", "FILE", "wav", "pcm_24", 24),
    ("WAV", "PCM_32", "FILE", "wav", "pcm_32", 32),
    ("WAV", "FLOAT", "FILE", "wav", "float_32", 32),
    ("WAV", "DOUBLE", "FILE", "wav", "float_64", 64),
    ("WAVEX", "PCM_16", "FILE", "wav", "pcm_16", 16),
    ("WAVEX", "PCM_24", "FILE", "wav", "pcm_24", 24),
    ("WAVEX", "FLOAT", "FILE", "wav", "float_32", 32),
    ("RF64", "PCM_16", "FILE", "rf64", "pcm_16", 16),
    ("RF64", "FLOAT", "FILE", "rf64", "float_32", 32),
    ("AIFF", "PCM_S8", "FILE", "aiff", "pcm_s8", 8),
    ("AIFF", "PCM_16", "FILE", "aiff", "pcm_16", 16),
    ("AIFF", "PCM_24", "FILE", "aiff", "pcm_24", 24),
    ("AIFF", "PCM_32", "FILE", "aiff", "pcm_32", 32),
    ("AIFF", "PCM_16", "LITTLE", "aifc", "pcm_16", 16),  # AIFC 'sowt'
    ("AIFF", "PCM_24", "LITTLE", "aifc", "pcm_24", 24),  # AIFC "42n1"
    ("AIFF", "PCM_32", "LITTLE", "aifc", "pcm_32", 32),
    ("AIFF", "FLOAT", "FILE", "aifc", "float_32", 32),  # AIFC 'fl32'
    ("AIFF", "DOUBLE", "FILE", "aifc", "float_64", 64),  # AIFC 'fl64'
]

LIBSNDFILE_ENCODINGS = [
    ("FLAC", "PCM_16", "flac"),
    ("FLAC", "PCM_24", "flac"),
    ("OGG", "VORBIS", "ogg"),
    ("OGG", "OPUS", "ogg"),
    ("MP3", "MPEG_LAYER_III", "mp3"),
    ("CAF", "PCM_16", "caf"),
    ("W64", "PCM_16", "w64"),
    ("WAV", "ULAW", "wav"),  # a codec the native reader hands to libsndfile
    ("WAV", "MS_ADPCM", "wav"),
    ("AIFF", "ALAW", "aiff"),
]


def mixed_signal(channels: int, frames: int = 3001, seed: int = 7) -> np.ndarray:
    """Full-scale-ish noise plus a tone, so every bit of the encoding is exercised."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 48000
    base = 0.6 * np.sin(2 * np.pi * 997 * t)[:, None] + 0.3 * rng.uniform(-1, 1, (frames, channels))
    return np.clip(base, -1, 1).astype(np.float64)


@pytest.mark.parametrize("fmt,subtype,endian,container,sample_format,bits", NATIVE_ENCODINGS)
@pytest.mark.parametrize("channels", [1, 2, 6])
def test_native_decoding_matches_libsndfile(
    tmp_path: Path, fmt: str, subtype: str, endian: str, container: str, sample_format: str, bits: int, channels: int
) -> None:
    path = tmp_path / "audio.bin"  # the name says nothing: detection is by content
    sf.write(str(path), mixed_signal(channels), 48000, format=fmt, subtype=subtype, endian=endian)
    samples, info = _core.decode_file(str(path), "")
    reference, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert info["decoder"] == "native"
    assert (info["container"], info["sample_format"], info["bit_depth"]) == (container, sample_format, bits)
    assert info["sample_rate"] == rate == 48000
    assert info["channels"] == channels and info["frames"] == len(reference)
    np.testing.assert_array_equal(samples, reference)


@pytest.mark.parametrize("fmt,subtype,container", LIBSNDFILE_ENCODINGS)
def test_other_formats_decode_through_libsndfile(tmp_path: Path, fmt: str, subtype: str, container: str) -> None:
    path = tmp_path / "audio.dat"
    sf.write(str(path), mixed_signal(2, 48000), 48000, format=fmt, subtype=subtype)
    samples, info = _core.decode_file(str(path), sndfile_path())
    reference, _ = sf.read(str(path), dtype="float32", always_2d=True)
    assert info["decoder"] == "libsndfile" and info["container"] == container
    assert info["channels"] == 2 and info["sample_rate"] == 48000
    np.testing.assert_array_equal(samples, reference)


def test_analyze_reads_flac_ogg_opus_and_mp3_out_of_the_box(write_audio: Callable[..., Path]) -> None:
    y = 0.5 * mixed_signal(1, 48000)[:, 0]  # headroom: lossy codecs overshoot
    for name, kwargs in {
        "a.flac": {},
        "a.ogg": {"subtype": "VORBIS"},
        "a.opus": {"format": "OGG", "subtype": "OPUS"},
        "a.mp3": {},
    }.items():
        result = samplemind.analyze(write_audio(name, y, 48000, **kwargs))
        assert result.decoder == "libsndfile", name
        assert result.duration_s == pytest.approx(1.0, abs=0.06), name
        assert -12 < result.peak_dbfs < 0, name


def test_wav_with_misleading_extension_is_detected_by_content(write_audio: Callable[..., Path]) -> None:
    path = write_audio("sound.mp3", mixed_signal(1)[:, 0], 48000, format="WAV", subtype="PCM_16")
    assert samplemind.analyze(path).container == "wav"
    flac = write_audio("sound.wav", mixed_signal(1)[:, 0], 48000, format="FLAC")
    assert samplemind.analyze(flac).container == "flac"


def test_without_libsndfile_other_formats_are_unsupported_not_a_crash(write_audio: Callable[..., Path]) -> None:
    path = write_audio("a.flac", mixed_signal(1)[:, 0], 48000)
    with pytest.raises(samplemind.UnsupportedFormatError, match="libsndfile"):
        _core.decode_file(str(path), "/nonexistent/libsndfile.so")
    wav = write_audio("a.wav", mixed_signal(1)[:, 0], 48000)
    samples, _ = _core.decode_file(str(wav), "/nonexistent/libsndfile.so")  # native needs nothing
    assert samples.shape == (3001, 1)
