"""Where the real services the tests need are (PostgreSQL, Redis, RabbitMQ on loopback by default), and the rule
for a test that needs one: skipped with a message saying what to start, except under CI=true, where it fails
(CI must run it). Tests say what they need with ``@pytest.mark.services("postgresql", ...)`` (tests/conftest.py
applies this rule) or call require_service() in a fixture."""

from __future__ import annotations

import os
import socket
from typing import Optional, Tuple

SERVICES = {
    "postgresql": (
        os.environ.get("TEST_POSTGRES_HOST", "127.0.0.1"),
        int(os.environ.get("TEST_POSTGRES_PORT", 5432)),
        "start PostgreSQL on that address with trust auth for user postgres (e.g. `sudo service postgresql start`)",
    ),
    "redis": (
        os.environ.get("TEST_REDIS_HOST", "127.0.0.1"),
        int(os.environ.get("TEST_REDIS_PORT", 6379)),
        "start Redis (e.g. `sudo service redis-server start`)",
    ),
    "rabbitmq": (
        os.environ.get("TEST_RABBITMQ_HOST", "127.0.0.1"),
        int(os.environ.get("TEST_RABBITMQ_PORT", 5672)),
        "start RabbitMQ with the guest/guest user (e.g. `sudo service rabbitmq-server start`)",
    ),
}
POSTGRES_USER = os.environ.get("TEST_POSTGRES_USER", "postgres")


def address(name: str) -> Tuple[str, int]:
    host, port, _ = SERVICES[name]
    return host, port


def unreachable(name: str) -> Optional[str]:
    """Why a service cannot be used (what to start), or None when it answers."""
    if name not in SERVICES:
        raise KeyError(f"unknown service {name!r}: one of {sorted(SERVICES)}")
    host, port, hint = SERVICES[name]
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        return f"{name} is not reachable at {host}:{port} ({error}): {hint}"
    return None


def require_service(name: str) -> Tuple[str, int]:
    """(host, port) of a service the test needs; skip (or fail under CI=true) when it is unreachable."""
    import pytest

    message = unreachable(name)
    if message:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}. CI=true: tests that need {name} must run, not skip.")
        pytest.skip(message)
    return address(name)
