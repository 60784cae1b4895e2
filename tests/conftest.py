"""Shared fixtures: project paths, the topic contract, rasa_sdk trackers, and the served assistant."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The topic contract and the article it refers to, kept in the repo (contract/README.md). The copy owned outside
# the project, ../shared, is compared with it by tests/test_topic_contract.py where it exists.
CONTRACT = ROOT / "contract"
SHARED = ROOT.parent / "shared"
MODEL = ROOT / "models" / "rugpijn.tar.gz"


@pytest.fixture(scope="session")
def topics() -> Dict[str, Dict[str, Any]]:
    """Topic ids from contract/topics.yml, by section (faq, safety, recommendations, conversation)."""
    return yaml.safe_load((CONTRACT / "topics.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def topic_ids(topics) -> List[str]:
    return [topic for section in topics.values() for topic in section]


def topic_of(name: str, topic_ids: List[str]) -> Optional[str]:
    """The topic id a response or action name carries, per the contract in topics.yml."""
    hits = [t for t in topic_ids if re.search(rf"(^|[_/.]){re.escape(t)}($|[_/.])", name)]
    return max(hits, key=len) if hits else None


def make_tracker(
    text: str = "",
    intent: str = "",
    confidence: float = 1.0,
    slots: Optional[dict] = None,
    events: Optional[list] = None,
    parse_data: Optional[dict] = None,
    active_loop: Optional[str] = None,
):
    """A rasa_sdk Tracker built inline, as the action server receives it."""
    from rasa_sdk import Tracker

    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    latest.update(parse_data or {})
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=None,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Assistant:
    """The assistant served by scripts/run.sh, talked to over the REST channel and the HTTP API."""

    def __init__(self, port: int, token: str):
        self.url = f"http://127.0.0.1:{port}"
        self.token = token

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
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
    """scripts/run.sh, started exactly as `make run` starts it, on free ports.

    A second RunScript on the same ``tracker_db`` is the same assistant restarted.
    """

    def __init__(self, workdir: Path, tracker_db: Optional[Path] = None, extra_env: Optional[Dict[str, str]] = None):
        port = _free_port()
        super().__init__(port, uuid.uuid4().hex)
        self.env = dict(
            os.environ,
            RASA_PORT=str(port),
            ACTION_PORT=str(_free_port()),
            RASA_AUTH_TOKEN=self.token,
            TRACKER_DB=str(tracker_db or workdir / "conversations.db"),
            **(extra_env or {}),
        )
        self.log_path = workdir / f"run-{port}.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 240) -> RunScript:
        if not MODEL.exists():
            pytest.fail(f"{MODEL} is missing: run `make train` first")
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
            _wait_for_http(
                f"{self.url}/status?token={self.token}", self.process, self.log_path, timeout, "scripts/run.sh"
            )
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the whole process group (SIGINT: as Ctrl-C in the terminal does)."""
        _stop(self.process, sig=sig)


@contextlib.contextmanager
def served_by_run_sh(workdir: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[RunScript]:
    """The assistant served by scripts/run.sh for the duration of the block."""
    served = RunScript(workdir, extra_env=extra_env).start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Iterator[Assistant]:
    """The assistant served as `make run` serves it, shared by the integration tests."""
    with served_by_run_sh(tmp_path_factory.mktemp("served")) as served:
        yield served


# ---- issue 6: real services (PostgreSQL, Redis, RabbitMQ), proxies and servers the tests own ------------------
# Tests that need a service call require_service(): without it they are skipped with a message saying what to
# start, except under CI=true, where they fail (CI must run them).

SERVICES = {
    "postgresql": (
        os.environ.get("TEST_POSTGRES_HOST", "127.0.0.1"),
        int(os.environ.get("TEST_POSTGRES_PORT", 5432)),
        "start PostgreSQL on that address with trust auth for user postgres (e.g. `sudo service postgresql start`)",
    ),
    "redis": (
        os.environ.get("TEST_REDIS_HOST", "127.0.0.1"),
        int(os.environ.get("TEST_REDIS_PORT", 6379)),
        "start Redis (e.g. `sudo service redis-server start`)",
    ),
    "rabbitmq": (
        os.environ.get("TEST_RABBITMQ_HOST", "127.0.0.1"),
        int(os.environ.get("TEST_RABBITMQ_PORT", 5672)),
        "start RabbitMQ with the guest/guest user (e.g. `sudo service rabbitmq-server start`)",
    ),
}
POSTGRES_USER = os.environ.get("TEST_POSTGRES_USER", "postgres")
RASA = ROOT / ".venv" / "bin" / "rasa"
SERVER_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def require_service(name: str) -> tuple:
    """(host, port) of a service the test needs; skip (or fail under CI=true) when it is unreachable."""
    host, port, hint = SERVICES[name]
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        message = f"{name} is not reachable at {host}:{port} ({error}): {hint}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}. CI=true: tests that need {name} must run, not skip.")
        pytest.skip(message)
    return host, port


class PostgresDatabase:
    """A fresh PostgreSQL database for one test module, dropped afterwards."""

    def __init__(self, host: str, port: int, name: str):
        self.host, self.port, self.name, self.user = host, port, name, POSTGRES_USER

    def url(self, host: Optional[str] = None, port: Optional[int] = None) -> str:
        return f"postgresql://{self.user}@{host or self.host}:{port or self.port}/{self.name}"

    def _admin(self):
        import psycopg2

        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        connection.autocommit = True
        return connection

    def create(self) -> PostgresDatabase:
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            connection.close()
        return self

    def drop(self) -> None:
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            connection.close()

    def set_read_only(self, read_only: bool) -> None:
        """Make new sessions of this database read-only (or writable again) and end the current ones."""
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f'ALTER DATABASE "{self.name}" SET default_transaction_read_only = {"on" if read_only else "off"}'
                )
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.name,),
                )
        finally:
            connection.close()

    def query(self, sql: str, *args) -> List[tuple]:
        import psycopg2

        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=self.name)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql, args)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


@pytest.fixture
def postgres_database():
    """A fresh, empty PostgreSQL database (dropped after the test)."""
    host, port = require_service("postgresql")
    database = PostgresDatabase(host, port, f"rasa_test_{uuid.uuid4().hex[:10]}").create()
    yield database
    database.drop()


class TcpProxy:
    """A TCP proxy the test owns, to cut or slow a connection to a real server.

    open(): forwards; cut(): closes every connection and refuses new ones (the server "goes away");
    stall(): accepts connections but forwards nothing (the server hangs).
    """

    def __init__(self, target_host: str, target_port: int):
        import threading

        self.target = (target_host, target_port)
        self.port = _free_port()
        self.mode = "open"
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._stopped = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def open(self) -> None:
        self.mode = "open"

    def cut(self) -> None:
        self.mode = "cut"
        self._close_all()

    def stall(self) -> None:
        self.mode = "stall"
        self._close_all()

    def close(self) -> None:
        self._stopped = True
        self._close_all()
        self._listener.close()

    def _close_all(self) -> None:
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept_loop(self) -> None:
        import threading

        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            if self.mode == "cut":
                client.close()
                continue
            with self._lock:
                self._sockets.append(client)
            if self.mode == "stall":
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            source.settimeout(None)
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _wait_for_http(url: str, process: subprocess.Popen, log_path: Path, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped while starting (exit {process.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail(f"{what} did not start within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


def _stop(process: Optional[subprocess.Popen], timeout: float = 60, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class ActionServer:
    """`rasa run actions` as scripts/run.sh starts it, on a free port."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.log_path = workdir / f"actions-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> ActionServer:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(RASA), "run", "actions", "--actions", "actions", "--port", str(self.port)],
                cwd=ROOT,
                env=dict(os.environ, **SERVER_ENV),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_http(f"http://127.0.0.1:{self.port}/health", self.process, self.log_path, 90, "the action server")
        return self

    def stop(self) -> None:
        _stop(self.process)


class RasaServer(Assistant):
    """`rasa run` with an endpoints file of the test's choosing (REST channel + HTTP API)."""

    def __init__(self, workdir: Path, endpoints: Path, env: Optional[Dict[str, str]] = None, name: str = "rasa"):
        port = _free_port()
        super().__init__(port, uuid.uuid4().hex)
        self.port, self.endpoints, self.name = port, endpoints, name
        self.env = dict(os.environ, **SERVER_ENV, **(env or {}))
        self.log_path = workdir / f"{name}-{port}.log"
        self.credentials = workdir / "credentials.yml"
        self.credentials.write_text("rest:\n")
        self.process: Optional[subprocess.Popen] = None

    def command(self) -> List[str]:
        return [
            str(RASA),
            "run",
            "--model",
            str(MODEL),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(self.credentials),
            "--port",
            str(self.port),
            "--enable-api",
            "--auth-token",
            self.token,
        ]

    def launch(self) -> subprocess.Popen:
        if not MODEL.exists():
            pytest.fail(f"{MODEL} is missing: run `make train` first")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self.process

    def wait_ready(self, timeout: float = 240) -> RasaServer:
        _wait_for_http(f"{self.url}/status?token={self.token}", self.process, self.log_path, timeout, self.name)
        return self

    def start(self, timeout: float = 240) -> RasaServer:
        self.launch()
        return self.wait_ready(timeout)

    def stop(self) -> None:
        _stop(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def action_server(tmp_path_factory):
    """One action server for the tests that start their own Rasa servers."""
    server = ActionServer(tmp_path_factory.mktemp("actions")).start()
    yield server
    server.stop()


class GuardedServer:
    """A Rasa server with the assistant's guards (StrictSQLTrackerStore on PostgreSQL) whose database and action
    server connections go through proxies the tests own."""

    def __init__(self, server: RasaServer, database: PostgresDatabase, db_proxy: TcpProxy, action_proxy: TcpProxy):
        self.server, self.database, self.db_proxy, self.action_proxy = server, database, db_proxy, action_proxy

    def restore(self) -> None:
        self.db_proxy.open()
        self.action_proxy.open()


GUARDED_ACTION_TIMEOUT = 3.0


@pytest.fixture(scope="session")
def guarded_server(tmp_path_factory, action_server):
    host, port = require_service("postgresql")
    workdir = tmp_path_factory.mktemp("guarded")
    database = PostgresDatabase(host, port, f"rasa_guarded_{uuid.uuid4().hex[:10]}").create()
    db_proxy, action_proxy = TcpProxy(host, port), TcpProxy("127.0.0.1", action_server.port)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n"
        f"  url: http://127.0.0.1:{action_proxy.port}/webhook\n"
        "tracker_store:\n"
        "  type: assistant.tracker_store.StrictSQLTrackerStore\n"
        "  dialect: postgresql\n"
        f"  url: 127.0.0.1\n  port: {db_proxy.port}\n  db: {database.name}\n  username: {database.user}\n"
    )
    server = RasaServer(workdir, endpoints, env={"ACTION_TIMEOUT_SECONDS": str(GUARDED_ACTION_TIMEOUT)}, name="guarded")
    try:
        server.start()
        yield GuardedServer(server, database, db_proxy, action_proxy)
    finally:
        server.stop()
        db_proxy.close()
        action_proxy.close()
        database.drop()


# ---- RabbitMQ helpers shared by the privacy and scale-out tests ------------------------------------------------------


async def rabbitmq_queue_count(queue_name: str, arguments: Optional[dict] = None, passive: bool = True) -> int:
    """Messages waiting in a queue (declaring it when ``passive`` is False)."""
    import aio_pika

    connection = await aio_pika.connect_robust(
        host=SERVICES["rabbitmq"][0], port=SERVICES["rabbitmq"][1], login="guest", password="guest"
    )
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True, passive=passive, arguments=arguments)
        return queue.declaration_result.message_count


async def rabbitmq_delete(queue_name: str, exchange_name: str) -> None:
    """Delete a test's queue and exchange."""
    import aio_pika

    connection = await aio_pika.connect_robust(
        host=SERVICES["rabbitmq"][0], port=SERVICES["rabbitmq"][1], login="guest", password="guest"
    )
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue_name)
        await channel.exchange_delete(exchange_name)
