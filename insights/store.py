"""Read the conversations from the tracker store, fresh on every call (a deleted conversation is gone at once).

The database is the one of the endpoints file's tracker_store (SQLite by default, PostgreSQL in the production
profile), found exactly as ``scripts/privacy.py`` finds it, or a URL. Only the events the report uses are read,
and only their JSON data is parsed where it is needed (user and bot messages, the questionnaire's state).
"""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import sqlalchemy as sa

from insights.turns import REQUESTED_SLOT, StoredEvent
from scripts.privacy import Conversations, PrivacyError, describe, url_from_endpoints

__all__ = ["PrivacyError", "StoreError", "database_url", "read_conversations", "describe"]

PARSED_TYPES = ("user", "bot", "active_loop")
READ_TYPES = ("user", "bot", "action", "active_loop", "slot")


class StoreError(Exception):
    """The tracker store cannot be read (its message says which and why)."""


def database_url(endpoints: Optional[Path] = None, db: Optional[str] = None) -> sa.engine.URL:
    """The tracker store's URL: ``db`` when given, else the endpoints file's tracker_store."""
    try:
        return sa.engine.make_url(db) if db else url_from_endpoints(endpoints or Path("endpoints.yml"))
    except (PrivacyError, sa.exc.ArgumentError) as error:
        raise StoreError(str(error)) from error


def _event(type_name: str, timestamp: Optional[float], name: Optional[str], data: Optional[str]) -> StoredEvent:
    parsed = type_name in PARSED_TYPES or (type_name == "slot" and name == REQUESTED_SLOT)
    return StoredEvent(type_name, timestamp or 0.0, name, json.loads(data) if parsed and data else {})


def read_conversations(url: sa.engine.URL, since: float, until: float) -> List[Tuple[str, List[StoredEvent]]]:
    """Every conversation with events in [since, until): its id and those events, in stored order."""
    try:
        store = Conversations(url)
    except PrivacyError as error:
        raise StoreError(str(error)) from error
    if not store.exists:
        return []
    c = store.events.c
    slot_ok = sa.or_(c.type_name != "slot", c.action_name == REQUESTED_SLOT)
    query = (
        sa.select(c.sender_id, c.type_name, c.timestamp, c.action_name, c.data)
        .where(c.timestamp >= since, c.timestamp < until, c.type_name.in_(READ_TYPES), slot_ok)
        .order_by(c.sender_id, c.id)
    )
    try:
        with store.engine.connect() as connection:
            rows = connection.execution_options(stream_results=True).execute(query)
            return list(_by_conversation(rows))
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise StoreError(f"cannot read {describe(url)}: {reason[0] if reason else type(error).__name__}") from error
    finally:
        store.engine.dispose()


def _by_conversation(rows: Iterator[tuple]) -> Iterator[Tuple[str, List[StoredEvent]]]:
    for sender, group in groupby(rows, key=lambda row: row[0]):
        yield sender, [_event(type_name, ts, name, data) for _, type_name, ts, name, data in group]
