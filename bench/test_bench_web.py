"""The web app at scale: `samplemind serve` on loopback over an index of N samples (hard
links to a few real WAV files under pack folders), driven by headless Chromium.

Figures (printed with -s), against the targets for 100,000 samples:
- the first page of the library: GET /samples (p50, p95 over 20) < 300 ms, and the page
  from navigation to its first rows;
- search as you type: GET /samples?q= for each prefix of a few words (p95 < 100 ms),
  and in the page from a keystroke to the narrowed rows (less the 150 ms debounce);
- audition: from a row's click to the audio element's "playing" event, over 10 rows
  once the page has loaded (its map drawn) (< 50 ms);
- memory while scrolling the whole table: the JS heap after a GC and the rows in the
  document, before and after (flat).

Run: python -m pytest bench/test_bench_web.py --benchmark-only -s
Size: SAMPLEMIND_BENCH_SAMPLES (default 100,000; 2,000 when benchmarks are disabled).
Needs Debian's chromium and chromium-driver (.ci/run installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import samplemind
from samplemind import SimilarityIndex

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("needs chromium and chromium-driver", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

KINDS = ("kick", "snare", "hat", "clap", "tom", "pad", "bass", "vox")
WORDS = ("kick", "dusty snare", "vox")


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    disabled = request.config.getoption("benchmark_disable")
    n = int(os.environ.get("SAMPLEMIND_BENCH_SAMPLES", "2000" if disabled else "100000"))
    root = tmp_path_factory.mktemp("web-bench")
    sources = []
    for i, kind in enumerate(KINDS):  # a few real files: analysed once, linked many times
        t = np.arange(int(0.5 * 44100)) / 44100
        path = root / f"{kind}.wav"
        sf.write(str(path), (0.5 * np.sin(2 * np.pi * (60 + 90 * i) * t) * np.exp(-6 * t)).astype(np.float32), 44100)
        sources.append((kind, path, samplemind.analyze(path)))
    rows = []
    rng = np.random.default_rng(0)
    for i in range(n):
        kind, source, analysis = sources[i % len(sources)]
        link = root / "library" / f"Pack {i // 1000:03d}" / kind / f"{rng.choice(['dusty', 'tight', 'dark'])}_{kind}_{i:06d}.wav"
        link.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, link)
        vector = np.asarray(analysis.embedding, np.float32) + rng.normal(0, 0.05, len(analysis.embedding)).astype(np.float32)
        descriptors = {"duration_s": analysis.duration_s, "tempo_bpm": float(rng.uniform(70, 180)) if i % 4 == 0 else None,
                       "key": None, "is_loop": i % 4 == 0, "pitch_hz": analysis.pitch_hz, "pitch_note": analysis.pitch_note,
                       "loudness_lufs": analysis.loudness_lufs, "category": analysis.category,
                       "category_family": analysis.category_family, "centroid_hz_mean": analysis.centroid_hz.mean}
        rows.append((str(link), samplemind.EMBEDDING_VERSION, vector.tobytes(), json.dumps(descriptors), time.time()))
    data = root / "data"
    SimilarityIndex(data).close()
    with sqlite3.connect(data / "samplemind.sqlite3") as db:
        db.executemany("INSERT INTO samples (path, embedding_version, embedding, descriptors, added_at) "
                       "VALUES (?, ?, ?, ?, ?)", rows)
    SimilarityIndex(data).close()  # words, columns and the graph, before the server starts
    process = subprocess.Popen([sys.executable, "-m", "samplemind", "serve", "--port", "0", "--data-dir", str(data)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().split()[2]
    print(f"\n{n:,} samples served at {url}")
    yield url
    process.terminate()
    process.wait(timeout=60)
    process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900", "--mute-audio",
                     "--autoplay-policy=no-user-gesture-required", "--js-flags=--expose-gc",
                     "--enable-precise-memory-info"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def milliseconds(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def percentiles(values: list[float]) -> str:
    return f"p50 {np.percentile(values, 50):.1f} ms, p95 {np.percentile(values, 95):.1f} ms"


@pytest.mark.benchmark(group="web")
def test_api_first_page_and_search_as_you_type(benchmark, server: str) -> None:  # type: ignore[no-untyped-def]
    first = [milliseconds(f"{server}/samples?sort=path&offset=0&limit=200") for _ in range(20)]
    print(f"\nfirst page (200 rows): {percentiles(first)}")
    typed = [milliseconds(f"{server}/samples?q={urllib.request.quote(word[:end])}&sort=path&limit=200")
             for word in WORDS for end in range(1, len(word) + 1)]
    print(f"search as you type ({len(typed)} prefixes): {percentiles(typed)}")
    benchmark(milliseconds, f"{server}/samples?q=kick&limit=200")


@pytest.mark.benchmark(group="web")
def test_page_load_search_audition_and_scrolling(benchmark, server: str, browser: Any) -> None:  # type: ignore[no-untyped-def]
    wait = WebDriverWait(browser, 60)
    browser.get(server)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".row .name"))
    shown = browser.execute_script("return performance.now()")
    print(f"\npage: first rows {shown:.0f} ms after navigation started")

    narrowed = [browser.execute_async_script("""
        const done = arguments[arguments.length - 1], word = arguments[0];
        const search = document.getElementById('search'), count = document.getElementById('count');
        count.textContent = '';
        const started = performance.now();
        new MutationObserver((_, observer) => {
          if (count.textContent) { observer.disconnect(); done(performance.now() - started - 150); }
        }).observe(count, {childList: true, characterData: true, subtree: true});
        search.value = word;
        search.dispatchEvent(new Event('input'));""", word) for word in ("kick", "dusty snare", "vox", "kick")]
    print(f"search in the page, typed to rows shown, less the 150 ms debounce: {percentiles(narrowed)}")
    search = browser.find_element(By.ID, "search")

    # Auditions once the page has loaded: its map drawn (by a worker, from a map the server
    # prepares at start, about 2 s of its I/O threads at 100,000 samples).
    wait.until(lambda d: d.execute_script("""
        const c = document.getElementById('map'), data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true; return false;"""))
    print(f"page: map drawn {browser.execute_script('return performance.now()'):.0f} ms after navigation started")
    audition = browser.execute_async_script("""
        const done = arguments[arguments.length - 1], player = document.getElementById('player');
        const rows = document.querySelectorAll('.row .name'), times = [];
        let i = 0;
        function next() {
          if (i === 10) return done(times);
          const started = performance.now();
          player.addEventListener('playing', () => { times.push(performance.now() - started); setTimeout(next, 200); },
                                  {once: true});
          rows[1 + i++].click();
        }
        next();""")
    print(f"audition, click to playing: {percentiles(audition)}")

    search.clear()
    search.send_keys(" ")
    wait.until(lambda d: d.find_element(By.ID, "count").text.replace(",", "").split()[0].isdigit())
    memory = browser.execute_async_script("""
        const done = arguments[arguments.length - 1], rows = document.getElementById('rows');
        const heap = () => { window.gc(); return performance.memory.usedJSHeapSize / 1048576; };
        const before = [heap(), rows.querySelectorAll('.row').length];
        let top = 0;
        function step() {
          top += rows.clientHeight * 20;
          rows.scrollTop = top;
          if (top < rows.scrollHeight) return setTimeout(step, 30);
          setTimeout(() => done([...before, heap(), rows.querySelectorAll('.row').length, rows.scrollHeight]), 500);
        }
        step();""")
    print(f"scrolling the whole table: JS heap {memory[0]:.1f} MB -> {memory[2]:.1f} MB, rows in the document "
          f"{memory[1]} -> {memory[3]} (table {memory[4] / 34:,.0f} rows tall)")
    benchmark(lambda: None)
