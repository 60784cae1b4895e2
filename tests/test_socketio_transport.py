"""The locked socket.io client stack talks to the served assistant over the websocket transport, not polling.

Each test connects with ``transports=["websocket"]`` only, so a client that cannot open a websocket fails to connect
instead of quietly falling back to long-polling, and then asserts the transport it got. Over that socket it runs the
widget's handshake (``session_request`` -> ``session_confirm`` with a session id the server signed, see
channels/sessions.py) and asks a question, as rasa-webchat does.

python-socketio's ``Client`` (python-engineio's websocket-client transport) works. Its ``AsyncClient`` does not with
this lock: python-engineio 4.13.0 and later build ``aiohttp.ClientWSTimeout`` for every websocket connection, which
aiohttp has only from 3.10 on, and Rasa 3.6.21 requires aiohttp < 3.10. python-engineio 4.12.3 (the last release
without it) would make the AsyncClient work, but it lacks the server-side fix of CVE-2026-48802 (4.13.2: every
PONG a client sends starts another ping task, unbounded) in the engine.io server Rasa's socket.io channel runs on.
The server's fix wins; the AsyncClient test is a strict xfail that fails loudly once the stack lets it connect.
"""

from __future__ import annotations

import asyncio
import queue
from typing import Any, Dict, List

import pytest
import requests

from channels.sessions import SESSION_ID, conversation_id

QUESTION = "hoe lang duurt rugpijn meestal?"
TIMEOUT = 60
QUIET = 2  # seconds without a message that end a turn (the answer comes as several bot_uttered messages)


def _check_the_answer(assistant, session_id: str, turn: List[Dict[str, Any]]) -> None:
    """What the visitor sees: the Dutch answer on how long low-back pain lasts, with its source, in their chat."""
    assert isinstance(session_id, str) and SESSION_ID.fullmatch(session_id), session_id
    texts = [message.get("text", "") for message in turn]
    assert any("Bron:" in text for text in texts), texts
    tracker = requests.get(
        f"{assistant.url}/conversations/{conversation_id(session_id)}/tracker",
        params={"token": assistant.token},
        timeout=30,
    ).json()
    users = [event for event in tracker["events"] if event["event"] == "user"]
    assert [(event["text"], event["input_channel"]) for event in users] == [(QUESTION, "socketio")], users
    answered = [event.get("metadata", {}).get("utter_action") for event in tracker["events"] if event["event"] == "bot"]
    assert "utter_faq/recovery_time" in answered, answered


@pytest.mark.model
def test_the_client_talks_to_the_widget_channel_over_websocket(assistant):
    socketio = pytest.importorskip("socketio")
    client = socketio.Client(reconnection=False)
    confirmed: queue.Queue = queue.Queue()
    answers: queue.Queue = queue.Queue()
    client.on("session_confirm", confirmed.put)
    client.on("bot_uttered", answers.put)

    # No Origin header of our own: websocket-client sends the URL's origin (the server's own, as the demo page's
    # is), and a second one would make it "a,b", which the origin check refuses.
    client.connect(
        assistant.url,
        transports=["websocket"],
        socketio_path="socket.io",
        wait_timeout=TIMEOUT,
    )
    try:
        assert client.transport() == "websocket"
        client.emit("session_request", {"session_id": None})
        session_id = confirmed.get(timeout=TIMEOUT)
        client.emit("user_uttered", {"message": QUESTION, "session_id": session_id})
        turn = [answers.get(timeout=TIMEOUT)]
        while True:
            try:
                turn.append(answers.get(timeout=QUIET))
            except queue.Empty:
                break
        assert client.transport() == "websocket", "the socket changed transport during the conversation"
    finally:
        client.disconnect()
    _check_the_answer(assistant, session_id, turn)


@pytest.mark.model
@pytest.mark.xfail(
    strict=True,
    raises=AttributeError,
    reason="python-engineio >= 4.13 needs aiohttp.ClientWSTimeout (aiohttp >= 3.10); Rasa 3.6.21 pins aiohttp < 3.10",
)
async def test_the_async_client_talks_to_the_widget_channel_over_websocket(assistant):
    socketio = pytest.importorskip("socketio")
    client = socketio.AsyncClient(reconnection=False)
    confirmed: asyncio.Queue = asyncio.Queue()
    answers: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", confirmed.put)
    client.on("bot_uttered", answers.put)

    try:
        await client.connect(
            assistant.url,
            transports=["websocket"],
            headers={"Origin": assistant.url},
            socketio_path="socket.io",
            wait_timeout=TIMEOUT,
        )
        assert client.transport() == "websocket"
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed.get(), TIMEOUT)
        await client.emit("user_uttered", {"message": QUESTION, "session_id": session_id})
        turn = [await asyncio.wait_for(answers.get(), TIMEOUT)]
        while True:
            try:
                turn.append(await asyncio.wait_for(answers.get(), QUIET))
            except asyncio.TimeoutError:
                break
        assert client.transport() == "websocket", "the socket changed transport during the conversation"
    finally:
        await client.disconnect()
        if client.eio.http is not None:  # the session a failed connect leaves open
            await client.eio.http.close()
    _check_the_answer(assistant, session_id, turn)
