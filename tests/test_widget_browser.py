"""The website chat widget: the socket.io channel's fixes (unit), and the demo page in a real headless Chromium.

The browser test is tests/browser/widget.spec.mjs (node + playwright-core from web/node_modules, with Debian's
/usr/bin/chromium); this file starts it against the assistant served by scripts/run.sh (the `assistant` fixture).
Set WIDGET_DOCS_SCREENSHOT=1 to also refresh the README's picture docs/widget.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

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


def _channel(**credentials):
    channel = SocketIOInput.from_credentials({"session_persistence": True, **credentials})
    received = []

    async def on_new_message(message):
        received.append(message)

    channel.blueprint(on_new_message)
    return channel, received


def test_the_server_checks_origins_instead_of_rasas_check_off():
    channel, _ = _channel(cors_allowed_origins="http://127.0.0.1:5005 http://localhost:5005")
    assert channel.sio.eio.cors_allowed_origins == ["http://127.0.0.1:5005", "http://localhost:5005"]
    # Not configured: only the server's own origin (engineio's default), never Rasa's [] (= no check at all).
    channel, _ = _channel()
    assert channel.sio.eio.cors_allowed_origins is None


async def test_the_room_join_is_awaited_when_it_is_a_coroutine():
    """python-socketio 5.10+ made enter_room a coroutine; Rasa 3.6.21 does not await it."""
    channel, _ = _channel()
    sio, joined, emitted = channel.sio, [], []

    async def enter_room(sid, room, namespace=None):
        joined.append((sid, room))

    async def emit(event, data=None, room=None, namespace=None, **kwargs):
        emitted.append((event, data, room))

    sio.enter_room, sio.emit = enter_room, emit
    session_request = sio.handlers["/"]["session_request"]
    await session_request("sid-1", {"session_id": "4f1c0ffee"})
    assert joined == [("sid-1", "4f1c0ffee")]
    assert emitted == [("session_confirm", "4f1c0ffee", "sid-1")]
    # A session id that does not look like one gets a fresh one.
    await session_request("sid-2", {"session_id": "../../etc" + "x" * 80})
    assert joined[-1][0] == "sid-2" and len(joined[-1][1]) == 32 and joined[-1][1].isalnum()


async def test_the_room_join_works_with_the_pinned_python_socketio():
    channel, _ = _channel()
    sio = channel.sio
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": "abc123"})
    assert "abc123" in sio.rooms(sid)


async def test_a_socket_can_only_talk_in_the_session_it_joined():
    channel, received = _channel()
    sio = channel.sio
    sid = sio.manager.connect("engineio-1", "/")
    await sio.handlers["/"]["session_request"](sid, {"session_id": "mine"})
    handle_message = sio.handlers["/"]["user_uttered"]
    await handle_message(sid, {"message": "hallo", "session_id": "someone-else"})
    await handle_message(sid, {"message": "hallo"})
    await handle_message(sid, "not a dict")
    assert received == []
    await handle_message(sid, {"message": "hallo", "session_id": "mine"})
    assert [(m.text, m.sender_id, m.input_channel) for m in received] == [("hallo", "mine", "socketio")]


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
