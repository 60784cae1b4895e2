"""One bot served for the bench: scripts/run.sh started by the tests' own harness (tests/support/processes.py
RunScript, exactly as `make run` starts it), with the peak memory of each of its processes sampled: the Rasa
workers (one, or WORKERS of them behind the gateway), the gateway and the action server."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

from tests.support.processes import RunScript, ServerError

ROLES = ("rasa", "gateway", "actions")


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


def _argv(pid: int) -> List[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def role_of(argv: Sequence[str]) -> Optional[str]:
    """Which process of the assistant a command line is: "rasa" (a Rasa server or worker), "gateway", "actions".

    `python -m gateway ...` is the gateway (not `-m gateway.ports`, run.sh's short-lived port finder);
    `python -m assistant.serve run actions ...` (or `rasa run actions`) the action server; any other
    `... run ...` of assistant.serve or rasa a Rasa server. Everything else (bash, curl, helpers): None.
    """
    module = argv[argv.index("-m") + 1] if "-m" in argv[:-1] else None
    if module == "gateway":
        return "gateway"
    rasa = module == "assistant.serve" or any(Path(part).name == "rasa" for part in argv[:2])
    if not rasa or "run" not in argv:
        return None
    after = argv[argv.index("run") + 1 :]
    return "actions" if after[:1] == ["actions"] else "rasa"


def port_of(argv: Sequence[str]) -> Optional[int]:
    """The ``--port`` of a command line, None without one."""
    for flag, value in zip(argv, argv[1:]):
        if flag == "--port" and value.isdigit():
            return int(value)
    return None


@dataclass
class Peak:
    """The peak RSS seen of one process of the assistant."""

    role: str
    port: Optional[int]
    kb: int = 0


class Served:
    """One bot served by scripts/run.sh on free ports with a fresh tracker database in ``workdir``.

    ``env_extra`` adds settings (e.g. WORKERS=1); ``unset`` names variables of this environment that run.sh must
    not see (e.g. WORKERS, so that run.sh picks its default).
    """

    def __init__(
        self, model: Path, workdir: Path, env_extra: Optional[Dict[str, str]] = None, unset: Sequence[str] = ()
    ):
        name = model.stem.split(".")[0]
        self.run = RunScript(
            workdir,
            tracker_db=workdir / f"tracker-{name}-{uuid.uuid4().hex[:8]}.db",
            extra_env=env_extra,
            model=model,
            name=f"run-{name}",
        )
        for variable in unset:
            self.run.env.pop(variable, None)
        self.url, self.webhook, self.log_path = self.run.url, self.run.webhook, self.run.log_path
        # Peak RSS (VmHWM, kB) of every process seen, by pid, with its role and port.
        self.peaks: Dict[int, Peak] = {}
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

    def processes(self) -> Dict[int, List[str]]:
        """The command lines of run.sh's descendants, by pid."""
        if self.run.process is None:
            return {}
        return {pid: _argv(pid) for pid in _descendants(self.run.process.pid)}

    def roles(self) -> Dict[str, List[int]]:
        """pids of the Rasa servers (workers), of the gateway and of the action server, in order of start."""
        roles: Dict[str, List[int]] = {role: [] for role in ROLES}
        for pid, argv in sorted(self.processes().items()):
            role = role_of(argv)
            if role is not None:
                roles[role].append(pid)
        return roles

    def worker_urls(self) -> List[str]:
        """Each Rasa worker's own address (its loopback port; with one worker, the public port)."""
        ports = [port_of(argv) for pid, argv in sorted(self.processes().items()) if role_of(argv) == "rasa"]
        return [f"http://127.0.0.1:{port}" for port in ports if port is not None]

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.record_peaks()

    def record_peaks(self) -> None:
        for pid, argv in self.processes().items():
            role = role_of(argv)
            if role is None:
                continue
            # VmHWM: the peak resident set size the kernel saw for this process.
            kb = max(_status_kb(pid, "VmHWM"), _status_kb(pid, "VmRSS"))
            peak = self.peaks.setdefault(pid, Peak(role, port_of(argv)))
            peak.kb = max(peak.kb, kb)

    @property
    def peak_kb(self) -> Dict[str, int]:
        """Peak RSS by role, summed over the role's processes (e.g. all Rasa workers)."""
        totals = {role: 0 for role in ROLES}
        for peak in list(self.peaks.values()):
            totals[peak.role] += peak.kb
        return totals

    def peak_mb_per_process(self) -> Dict[str, List[float]]:
        """Peak RSS in MB of each process, by role, in order of start (pid)."""
        result: Dict[str, List[float]] = {role: [] for role in ROLES}
        for _, peak in sorted(self.peaks.items()):
            result[peak.role].append(round(peak.kb / 1024, 1))
        return result

    def say(self, text: str) -> float:
        """Milliseconds for one REST message from a new visitor (RunScript.say: at most 60 s)."""
        started = time.perf_counter()
        replies = self.run.say(f"bench-{uuid.uuid4().hex[:12]}", text)
        elapsed = 1000 * (time.perf_counter() - started)
        if not replies:
            raise RuntimeError(f"no reply to {text!r}")
        return elapsed

    def warm_workers(self, texts: Sequence[str]) -> int:
        """Send ``texts`` to every Rasa worker directly (its own port), so none answers its first message cold
        under load; the gateway would spread a few warm-up messages by sender, not by worker. Returns the number
        of workers."""
        urls = self.worker_urls()
        for url in urls:
            for text in texts:
                response = requests.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": f"bench-warm-{uuid.uuid4().hex[:12]}", "message": text},
                    timeout=60,
                )
                response.raise_for_status()
        return len(urls)

    def stop(self) -> None:
        self._stop.set()
        if self._sampler.is_alive():
            self._sampler.join(timeout=10)
        self.record_peaks()  # the last look, while every process still runs
        self.run.stop()
