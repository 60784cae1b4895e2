"""RabbitMQ event broker whose queues keep events no longer than the conversations are kept.

Rasa's ``PikaEventBroker`` declares its queues without arguments, so events (which carry the
message text) would wait in RabbitMQ for a consumer forever. ``RetentionPikaEventBroker`` declares
every queue with ``x-message-ttl`` = ``message_ttl_days`` (required; use the retention period of
the tracker store or less): RabbitMQ drops an event that was not consumed within that time.

    event_broker:
      type: assistant.event_broker.RetentionPikaEventBroker
      url: ${RABBITMQ_HOST}
      ...
      queues:
        - ${RABBITMQ_QUEUE}
      message_ttl_days: ${EVENT_RETENTION_DAYS}

RabbitMQ refuses to re-declare an existing queue with other arguments (PRECONDITION_FAILED): a
queue that was created without a TTL, or with another one, must be deleted first (or given a
policy); the server then fails at start-up with that error instead of running without a TTL.

The queues are declared in Rasa's private ``PikaEventBroker._bind_queue``, the only place that declares them
(tests/private_names.yml). ``assistant.patches`` checks its signature at start-up (``PRIVATE_OVERRIDES``), so a
Rasa version that no longer calls it stops the server instead of silently dropping the TTL.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import aio_pika
from rasa.core.brokers.pika import PikaEventBroker
from rasa.shared.exceptions import RasaException

MILLISECONDS_PER_DAY = 24 * 60 * 60 * 1000


def ttl_milliseconds(days: Any) -> int:
    """`days` (may be fractional, e.g. from an env var) as RabbitMQ's x-message-ttl."""
    try:
        value = float(days)
    except (TypeError, ValueError) as error:
        raise RasaException(f"message_ttl_days must be a number of days, not {days!r}") from error
    if value <= 0:
        raise RasaException(f"message_ttl_days must be more than 0, not {days!r}")
    return max(1, round(value * MILLISECONDS_PER_DAY))


class RetentionPikaEventBroker(PikaEventBroker):
    """PikaEventBroker that declares its queues with a message TTL (see module docstring)."""

    def __init__(self, *args: Any, message_ttl_days: Optional[Any] = None, **kwargs: Any) -> None:
        if message_ttl_days is None:
            raise RasaException(
                "RetentionPikaEventBroker needs message_ttl_days (the retention period of the conversations, "
                "or less): events must not wait in RabbitMQ longer than conversations are kept."
            )
        self.message_ttl = ttl_milliseconds(message_ttl_days)
        super().__init__(*args, **kwargs)

    def queue_arguments(self) -> Dict[str, Any]:
        return {"x-message-ttl": self.message_ttl}

    async def _bind_queue(self, queue_name: str, channel: aio_pika.RobustChannel, exchange: aio_pika.Exchange) -> None:
        queue = await channel.declare_queue(queue_name, durable=True, arguments=self.queue_arguments())
        await queue.bind(exchange, "")
