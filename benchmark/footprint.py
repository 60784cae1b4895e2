"""One bot served for the bench: scripts/run.sh started by the tests' own harness (tests/support/processes.py
RunScript, exactly as `make run` starts it), with the peak memory of its Rasa server and action server sampled."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

from tests.support.processes import RunScript, ServerError


def _children(pid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found


def _descendants(pid: int) -> List[int]:
    result, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        result += kids
        todo += kids
    return result


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Served:
    """One bot served by scripts/run.sh on free ports with a fresh tracker database in ``workdir``."""

    def __init__(self, model: Path, workdir: Path, env_extra: Optional[Dict[str, str]] = None):
        name = model.stem.split(".")[0]
        self.run = RunScript(
            workdir,
            tracker_db=workdir / f"tracker-{name}-{uuid.uuid4().hex[:8]}.db",
            extra_env=env_extra,
            model=model,
            name=f"run-{name}",
        )
        self.url, self.webhook, self.log_path = self.run.url, self.run.webhook, self.run.log_path
        self.peak_kb: Dict[str, int] = {"rasa": 0, "actions": 0}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def start(self, limit: float = 300) -> float:
        """Start run.sh; seconds from start until /status reports a loaded model."""
        self._sampler.start()
        try:
            self.run.start(timeout=limit)
        except ServerError as error:
            raise RuntimeError(f"the assistant did not start: {error}") from error
        return self.run.ready_seconds or 0.0

    def roles(self) -> Dict[str, List[int]]:
        """pids of the Rasa server and of the action server (with their children, e.g. Sanic workers)."""
        roles: Dict[str, List[int]] = {"rasa": [], "actions": []}
        if self.run.process is None:
            return roles
        for pid in _descendants(self.run.process.pid):
            line = _cmdline(pid)
            if " run" not in line or not ("rasa" in line or "assistant.serve" in line):
                continue
            roles["actions" if "run actions" in line else "rasa"].append(pid)
        return roles

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.record_peaks()

    def record_peaks(self) -> None:
        for role, pids in self.roles().items():
            # VmHWM: the peak resident set size the kernel saw; summed over a role's processes (workers).
            total = sum(max(_status_kb(pid, "VmHWM"), _status_kb(pid, "VmRSS")) for pid in pids)
            self.peak_kb[role] = max(self.peak_kb[role], total)

    def say(self, text: str) -> float:
        """Milliseconds for one REST message from a new visitor (RunScript.say: at most 60 s)."""
        started = time.perf_counter()
        replies = self.run.say(f"bench-{uuid.uuid4().hex[:12]}", text)
        elapsed = 1000 * (time.perf_counter() - started)
        if not replies:
            raise RuntimeError(f"no reply to {text!r}")
        return elapsed

    def stop(self) -> None:
        self.record_peaks()
        self._stop.set()
        self.run.stop()
