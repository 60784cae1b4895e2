"""Several Rasa workers behind one port (issue 14): the gateway's routing, the shared lock store, the served default.

- Routing tables (`gateway.routing`): which worker a request goes to.
- The gateway against small aiohttp servers standing in for workers: bodies and streamed answers pass unchanged, a
  body over the channels' limit gets the channels' 413 before any worker sees it, a worker that is down gets the
  visitor a Dutch 503 at once, nothing of a request reaches the log.
- `SQLiteLockStore` across real processes: tickets are never issued twice.
- The served default (`scripts/run.sh`, as `make run`; WORKERS = the cores, 2 here): conversations over REST and
  socket.io at the same time keep every turn, in order, in their own tracker; a worker that dies stops the whole
  assistant instead of leaving half of it answering. The widget's browser test (tests/test_widget_browser.py) runs
  against the same default.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestServer

from assistant.lock_store import LockStoreConfigError, SQLiteLockStore
from channels.guard import REQUEST_MAX_BYTES, messages
from gateway.proxy import create_app, forwarded_headers
from gateway.routing import Router, Worker, conversation_of, opened_session
from tests.support.processes import RunScript, free_port

WORKERS = [Worker("127.0.0.1", 6001), Worker("127.0.0.1", 6002), Worker("127.0.0.1", 6003)]


# --- routing -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "session"),
    [
        (b'0{"sid":"Ab3_-x","upgrades":["websocket"],"pingTimeout":20000}', "Ab3_-x"),
        (b'96:0{"sid":"lp9Q","upgrades":[]}', "lp9Q"),  # EIO 3 polling: length-prefixed
        (b'0{ "sid" : "spaced" }', "spaced"),
        (b'{"error":"too_large"}', None),
        (b"", None),
        (b'0{"sid":"' + b"x" * 200 + b'"}', None),  # not a session id engine.io makes
    ],
)
def test_the_session_id_is_read_from_the_handshake_answer(answer, session):
    assert opened_session(answer) == session


@pytest.mark.parametrize(
    ("path", "body", "conversation"),
    [
        ("/conversations/abc-1/tracker", None, "abc-1"),
        ("/conversations/abc-1", None, "abc-1"),
        ("/webhooks/rest/webhook", b'{"sender": "visitor_7", "message": "hoi"}', "visitor_7"),
        ("/webhooks/rest/webhook/", b'{"sender": "visitor_7", "message": "hoi"}', "visitor_7"),
        ("/webhooks/rest/webhook", b'{"sender": 7, "message": "hoi"}', None),
        ("/webhooks/rest/webhook", b'["not", "an", "object"]', None),
        ("/webhooks/rest/webhook", b"\xff\xfe not json", None),
        ("/webhooks/rest/webhook", b"[" * 100_000 + b"]" * 100_000, None),  # deeper than Python's recursion limit
        ("/webhooks/rest/webhook", None, None),
        ("/webhooks/telegram/webhook", b'{"update_id": 5, "message": {"chat": {"id": 2415}, "text": "hoi"}}', "2415"),
        ("/webhooks/telegram/webhook", b'{"update_id": 6, "edited_message": {"chat": {"id": -77}}}', "-77"),
        ("/webhooks/telegram/webhook", b'{"callback_query": {"data": "/x", "message": {"chat": {"id": 9}}}}', "9"),
        ("/webhooks/telegram/webhook", b'{"update_id": 7, "message": {"chat": {"id": true}}}', None),
        ("/webhooks/telegram/webhook", b'{"update_id": 8, "poll": {}}', None),
        ("/demo/", None, None),
        ("/status", None, None),
    ],
)
def test_a_request_names_its_conversation_by_path_or_sender(path, body, conversation):
    assert conversation_of(path, body) == conversation


def test_a_socketio_session_stays_on_the_worker_that_opened_it():
    router = Router(WORKERS)
    opened = [router.route("/socket.io/", {"EIO": "4", "transport": "polling"}, None) for _ in range(3)]
    assert opened == [(0, True), (1, True), (2, True)], "handshakes go to each worker in turn"
    router.remember("sid-b", 1)
    for _ in range(5):
        assert router.route("/socket.io/", {"EIO": "4", "transport": "polling", "sid": "sid-b"}, b"4hi") == (1, False)
        assert router.route("/socket.io/", {"transport": "websocket", "sid": "sid-b"}, None) == (1, False)
    router.forget("sid-b")
    assert router.session_worker("sid-b") is None


def test_the_session_map_is_bounded_and_forgets_the_least_recently_used():
    router = Router(WORKERS, max_sessions=3)
    for index, session in enumerate(["a", "b", "c"]):
        router.remember(session, index)
    router.session_worker("a")  # used again: now the most recent
    router.remember("d", 0)
    assert (router.sessions, router.session_worker("b")) == (3, None)
    assert [router.session_worker(s) for s in ("a", "c", "d")] == [0, 2, 0]


def test_one_conversation_always_goes_to_the_same_worker_and_conversations_spread():
    router = Router(WORKERS)
    body = json.dumps({"sender": "visitor-42", "message": "hoi"}).encode()
    by_rest = router.route("/webhooks/rest/webhook", {}, body)[0]
    by_api = router.route("/conversations/visitor-42/tracker", {"token": "x"}, None)[0]
    assert by_rest == by_api == Router(WORKERS).for_conversation("visitor-42")
    used = {router.for_conversation(f"visitor-{n}") for n in range(60)}
    assert used == {0, 1, 2}


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.1:", ":5005", "127.0.0.1:0", "127.0.0.1:70000", "x:y"])
def test_a_wrong_worker_address_is_refused_with_its_format(address):
    with pytest.raises(ValueError, match="host:port"):
        Worker.parse(address)


def test_forwarded_headers_drop_the_connections_own_and_name_the_caller():
    headers = {"Host": "shop.nl", "Connection": "keep-alive", "Transfer-Encoding": "chunked", "Origin": "https://x"}
    assert forwarded_headers(headers, "10.0.0.9") == {
        "Host": "shop.nl",
        "Origin": "https://x",
        "X-Forwarded-For": "10.0.0.9",
    }
    assert forwarded_headers({"X-Forwarded-For": "1.2.3.4"}, "10.0.0.9") == {"X-Forwarded-For": "1.2.3.4, 10.0.0.9"}


# --- the gateway in front of stand-in workers ----------------------------------------------------------------------


def _stand_in_worker(name: str) -> web.Application:
    """A worker that says who it is, what it received, and can stream and open socket.io sessions."""

    async def echo(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if request.path.startswith("/socket.io") and "sid" not in request.query:
            return web.Response(text=f'0{{"sid":"{name}-{uuid.uuid4().hex[:6]}","upgrades":["websocket"]}}')
        if request.query.get("stream") == "true":
            response = web.StreamResponse()
            await response.prepare(request)
            for part in (b"one\n", b"two\n", b"three\n"):
                await response.write(part)
            await response.write_eof()
            return response
        return web.json_response(
            {
                "worker": name,
                "bytes": len(body),
                "path": request.path_qs,
                "xff": request.headers.get("X-Forwarded-For"),
            },
            status=413 if len(body) > REQUEST_MAX_BYTES else 200,
        )

    async def socket(request: web.Request) -> web.StreamResponse:
        if "websocket" != request.headers.get("Upgrade", "").lower():
            return await echo(request)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            await ws.send_str(f"{name}:{message.data}")
        return ws

    app = web.Application(client_max_size=10 * 1024 * 1024)
    app.router.add_route("*", "/socket.io/", socket)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@pytest.fixture
async def gateway():
    """The gateway in front of two running stand-in workers and one port where nothing listens."""
    workers = [TestServer(_stand_in_worker(name), host="127.0.0.1") for name in ("w0", "w1")]
    for server in workers:
        await server.start_server(access_log=None)
    dead = Worker("127.0.0.1", free_port())
    # Served as `python -m gateway` serves it: without aiohttp's access log (it would log paths and queries).
    front = TestServer(create_app([Worker("127.0.0.1", s.port) for s in workers] + [dead]), host="127.0.0.1")
    await front.start_server(access_log=None)
    async with aiohttp.ClientSession() as client:
        yield front, client
    await front.close()
    for server in workers:
        await server.close()


async def test_a_body_and_its_answer_pass_through_unchanged(gateway):
    front, client = gateway
    for sender in ("a", "b", "c", "d"):
        body = json.dumps({"sender": sender, "message": "x" * 1000})
        async with client.post(f"{front.make_url('/webhooks/rest/webhook')}?q=1", data=body) as answer:
            if answer.status == 503:  # this sender's worker is the dead one
                continue
            got = await answer.json()
            assert (got["bytes"], got["path"], got["xff"]) == (len(body), "/webhooks/rest/webhook?q=1", "127.0.0.1")


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_body_over_the_limit_is_refused_with_the_channels_413_before_any_worker(gateway, chunked):
    front, client = gateway
    big = b"a" * (REQUEST_MAX_BYTES + 1)

    async def stream():
        yield big

    async with client.post(front.make_url("/webhooks/rest/webhook"), data=stream() if chunked else big) as answer:
        assert answer.status == 413
        assert await answer.json() == {"error": "too_large", "message": messages().too_large}


async def test_a_body_at_the_limit_passes(gateway):
    front, client = gateway
    for _ in range(3):  # round robin: at least one of three tries reaches a living worker
        async with client.post(front.make_url("/demo/"), data=b"a" * REQUEST_MAX_BYTES) as answer:
            if answer.status != 503:
                assert (await answer.json())["bytes"] == REQUEST_MAX_BYTES
                return
    pytest.fail("no try reached a living worker")


async def test_a_streamed_answer_stays_streamed(gateway):
    front, client = gateway
    async with client.get(f"{front.make_url('/webhooks/rest/webhook')}?stream=true") as answer:
        while answer.status == 503:
            answer = await client.get(f"{front.make_url('/webhooks/rest/webhook')}?stream=true")
        assert await answer.read() == b"one\ntwo\nthree\n"


async def test_a_worker_that_is_down_gets_a_dutch_503_at_once(gateway, caplog):
    front, client = gateway
    statuses = []
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            started = time.monotonic()
            async with client.get(front.make_url("/conversations/private-visitor-9/tracker?token=t0p")) as answer:
                statuses.append(answer.status)
                if answer.status == 503:
                    assert await answer.json() == {"error": "unavailable", "message": messages().unavailable}
                    assert time.monotonic() - started < 5
            async with client.get(front.make_url("/status")) as answer:
                statuses.append(answer.status)
    assert 503 in statuses and 200 in statuses
    assert "unreachable" in caplog.text
    assert "private-visitor-9" not in caplog.text and "t0p" not in caplog.text


async def test_the_polls_and_the_websocket_of_a_session_reach_the_worker_that_opened_it(gateway):
    front, client = gateway
    for _ in range(4):
        async with client.get(front.make_url("/socket.io/?EIO=4&transport=polling")) as handshake:
            if handshake.status == 503:
                continue
            session = opened_session(await handshake.read())
        opener = session.split("-")[0]
        for _ in range(3):
            async with client.post(
                front.make_url(f"/socket.io/?EIO=4&transport=polling&sid={session}"), data="4x"
            ) as poll:
                assert (await poll.json())["worker"] == opener
        async with client.ws_connect(front.make_url(f"/socket.io/?EIO=4&transport=websocket&sid={session}")) as ws:
            await ws.send_str("2probe")
            assert (await ws.receive_str()) == f"{opener}:2probe"


# --- the shared lock store -----------------------------------------------------------------------------------------


def _issue_tickets(path: str, conversation: str, count: int, results) -> None:
    store = SQLiteLockStore(db=path)
    results.put([store.issue_ticket(conversation) for _ in range(count)])


def test_tickets_issued_by_several_processes_at_once_are_never_the_same(tmp_path):
    path = str(tmp_path / "conversations.db.locks")
    results: multiprocessing.Queue = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=_issue_tickets, args=(path, "one-conversation", 25, results)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    tickets = [ticket for _ in processes for ticket in results.get(timeout=60)]
    for process in processes:
        process.join(timeout=60)
    assert sorted(tickets) == list(range(100))


def test_a_finished_ticket_lets_the_next_one_in_and_the_last_one_removes_the_lock(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks"))
    first, second = store.issue_ticket("c"), store.issue_ticket("c")
    assert not store.get_lock("c").is_locked(first) and store.get_lock("c").is_locked(second)
    store.cleanup("c", first)
    assert not store.get_lock("c").is_locked(second)
    store.cleanup("c", second)
    assert store.get_lock("c") is None


def test_the_lock_store_without_a_file_names_the_field():
    with pytest.raises(LockStoreConfigError, match="lock_store.db"):
        SQLiteLockStore()


# --- the served default --------------------------------------------------------------------------------------------


def _rest_turns(assistant, sender: str, texts) -> None:
    for text in texts:
        response = requests.post(
            f"{assistant.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120
        )
        assert response.status_code == 200 and response.json(), (sender, text, response.text)


def _socketio_turns(assistant, texts):
    socketio = pytest.importorskip("socketio")
    client = socketio.Client(reconnection=False)
    confirmed: queue.Queue = queue.Queue()
    answers: queue.Queue = queue.Queue()
    client.on("session_confirm", confirmed.put)
    client.on("bot_uttered", answers.put)
    # Polling first, as rasa-webchat starts: the handshake and every later poll must reach the same worker.
    client.connect(
        assistant.url,
        transports=["polling"],
        socketio_path="socket.io",
        wait_timeout=60,
        headers={"Origin": assistant.url},
    )
    try:
        client.emit("session_request", {"session_id": None})
        session_id = confirmed.get(timeout=60)
        for text in texts:
            client.emit("user_uttered", {"message": text, "session_id": session_id})
            answers.get(timeout=120)
            time.sleep(1.5)  # the rest of the turn's messages
    finally:
        client.disconnect()
    return session_id


REST_SCRIPT = ("hallo", "hoe lang duurt rugpijn meestal?", "helpt bewegen?", "dank je")
SOCKET_SCRIPT = ("hoe lang duurt rugpijn meestal?", "wat is een hernia?", "bedankt")


@pytest.mark.model
def test_conversations_at_the_same_time_keep_every_turn_in_order_behind_the_gateway(assistant):
    from channels.sessions import conversation_id

    if "behind the gateway" not in assistant.log():
        pytest.fail("the served default is not several workers behind the gateway:\n" + assistant.log()[-2000:])
    senders = [f"gw-{uuid.uuid4().hex[:8]}" for _ in range(12)]
    with ThreadPoolExecutor(max_workers=14) as pool:
        sockets = [pool.submit(_socketio_turns, assistant, SOCKET_SCRIPT) for _ in range(2)]
        for future in [pool.submit(_rest_turns, assistant, s, REST_SCRIPT) for s in senders]:
            future.result()
        session_ids = [future.result() for future in sockets]
    for sender in senders:
        texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
        assert texts == list(REST_SCRIPT), sender
    for session_id in session_ids:
        events = assistant.tracker(conversation_id(session_id))["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == list(SOCKET_SCRIPT)
    assert len(set(session_ids)) == 2


@pytest.mark.model
def test_a_worker_that_dies_stops_the_whole_assistant(tmp_path):
    served = RunScript(tmp_path, extra_env={"WORKERS": "2"}).start()
    try:
        worker_pids = [
            int(pid)
            for pid in os.popen(f"pgrep -g {served.process.pid} -f -- '--port [0-9]+ --interface 127.0.0.1'")
            .read()
            .split()
        ]
        assert len(worker_pids) == 2, served.log()[-2000:]
        os.kill(worker_pids[0], signal.SIGKILL)
        served.process.wait(timeout=60)
        assert "stopping the others" in served.log()
        with pytest.raises(requests.ConnectionError):
            requests.get(served.url, timeout=5)
    finally:
        served.stop()
