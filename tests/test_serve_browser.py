"""The scenario builder in a real browser: Playwright driving Debian's headless Chromium (installed by
`.ci/report_check.sh`; skipped where it is missing), against a real server on loopback."""
from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import urllib.request

import pytest
from typer.testing import CliRunner

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")


TOKEN = "a-long-test-token"


def _serve(service, token=None):
    """A real uvicorn server on a free loopback port, in a thread; yields its address."""
    import uvicorn

    from boxoffice.serve.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    live = uvicorn.Server(uvicorn.Config(create_app(service, token), host="127.0.0.1", port=port,
                                         log_level="warning"))
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    for _ in range(200):
        if live.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def service(forecaster, film_table):
    from boxoffice.serve.service import Service

    return Service(forecaster, film_table)


@pytest.fixture(scope="module")
def server(service):
    yield from _serve(service)


@pytest.fixture(scope="module")
def guarded(service):
    yield from _serve(service, TOKEN)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _post(url, body):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def _p50(page) -> float:
    return float(page.get_attribute("#ww-p50", "data-value"))


def _settled(page, before=None):
    """Wait for the forecast to change from ``before`` (or to exist) and the page to be idle."""
    page.wait_for_function("(b) => { const v = document.getElementById('ww-p50').dataset.value;"
                           " return v !== undefined && v !== b; }", arg=None if before is None else str(before),
                           timeout=30000)
    page.wait_for_load_state("networkidle")


def test_a_person_describes_a_film_keeps_a_variant_and_exports_it(server, browser, model_home, tmp_path):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("request", lambda r: failed.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=60000)
    first = _p50(page)

    page.check("input[value='Thriller']")
    page.fill("#f-release_date", "2027-07-16")
    page.fill("#f-cast", "Tom Cruise")
    page.fill("#f-title", "Heist")
    _settled(page, first)
    page.wait_for_timeout(600)  # the debounce after the last keystroke
    page.wait_for_load_state("networkidle")
    film = {"genres": ["Action", "Thriller"], "budget": "150m", "release_date": "2027-07-16", "cast": "Tom Cruise",
            "title": "Heist"}
    api = _post(server + "/api/forecast", film)
    assert _p50(page) == api["worldwide_p50"]  # the page shows the API's number
    assert page.inner_text("#risk") == f"{round(api['break_even_prob'] * 100)}%"

    page.click("#make-base")
    base = _p50(page)
    page.fill("#f-budget", "60m")
    _settled(page, base)
    assert _p50(page) < base  # a smaller budget, a smaller median

    page.fill("#variant-name", "leaner")
    page.click("#keep")
    page.wait_for_selector("#variants tr[data-scenario='leaner']", timeout=30000)
    shown = float(page.get_attribute("#variants tr[data-scenario='leaner']", "data-p50"))

    page.click("#yaml-box summary")
    with page.expect_download() as download:
        page.click("#export")
    scenario = tmp_path / "scenario.yaml"
    download.value.save_as(scenario)
    from boxoffice_cli.main import app

    result = CliRunner().invoke(app, ["compare", str(scenario), "--json", "--home", str(model_home.home)])
    assert result.exit_code == 0, result.output
    rows = {row["scenario"]: row for row in json.loads(result.stdout)}
    assert rows["leaner"]["worldwide_p50"] == shown and rows["leaner"]["budget_usd"] == 60e6
    assert rows["base"]["title"] == "Heist" and rows["leaner"]["changes"] == "budget=$60M"

    link = page.url  # the state lives in the URL: a link reopens the same scenario
    again = browser.new_page(viewport={"width": 1366, "height": 900})
    again.goto(link)
    again.wait_for_selector("#variants tr[data-scenario='leaner']", timeout=60000)
    assert again.input_value("#f-budget") == "60m" and again.is_checked("input[value='Thriller']")
    again.close()

    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    assert not failed, failed  # no request to any other host, none failed
    page.close()


def test_the_page_works_from_the_keyboard_alone(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=60000)
    before = _p50(page)
    for _ in range(80):  # Tab through the page to the budget, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-budget":
            break
    assert page.evaluate("document.activeElement.id") == "f-budget"
    page.keyboard.press("Control+A")
    page.keyboard.type("40m")
    _settled(page, before)
    assert _p50(page) < before
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "variant-name":
            break
    page.keyboard.type("small")
    page.keyboard.press("Enter")
    page.wait_for_selector("#variants tr[data-scenario='small']", timeout=30000)
    page.keyboard.press("Tab")  # on to the buttons: every control is reachable and shows its focus
    assert page.evaluate("getComputedStyle(document.activeElement, ':focus-visible').outlineStyle") != "none"
    page.close()


def test_with_a_token_the_page_asks_for_it_and_a_link_carries_it_once(guarded, browser):
    page = browser.new_page()
    page.goto(guarded + "/")
    page.wait_for_selector("#token-box:not([hidden])", timeout=30000)  # no token yet: the page asks
    page.fill("#token", TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready='1']", timeout=60000)
    assert _p50(page) > 0
    page.close()
    page = browser.new_page()
    page.goto(f"{guarded}/#token={TOKEN}")  # the link `serve` prints
    page.wait_for_selector("body[data-ready='1']", timeout=60000)
    assert TOKEN not in page.url  # a link copied from the address bar does not give the token away
    page.close()
