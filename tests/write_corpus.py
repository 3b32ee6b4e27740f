"""Writes the decoder test corpus (every supported encoding plus every malformed
case of the test suite) into a folder, for the sanitizer run and as the fuzzer's
seed corpus: ``python -m tests.write_corpus DIR``."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.test_decoders import LIBSNDFILE_ENCODINGS, NATIVE_ENCODINGS, mixed_signal
from tests.metadata_files import write_corpus_files
from tests.test_malformed_files import CASES


def write_corpus(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for fmt, subtype, endian, *_ in NATIVE_ENCODINGS:
        for channels in (1, 2):
            path = folder / f"ok-{fmt}-{subtype}-{endian}-{channels}ch.bin".lower()
            sf.write(str(path), mixed_signal(channels, 2000), 48000, format=fmt, subtype=subtype, endian=endian)
            count += 1
    for fmt, subtype, _ in LIBSNDFILE_ENCODINGS:
        path = folder / f"ok-{fmt}-{subtype}.bin".lower()
        sf.write(str(path), mixed_signal(1, 4800), 48000, format=fmt, subtype=subtype)
        count += 1
    for index, (content, _, _) in enumerate(CASES.values()):
        (folder / f"bad-{index:02d}.bin").write_bytes(content)
        count += 1
    # Truncations of a valid WAV and AIFF at every header byte and a few data bytes.
    for name in ("ok-wav-pcm_24-file-2ch.bin", "ok-aiff-pcm_16-file-2ch.bin"):
        whole = (folder / name).read_bytes()
        for cut in [*range(0, 120, 3), len(whole) // 2, len(whole) - 1]:
            (folder / f"cut-{cut:05d}-{name}").write_bytes(whole[:cut])
            count += 1
    count += write_corpus_files(folder)
    np.random.default_rng(1).integers(0, 256, 1 << 16, dtype=np.uint8).tofile(folder / "noise.bin")
    return count + 1


if __name__ == "__main__":
    print(f"wrote {write_corpus(Path(sys.argv[1]))} files to {sys.argv[1]}")
