"""The gateway's aiohttp server: forwards each request to the worker `gateway.routing` picks.

HTTP requests are forwarded with their method, path, query, headers and body; answers come back as they are
sent, so a streamed REST answer (``?stream=true``) stays streamed. A body is read up to the channels' limit
(64 KB, ``channels.guard.REQUEST_MAX_BYTES``) to find the conversation; a larger one is refused here, before any
worker works on it, with the channels' own 413 ``{"error": "too_large", "message": ...}`` (a worker that closes
the connection mid-upload cannot answer through a proxy that is still sending). A websocket upgrade
is answered by connecting to the worker first (its refusal, e.g. a wrong Origin, reaches the caller as it is),
then passing frames both ways until either side closes.

A worker that cannot be reached gets the visitor a 503 ``{"error": "unavailable", "message": <Dutch text of
channels/messages.yml>}`` at once, not a hang. Nothing of a request (path, query, body) is logged: ids in paths
are conversation ids, and the access log is off.
"""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, Dict, Mapping, Optional, Sequence

import aiohttp
from aiohttp import web

from channels.guard import REQUEST_MAX_BYTES, messages
from gateway.routing import Router, Worker, opened_session

logger = logging.getLogger(__name__)

# Headers that belong to one connection, not to the request (RFC 9110 7.6.1), and the ones aiohttp sets itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)
WEBSOCKET_HEADERS = ("Origin", "Cookie", "User-Agent", "Accept-Language", "X-Forwarded-For")
CONNECT_TIMEOUT_SECONDS = 5.0
WEBSOCKET_MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # above the workers' own limit, which refuses first
ROUTER_KEY = web.AppKey("router", Router)
SESSION_KEY = web.AppKey("client_session", aiohttp.ClientSession)


def forwarded_headers(headers: Mapping[str, str], client: Optional[str]) -> Dict[str, str]:
    """The request headers a worker gets: without hop-by-hop headers, with the caller in X-Forwarded-For."""
    kept = without_hop_by_hop(headers)
    if client:
        earlier = kept.pop("X-Forwarded-For", None) or kept.pop("x-forwarded-for", None)
        kept["X-Forwarded-For"] = f"{earlier}, {client}" if earlier else client
    return kept


def without_hop_by_hop(headers: Mapping[str, str]) -> Dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}


def refusal(key: str, status: int) -> web.Response:
    """The channels' refusal shape: ``{"error": key, "message": <Dutch text of channels/messages.yml>}``."""
    return web.json_response({"error": key, "message": getattr(messages(), key)}, status=status)


async def read_body(request: web.Request, limit: int = REQUEST_MAX_BYTES) -> Optional[bytes]:
    """The body when it fits in `limit` bytes, None when it is larger (the rest is left unread)."""
    read = bytearray()
    while len(read) <= limit:
        chunk = await request.content.read(limit + 1 - len(read))
        if not chunk:
            return bytes(read)
        read += chunk
    return None


def is_websocket_upgrade(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


async def handle(request: web.Request) -> web.StreamResponse:
    router = request.app[ROUTER_KEY]
    if is_websocket_upgrade(request):
        index, _ = router.route(request.path, request.query, None)
        return await _websocket(request, index)
    body = None if (request.content_length or 0) > REQUEST_MAX_BYTES else await read_body(request)
    if body is None:
        return refusal("too_large", 413)
    index, opens_session = router.route(request.path, request.query, body)
    worker = router.workers[index]
    session = request.app[SESSION_KEY]
    try:
        upstream = await session.request(
            request.method,
            worker.url + request.rel_url.raw_path_qs,
            headers=forwarded_headers(request.headers, request.remote),
            data=body or None,
            allow_redirects=False,
        )
    except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
        logger.warning("gateway: worker %d (port %d) unreachable (%s)", index, worker.port, type(error).__name__)
        return refusal("unavailable", 503)
    async with upstream:
        if opens_session:
            answer = await upstream.read()
            session_id = opened_session(answer)
            if session_id is not None and upstream.status == 200:
                router.remember(session_id, index)
            return web.Response(body=answer, status=upstream.status, headers=without_hop_by_hop(upstream.headers))
        response = web.StreamResponse(status=upstream.status, headers=without_hop_by_hop(upstream.headers))
        try:
            await response.prepare(request)
            async for chunk in upstream.content.iter_any():
                await response.write(chunk)
        except (aiohttp.ClientConnectionError, ConnectionResetError) as error:
            # The worker or the caller went away mid-answer: nothing more can be sent.
            logger.warning("gateway: an answer of worker %d was cut off (%s)", index, type(error).__name__)
            return response
        await response.write_eof()
        return response


async def _websocket(request: web.Request, index: int) -> web.StreamResponse:
    router = request.app[ROUTER_KEY]
    worker = router.workers[index]
    protocols = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
    headers = {name: request.headers[name] for name in WEBSOCKET_HEADERS if name in request.headers}
    try:
        upstream = await request.app[SESSION_KEY].ws_connect(
            worker.url + request.rel_url.raw_path_qs,
            headers=forwarded_headers(headers, request.remote),
            protocols=protocols,
            max_msg_size=WEBSOCKET_MAX_MESSAGE_BYTES,
        )
    except aiohttp.WSServerHandshakeError as refused:
        return web.Response(status=refused.status, headers=without_hop_by_hop(refused.headers or {}))
    except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
        logger.warning("gateway: worker %d (port %d) unreachable (%s)", index, worker.port, type(error).__name__)
        return refusal("unavailable", 503)
    downstream = web.WebSocketResponse(
        protocols=[upstream.protocol] if upstream.protocol else (), max_msg_size=WEBSOCKET_MAX_MESSAGE_BYTES
    )
    session = request.query.get("sid")
    try:
        await downstream.prepare(request)
        await _pump_both_ways(downstream, upstream)
    finally:
        if session:
            router.forget(session)
        await upstream.close()
        await downstream.close()
    return downstream


async def _pump(
    source: aiohttp.ClientWebSocketResponse | web.WebSocketResponse,
    target: aiohttp.ClientWebSocketResponse | web.WebSocketResponse,
) -> None:
    async for message in source:
        if message.type == aiohttp.WSMsgType.TEXT:
            await target.send_str(message.data)
        elif message.type == aiohttp.WSMsgType.BINARY:
            await target.send_bytes(message.data)
        else:  # CLOSE, CLOSING, ERROR: the iteration ends
            break


async def _pump_both_ways(downstream: web.WebSocketResponse, upstream: aiohttp.ClientWebSocketResponse) -> None:
    """Pass frames both ways until one side closes; then the other is closed too."""
    tasks = [asyncio.create_task(_pump(downstream, upstream)), asyncio.create_task(_pump(upstream, downstream))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=0)  # the workers' own limits apply, not a pool size
    app[SESSION_KEY] = aiohttp.ClientSession(
        timeout=timeout, connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
    )
    yield
    await app[SESSION_KEY].close()


def create_app(workers: Sequence[Worker], max_sessions: Optional[int] = None) -> web.Application:
    """The gateway application (start it with `aiohttp.web.run_app` or an AppRunner)."""
    router = Router(workers) if max_sessions is None else Router(workers, max_sessions)
    messages()  # fail at start, naming file and field, when channels/messages.yml is broken
    app = web.Application(client_max_size=REQUEST_MAX_BYTES)
    app[ROUTER_KEY] = router
    app.cleanup_ctx.append(_client_session)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app
