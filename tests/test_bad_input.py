"""Issue 11: no message can freeze the assistant, silence a visitor, leak text or reach another's chat.

The unit part checks the input rules of the channels (channels/guard.py, channels/rest.py) and the request budget of
assistant/serve.py. The served part runs the bad-input corpus tests/bad_input.yml against the assistant served as
`make run` serves it, over REST and over socket.io (the widget's channel), and then greps every log for the canary
word each case carried: every case is answered sensibly or refused with a clear status, no 5xx, no traceback, no echo,
nothing in the logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from assistant.serve import request_budget
from channels.guard import MAX_MESSAGE_CHARACTERS, REQUEST_MAX_BYTES, messages, offered_commands, visitor_text
from channels.rest import Refusal, RestInput, handle, read_request
from tests.support.processes import RunScript

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).with_name("bad_input.yml")
CASES: List[Dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["cases"]
MISSING = object()


# ---- unit: the rules ---------------------------------------------------------------------------------------------


def test_the_corpus_has_every_kind_of_the_issue_and_at_least_80_cases():
    kinds = {case["kind"] for case in CASES}
    assert len(CASES) >= 80 and len({case["id"] for case in CASES}) == len(CASES)
    assert {"command", "type", "encoding", "body", "sender", "fields", "size", "content", "stream"} <= kinds


def test_the_channel_cuts_messages_where_the_classifier_does():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    guard = next(step for step in config["pipeline"] if step["name"] == "assistant.components.TextGuard")
    assert guard["max_characters"] == MAX_MESSAGE_CHARACTERS
    assert len(visitor_text("rug " * 20000, frozenset())) == MAX_MESSAGE_CHARACTERS


def test_the_server_gets_the_body_limit_before_rasa_builds_its_app():
    budget = request_budget(["run", "--enable-api"], {})
    assert budget == {
        "SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES),
        "SANIC_WEBSOCKET_MAX_SIZE": str(REQUEST_MAX_BYTES),
    }
    assert request_budget(["run", "actions", "--actions", "actions"], {}) == {}  # trackers are larger than 64 KB
    assert request_budget(["run"], {"SANIC_REQUEST_MAX_SIZE": "1000"}) == {"SANIC_WEBSOCKET_MAX_SIZE": "65536"}


@pytest.mark.parametrize(
    "text, passed_on",
    [
        ("/restart", "restart"),
        ("/session_start", "session_start"),
        ("/faq", "faq"),
        ('/faq{"x":1}', 'faq{"x":1}'),
        ("  //restart ", "restart"),
        ("/ /restart", "restart"),
        ("/faq/hernia", "/faq/hernia"),
        (" /exercise_recommendation\n", "/exercise_recommendation"),
        ("/greet", "/greet"),
        ('/greet{"x": 1}', 'greet{"x": 1}'),
        ("a\x00b\x1bc", "a b c"),
        ("regel een\nregel twee", "regel een\nregel twee"),
    ],
)
def test_only_the_commands_the_assistant_offers_stay_commands(text, passed_on):
    commands = offered_commands(None, extra={"/exercise_recommendation"})
    assert "/faq/hernia" in commands and "/restart" not in commands and "/session_start" not in commands
    assert visitor_text(text, commands) == passed_on


@pytest.mark.parametrize(
    "body, key",
    [
        (b"", "invalid_body"),
        (b"[]", "invalid_body"),
        (b'"hallo"', "invalid_body"),
        (b"[" * 50000 + b"]" * 50000, "invalid_body"),
        (b'{"sender": "' + b"1" * 5000 + b'"}', "invalid_sender"),
        (b'{"message": "hallo"}', "invalid_sender"),
        (b'{"sender": null, "message": "hallo"}', "invalid_sender"),
        (b'{"sender": "", "message": "hallo"}', "invalid_sender"),
        (b'{"sender": "a/b", "message": "hallo"}', "invalid_sender"),
        (b'{"sender": "' + b"a" * 65 + b'", "message": "hallo"}', "invalid_sender"),
        (b'{"sender": "s1"}', "invalid_message"),
        (b'{"sender": "s1", "message": 12}', "invalid_message"),
        (b'{"sender": "s1", "message": null}', "invalid_message"),
        (b'{"sender": "s1", "message": "\\ud800 rugpijn"}', "invalid_encoding"),
        (b'{"sender": "s1", "message": "\xff"}', "invalid_encoding"),
    ],
)
def test_a_request_the_channel_cannot_pass_on_is_refused_with_its_dutch_message(body, key):
    with pytest.raises(Refusal) as refusal:
        read_request(body)
    assert refusal.value.key == key and refusal.value.status == 400
    answer = json.loads(refusal.value.response().body)
    assert answer == {"error": key, "message": getattr(messages(), key)}


def test_a_valid_request_gives_sender_and_message():
    assert read_request(b'{"sender": "test-1_A", "message": "hallo", "input_channel": "telegram"}') == (
        "test-1_A",
        "hallo",
    )


async def _crash(message):
    raise KeyError(f"response_selector {message.text} {message.sender_id}")


async def test_a_failure_of_the_assistant_is_logged_without_text_and_answered(caplog):
    caplog.set_level(logging.DEBUG)
    collector = CollectingOutputChannel()
    message = UserMessage("ik heb kanker gehad kanarie1", collector, "kanarie2", input_channel="rest")
    assert await handle(_crash, message, "rest") is False
    assert "KeyError" in caplog.text and "kanarie" not in caplog.text


async def test_a_stream_ends_with_the_apology_when_the_assistant_fails(caplog):
    written = []

    class Response:
        async def write(self, data):
            written.append(json.loads(data))

    await asyncio.wait_for(RestInput().streamed(_crash, "kanarie3", "s1")(Response()), timeout=10)
    assert written == [{"recipient_id": "s1", "text": messages().failure}]
    assert "kanarie" not in caplog.text


# ---- served: the corpus over REST and socket.io ---------------------------------------------------------------


def _expand(value: Any, canary: str) -> Any:
    if isinstance(value, str):
        return value.replace("{canary}", canary)
    if isinstance(value, list):
        return [_expand(item, canary) for item in value]
    if isinstance(value, dict):
        return {_expand(key, canary): _expand(item, canary) for key, item in value.items()}
    return value


def _message(case: Dict[str, Any], canary: str) -> Any:
    message = _expand(case["message"], canary)
    return message * case["repeat"] if case.get("repeat") else message


def _rest_body(case: Dict[str, Any], canary: str) -> bytes:
    if "body_hex" in case:
        return bytes.fromhex(case["body_hex"])
    if "body" in case:
        body = _expand(case["body"], canary)
        if body == "NESTED":
            body = "[" * 30000 + "]" * 30000
        elif body == "HUGE_INTEGER":
            body = '{"sender": "n1", "message": ' + "9" * 20000 + "}"
        return body.encode("utf-8", "surrogatepass")
    sender: Any = case.get("sender", f"bad-{canary}")
    if sender == "LONG_SENDER":
        sender = "s" * 10000
    data = {"sender": sender, "message": _message(case, canary), **_expand(case.get("fields") or {}, canary)}
    if sender == "missing":
        del data["sender"]
    return json.dumps(data).encode("utf-8")


def _check_answer(texts: List[str], case: Dict[str, Any], canary: str) -> None:
    assert texts and all(text.strip() for text in texts), f"{case['id']}: no answer: {texts}"
    for text in texts:
        assert "Traceback" not in text and canary not in text, f"{case['id']}: {text[:200]}"
        message = case.get("message")
        if isinstance(message, str) and len(message.strip()) >= 12 and "{canary}" not in message:
            assert _message(case, canary).strip()[:30] not in text, f"{case['id']} echoed: {text[:200]}"


def _logs(served: RunScript) -> Dict[str, Path]:
    """The logs of the served assistant: the Rasa server's (run.sh's output) and the action server's."""
    return {path.name: path for path in (served.log_path, Path(served.env["ACTIONS_LOG"]))}


@pytest.fixture
def served(assistant):
    """The shared served assistant, and where its logs stood before the test (only what the test caused counts)."""
    assistant.log_offsets = {name: path.stat().st_size for name, path in _logs(assistant).items()}
    return assistant


@pytest.mark.model
def test_the_corpus_over_rest_is_answered_or_refused_and_nothing_reaches_the_logs(served):
    canaries = {}
    for case in CASES:
        canary = canaries[case["id"]] = f"kanarie{uuid.uuid4().hex[:10]}"
        url = served.webhook + ("?stream=true" if case.get("stream") else "")
        response = requests.post(
            url, data=_rest_body(case, canary), headers={"Content-Type": "application/json"}, timeout=60
        )
        expected = case.get("rest", 200)
        assert response.status_code == expected, f"{case['id']}: {response.status_code} {response.text[:300]}"
        if expected != 200:
            answer = response.json()
            assert answer["message"] == getattr(messages(), answer["error"]), case["id"]
            continue
        if case.get("stream"):
            replies = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        else:
            replies = response.json()
        _check_answer([reply.get("text", "") for reply in replies], case, canary)
        if "fields" in case:  # caller fields are not stored as given
            tracker = served.tracker(f"bad-{canary}")
            user = [event for event in tracker["events"] if event["event"] == "user"][-1]
            assert user["input_channel"] == "rest" and canary not in json.dumps(user.get("metadata")), case["id"]
    _assert_not_logged(served, canaries)


@pytest.mark.model
def test_the_corpus_over_socketio_gets_an_answer_every_time(served):
    socketio = pytest.importorskip("socketio")
    client = socketio.Client(reconnection=False)
    answers: List[Dict[str, Any]] = []
    confirmed: List[str] = []
    arrived = threading.Event()

    @client.on("session_confirm")
    def on_confirm(session_id):
        confirmed.append(session_id)
        arrived.set()

    @client.on("bot_uttered")
    def on_answer(data):
        answers.append(data)
        arrived.set()

    client.connect(served.url, transports=["polling"], headers={"Origin": served.url}, socketio_path="socket.io")
    try:
        client.emit("session_request", {"session_id": None})
        assert arrived.wait(30) and confirmed, "no session_confirm"
        session_id = confirmed[-1]
        canaries = {}
        for case in [case for case in CASES if case.get("socketio", True) and "message" in case]:
            canary = canaries[case["id"]] = f"kanarie{uuid.uuid4().hex[:10]}"
            answers.clear()
            data = {
                "message": _message(case, canary),
                "session_id": session_id,
                **_expand(case.get("fields") or {}, canary),
            }
            client.emit("user_uttered", data)
            deadline = time.monotonic() + 60
            while not answers and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)  # the rest of this turn's answers
            _check_answer([answer.get("text", "") for answer in answers], case, canary)
        assert client.connected, "the server closed the socket"
    finally:
        client.disconnect()
    _assert_not_logged(served, canaries)


def _assert_not_logged(served: RunScript, canaries: Dict[str, str]) -> None:
    logs = {name: path.read_bytes() for name, path in _logs(served).items()}
    assert all(logs.values()), "a log is empty: the grep would prove nothing"
    for name, log in logs.items():
        leaked = [case for case, canary in canaries.items() if canary.encode() in log]
        assert not leaked, f"{name} holds the text of {leaked}"
        since = log[served.log_offsets[name] :].decode(errors="replace")
        assert "Traceback" not in since, f"{name}: a traceback while the corpus ran:\n{since[-2000:]}"
