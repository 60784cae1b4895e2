"""StrictSQLTrackerStore: Rasa's SQL tracker store, but it fails loudly instead of forgetting.

Rasa 3.6 wraps every tracker store in a ``FailSafeTrackerStore`` that, on any database error,
silently continues with an in-memory store (rasa#3243): the conversation goes on, but nothing is
kept, and after a restart it is gone. Its ``SQLTrackerStore`` also retries forever at start-up
when the database cannot be reached. This subclass:

- at start-up, waits at most ``startup_timeout`` seconds (endpoint key, or env
  ``TRACKER_STORE_STARTUP_TIMEOUT``, default 15) for the database and otherwise stops the
  process with a clear error (exit code 78), instead of retrying forever or falling back;
- while running, turns every database error into ``assistant.failures.StorageUnavailable`` and
  logs it; the patches ``assistant.patches.strict_tracker_store`` (no fail-safe wrapper for a store
  with ``fails_loudly``) and ``assistant.patches.storage_apology`` answer the user with the domain
  response ``utter_storage_unavailable`` (the message is not handled, nothing is half-saved);
- stores the events of a turn first and only then publishes exactly those events to the event
  broker (Rasa publishes before it stores);
- reconnects by itself when the database is back (``pool_pre_ping``), never puts query
  parameters (the message text) into error messages (``hide_parameters``), and gives up on a
  PostgreSQL connection attempt after ``connect_timeout`` seconds (default 5).

Use it from endpoints.yml::

    tracker_store:
      type: assistant.tracker_store.StrictSQLTrackerStore
      dialect: "sqlite"
      db: "${TRACKER_DB}"

This class installs nothing. Without the patches Rasa would wrap it in its fail-safe store after all, so
it refuses to start unless they are installed: start Rasa with ``python -m assistant.serve`` (or call
``assistant.serve.prepare()`` in-process).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from typing import Any, Dict, Iterable, Iterator, List, Optional
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs, validate_port
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from assistant import patches
from assistant.failures import StorageUnavailable

logger = logging.getLogger(__name__)

DEFAULT_STARTUP_TIMEOUT = 15.0
DEFAULT_CONNECT_TIMEOUT = 5
SESSION_INDEX = "ix_events_sender_type_timestamp"  # see StrictSQLTrackerStore._create_session_index
SQLITE_POOL_SIZE = 2  # connections kept open to a SQLite file (one server process, one event loop)
SQLITE_POOL_OVERFLOW = 8  # more, opened for a moment, when threads (privacy export, insights) need them
STARTUP_FAILURE_EXIT_CODE = 78  # EX_CONFIG: a supervisor should not restart-loop on it silently


class TrackerStoreStartupError(SystemExit):
    """The database could not be reached at start-up: the server must not start."""

    def __init__(self, message: str) -> None:
        super().__init__(STARTUP_FAILURE_EXIT_CODE)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL journal with synchronous=NORMAL: one fsync per checkpoint instead of one per commit.

    Profiling `make bench` showed two thirds of the first answer's time in SQLite's commit fsync. In WAL mode
    with synchronous=NORMAL a committed turn survives a crash of the server process; only a power loss can
    lose the last turns before the next checkpoint (sqlite.org/wal.html).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _describe(url: sa.engine.URL) -> str:
    """The database URL without its password, for error messages."""
    return url.render_as_string(hide_password=True)


class StrictSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store that refuses to lose conversations (see the module docstring)."""

    fails_loudly = True  # assistant.patches.strict_tracker_store: no FailSafeTrackerStore around it

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: str = "sqlite",
        host: Optional[str] = None,
        port: Optional[int] = None,
        db: str = "rasa.db",
        username: Optional[str] = None,
        password: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        login_db: Optional[str] = None,
        query: Optional[Dict] = None,
        startup_timeout: Optional[float] = None,
        connect_timeout: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        url = self._url(dialect, host, validate_port(port), login_db or db, username, password, query)
        if startup_timeout is None:
            startup_timeout = float(os.environ.get("TRACKER_STORE_STARTUP_TIMEOUT", DEFAULT_STARTUP_TIMEOUT))
        connect_timeout = int(connect_timeout or DEFAULT_CONNECT_TIMEOUT)

        if url.get_backend_name() == "sqlite" and url.database:
            directory = os.path.dirname(os.path.abspath(url.database))
            if not os.path.isdir(directory):
                self._fail_startup(
                    f"the SQLite tracker store '{url.database}' cannot be created: the directory "
                    f"'{directory}' does not exist (create it, or point TRACKER_DB elsewhere)"
                )

        self.engine = self._create_engine(url, connect_timeout)
        self._wait_until_reachable(url, float(startup_timeout))
        if login_db:
            # Like Rasa's SQLTrackerStore: connect to `login_db` and create `db` when it is missing.
            self._create_database(self.engine, db)
            self.engine.dispose()
            url = url.set(database=db)
            self.engine = self._create_engine(url, connect_timeout)
            self._wait_until_reachable(url, float(startup_timeout))
        self._create_table(url)
        self._create_session_index(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._url_description = _describe(url)
        if "strict_tracker_store" not in patches.installed():
            self._fail_startup(
                "the patches of assistant.patches are not installed, so Rasa would wrap this store in its "
                "fail-safe store and continue in memory when the database fails. Start Rasa with "
                "`python -m assistant.serve <rasa arguments>` (or call assistant.serve.prepare() first)"
            )
        logger.info(f"Conversations are stored in {self._url_description}.")
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    @staticmethod
    def _url(
        dialect: str,
        host: Optional[str],
        port: Optional[int],
        database: str,
        username: Optional[str],
        password: Optional[str],
        query: Optional[Dict],
    ) -> sa.engine.URL:
        """Like SQLTrackerStore.get_db_url: `host` may also be a whole URL, or "host:port"."""
        if host and "://" in host:
            return sa.engine.make_url(host)
        if host:
            parsed = urlsplit(f"scheme://{host}")
            port = parsed.port or port
            host = parsed.hostname or host
        # Empty values (e.g. an unset password from the environment) mean "none".
        return sa.engine.URL.create(
            dialect, username or None, password or None, host, port, database=database, query=query or {}
        )

    @staticmethod
    def _create_engine(url: sa.engine.URL, connect_timeout: int) -> sa.engine.Engine:
        engine_kwargs: Dict[str, Any] = dict(create_engine_kwargs(url))
        if url.get_backend_name() == "postgresql":
            connect_args = dict(engine_kwargs.get("connect_args", {}))
            connect_args.setdefault("connect_timeout", connect_timeout)
            engine_kwargs["connect_args"] = connect_args
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens (and tunes, and closes) a new connection for every session of a SQLite file
            # (NullPool): 8 % of a worker's time under load (`python -m benchmark --profile`). Pooled
            # connections are handed to one session at a time, so they may move between threads.
            engine_kwargs.update(
                poolclass=sa.pool.QueuePool,
                pool_size=SQLITE_POOL_SIZE,
                max_overflow=SQLITE_POOL_OVERFLOW,
                connect_args={"check_same_thread": False},
            )
        # pool_pre_ping: a connection that died with the database is replaced when it is back.
        # hide_parameters: error messages never contain the stored events (the message text).
        engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **engine_kwargs)
        if url.get_backend_name() == "sqlite":
            sa.event.listen(engine, "connect", _tune_sqlite)
        return engine

    def _wait_until_reachable(self, url: sa.engine.URL, timeout: float) -> None:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                with self.engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                return
            except sqlalchemy.exc.SQLAlchemyError as error:
                if time.monotonic() >= deadline:
                    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                    self._fail_startup(
                        f"cannot reach the tracker store {_describe(url)} ({reason}); waited {timeout:.0f} s. "
                        f"Start the database or fix the tracker_store settings in the endpoints file: "
                        f"the assistant does not run without a place to keep conversations."
                    )
                logger.warning(f"The tracker store {_describe(url)} is not reachable yet; retrying.")
                time.sleep(1)

    def _create_table(self, url: sa.engine.URL, attempts: int = 3) -> None:
        """Create the events table; another Rasa server starting at the same moment may win the race (fine)."""
        for attempt in range(attempts):
            try:
                self.Base.metadata.create_all(self.engine)
                return
            except sqlalchemy.exc.SQLAlchemyError as error:
                try:
                    if sa.inspect(self.engine).has_table(self.SQLEvent.__tablename__):
                        return
                except sqlalchemy.exc.SQLAlchemyError:
                    pass
                if attempt == attempts - 1:
                    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                    self._fail_startup(f"cannot create the events table in {_describe(url)}: {reason}")
                time.sleep(1)

    def _create_session_index(self, url: sa.engine.URL) -> None:
        """An index on (sender_id, type_name, timestamp), so finding the current session does not read the whole
        conversation.

        Rasa's ``retrieve`` (and the count of ``_additional_events`` on every save) looks up the latest
        ``session_started`` of the conversation and then its events; with only Rasa's index on ``sender_id`` both
        read every row of the conversation, all sessions, so with bounded sessions (``assistant.rollover``) the
        turn still grew with the conversation: 2.9 ms for these queries at 2,000 events, 0.3 ms with this index
        (SQLite, measured on a 400-turn conversation). Created once; a server starting at the same moment may
        create it first (fine).
        """
        table = self.SQLEvent.__table__
        # Built once: an Index joins its table's metadata, and a second one of the same name would be created twice.
        index = next((i for i in table.indexes if i.name == SESSION_INDEX), None)
        if index is None:
            index = sa.Index(SESSION_INDEX, table.c.sender_id, table.c.type_name, table.c.timestamp)
        try:
            index.create(self.engine, checkfirst=True)
        except sqlalchemy.exc.SQLAlchemyError as error:
            existing = {i.get("name") for i in sa.inspect(self.engine).get_indexes(self.SQLEvent.__tablename__)}
            if SESSION_INDEX not in existing:
                reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                self._fail_startup(f"cannot create the index {SESSION_INDEX} in {_describe(url)}: {reason}")

    @staticmethod
    def _fail_startup(message: str) -> None:
        text = f"Rasa cannot start: {message}"
        logger.critical(text)
        print(f"ERROR: {text}", file=sys.stderr, flush=True)
        raise TrackerStoreStartupError(text)

    # --- every database access goes through _guard --------------------------------------------

    @contextlib.contextmanager
    def _guard(self, operation: str) -> Iterator[None]:
        try:
            yield
        except sqlalchemy.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            logger.error(
                f"Tracker store {self._url_description} failed during {operation}: "
                f"{type(error).__name__}: {reason[0] if reason else ''}"
            )
            raise StorageUnavailable(f"the tracker store failed during {operation}") from error

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        with self._guard("retrieve"):
            return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        with self._guard("retrieve"):
            return await super().retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        with self._guard("keys"):
            return await super().keys()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events in one transaction, then publish exactly those."""
        with self._guard("save"):
            new_events = self._store_new_events(tracker)
        if self.event_broker is not None and new_events:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _store_new_events(self, tracker: DialogueStateTracker) -> List[Event]:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            for event in new_events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        return new_events

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Not used: `save` publishes the stored events itself (after storing them)."""
        return None
