"""py-spy profiles of the Rasa server under load, and where its busy time goes (by source file in the stack)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional

from tests.support.paths import ROOT


def py_spy_record(pid: int, seconds: float, path: Path, rate: int = 100) -> Optional[Path]:
    """Start py-spy on the Rasa server in the background; returns the output path or None without py-spy."""
    binary = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    if not Path(binary).exists():
        print("    (py-spy not installed: pip install py-spy; no profile)")
        return None
    subprocess.Popen(
        [
            binary,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(path),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return path


IDLE_LEAVES = ("serve (sanic/", "select (selectors.py", "_run_once (asyncio/base_events.py", "poll (selectors.py")


def _busy_stacks(raw: Path):
    """(frames, count) of the samples in which the server was doing something (the idle event loop left out)."""
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames[-1].startswith(IDLE_LEAVES):
            continue
        yield frames, int(count)


def top_frames(raw: Path, limit: int = 15) -> List[Dict[str, Any]]:
    """Self and inclusive share of the hottest functions in a py-spy raw (collapsed stacks) file, busy samples."""
    own: Dict[str, int] = {}
    inclusive: Dict[str, int] = {}
    total = 0
    for frames, n in _busy_stacks(raw):
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    hottest = sorted(own.items(), key=lambda kv: -kv[1])[:limit]
    return (
        [
            {
                "frame": frame,
                "self_pct": round(100 * n / total, 1),
                "inclusive_pct": round(100 * inclusive[frame] / total, 1),
            }
            for frame, n in hottest
        ]
        if total
        else []
    )


def inclusive_share(raw: Path, needles: Dict[str, str]) -> Dict[str, Any]:
    """Share of the busy samples whose stack contains each needle, and the busy time itself."""
    total, hits = 0, {title: 0 for title in needles}
    for frames, n in _busy_stacks(raw):
        total += n
        stack = ";".join(frames)
        for title, needle in needles.items():
            if needle in stack:
                hits[title] += n
    shares = {title: round(100 * n / total, 1) if total else 0.0 for title, n in hits.items()}
    return {"busy_samples": total, "shares_pct": shares}


# What a busy sample of the Rasa server is doing, by the source file in its stack.
PROFILE_NEEDLES = {
    "tracker store (SQLAlchemy/SQLite)": "sqlalchemy/",
    "  of which commit (fsync)": "do_commit",
    "lock store": "lock_store.py",
    "NLU: parse_message": "parse_message",
    "  TensorFlow": "tensorflow/",
    "  DIETClassifier": "diet_classifier.py",
    "  ResponseSelector": "response_selector.py",
    "  spaCy": "spacy/",
    "  featurizers": "featurizers/",
    "  our components (TextGuard, TopicGate, SafetyNet)": "assistant/components.py",
    "policies (all, per action prediction)": "_predict_next_with_tracker",
    "  TEDPolicy": "ted_policy.py",
    "  RulePolicy": "rule_policy.py",
    "  our SafetyNetPolicy": "assistant/policy.py",
    "custom actions: HTTP call to the action server": "rasa/utils/endpoints.py",
    "custom actions: jsonschema check of the reply": "_validate_action_result",
}
