"""``python -m gateway.ports N``: N free loopback ports, one per line, for scripts/run.sh's Rasa workers."""

from __future__ import annotations

import contextlib
import socket
import sys
from typing import List


def free_ports(count: int) -> List[int]:
    """`count` distinct ports that are free on 127.0.0.1 now (held open together, so never the same twice)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit("usage: python -m gateway.ports N (N >= 1)")
    print("\n".join(str(port) for port in free_ports(int(sys.argv[1]))))
