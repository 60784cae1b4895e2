"""RabbitMQ helpers shared by the privacy and scale-out tests (guest/guest on the address in services.py)."""

from __future__ import annotations

from typing import Optional

from tests.support.services import address


async def _connect():
    import aio_pika

    host, port = address("rabbitmq")
    return await aio_pika.connect_robust(host=host, port=port, login="guest", password="guest")


async def rabbitmq_queue_count(queue_name: str, arguments: Optional[dict] = None, passive: bool = True) -> int:
    """Messages waiting in a queue (declaring it when ``passive`` is False)."""
    connection = await _connect()
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True, passive=passive, arguments=arguments)
        return queue.declaration_result.message_count


async def rabbitmq_delete(queue_name: str, exchange_name: str) -> None:
    """Delete a test's queue and exchange."""
    connection = await _connect()
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue_name)
        await channel.exchange_delete(exchange_name)
