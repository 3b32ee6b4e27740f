"""The web app in a real headless Chromium (Debian's chromium and chromium-driver, driven
by selenium), against `samplemind serve --library` on a loopback port: the library
indexed at start, shown, narrowed by a search, auditioned (a 206 for the audio, the
element playing), "more like this", the map, and the token asked for and kept out of
every URL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samplemind._demo_pack import BROKEN_NAME, write_demo_pack

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):  # CI installs both (.ci/run): missing there is a failure
        raise RuntimeError("chromium and chromium-driver are needed for the web app tests")
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

TOKEN = "s3cret-web-token"


def start_server(data: Path, library: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "samplemind", "serve", "--port", "0", "--data-dir", str(data),
         "--library", str(library), *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("serving on "), line
    return process, line.split()[2]


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=30)
    assert process.stdout is not None
    process.stdout.close()


def wait_until_indexed(url: str, count: int, token: str | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"{url}/samples?limit=0", headers=headers)
        with urllib.request.urlopen(request) as response:
            if json.load(response)["total"] >= count:
                return
        time.sleep(0.2)
    raise AssertionError(f"the library was not indexed at start within 120 s ({count} files)")


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [p for p in write_demo_pack(tmp_path_factory.mktemp("web") / "pack") if p.name != BROKEN_NAME]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
                     "--autoplay-policy=no-user-gesture-required", "--mute-audio"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def served(pack: list[Path], tmp_path: Path) -> Iterator[str]:
    process, url = start_server(tmp_path / "data", pack[0].parent)
    try:
        wait_until_indexed(url, len(pack))
        yield url
    finally:
        stop(process)


def rows(driver: Any) -> list[str]:
    """The names in the table's rows, read in one go (the table re-renders as it scrolls)."""
    names: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('.row .name')].map(e => e.textContent)")
    return names


def played(driver: Any) -> bool:
    """The audio element played some of the sample (a one-shot may have ended already)."""
    return bool(driver.execute_script(
        "const p = document.getElementById('player'); return p.played.length > 0 && p.played.end(0) > 0"))


def responses(driver: Any) -> list[dict[str, Any]]:
    """The Network.responseReceived events Chromium logged since the last call."""
    events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    return [e["params"]["response"] for e in events if e["method"] == "Network.responseReceived"]


def test_browse_search_audition_similar_and_map(browser: Any, served: str, pack: list[Path]) -> None:
    wait = WebDriverWait(browser, 20)
    browser.get(served)
    wait.until(lambda d: len(rows(d)) == len(pack))
    assert sorted(rows(browser)) == sorted(p.name for p in pack)
    assert browser.find_element(By.ID, "count").text == f"{len(pack)} samples"

    search = browser.find_element(By.ID, "search")
    search.send_keys("kik")  # an abbreviation: the kicks
    wait.until(lambda d: sorted(rows(d)) == ["kick-deep.wav", "kick-long.aiff", "kick-punchy.wav"])

    responses(browser)  # only what the audition asks for from here
    browser.find_element(By.CSS_SELECTOR, ".row .name").click()
    wait.until(played)
    audio = [r for r in responses(browser) if "/audio" in r["url"]]
    assert audio and all(r["status"] == 206 for r in audio), [(r["url"], r["status"]) for r in audio]
    assert browser.execute_script("return document.getElementById('player').src").endswith(
        f"/samples/{browser.find_element(By.CSS_SELECTOR, '.row').get_attribute('data-sample-id')}/audio")

    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#similar-results li")) > 0)
    first = browser.find_element(By.CSS_SELECTOR, "#similar-results li")
    assert "%" in first.text and first.find_elements(By.CSS_SELECTOR, ".bars span")

    painted = """
        const c = document.getElementById('map'), data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0; for (let i = 3; i < data.length; i += 4) painted += data[i] > 0; return painted;"""
    wait.until(lambda d: d.execute_script(painted) > 20 * 5)  # a dot per sample, several pixels each (a worker draws them)
    # A click on a dot selects its sample: "more like this" names it (a dot apart from
    # the others, of a sample other than the one selected so far).
    with urllib.request.urlopen(f"{served}/map") as response:
        points = json.load(response)["points"]
    with urllib.request.urlopen(f"{served}/samples?limit=1000") as response:
        names = {r["sample_id"]: Path(r["path"]).name for r in json.load(response)["results"]}
    shown = browser.find_element(By.ID, "similar-name").text
    target = next(p for p in points if names[p["sample_id"]] != shown
                  and sum(abs(p["x"] - q["x"]) + abs(p["y"] - q["y"]) < 0.05 for q in points) == 1)
    target_name = names[target["sample_id"]]
    browser.execute_script("""
        const [x, y] = arguments, map = document.getElementById('map'), box = map.getBoundingClientRect();
        map.dispatchEvent(new MouseEvent('click', {
          clientX: box.left + (6 + x * (map.width - 12)) * box.width / map.width,
          clientY: box.top + (6 + y * (map.height - 12)) * box.height / map.height}));
        """, target["x"], target["y"])
    wait.until(lambda d: d.find_element(By.ID, "similar-name").text == target_name)
    if os.environ.get("SAMPLEMIND_SCREENSHOTS"):  # python/…/docs/web-app.png is made this way
        browser.save_screenshot(os.environ["SAMPLEMIND_SCREENSHOTS"])


def test_the_page_asks_for_the_token_and_keeps_it_out_of_urls(browser: Any, pack: list[Path],
                                                                tmp_path: Path) -> None:
    process, url = start_server(tmp_path / "data", pack[0].parent, "--token", TOKEN)
    try:
        wait_until_indexed(url, len(pack), TOKEN)
        browser.delete_all_cookies()
        browser.get(url)
        wait = WebDriverWait(browser, 20)
        dialog = wait.until(lambda d: d.find_element(By.ID, "token-dialog") if d.execute_script(
            "return document.getElementById('token-dialog').open") else None)
        dialog.find_element(By.ID, "token-input").send_keys(TOKEN)
        dialog.find_element(By.TAG_NAME, "button").click()
        wait.until(lambda d: len(rows(d)) == len(pack))
        responses(browser)
        browser.find_element(By.CSS_SELECTOR, ".row .name").click()
        wait.until(played)
        seen = responses(browser)
        assert any("/audio" in r["url"] and r["status"] == 206 for r in seen)  # the cookie let it in
        assert all(TOKEN not in r["url"] for r in seen)
        cookie = browser.get_cookie("samplemind_session")
        assert cookie is not None and cookie["httpOnly"] and TOKEN not in cookie["value"]
        with pytest.raises(urllib.error.HTTPError) as refused:  # and nothing is open without it
            urllib.request.urlopen(f"{url}/samples")
        assert refused.value.code == 401
        refused.value.close()
    finally:
        stop(process)
