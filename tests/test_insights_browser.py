"""The insights report (`make report`) in headless Chromium: it renders offline, every plot loads, nothing is
fetched from anywhere; and its screenshot, docs/insights_report.png for the README.

The store is seeded straight through the events table with made-up conversations (benchmark/insights.py, as the
bench does), so the picture holds no visitor's text. INSIGHTS_DOCS_SCREENSHOT=1 also refreshes docs/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.insights import seed
from tests.support.paths import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# playwright-core of web/node_modules (npm ci), Debian's chromium, as tests/browser/widget.spec.mjs.
SCRIPT = r"""
const path = require("node:path");
const { chromium } = require(path.join(process.env.ROOT, "web", "node_modules", "playwright-core"));
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1800 }, deviceScaleFactor: 1 });
  const requests = [];
  page.on("request", (request) => requests.push(request.url().slice(0, 40)));
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto("file://" + process.env.REPORT, { waitUntil: "load" });
  const result = await page.evaluate(() => ({
    title: document.title,
    heading: document.querySelector("h1").textContent,
    plots: [...document.querySelectorAll("img.plot")].map((img) => ({
      complete: img.complete, width: img.naturalWidth, height: img.naturalHeight })),
    tables: document.querySelectorAll("table").length,
    scripts: document.querySelectorAll("script").length,
  }));
  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: false });
  await browser.close();
  console.log(JSON.stringify({ ...result, requests, errors }));
})().catch((error) => { console.error(error); process.exit(1); });
"""


def test_the_report_renders_offline_in_chromium_with_every_plot(tmp_path):
    node = shutil.which("node")
    if not node or not os.access(CHROMIUM, os.X_OK) or not (ROOT / "web" / "node_modules" / "playwright-core").is_dir():
        pytest.fail("node, chromium or web/node_modules/playwright-core is missing: run `make setup`")
    db = tmp_path / "conversations.db"
    seed(f"sqlite:///{db}", conversations=900, days=29)
    out = tmp_path / "report"
    made = subprocess.run(
        [sys.executable, "-m", "insights", "report", "--db", f"sqlite:///{db}", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    artifacts = Path(os.environ.get("BROWSER_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    screenshot = artifacts / "insights_report.png"
    env = dict(
        os.environ, ROOT=str(ROOT), CHROMIUM=CHROMIUM, REPORT=str(out / "report.html"), SCREENSHOT=str(screenshot)
    )
    result = subprocess.run([node, "-e", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page["heading"] == "What visitors asked" and page["title"].startswith("Insights ")
    assert len(page["plots"]) == 6
    assert all(plot["complete"] and plot["width"] > 300 and plot["height"] > 100 for plot in page["plots"]), page
    assert page["tables"] >= 8 and page["scripts"] == 0 and page["errors"] == []
    assert all(url.startswith(("file://", "data:")) for url in page["requests"]), page["requests"]  # offline
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("INSIGHTS_DOCS_SCREENSHOT"):
        shutil.copy(screenshot, ROOT / "docs" / "insights_report.png")
