"""Reading a stored event finds its class in a dictionary instead of walking every subclass of ``Event``.

Rasa issue: none found. Written for Rasa 3.6.21.

Every event read from the tracker store (``DialogueStateTracker.from_dict`` on every message, for every event of
the session) goes through ``Event.resolve_by_type``, which walks the whole class tree of ``Event``
(``rasa.shared.utils.common.all_subclasses``, with ``inspect.isabstract`` for each of some 30 classes) to find the
one class with that ``type_name``. Measured on 100 stored events of a conversation (``make bench``'s
long-conversation curve, profiled in process): rebuilding the tracker took 3.6 ms, 0.3 ms with the classes
remembered, so most of a turn's read cost grew with the session for this lookup alone (issue 14).

This patch remembers each class Rasa's own lookup found, by type name. A type name it has not seen, or one
Rasa's lookup does not know (the ``default``, or ``None`` for old ``topic`` events, or the error), always goes to
Rasa's lookup, so the answers are the same; a subclass of ``Event`` imported later with a type name already
remembered would not be found (Rasa's own event classes have unique type names).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from assistant.patches import Target

TARGETS = (Target("rasa.shared.core.events", "Event.resolve_by_type", ("type_name", "default")),)


def install() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
        cls = found.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, default)
        if cls is not None and cls is not default:
            found[type_name] = cls
        return cls

    resolve_by_type.__doc__ = original.__doc__
    Event.resolve_by_type = staticmethod(resolve_by_type)
