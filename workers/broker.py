"""What the broker holds: the messages waiting per queue (for re-queuing lost stages and
for /metrics)."""

from __future__ import annotations

from celery import Celery
from kombu.exceptions import ChannelError


def queue_messages(celery: Celery, queue: str) -> int:
    """Messages waiting in ``queue`` (Redis and the embedded transport both answer a
    passive declare with the count); 0 for a queue never declared (no consumer yet)."""
    with celery.connection_for_read() as connection:
        try:
            declared = connection.default_channel.queue_declare(queue=queue, passive=True)
        except ChannelError:
            return 0
        return int(declared.message_count)
