"""The website chat widget: the socket.io channel's fixes (unit), and the demo page in a real headless Chromium.

The browser test is tests/browser/widget.spec.mjs (node + playwright-core from web/node_modules, with Debian's
/usr/bin/chromium); this file starts it against the assistant served by scripts/run.sh (the `assistant` fixture).
Set WIDGET_DOCS_SCREENSHOT=1 to also refresh the README's picture docs/widget.png.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from channels.guard import messages
from channels.sessions import SessionIds, SessionKeyError, conversation_id, session_key
from channels.webchat import OriginConfigurationError, SocketIOInput, parse_origins

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "browser" / "widget.spec.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


# ---- the socket.io channel (no server needed) ----------------------------------------------------------------------


def test_allowed_origins_come_from_configuration():
    assert parse_origins("http://127.0.0.1:5005 http://localhost:5005") == [
        "http://127.0.0.1:5005",
        "http://localhost:5005",
    ]
    assert parse_origins(["https://Shop.Example.nl", "https://www.shop.example.nl/"]) == [
        "https://shop.example.nl",
        "https://www.shop.example.nl",
    ]
    assert parse_origins("https://a.example, https://b.example") == ["https://a.example", "https://b.example"]
    assert parse_origins(None) is None
    assert parse_origins("  ") is None


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "https://*.example.nl",
        ["http://localhost:5005", "*"],
        "localhost:5005",
        "https://shop.example.nl/page",
        "ftp://shop.example.nl",
    ],
)
def test_wildcards_and_non_origins_are_refused(value):
    with pytest.raises(OriginConfigurationError):
        parse_origins(value)


SESSION_KEY = "k" * 40


@pytest.fixture(autouse=True)
def _session_key(monkeypatch):
    monkeypatch.setenv("WEBCHAT_SESSION_KEY", SESSION_KEY)


def _channel(**credentials):
    channel = SocketIOInput.from_credentials({"session_persistence": True, **credentials})
    received = []

    async def on_new_message(message):
        received.append(message)

    channel.blueprint(on_new_message)
    return channel, received


def _emitted(sio):
    emitted = []

    async def emit(event, data=None, room=None, namespace=None, **kwargs):
        emitted.append((event, data, room))

    sio.emit = emit
    return emitted


def test_the_server_checks_origins_instead_of_rasas_check_off():
    channel, _ = _channel(cors_allowed_origins="http://127.0.0.1:5005 http://localhost:5005")
    assert channel.sio.eio.cors_allowed_origins == ["http://127.0.0.1:5005", "http://localhost:5005"]
    # Not configured: only the server's own origin (engineio's default), never Rasa's [] (= no check at all).
    channel, _ = _channel()
    assert channel.sio.eio.cors_allowed_origins is None
    assert channel.sio.eio.max_http_buffer_size == 64 * 1024


def test_the_channel_does_not_start_without_a_session_key(monkeypatch, tmp_path):
    monkeypatch.delenv("WEBCHAT_SESSION_KEY")
    with pytest.raises(SessionKeyError, match="WEBCHAT_SESSION_KEY"):
        session_key(environ={}, key_file=tmp_path / "missing")
    with pytest.raises(SessionKeyError, match="too short"):
        session_key(environ={"WEBCHAT_SESSION_KEY": "short"}, key_file=tmp_path / "missing")


def test_session_ids_are_random_signed_and_the_conversation_id_is_their_hash():
    ids = SessionIds(SESSION_KEY.encode())
    first, second = ids.mint(), ids.mint()
    assert first != second and ids.signed(first) and ids.signed(second)
    assert re.fullmatch(r"[0-9a-f]{32}-[0-9a-f]{32}", first)
    assert not SessionIds(b"another key of forty characters........").signed(first)
    token, signature = first.split("-")
    assert not ids.signed(f"{token}-{'0' * 32}") and not ids.signed(token) and not ids.signed(None)
    code = conversation_id(first)
    assert re.fullmatch(r"[0-9a-f]{32}", code) and code not in first and not ids.signed(code)
    assert code == hashlib.sha256(f"rugpijn-gesprek:{first}".encode()).hexdigest()[:32]


async def test_the_room_join_is_awaited_when_it_is_a_coroutine():
    """python-socketio 5.10+ made enter_room a coroutine; Rasa 3.6.21 does not await it."""
    channel, _ = _channel()
    sio, joined = channel.sio, []

    async def enter_room(sid, room, namespace=None):
        joined.append((sid, room))

    sio.enter_room = enter_room
    emitted = _emitted(sio)
    session_request = sio.handlers["/"]["session_request"]
    await session_request("sid-1", {"session_id": None})
    minted = emitted[-1][1]
    assert emitted == [("session_confirm", minted, "sid-1")] and joined == [("sid-1", conversation_id(minted))]
    # The confirmed id is kept on a reload (the widget sends it again).
    await session_request("sid-2", {"session_id": minted})
    assert emitted[-1] == ("session_confirm", minted, "sid-2") and joined[-1] == ("sid-2", conversation_id(minted))


@pytest.mark.parametrize(
    "chosen",
    ["1", "admin", "4f1c0ffee", "../../etc" + "x" * 80, "0" * 32 + "-" + "0" * 32, 17, ["a"], {"a": 1}],
)
async def test_a_session_id_the_server_did_not_sign_gets_a_fresh_one(chosen):
    channel, _ = _channel()
    sio = channel.sio
    emitted = _emitted(sio)
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": chosen})
    confirmed = emitted[-1][1]
    assert confirmed != chosen and channel_signed(confirmed)
    assert sio.rooms(sid) == [sid, conversation_id(confirmed)] or set(sio.rooms(sid)) == {
        sid,
        conversation_id(confirmed),
    }


def channel_signed(session_id):
    return SessionIds(SESSION_KEY.encode()).signed(session_id)


async def test_the_room_join_works_with_the_pinned_python_socketio():
    channel, _ = _channel()
    sio = channel.sio
    _emitted(sio)
    session_id = SessionIds(SESSION_KEY.encode()).mint()
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": session_id})
    assert conversation_id(session_id) in sio.rooms(sid)


async def test_a_socket_can_only_talk_in_the_session_it_joined():
    channel, received = _channel()
    sio = channel.sio
    emitted = _emitted(sio)
    mine, someone_else = SessionIds(SESSION_KEY.encode()).mint(), SessionIds(SESSION_KEY.encode()).mint()
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": mine})
    handle_message = sio.handlers["/"]["user_uttered"]
    await handle_message(sid, {"message": "hallo", "session_id": someone_else})
    await handle_message(sid, {"message": "hallo", "session_id": conversation_id(mine)})  # the code is not the id
    await handle_message(sid, {"message": "hallo"})
    assert received == []
    await handle_message(sid, {"message": "hallo", "session_id": mine})
    assert [(m.text, m.sender_id, m.input_channel, sorted(m.metadata)) for m in received] == [
        ("hallo", conversation_id(mine), "socketio", ["received_at"])  # no caller metadata, only the receive time
    ]
    assert [event for event, *_ in emitted] == ["session_confirm"]


async def test_the_code_shown_to_the_visitor_cannot_join_the_live_chat():
    channel, _ = _channel()
    sio = channel.sio
    emitted = _emitted(sio)
    visitor = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](visitor, {"session_id": None})
    session_id = emitted[-1][1]
    code = conversation_id(session_id)
    intruder = sio.manager.connect("engineio-2", "/")
    await sio.handlers["/"]["session_request"](intruder, {"session_id": code})
    assert code not in sio.rooms(intruder) and emitted[-1][1] != session_id


@pytest.mark.parametrize(
    "data, answer",
    [
        ("not a dict", "invalid_message"),
        ({"message": 17}, "invalid_message"),
        ({"message": None}, "invalid_message"),
        ({"message": ["a"]}, "invalid_message"),
        ({"message": {"text": "a"}}, "invalid_message"),
        ({"message": True}, "invalid_message"),
        ({}, "invalid_message"),
        ({"message": "\ud800 rugpijn"}, "invalid_encoding"),
    ],
)
async def test_a_message_that_is_not_text_gets_a_dutch_answer_not_silence(data, answer):
    channel, received = _channel()
    sio = channel.sio
    emitted = _emitted(sio)
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {})
    session_id = emitted[-1][1]
    if isinstance(data, dict):
        data = {**data, "session_id": session_id}
    await sio.handlers["/"]["user_uttered"](sid, data)
    assert received == []
    event, body, room = emitted[-1]
    assert event == "bot_uttered" and body["text"] == getattr(messages(), answer)
    assert room == (sid if isinstance(data, str) else conversation_id(session_id))


@pytest.mark.parametrize(
    "text, passed_on",
    [
        ("/restart", "restart"),
        ("/session_start", "session_start"),
        (" //faq", "faq"),
        ('/faq{"x":1}', 'faq{"x":1}'),
        ("/greet", "/greet"),
        ("/faq/hernia", "/faq/hernia"),
        ("hallo\x00daar", "hallo daar"),
        pytest.param("rug " * 1000, ("rug " * 1000)[:1500].strip(), id="cut to 1500 characters"),
    ],
)
async def test_commands_the_assistant_does_not_offer_reach_rasa_as_text(text, passed_on):
    channel, received = _channel()
    sio = channel.sio
    emitted = _emitted(sio)
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {})
    await sio.handlers["/"]["user_uttered"](sid, {"message": text, "session_id": emitted[-1][1]})
    assert [m.text for m in received] == [passed_on]


# ---- served: the page, the socket's origin check, the browser ---------------------------------------------------


@pytest.mark.model
def test_the_demo_page_is_served_without_third_party_content(assistant):
    page = requests.get(f"{assistant.url}/demo", timeout=10)
    assert page.status_code == 200 and page.url.endswith("/demo/")
    assert '<html lang="nl">' in page.text and "Vaarwel lage rugpijn" in page.text
    assert 'aria-live="polite"' in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "https:" not in policy
    bundle = requests.get(f"{assistant.url}/demo/webchat.js", timeout=10)
    assert bundle.status_code == 200 and "WebChat" in bundle.text[:2000] + bundle.text[-2000:]
    assert "fonts.googleapis.com" not in bundle.text
    for name in ("package.json", "node_modules", "..%2Fcredentials.yml", "%2E%2E/credentials.yml"):
        assert requests.get(f"{assistant.url}/demo/{name}", timeout=10).status_code == 404, name


@pytest.mark.model
def test_the_socket_accepts_only_the_pages_origin(assistant):
    handshake = f"{assistant.url}/socket.io/?EIO=4&transport=polling"
    port = assistant.url.rsplit(":", 1)[1]
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        response = requests.get(handshake, headers={"Origin": origin}, timeout=10)
        assert response.status_code == 200 and response.text.startswith("0{"), origin
        assert response.headers.get("Access-Control-Allow-Origin") == origin
    for origin in ("https://evil.example", f"http://127.0.0.1:{int(port) + 1}", "null"):
        response = requests.get(handshake, headers={"Origin": origin}, timeout=10)
        assert response.status_code == 400, origin
        assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.model
@pytest.mark.browser
def test_widget_in_headless_chromium(assistant, tmp_path):
    """Open the page, the widget (keyboard), ask, click a quick reply, reload: history in widget and tracker."""
    node = shutil.which("node")
    missing = [
        what
        for what, ok in [
            ("node", node),
            (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
            (
                "web/node_modules (npm ci)",
                (ROOT / "web" / "node_modules" / "playwright-core").is_dir()
                and (ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js").is_file(),
            ),
        ]
        if not ok
    ]
    if missing:
        pytest.fail(f"missing for the browser test: {', '.join(missing)}; run `make setup`")
    # Screenshots and the browser's console log: the test's tmp folder, or BROWSER_ARTIFACTS to keep them.
    artifacts = Path(os.environ.get("BROWSER_ARTIFACTS") or tmp_path)
    env = dict(
        os.environ, BASE_URL=assistant.url, RASA_AUTH_TOKEN=assistant.token, ARTIFACTS=str(artifacts), CHROMIUM=CHROMIUM
    )
    if os.environ.get("WIDGET_DOCS_SCREENSHOT"):
        env["DOCS_SCREENSHOT"] = str(ROOT / "docs" / "widget.png")
    screenshot = artifacts / "widget.png"
    screenshot.unlink(missing_ok=True)
    result = subprocess.run([node, str(SPEC)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, f"the browser test failed (see {artifacts}):\n{output[-4000:]}"
    assert "[widget] passed" in result.stdout
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
