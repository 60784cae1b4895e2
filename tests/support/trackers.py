"""rasa_sdk trackers built inline, for the actions' unit tests."""

from __future__ import annotations

from typing import Optional


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
