"""Lock stores whose ticket changes are atomic, for more than one Rasa process on one conversation store.

Rasa's lock stores change a conversation's ticket lock with a read-modify-write (read, change in Python, write).
That is safe inside one process, not between processes: Rasa 3.6's ``RedisLockStore`` lets two servers that get a
message of the same conversation at the same moment both read "no lock", both issue themselves ticket 0 and both
handle their message at once; the tracker store then keeps only part of the second turn (measured: about a third
of simultaneous pairs, see README "Running in production"). Likewise a server that finishes can delete the lock
just after another server queued a ticket, which then fails with a LockError (rasa#9213; Rasa's own fix,
ConcurrentRedisLockStore, rasa#11256, was reverted).

``AtomicTickets`` keeps Rasa's lock format and algorithm (``TicketLock``) but makes each change of a lock one
transaction: issuing a ticket, removing expired tickets, and finishing (remove the ticket, delete the lock when
nobody waits). Two stores build on it:

- ``AtomicRedisLockStore``: Redis (WATCH/MULTI/EXEC, retried when another server changed the lock in between);
  the production profile (endpoints.production.yml)::

      lock_store:
        type: assistant.lock_store.AtomicRedisLockStore
        url: ${REDIS_HOST}
        port: ${REDIS_PORT}

- ``SQLiteLockStore``: a SQLite file next to the conversations (one ``BEGIN IMMEDIATE`` transaction per change),
  for the default profile, where scripts/run.sh starts several Rasa workers on one machine (endpoints.yml)::

      lock_store:
        type: assistant.lock_store.SQLiteLockStore
        db: ${TRACKER_DB}.locks
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")


class AtomicTickets(LockStore):
    """The ticket changes of Rasa's LockStore, each one transaction of ``_change`` (see module docstring)."""

    def _change(
        self, conversation_id: str, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]
    ) -> T:
        """Apply `change` to the stored lock in one transaction; a returned lock of None deletes it."""
        raise NotImplementedError

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def remove_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, remove_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)


class AtomicRedisLockStore(AtomicTickets, RedisLockStore):
    """RedisLockStore whose lock changes are atomic (see module docstring)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store given by module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        RedisLockStore.__init__(self, **kwargs)

    def _change(
        self, conversation_id: str, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]
    ) -> T:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock meanwhile: read it again


class LockStoreConfigError(ValueError):
    """The lock store's configuration (endpoints.yml `lock_store`) is incomplete; the message names the field."""


class SQLiteLockStore(AtomicTickets):
    """Ticket locks in a SQLite file shared by the Rasa processes of one machine (see module docstring).

    The file is opened on first use (not when the class is created) with a busy timeout, so a process waits for
    another one's transaction instead of failing; each change is one ``BEGIN IMMEDIATE`` transaction, which takes
    the file's write lock before reading, so two processes never both see "no lock".
    """

    BUSY_TIMEOUT_SECONDS = 10.0

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, db: Optional[str] = None, **kwargs: Any
    ) -> None:
        if endpoint_config is not None:
            db = db or endpoint_config.kwargs.get("db")
        if not db:
            raise LockStoreConfigError("lock_store.db: missing: the SQLite file that holds the locks")
        self.path = Path(db)
        self._local = threading.local()
        super().__init__()

    def _connection(self) -> sqlite3.Connection:
        connection: Optional[sqlite3.Connection] = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            # No fsync per commit (each message takes and frees a lock: 3 % of a worker's time under load). In WAL
            # mode a commit still survives a crash of the process; only a power loss can lose the last ones, and
            # after that every server starts again without a lock held.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS ticket_locks (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)"
            )
            self._local.connection = connection
        return connection

    def _change(
        self, conversation_id: str, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]
    ) -> T:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute(
                "SELECT lock FROM ticket_locks WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            new_lock, result = change(TicketLock.from_dict(json.loads(row[0])) if row else None)
            if new_lock is None:
                connection.execute("DELETE FROM ticket_locks WHERE conversation_id = ?", (conversation_id,))
            else:
                connection.execute(
                    "INSERT OR REPLACE INTO ticket_locks (conversation_id, lock) VALUES (?, ?)",
                    (conversation_id, new_lock.dumps()),
                )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return result

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        row = (
            self._connection()
            .execute("SELECT lock FROM ticket_locks WHERE conversation_id = ?", (conversation_id,))
            .fetchone()
        )
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: (None, None))

    def save_lock(self, lock: TicketLock) -> None:
        self._change(lock.conversation_id, lambda _stored: (lock, None))
