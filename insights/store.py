"""Read the conversations from the tracker store, fresh on every call (a deleted conversation is gone at once).

The database is the one of the endpoints file's tracker_store (SQLite by default, PostgreSQL in the production
profile), found exactly as ``scripts/privacy.py`` finds it, or a URL. Only the events the report uses are read,
and only their JSON data is parsed where it is needed (user and bot messages, the questionnaire's state).
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa
import ujson  # a Rasa dependency; 2-3 times faster than json on the large user events (make bench)
from sqlalchemy.dialects import postgresql

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


# What the report needs of a user event, as JSON paths. SQLite and PostgreSQL pick them out of the stored JSON
# themselves (much cheaper than parsing the whole event, whose parse data holds every ranking, in Python).
USER_FIELDS = {
    "text": ("text",),
    "confidence": ("parse_data", "intent", "confidence"),
    "faq_confidence": ("parse_data", "response_selector", "faq", "response", "confidence"),
    "received_at": ("metadata", "received_at"),
}


def _user_fields(dialect: str, data: Any) -> Optional[List[Any]]:
    """Columns picking USER_FIELDS out of the JSON in the database, or None where the dialect cannot."""
    if dialect == "sqlite":
        return [sa.func.json_extract(data, "$." + ".".join(path)) for path in USER_FIELDS.values()]
    if dialect == "postgresql":
        as_json = sa.cast(data, postgresql.JSON)
        return [sa.func.json_extract_path_text(as_json, *path) for path in USER_FIELDS.values()]
    return None


def _number(value: Any) -> Optional[float]:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _user_event(timestamp: float, intent: Optional[str], fields: Sequence[Any]) -> StoredEvent:
    """A user event from the fields the database picked out, shaped as the stored JSON (the parts used)."""
    text, confidence, faq_confidence, received_at = fields
    parse: Dict[str, Any] = {"intent": {"name": intent, "confidence": _number(confidence)}}
    if faq_confidence is not None:
        parse["response_selector"] = {"faq": {"response": {"confidence": _number(faq_confidence)}}}
    data = {"text": text or "", "parse_data": parse, "metadata": {"received_at": _number(received_at)}}
    return StoredEvent("user", timestamp, None, data)


def _event(row: Sequence[Any]) -> StoredEvent:
    _, type_name, timestamp, name, intent, data, *fields = row
    timestamp = timestamp or 0.0
    if type_name == "user" and fields:
        return _user_event(timestamp, intent, fields)
    parsed = type_name in PARSED_TYPES or (type_name == "slot" and name == REQUESTED_SLOT)
    return StoredEvent(type_name, timestamp, name, ujson.loads(data) if parsed and data else {})


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
    fields = _user_fields(url.get_backend_name(), c.data)
    is_user = c.type_name == "user"
    if fields:  # the user events' JSON stays in the database: only the fields come back
        columns = [sa.case((is_user, None), else_=c.data), *[sa.case((is_user, f), else_=None) for f in fields]]
    else:
        columns = [c.data]
    query = (
        sa.select(c.sender_id, c.type_name, c.timestamp, c.action_name, c.intent_name, *columns)
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
        yield sender, [_event(row) for row in group]
