"""The patches of assistant/patches/: each does what its docstring says, and the guard refuses what does not fit.

Unit level (no model, no servers): the guard against a wrong Rasa version, a missing target and a changed
signature; the entry point assistant.serve refusing to start; and each patch's behaviour. tests/test_outages.py
and tests/test_privacy.py prove the same against real servers.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant import patches
from assistant.failures import ACTIONS_RESPONSE, STORAGE_RESPONSE, StorageUnavailable
from assistant.patches import PatchError
from assistant.serve import prepare, rasa_arguments

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore", SQLALCHEMY_SILENCE_UBER_WARNING="1")


@pytest.fixture(scope="module", autouse=True)
def installed():
    prepare(serving=True)


def _domain():
    from rasa.shared.core.domain import Domain

    return Domain.from_dict(
        {
            "intents": ["greet"],
            "responses": {
                STORAGE_RESPONSE: [{"text": "Opslag weg."}],
                ACTIONS_RESPONSE: [{"text": "Acties weg."}],
            },
        }
    )


def _python(code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), "-c", code], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=180, check=False
    )


# ---- the guard -----------------------------------------------------------------------------------------------------


def test_install_is_idempotent():
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent

    before = (Agent.handle_message, Agent._create_tracker_store, RemoteAction.run, Agent.load_model)
    prepare(serving=True)
    patches.install()
    assert (Agent.handle_message, Agent._create_tracker_store, RemoteAction.run, Agent.load_model) == before
    assert patches.installed() == {
        "strict_tracker_store",
        "storage_apology",
        "action_server",
        "action_response_validator",
        "log_redaction",
        "session_rollover",
        "event_type_lookup",
        "required_responses",
    }


def test_every_patch_names_its_rasa_issue_and_version():
    from assistant.patches import _patch_modules

    modules = list(_patch_modules(serving=True))
    assert len(modules) >= 5
    for module in modules:
        doc = module.__doc__ or ""
        assert "Rasa issue:" in doc and patches.RASA_VERSION in doc, module.__name__
        assert module.TARGETS, module.__name__


def test_a_wrong_rasa_version_is_refused(monkeypatch):
    import rasa

    from assistant.patches import storage_apology

    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    with pytest.raises(PatchError) as refused:
        patches.verify([storage_apology])
    assert refused.value.code == patches.EXIT_CODE
    assert "Rasa 3.6.20 is installed, not 3.6.21" in str(refused.value)
    assert "assistant.patches.storage_apology" in str(refused.value)


def test_a_missing_target_is_refused(monkeypatch):
    from rasa.core.actions.action import RemoteAction

    from assistant.patches import action_response_validator

    monkeypatch.delattr(RemoteAction, "_validate_action_result")
    with pytest.raises(PatchError, match=r"RemoteAction\._validate_action_result does not exist") as refused:
        patches.verify([action_response_validator])
    assert "assistant.patches.action_response_validator" in str(refused.value)


def test_a_changed_signature_is_refused(monkeypatch):
    from rasa.core.agent import Agent

    from assistant.patches import storage_apology

    async def handle_message(self, message, extra):  # what a Rasa upgrade might do
        return None

    monkeypatch.setattr(Agent, "handle_message", handle_message)
    with pytest.raises(PatchError, match=r"takes \(self, message, extra\), the patch expects \(self, message\)"):
        patches.verify([storage_apology])


def test_a_changed_private_override_target_is_refused(monkeypatch):
    from rasa.core.brokers.pika import PikaEventBroker

    from assistant.patches import strict_tracker_store

    monkeypatch.delattr(PikaEventBroker, "_bind_queue")
    with pytest.raises(PatchError, match="the override in assistant/event_broker.py"):
        patches.verify([strict_tracker_store])


def test_a_missing_dependency_version_is_refused(monkeypatch):
    from assistant.patches import log_redaction

    monkeypatch.setattr(log_redaction, "REQUIRES", {"structlog": "99.0"})
    with pytest.raises(PatchError, match="structlog 23.3.0 is installed, not 99.0"):
        patches.verify([log_redaction])


def test_the_server_refuses_to_start_on_a_wrong_rasa_version():
    """`python -m assistant.serve run` stops before Rasa starts, with the patch and the reason, exit code 78."""
    result = _python(
        "import rasa; rasa.__version__ = '3.7.0'\n"
        "from assistant.serve import main\n"
        "main(['run', '--model', 'models/rugpijn.tar.gz', '--enable-api'])\n"
    )
    assert result.returncode == patches.EXIT_CODE, result.stderr[-2000:]
    assert "Rasa cannot start" in result.stderr and "Rasa 3.7.0 is installed, not 3.6.21" in result.stderr


def test_the_strict_store_refuses_to_start_without_the_patches(tmp_path):
    """Started by plain `rasa run`, Rasa would wrap it in its fail-safe store: it stops the start instead."""
    result = _python(
        "from assistant.tracker_store import StrictSQLTrackerStore\n"
        f"StrictSQLTrackerStore(dialect='sqlite', db={str(tmp_path / 'conversations.db')!r})\n"
    )
    assert result.returncode == 78, result.stderr[-2000:]
    assert "patches of assistant.patches are not installed" in result.stderr
    assert "python -m assistant.serve" in result.stderr


# ---- the entry point -----------------------------------------------------------------------------------------------


def test_the_api_token_comes_from_the_environment_or_the_token_file(tmp_path):
    token_file = tmp_path / "rasa_token"
    serving = ["run", "--model", "m.tar.gz", "--enable-api"]
    assert rasa_arguments(serving, {"RASA_AUTH_TOKEN": "from-env"}, token_file)[-2:] == ["--auth-token", "from-env"]
    token_file.write_text("from-file\n")
    assert rasa_arguments(serving, {}, token_file)[-2:] == ["--auth-token", "from-file"]
    # Nothing added where there is no HTTP API, or where a token was given.
    for arguments in (["run", "actions", "--actions", "actions"], ["train"], ["run", "--model", "m.tar.gz"]):
        assert rasa_arguments(arguments, {"RASA_AUTH_TOKEN": "x"}, token_file) == arguments
    given = [*serving, "--auth-token", "given"]
    assert rasa_arguments(given, {"RASA_AUTH_TOKEN": "x"}, token_file) == given


def test_an_api_without_a_token_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="without a token"):
        rasa_arguments(["run", "--enable-api"], {}, tmp_path / "missing")


# ---- what each patch does ------------------------------------------------------------------------------------------


def test_the_strict_store_is_not_wrapped_in_the_fail_safe_store(tmp_path):
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    from assistant.tracker_store import StrictSQLTrackerStore

    domain = _domain()
    strict = StrictSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))
    assert Agent._create_tracker_store(strict, domain) is strict and strict.domain is domain
    assert isinstance(Agent._create_tracker_store(InMemoryTrackerStore(domain), domain), FailSafeTrackerStore)
    strict.engine.dispose()


def test_a_storage_failure_withdraws_the_answers_and_apologises():
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    class FailingProcessor:
        """The processor when the tracker store fails after an answer was collected."""

        async def handle_message(self, message):
            await message.output_channel.send_text_message(message.sender_id, "een antwoord dat niet bewaard is")
            raise StorageUnavailable("the tracker store failed during save")

    agent = Agent(domain=_domain())
    agent.processor = FailingProcessor()
    channel = CollectingOutputChannel()
    replies = asyncio.run(agent.handle_message(UserMessage("hallo", channel, "s1")))
    assert [reply.get("text") for reply in replies] == ["Opslag weg."]


class SilentServer:
    """A TCP server that accepts connections and never answers (a hanging action server)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.connections.append(self.socket.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        self.socket.close()


def _run_remote_action(url: str):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    domain = _domain()
    action = RemoteAction("action_human_handoff", EndpointConfig(url))
    tracker = DialogueStateTracker.from_events("s1", [], domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, domain))


def test_a_hanging_action_server_times_out_into_the_apology(monkeypatch):
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0.5")
    server = SilentServer()
    try:
        events = _run_remote_action(f"http://127.0.0.1:{server.port}/webhook")
    finally:
        server.close()
    assert [type(event).__name__ for event in events] == ["BotUttered", "FollowupAction"]
    assert events[0].text == "Acties weg." and events[1].action_name == "action_listen"


def test_an_unreachable_action_server_gets_the_apology(monkeypatch):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again: nobody listens there
    events = _run_remote_action(f"http://127.0.0.1:{port}/webhook")
    assert events[0].text == "Acties weg."


def test_the_cached_validator_accepts_and_refuses_like_rasa():
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_rasa_s_structlog_configuration_gets_the_redaction_first():
    """Rasa's main configures structlog after the patches are installed: the redaction must still come first."""
    result = _python(
        "from assistant.serve import prepare\n"
        "prepare()\n"
        "import logging, rasa.__main__, structlog\n"
        "rasa.__main__.configure_structlog(logging.INFO)\n"
        "print(structlog.get_config()['processors'][0].__qualname__)\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "redact_event_dict"


def test_a_model_without_the_apologies_is_not_served(monkeypatch):
    from rasa.shared.core.domain import Domain

    from assistant.patches.required_responses import ALLOW_ENV, check_domain

    monkeypatch.delenv(ALLOW_ENV, raising=False)
    check_domain(Domain.from_yaml((ROOT / "domain.yml").read_text(encoding="utf-8")))  # the project's domain
    foreign = Domain.from_dict({"intents": ["greet"]})
    with pytest.raises(PatchError, match=f"no response {STORAGE_RESPONSE} or {ACTIONS_RESPONSE}"):
        check_domain(foreign, "models/old.tar.gz")
    monkeypatch.setenv(ALLOW_ENV, "1")  # the rasa init bot of make bench, said so explicitly
    check_domain(foreign, "models/rasa_init.tar.gz")


@pytest.mark.model
def test_the_server_refuses_a_model_without_the_apologies(tmp_path):
    """The real server: Rasa loads the model, the check stops the process (Rasa would otherwise serve nothing)."""
    credentials, endpoints = tmp_path / "credentials.yml", tmp_path / "endpoints.yml"
    credentials.write_text("rest:\n")
    endpoints.write_text("")  # in memory: this test is about the model, not the stores
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = _python(
        "import assistant.failures\n"
        "assistant.failures.REQUIRED_RESPONSES = ('utter_not_in_the_domain',)  # as an older model would lack\n"
        "from assistant.serve import main\n"
        f"main(['run', '--model', {str(ROOT / 'models' / 'rugpijn.tar.gz')!r}, '--port', '{port}', "
        f"'--credentials', {str(credentials)!r}, '--endpoints', {str(endpoints)!r}])\n"
    )
    assert result.returncode == patches.EXIT_CODE, (result.stdout + result.stderr)[-3000:]
    assert "has no response utter_not_in_the_domain in its domain" in result.stderr


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_the_event_lookup_answers_like_rasa_s_own():
    import rasa.shared.utils.common
    from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered

    classes = [c for c in rasa.shared.utils.common.all_subclasses(Event) if c.type_name]
    for _ in range(2):  # the first time through Rasa's lookup, then remembered
        for cls in classes:
            assert Event.resolve_by_type(cls.type_name) is next(c for c in classes if c.type_name == cls.type_name)
    assert [Event.resolve_by_type(n) for n in ("user", "action", "slot", "session_started")] == [
        UserUttered,
        ActionExecuted,
        SlotSet,
        SessionStarted,
    ]
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="no_such_event"):
        Event.resolve_by_type("no_such_event")
