"""When the conversation cannot be read or stored, the user gets an apology, not an answer that is forgotten.

Rasa issue: no Rasa issue found for this behaviour (Rasa's answer to storage failures is the fail-safe store of
rasa#3243, which this project switches off for its own store). Written for Rasa 3.6.21.

Wraps ``Agent.handle_message``: when the tracker store (``StorageUnavailable``) or the lock store (``LockError``,
Redis errors) fails, the turn is abandoned, the error is logged without the message, answers already collected
for the REST channel are withdrawn, and the user gets the domain response ``utter_storage_unavailable``. Every
turn also gets an ``assistant.failures.Turn``, so an apology is said once per message.
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.failures import STORAGE_RESPONSE, render_response, storage_errors, turn
from assistant.patches import Target

logger = logging.getLogger(__name__)

TARGETS = (Target("rasa.core.agent", "Agent.handle_message", ("self", "message")),)


def install() -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel

    original = Agent.handle_message
    errors = storage_errors()

    async def handle_message(self: Any, message: Any) -> Any:
        with turn():
            try:
                return await original(self, message)
            except errors as error:
                logger.error(
                    f"The conversation could not be read or stored ({type(error).__name__}: {error}); "
                    f"the user got '{STORAGE_RESPONSE}' and this message was not handled."
                )
                channel = message.output_channel
                if isinstance(channel, CollectingOutputChannel):
                    channel.messages.clear()  # answers of a turn that was not stored are withdrawn
                apology = await render_response(
                    self.nlg, self.domain, STORAGE_RESPONSE, message.sender_id, channel.name() if channel else None
                )
                if channel is not None and apology is not None:
                    await channel.send_response(message.sender_id, apology)
                if isinstance(channel, CollectingOutputChannel):
                    return channel.messages
                return None

    handle_message.__doc__ = original.__doc__
    Agent.handle_message = handle_message
