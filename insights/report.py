"""`make report`: read the tracker store fresh, count, and write reports/insights/report.{html,json}.

Nothing in it names a conversation: the numbers are counts, and the only texts are visitors' questions (masked,
grouped) and the assistant's own button titles. The files are private like the store (mode 600).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from insights import period as periods
from insights.aggregate import DEFAULT_LOW_CONFIDENCE, Window, summarise
from insights.render import render
from insights.store import describe, read_conversations
from insights.turns import FormRun, Turn, all_turns

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "reports" / "insights"


def build(
    url: sa.engine.URL,
    now: Optional[float] = None,
    days: Optional[float] = None,
    since: Optional[str] = None,
    until: Optional[str] = None,
    retention: Optional[int] = None,
    low_confidence_below: float = DEFAULT_LOW_CONFIDENCE,
) -> Dict[str, Any]:
    """The report's numbers for the chosen period (raises PeriodError, StoreError)."""
    now = time.time() if now is None else now
    retention = periods.retention_days() if retention is None else retention
    window, recent, before = periods.choose(now, retention, days=days, since=since, until=until)
    started = time.perf_counter()
    turns, runs = read_turns(url, Window(min(window.start, before.start), window.end))
    report = summarise(turns, runs, window, recent, before, low_confidence_below)
    report.update(
        generated_at=dt.datetime.fromtimestamp(now, tz=dt.timezone.utc).isoformat(timespec="seconds"),
        retention_days=retention,
        source=describe(url),
        read_seconds=round(time.perf_counter() - started, 2),
    )
    return report


def read_turns(url: sa.engine.URL, window: Window) -> Tuple[List[Turn], List[FormRun]]:
    """The turns and questionnaire runs stored in ``window``, read fresh from the store."""
    return all_turns(read_conversations(url, window.start, window.end))


def _private_write(path: Path, text: str) -> None:
    old = os.umask(0o077)
    try:
        path.write_text(text, encoding="utf-8")
    finally:
        os.umask(old)


def write(report: Dict[str, Any], out: Path = DEFAULT_OUT) -> Dict[str, Path]:
    """report.json and report.html in ``out`` (replaced atomically: the served page never sees half a file)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "html": out / "report.html"}
    texts = {"json": json.dumps(report, indent=2, ensure_ascii=False) + "\n", "html": render(report)}
    for kind, path in paths.items():
        partial = path.with_suffix(path.suffix + ".partial")
        _private_write(partial, texts[kind])
        partial.replace(path)
    return paths
