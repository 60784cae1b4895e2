"""The assistant's processes, started as `make run` starts them, on free ports: scripts/run.sh (RunScript),
`rasa run` with an endpoints file of the caller's choosing (RasaServer) and the action server (ActionServer).

Used by the tests and by `make bench` (benchmark/), so both measure and check the same thing. Nothing here
imports pytest: a server that does not start raises ServerError with the end of its log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import requests

from tests.support.paths import MODEL, ROOT, SERVE

# What scripts/run.sh exports too: quiet TensorFlow and SQLAlchemy.
SERVER_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}


class ServerError(RuntimeError):
    """A server stopped while starting or did not start in time (the message ends with its log)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _model_loaded(response: requests.Response) -> bool:
    """Rasa's /status names the model file once the model is loaded."""
    try:
        return response.ok and bool(response.json().get("model_file"))
    except ValueError:
        return False


def wait_for_http(
    url: str,
    process: subprocess.Popen,
    log_path: Path,
    timeout: float,
    what: str,
    ready: Callable[[requests.Response], bool] = lambda response: response.ok,
) -> None:
    """Poll ``url`` until ``ready`` says yes; ServerError when the process stops or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"{what} stopped while starting (exit {process.returncode}):\n{_tail(log_path)}")
        try:
            if ready(requests.get(url, timeout=2)):
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise ServerError(f"{what} did not start within {timeout:.0f} s:\n{_tail(log_path)}")


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:] if log_path.exists() else "(no log)"


def stop_process_group(process: Optional[subprocess.Popen], timeout: float = 60, sig: int = signal.SIGTERM) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it started; SIGKILL after ``timeout``."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _require_model(model: Path) -> None:
    if not model.exists():
        raise ServerError(f"{model} is missing: run `make train` first")


class Assistant:
    """The assistant served by scripts/run.sh, talked to over the REST channel and the HTTP API.

    Requests wait long (60 s) so that a server that hangs fails the caller instead of hanging it.
    """

    def __init__(self, port: int, token: str):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        self.token = token

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(self.webhook, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def new_sender() -> str:
        return f"test-{uuid.uuid4().hex[:12]}"


class RunScript(Assistant):
    """scripts/run.sh, started exactly as `make run` starts it, on free ports, its logs in ``workdir``.

    A second RunScript on the same ``tracker_db`` is the same assistant restarted. ``model`` serves another
    trained model (run.sh's MODEL); ``extra_env`` adds settings (e.g. ENDPOINTS, SANIC_WORKERS).
    """

    def __init__(
        self,
        workdir: Path,
        tracker_db: Optional[Path] = None,
        extra_env: Optional[Dict[str, str]] = None,
        model: Optional[Path] = None,
        name: str = "run",
    ):
        super().__init__(free_port(), uuid.uuid4().hex)
        self.action_port = free_port()
        self.model = model or MODEL
        self.log_path = workdir / f"{name}-{self.port}.log"
        self.env = {
            **os.environ,
            **SERVER_ENV,
            "RASA_PORT": str(self.port),
            "ACTION_PORT": str(self.action_port),
            "RASA_AUTH_TOKEN": self.token,
            "TRACKER_DB": str(tracker_db or workdir / "conversations.db"),
            "MODEL": str(self.model),
            # The action server's log (run.sh's default is logs/actions.log in the repo).
            "ACTIONS_LOG": str(workdir / f"actions-{self.port}.log"),
            **(extra_env or {}),  # the caller's settings win
        }
        self.process: Optional[subprocess.Popen] = None
        self.ready_seconds: Optional[float] = None

    def start(self, timeout: float = 240) -> RunScript:
        """Start run.sh and wait until the model is loaded (``ready_seconds``: how long that took)."""
        _require_model(self.model)
        started = time.perf_counter()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / "run.sh")],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_http(
                f"{self.url}/status?token={self.token}",
                self.process,
                self.log_path,
                timeout,
                "scripts/run.sh",
                ready=_model_loaded,
            )
        except BaseException:
            self.stop()
            raise
        self.ready_seconds = time.perf_counter() - started
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the whole process group (SIGINT: as Ctrl-C in the terminal does)."""
        stop_process_group(self.process, sig=sig)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def served_by_run_sh(workdir: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[RunScript]:
    """The assistant served by scripts/run.sh for the duration of the block."""
    served = RunScript(workdir, extra_env=extra_env).start()
    try:
        yield served
    finally:
        served.stop()


class ActionServer:
    """`rasa run actions` as scripts/run.sh starts it, on a free port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.log_path = workdir / f"actions-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> ActionServer:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*SERVE, "run", "actions", "--actions", "actions", "--port", str(self.port)],
                cwd=ROOT,
                env=dict(os.environ, **SERVER_ENV),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_http(f"http://127.0.0.1:{self.port}/health", self.process, self.log_path, 90, "the action server")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        stop_process_group(self.process)


class RasaServer(Assistant):
    """`rasa run` (through assistant/serve.py) with an endpoints file of the caller's choosing (REST + HTTP API)."""

    def __init__(self, workdir: Path, endpoints: Path, env: Optional[Dict[str, str]] = None, name: str = "rasa"):
        super().__init__(free_port(), uuid.uuid4().hex)
        self.endpoints, self.name = endpoints, name
        self.env = {**os.environ, **SERVER_ENV, "RASA_AUTH_TOKEN": self.token, **(env or {})}
        self.log_path = workdir / f"{name}-{self.port}.log"
        self.credentials = workdir / "credentials.yml"
        # Rasa's own REST channel, not the project's channels.rest.RestInput: these servers test storage, locks and
        # outages, and tests/test_scale_out.py tags each message with caller metadata to check the stored order,
        # which the project's channel deliberately does not store. The project's channel is tested through
        # scripts/run.sh (RunScript: tests/test_served_assistant.py, tests/test_bad_input.py).
        self.credentials.write_text("rest:\n")
        self.process: Optional[subprocess.Popen] = None

    def command(self) -> List[str]:
        return [
            *SERVE,
            "run",
            "--model",
            str(MODEL),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(self.credentials),
            "--port",
            str(self.port),
            "--enable-api",  # the token: RASA_AUTH_TOKEN in self.env (assistant/serve.py), never on a command line
        ]

    def launch(self) -> subprocess.Popen:
        _require_model(MODEL)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self.process

    def wait_ready(self, timeout: float = 240) -> RasaServer:
        wait_for_http(
            f"{self.url}/status?token={self.token}",
            self.process,
            self.log_path,
            timeout,
            self.name,
            ready=_model_loaded,
        )
        return self

    def start(self, timeout: float = 240) -> RasaServer:
        self.launch()
        return self.wait_ready(timeout)

    def stop(self) -> None:
        stop_process_group(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
