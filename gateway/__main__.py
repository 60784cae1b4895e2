"""``python -m gateway --port 5005 --worker 127.0.0.1:5101 --worker 127.0.0.1:5102``: serve the gateway.

scripts/run.sh starts it after every worker has loaded its model, so the public port opens when the assistant
can answer. Logs name workers and failures, never a request's path, query or body (no access log).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from aiohttp import web

from gateway.proxy import create_app
from gateway.routing import Worker


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the public port (RASA_PORT)")
    parser.add_argument("--host", default="0.0.0.0", help="the interface to listen on (as `rasa run`: all)")
    parser.add_argument("--worker", action="append", required=True, help="a Rasa worker, host:port (repeat)")
    arguments = parser.parse_args(argv)
    try:
        workers = [Worker.parse(address) for address in arguments.worker]
    except ValueError as error:
        parser.error(str(error))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ports = ", ".join(str(worker.port) for worker in workers)
    print(f"gateway: port {arguments.port} -> {len(workers)} Rasa workers (ports {ports})", flush=True)
    web.run_app(
        create_app(workers), host=arguments.host, port=arguments.port, access_log=None, print=None, handle_signals=True
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
