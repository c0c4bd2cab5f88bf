"""The planner's page in a real headless browser (Playwright driving Debian's chromium)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from tests.api.api_server_helper import start_server, stop_server
from tests.api.conftest import TOKENS, tiny_scenario

CHROMIUM = os.environ.get("COA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def test_page_draws_the_map_kpis_and_jobs(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
                    "(or set COA_CHROMIUM to a chromium binary)")
    from playwright.sync_api import expect, sync_playwright

    tokens = [t[1].model_dump(mode="json") for t in TOKENS.values()]
    proc, base = start_server(f"sqlite:///{tmp_path / 'page.db'}", tokens, tmp_path / "log.txt")
    planner = TOKENS["planner"][0]
    try:
        h = {"Authorization": f"Bearer {planner}"}
        job = httpx.post(f"{base}/v1/jobs", json=tiny_scenario(), headers=h, timeout=30).json()
        end = time.monotonic() + 60
        while httpx.get(f"{base}/v1/jobs/{job['id']}", headers=h).json()["status"] != "done":
            assert time.monotonic() < end
            time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text)
                    if "Content Security Policy" in m.text else None)
            page.goto(f"{base}/app")
            assert page.title() == "COA reception planner"
            page.fill("#token", planner)
            page.click("#use-token")
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            assert page.locator("#map path.muni").count() == 342
            assert page.locator("#map path.pace-ok, #map path.pace-behind, #map path.pace-far"
                                ).count() == 2, "Amsterdam and Utrecht have a weekly target"
            assert page.locator("#map circle.loc").count() > 50
            assert page.locator("#map circle.loc.unknown").count() < page.locator(
                "#map circle.loc").count(), "the plan's locations are coloured by the band"
            kpis = page.locator("#kpis").inner_text()
            assert "status" in kpis and "optimal" in kpis
            assert page.locator("#jobs tbody tr").count() == 1
            assert "done" in page.locator("#jobs").inner_text()
            page.screenshot(path=str(tmp_path / "planner_page.png"), full_page=True)
            # a supervisor sees the page for their province, without the job list
            page.evaluate("sessionStorage.clear()")
            page.fill("#token", TOKENS["sup27"][0])
            page.click("#use-token")
            expect(page.locator("#kpis")).to_contain_text("PV27", timeout=30_000)
            assert "planners" in page.locator("#jobs").inner_text()
            browser.close()
        assert not errors, errors  # CSP violations are console errors: none on the page
        assert (tmp_path / "planner_page.png").stat().st_size > 10_000
    finally:
        stop_server(proc)
