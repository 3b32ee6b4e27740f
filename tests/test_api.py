"""The Python API: arguments, configuration checks, errors and the GIL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

import samplemind
from tests.conftest import SR, tone

INVALID = [
    ("sample_rate", 500.0),
    ("sample_rate", float("nan")),
    ("n_fft", 1000),
    ("n_fft", 8),
    ("hop_length", 0),
    ("hop_length", 4096),
    ("n_mels", 0),
    ("n_mfcc", 200),
    ("fmax", 20000.0),
    ("fmin", 11025.0),
    ("top_db", -1.0),
    ("rolloff_percent", 1.0),
    ("contrast_bands", 0),
    ("contrast_quantile", 0.0),
    ("silence_threshold_db", 3.0),
    ("max_duration_s", 0.0),
]


@pytest.mark.parametrize("field,value", INVALID)
def test_each_invalid_parameter_raises_value_error_naming_it(field: str, value: float) -> None:
    config = samplemind.AnalysisConfig(**{field: value})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=field):
        config.validate()
    with pytest.raises(ValueError, match=field):
        samplemind.analyze(tone(440, 0.1), sample_rate=SR, config=config)


def test_contrast_bands_above_nyquist_suggest_a_fix() -> None:
    with pytest.raises(ValueError, match="contrast_fmin.*lower either"):
        samplemind.AnalysisConfig(contrast_bands=8).validate()


def test_config_changes_results_and_fingerprint() -> None:
    default = samplemind.AnalysisConfig()
    small = samplemind.AnalysisConfig(n_fft=1024, hop_length=256, n_mels=64, n_mfcc=13)
    assert default.fingerprint() != small.fingerprint()
    result = samplemind.analyze(tone(440, 1.0), sample_rate=SR, config=small)
    assert result.n_frames == 1 + SR // 256 and len(result.mel_mean_db) == 64 and len(result.mfcc_mean) == 13


def test_array_arguments() -> None:
    with pytest.raises(ValueError, match="sample_rate is required"):
        samplemind.analyze(tone(440, 0.1))
    with pytest.raises(ValueError, match="no samples"):
        samplemind.analyze(np.zeros(0, np.float32), sample_rate=SR)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        samplemind.analyze(np.zeros((2, 2, 2), np.float32), sample_rate=SR)
    with pytest.raises(ValueError, match="dtype"):
        samplemind.analyze(np.zeros(10, np.complex64), sample_rate=SR)
    with pytest.raises(ValueError, match="sample_rate must be in"):
        samplemind.analyze(tone(440, 0.1), sample_rate=0)
    assert samplemind.analyze([0.0, 0.5, -0.5], sample_rate=SR).frames == 3  # any array-like


def test_path_arguments(tmp_path: object) -> None:
    with pytest.raises(ValueError, match="only for arrays"):
        samplemind.analyze("x.wav", sample_rate=SR)


def _count_until(stop: Callable[[], bool]) -> tuple[float, float]:
    """Counts until stop(): (ticks per second, the longest gap between two ticks in s)."""
    ticks, longest = 0, 0.0
    start = last = time.perf_counter()
    while not stop():
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
        ticks += 1
    return ticks / (time.perf_counter() - start), longest


def test_another_thread_runs_while_the_core_works() -> None:
    """The GIL is released during analysis: a Python thread keeps counting at a good share
    of the rate it counts alone, and is never held up for long."""
    audio = np.random.default_rng(0).standard_normal((SR * 120, 2)).astype(np.float32) * 0.1
    alone_until = time.perf_counter() + 0.3
    alone, _ = _count_until(lambda: time.perf_counter() > alone_until)
    done = threading.Event()

    def analyse() -> None:
        samplemind.analyze(audio, sample_rate=44100)
        done.set()

    worker = threading.Thread(target=analyse)
    worker.start()
    beside, longest = _count_until(done.is_set)
    worker.join()
    # With the GIL held for most of the analysis, the rate falls under a tenth and the
    # longest gap is that hold; the core's threads share the cores, hence the margin.
    assert beside > 0.25 * alone, (beside, alone)
    assert longest < 0.2, longest
