"""A TCP proxy the tests own, to cut or slow the connection to a real server (never the server itself)."""

from __future__ import annotations

import socket
import threading
from typing import List

from tests.support.processes import free_port


class TcpProxy:
    """A TCP proxy the test owns, to cut or slow a connection to a real server.

    open(): forwards; cut(): closes every connection and refuses new ones (the server "goes away");
    stall(): accepts connections but forwards nothing (the server hangs).
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "open"
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._stopped = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def open(self) -> None:
        self.mode = "open"

    def cut(self) -> None:
        self.mode = "cut"
        self._close_all()

    def stall(self) -> None:
        self.mode = "stall"
        self._close_all()

    def close(self) -> None:
        self._stopped = True
        self._close_all()
        self._listener.close()

    def _close_all(self) -> None:
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            if self.mode == "cut":
                client.close()
                continue
            with self._lock:
                self._sockets.append(client)
            if self.mode == "stall":
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            source.settimeout(None)
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
