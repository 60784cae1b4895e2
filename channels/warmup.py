"""Warm the model up when the server starts, so the first visitor does not pay for it.

Rasa 3.6 has no hook for this. A channel's blueprint can register a server listener, so this "channel" has no
webhook of its own: after the server has started (the model is loaded in Rasa's ``before_server_start``
listener), it runs a few Dutch messages through the NLU pipeline and the policies on an in-memory tracker.
Nothing is written to the tracker store, nothing is sent anywhere, and no action is run.

credentials.yml:

    channels.warmup.WarmUp:

Measured with ``make bench``: the first NLU parse after loading took 48 ms against 13 ms warm; the first
answer after the server reported ready 76-441 ms.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint

logger = logging.getLogger(__name__)

# Typical first messages: a question, the questionnaire, an alarm sign (every classifier and the safety net).
WARM_UP_TEXTS = ("hoe lang duurt rugpijn meestal?", "welke oefeningen kan ik doen?", "ik heb koorts en rugpijn")


async def warm_up(agent: Any) -> float:
    """Parse the warm-up texts and predict the next action for each on a throwaway tracker.

    Returns:
        The seconds it took.
    """
    started = time.perf_counter()
    processor = agent.processor
    for text in WARM_UP_TEXTS:
        parse_data = await processor.parse_message(UserMessage(text, sender_id="warm-up"))
        tracker = DialogueStateTracker.from_events(
            "warm-up",
            [
                ActionExecuted(ACTION_LISTEN_NAME),
                UserUttered(text, parse_data["intent"], parse_data["entities"], parse_data),
            ],
            slots=agent.domain.slots,
        )
        processor.predict_next_with_tracker(tracker)
    return time.perf_counter() - started


class WarmUp(InputChannel):
    """Not a channel for users: runs :func:`warm_up` once the server has started."""

    @classmethod
    def name(cls) -> str:
        return "warmup"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> WarmUp:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("warmup_channel", __name__)

        @blueprint.listener("after_server_start")
        async def _warm_up(app: Any, _loop: Any) -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                logger.warning("warm-up skipped: no model loaded")
                return
            try:
                seconds = await warm_up(agent)
                logger.info(f"Model warmed up in {seconds * 1000:.0f} ms (nothing stored).")
            except Exception:  # a failed warm-up must never stop the server
                logger.exception("warm-up failed; the first visitor will wait a little longer")

        return blueprint
