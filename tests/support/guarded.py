"""A Rasa server with the assistant's guards (StrictSQLTrackerStore on PostgreSQL, the action timeout) whose
database and action server connections go through proxies the caller owns: cut or stall them to see what a
visitor gets when a service goes away (tests/test_outages.py checks it, `make bench` times it)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tests.support.postgres import PostgresDatabase
from tests.support.processes import RasaServer
from tests.support.proxy import TcpProxy

GUARDED_ACTION_TIMEOUT = 3.0


@dataclass
class GuardedServer:
    server: RasaServer
    database: PostgresDatabase
    db_proxy: TcpProxy
    action_proxy: TcpProxy

    def restore(self) -> None:
        self.db_proxy.open()
        self.action_proxy.open()


@contextlib.contextmanager
def guarded_server(
    workdir: Path, action_port: int, pg_host: str, pg_port: int, action_timeout: float = GUARDED_ACTION_TIMEOUT
) -> Iterator[GuardedServer]:
    """A fresh database, the two proxies and the Rasa server, for the duration of the block."""
    database = PostgresDatabase(pg_host, pg_port, f"rasa_guarded_{uuid.uuid4().hex[:10]}").create()
    db_proxy, action_proxy = TcpProxy(pg_host, pg_port), TcpProxy("127.0.0.1", action_port)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n"
        f"  url: http://127.0.0.1:{action_proxy.port}/webhook\n"
        "tracker_store:\n"
        "  type: assistant.tracker_store.StrictSQLTrackerStore\n"
        "  dialect: postgresql\n"
        f"  url: 127.0.0.1\n  port: {db_proxy.port}\n  db: {database.name}\n  username: {database.user}\n"
    )
    server = RasaServer(workdir, endpoints, env={"ACTION_TIMEOUT_SECONDS": f"{action_timeout:g}"}, name="guarded")
    try:
        server.start()
        yield GuardedServer(server, database, db_proxy, action_proxy)
    finally:
        server.stop()
        db_proxy.close()
        action_proxy.close()
        database.drop()
