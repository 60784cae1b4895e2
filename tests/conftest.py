"""Fixtures, and the markers that say which resource a test needs; the harness itself is in tests/support/.

Markers (registered in pyproject.toml): ``model`` (the trained model, a served assistant), ``services(names)``
(PostgreSQL, Redis, RabbitMQ: skipped when one is missing, failed under CI=true), ``browser`` (Chromium + node).
`make unit` runs the tests with none of them, `make integration` the rest. Every test with one of them also gets
``integration``, so ``-m integration`` and ``-m "not integration"`` keep selecting the same two tiers.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from tests.support.guarded import guarded_server as start_guarded_server
from tests.support.paths import CONTRACT
from tests.support.postgres import PostgresDatabase
from tests.support.processes import ActionServer, Assistant, served_by_run_sh
from tests.support.services import SERVICES, require_service

RESOURCES = ("model", "services", "browser")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """``integration`` = needs a resource; a test marked integration by hand must say which resource."""
    for item in items:
        needs = [name for name in RESOURCES if item.get_closest_marker(name)]
        if item.get_closest_marker("integration") and not needs:
            raise pytest.UsageError(f"{item.nodeid}: mark it by the resource it needs ({', '.join(RESOURCES)})")
        for marker in item.iter_markers("services"):
            unknown = [name for name in marker.args if name not in SERVICES]
            if not marker.args or unknown:
                raise pytest.UsageError(f"{item.nodeid}: services() takes some of {sorted(SERVICES)}, got {unknown}")
        if needs:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _services_of_the_marker(request) -> None:
    """Skip (or under CI=true fail) a test marked ``services(...)`` when one of its services is unreachable."""
    for marker in request.node.iter_markers("services"):
        for name in marker.args:
            require_service(name)


@pytest.fixture(scope="session")
def topics() -> Dict[str, Dict[str, Any]]:
    """Topic ids from contract/topics.yml, by section (faq, safety, recommendations, conversation)."""
    return yaml.safe_load((CONTRACT / "topics.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def topic_ids(topics) -> List[str]:
    return [topic for section in topics.values() for topic in section]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Iterator[Assistant]:
    """The assistant served as `make run` serves it, shared by the integration tests."""
    with served_by_run_sh(tmp_path_factory.mktemp("served")) as served:
        yield served


@pytest.fixture
def postgres_database():
    """A fresh, empty PostgreSQL database (dropped after the test)."""
    host, port = require_service("postgresql")
    database = PostgresDatabase(host, port, f"rasa_test_{uuid.uuid4().hex[:10]}").create()
    yield database
    database.drop()


@pytest.fixture(scope="session")
def action_server(tmp_path_factory):
    """One action server for the tests that start their own Rasa servers."""
    server = ActionServer(tmp_path_factory.mktemp("actions")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def guarded_server(tmp_path_factory, action_server):
    """tests/support/guarded.py: the guarded Rasa server, its database and action server behind proxies."""
    host, port = require_service("postgresql")
    with start_guarded_server(tmp_path_factory.mktemp("guarded"), action_server.port, host, port) as guarded:
        yield guarded
