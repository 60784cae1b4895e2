"""The gateway: one public port in front of several Rasa workers on one machine (issue 14).

One Rasa server runs all NLU and dialogue on one core. scripts/run.sh therefore starts several Rasa workers on
loopback ports and this gateway on the public port (RASA_PORT). Every worker reads and writes the same
conversation store and the same lock store (endpoints.yml), so any worker can answer any REST message or
HTTP API call; only the widget's socket.io session lives inside one worker's memory, so everything of one
Engine.IO session (its polls and its websocket) goes to the worker that opened it.

- `gateway.routing`: which worker gets a request (pure functions and a small router, tested with tables).
- `gateway.proxy`: the aiohttp server that forwards HTTP requests, streamed answers and websockets.
- `python -m gateway --port 5005 --worker 127.0.0.1:5101 --worker 127.0.0.1:5102`: what run.sh starts.
"""
