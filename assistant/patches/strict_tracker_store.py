"""No fail-safe wrapper around a tracker store that must fail loudly.

Rasa issue: rasa#3243 ("Fallback to InMemory tracker store if mongo / sql / redis is not reachable", the feature
that introduced ``FailSafeTrackerStore``; its thread also records the data loss it causes). Written for
Rasa 3.6.21.

``Agent._create_tracker_store`` wraps every tracker store in ``FailSafeTrackerStore``, which on any error of the
store continues silently with an in-memory store: the conversation goes on, nothing is kept. For a store that
sets ``fails_loudly = True`` (``assistant.tracker_store.StrictSQLTrackerStore``) this patch returns the store
itself, so its errors (``assistant.failures.StorageUnavailable``) reach ``Agent.handle_message``
(``storage_apology``). Every other store is wrapped as before.
"""

from __future__ import annotations

from typing import Any

from assistant.patches import Target

TARGETS = (Target("rasa.core.agent", "Agent._create_tracker_store", ("store", "domain")),)


def install() -> None:
    from rasa.core.agent import Agent

    original = Agent._create_tracker_store

    def _create_tracker_store(store: Any, domain: Any) -> Any:
        if store is not None and getattr(store, "fails_loudly", False):
            store.domain = domain
            return store  # no FailSafeTrackerStore: its errors must reach handle_message
        return original(store, domain)

    Agent._create_tracker_store = staticmethod(_create_tracker_store)
