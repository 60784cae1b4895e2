#!/usr/bin/env python3
"""Privacy commands for the conversations in the SQL tracker store (GDPR access, erasure, retention).

    scripts/privacy.py export <sender_id> [--out FILE]     one conversation as JSON (right of access)
    scripts/privacy.py delete <sender_id>                  delete one conversation (right to erasure)
    scripts/privacy.py forget-old --days N [--dry-run]     delete conversation sessions that ended more
                                                           than N days ago (retention; for a scheduler)

The database comes from the tracker_store section of the endpoints file (--endpoints, default
endpoints.yml; ${...} values are filled from the environment exactly as Rasa does), or from
--db URL (e.g. sqlite:///build/conversations.db, postgresql://user:password@host:5432/rasa).
Run it from the project directory, like Rasa: relative SQLite paths are relative to it.

forget-old deletes whole sessions (a session starts at action_session_start), never part of one,
so a conversation that is still going on is kept whole; a conversation whose last session ended
more than N days ago disappears completely. Exit codes: 0 done, 1 no such conversation (export,
delete), 2 configuration or database error.

Not covered here: events already published to RabbitMQ (they expire with the queue's
x-message-ttl, see endpoints.production.yml) and copies made by whoever consumed them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import yaml

SQL_TYPES = {"sql", "assistant.tracker_store.strictsqltrackerstore"}
SESSION_START_ACTION = "action_session_start"
ENV_REFERENCE = re.compile(r"\$\{(\w+)\}")
DELETE_CHUNK = 500


class PrivacyError(Exception):
    """A configuration or database problem (exit code 2)."""


# ---- where the conversations are --------------------------------------------------------------------------------


def url_from_endpoints(path: Path) -> sa.engine.URL:
    """The SQL tracker store's database URL from an endpoints file (env vars filled in as Rasa does)."""
    with warnings.catch_warnings():  # Rasa's imports warn about their own dependencies
        warnings.simplefilter("ignore")
        from rasa.shared.exceptions import RasaException
        from rasa.utils.endpoints import read_endpoint_config

    if not path.is_file():
        raise PrivacyError(f"endpoints file {path} not found (or pass --db URL)")
    # Only the tracker_store's ${...} must be set: the others (action server, lock store, ...) get a stand-in
    # while Rasa reads the file, which it expands as a whole.
    text = path.read_text(encoding="utf-8")
    section = (yaml.safe_load(text) or {}).get("tracker_store")
    needed = set(ENV_REFERENCE.findall(json.dumps(section)))
    stand_ins = {name: "unused" for name in set(ENV_REFERENCE.findall(text)) - needed - set(os.environ)}
    os.environ.update(stand_ins)
    try:
        config = read_endpoint_config(str(path), "tracker_store")
    except RasaException as error:
        raise PrivacyError(f"cannot read {path}: {error}") from error
    finally:
        for name in stand_ins:
            os.environ.pop(name, None)
    if config is None or not config.type:
        raise PrivacyError(f"{path} has no tracker_store: conversations are kept in memory only, nothing to do")
    if config.type.lower() not in SQL_TYPES:
        raise PrivacyError(f"the tracker store in {path} is of type {config.type!r}; this tool handles SQL stores")
    kwargs: dict[str, Any] = dict(config.kwargs)
    host: str | None = config.url
    if host and "://" in host:
        return sa.engine.make_url(host)
    port = kwargs.get("port")
    if host:
        parsed = urlsplit(f"scheme://{host}")
        port = parsed.port or port
        host = parsed.hostname or host
    return sa.engine.URL.create(
        kwargs.get("dialect", "sqlite"),
        kwargs.get("username") or None,
        kwargs.get("password") or None,
        host,
        int(port) if port not in (None, "") else None,
        database=kwargs.get("db", "rasa.db"),
        query=kwargs.get("query") or {},
    )


def describe(url: sa.engine.URL) -> str:
    return url.render_as_string(hide_password=True)


class Conversations:
    """The events table of Rasa's SQLTrackerStore (one row per event, ordered by id)."""

    def __init__(self, url: sa.engine.URL):
        self.url = url
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
            raise PrivacyError(f"no tracker store at {describe(url)} (the SQLite file does not exist)")
        connect_args = {"connect_timeout": 10} if url.get_backend_name() == "postgresql" else {}
        self.engine = sa.create_engine(url, hide_parameters=True, connect_args=connect_args)
        if url.get_backend_name() == "sqlite":
            # Deleted rows are overwritten in the file, not just marked free.
            sa.event.listen(self.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA secure_delete = ON"))
        metadata = sa.MetaData()
        self.events = sa.Table(
            "events",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255)),
            sa.Column("type_name", sa.String(255)),
            sa.Column("timestamp", sa.Float),
            sa.Column("intent_name", sa.String(255)),
            sa.Column("action_name", sa.String(255)),
            sa.Column("data", sa.Text),
        )
        try:
            self.exists = sa.inspect(self.engine).has_table("events")
        except sa.exc.SQLAlchemyError as error:
            raise PrivacyError(f"cannot reach the tracker store {describe(url)}: {_reason(error)}") from error

    def export(self, sender_id: str) -> dict[str, Any] | None:
        if not self.exists:
            return None
        query = sa.select(self.events.c.data).where(self.events.c.sender_id == sender_id).order_by(self.events.c.id)
        with self.engine.connect() as connection:
            events = [json.loads(data) for (data,) in connection.execute(query)]
        if not events:
            return None
        transcript = [
            {
                "time": _iso(event.get("timestamp")),
                "from": "user" if event["event"] == "user" else "assistant",
                "text": event.get("text"),
            }
            for event in events
            if event.get("event") in ("user", "bot") and event.get("text")
        ]
        return {
            "sender_id": sender_id,
            "exported_at": _iso(time.time()),
            "source": describe(self.url),
            "transcript": transcript,
            "events": events,
        }

    def delete(self, sender_id: str) -> int:
        if not self.exists:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(self.events.delete().where(self.events.c.sender_id == sender_id)).rowcount

    def old_sessions(self, cutoff: float) -> dict[str, list[int]]:
        """Per sender, the ids of the events of sessions whose last event is older than `cutoff`."""
        if not self.exists:
            return {}
        c = self.events.c
        candidates = (
            sa.select(c.sender_id).group_by(c.sender_id).having(sa.func.min(sa.func.coalesce(c.timestamp, 0)) < cutoff)
        )
        rows = (
            sa.select(c.sender_id, c.id, c.type_name, c.action_name, c.timestamp)
            .where(c.sender_id.in_(candidates))
            .order_by(c.sender_id, c.id)
        )
        found: dict[str, list[int]] = {}
        with self.engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(rows)
            for sender_id, sessions in _sessions_by_sender(result):
                ids = [i for session in sessions if max(ts for _, ts in session) < cutoff for i, _ in session]
                if ids:
                    found[sender_id] = ids
        return found

    def delete_ids(self, ids: list[int]) -> int:
        deleted = 0
        with self.engine.begin() as connection:
            for start in range(0, len(ids), DELETE_CHUNK):
                chunk = ids[start : start + DELETE_CHUNK]
                deleted += connection.execute(self.events.delete().where(self.events.c.id.in_(chunk))).rowcount
        return deleted


def _sessions_by_sender(rows: Iterable[tuple]) -> Iterable[tuple[str, list[list[tuple[int, float]]]]]:
    """(sender_id, sessions) with each session a list of (event id, timestamp); rows ordered by sender, id."""
    current: str | None = None
    sessions: list[list[tuple[int, float]]] = []
    for sender_id, event_id, type_name, action_name, timestamp in rows:
        if sender_id != current:
            if current is not None:
                yield current, sessions
            current, sessions = sender_id, []
        starts_session = type_name == "action" and action_name == SESSION_START_ACTION
        if starts_session or not sessions:
            sessions.append([])
        sessions[-1].append((event_id, timestamp or 0.0))
    if current is not None:
        yield current, sessions


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")


def _reason(error: Exception) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


# ---- commands ---------------------------------------------------------------------------------------------------


def cmd_export(store: Conversations, args: argparse.Namespace) -> int:
    conversation = store.export(args.sender_id)
    if conversation is None:
        print(f"No conversation stored for sender {args.sender_id!r} in {describe(store.url)}.", file=sys.stderr)
        return 1
    text = json.dumps(conversation, ensure_ascii=False, indent=2)
    if args.out:
        old_umask = os.umask(0o077)  # the export is health data too
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        finally:
            os.umask(old_umask)
        print(f"Exported {len(conversation['events'])} events of {args.sender_id!r} to {args.out}.", file=sys.stderr)
    else:
        print(text)
    return 0


def cmd_delete(store: Conversations, args: argparse.Namespace) -> int:
    deleted = store.delete(args.sender_id)
    if not deleted:
        print(f"No conversation stored for sender {args.sender_id!r} in {describe(store.url)}.", file=sys.stderr)
        return 1
    print(f"Deleted the conversation of {args.sender_id!r}: {deleted} events.")
    return 0


def cmd_forget_old(store: Conversations, args: argparse.Namespace) -> int:
    if args.days < 1:
        raise PrivacyError("--days must be at least 1")
    cutoff = time.time() - args.days * 24 * 60 * 60
    old = store.old_sessions(cutoff)
    events = sum(len(ids) for ids in old.values())
    verb = "Would delete" if args.dry_run else "Deleted"
    if not args.dry_run:
        for ids in old.values():
            store.delete_ids(ids)
    print(
        f"{verb} {events} events of {len(old)} conversations in sessions that ended before {_iso(cutoff)} "
        f"({args.days} days ago) from {describe(store.url)}."
    )
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoints", default="endpoints.yml", help="endpoints file with the tracker_store (default: endpoints.yml)"
    )
    where.add_argument("--db", help="database URL instead of the endpoints file, e.g. sqlite:///build/conversations.db")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="print one conversation as JSON (right of access)")
    export.add_argument("sender_id")
    export.add_argument("--out", help="write the JSON to this file (mode 600) instead of stdout")
    export.set_defaults(run=cmd_export)
    delete = commands.add_parser("delete", help="delete one conversation (right to erasure)")
    delete.add_argument("sender_id")
    delete.set_defaults(run=cmd_delete)
    forget = commands.add_parser("forget-old", help="delete sessions that ended more than --days days ago")
    forget.add_argument("--days", type=int, required=True, help="retention period in days")
    forget.add_argument("--dry-run", action="store_true", help="only report what would be deleted")
    forget.set_defaults(run=cmd_forget_old)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        url = sa.engine.make_url(args.db) if args.db else url_from_endpoints(Path(args.endpoints))
        store = Conversations(url)
        return args.run(store, args)
    except PrivacyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        print(f"error: the tracker store failed: {_reason(error)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
