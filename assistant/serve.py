"""The one way to start Rasa for this project: ``python -m assistant.serve <rasa arguments>``.

It installs the patches (``assistant.patches``, checked against the installed Rasa: a mismatch stops the start
with exit code 78 and a message saying which patch and why), then runs Rasa's own command line
(``rasa.__main__.main``) in the same process with the same arguments::

    python -m assistant.serve run --model models/rugpijn.tar.gz --enable-api ...
    python -m assistant.serve shell --model models/rugpijn.tar.gz
    python -m assistant.serve train --fixed-model-name rugpijn --out models
    python -m assistant.serve run actions --actions actions   # the action server: no patches needed

``scripts/run.sh``, the Makefile and the tests use it. For ``run --enable-api`` it hands Rasa its HTTP API token
from the environment, ``RASA_AUTH_TOKEN``, or else the file ``build/rasa_token`` (made by ``scripts/run.sh``):
the token is added to ``sys.argv`` inside this process only, so it never appears on a command line (``ps``).

For the server (``run``, not the action server, whose requests carry whole trackers) it also sets the request budget
before Rasa builds its Sanic app: Sanic reads ``SANIC_REQUEST_MAX_SIZE`` (request bodies, default 100 MB) and
``SANIC_WEBSOCKET_MAX_SIZE`` (websocket frames) from the environment when the app is created. Both become
``channels.guard.REQUEST_MAX_BYTES`` (64 KB) unless already set; a larger body gets 413 before any work is done.

In-process users that load an ``Agent`` themselves (the evaluation) call :func:`prepare` first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
TOKEN_FILE = ROOT / "build" / "rasa_token"
SERVING_COMMANDS = ("run", "shell")


def prepare(serving: bool = False) -> None:
    """Install the patches (idempotent); raises ``assistant.patches.PatchError`` when they do not fit.

    Args:
        serving: also refuse models whose domain lacks the apologies (the server and the shell).
    """
    from assistant import patches

    patches.install(serving=serving)


def is_action_server(arguments: List[str]) -> bool:
    return arguments[:2] == ["run", "actions"]


def auth_token(environ: Mapping[str, str], token_file: Path = TOKEN_FILE) -> Optional[str]:
    """The HTTP API token: RASA_AUTH_TOKEN, else the contents of `token_file`, else None."""
    token = (environ.get("RASA_AUTH_TOKEN") or "").strip()
    if token:
        return token
    if token_file.is_file():
        return token_file.read_text(encoding="utf-8").strip() or None
    return None


def rasa_arguments(arguments: List[str], environ: Mapping[str, str], token_file: Path = TOKEN_FILE) -> List[str]:
    """`arguments` with ``--auth-token`` added when Rasa's HTTP API is switched on.

    Raises:
        SystemExit: the API is switched on but there is no token (Rasa would serve it to anybody).
    """
    if arguments[:1] != ["run"] or is_action_server(arguments) or "--enable-api" not in arguments:
        return list(arguments)
    if any(argument == "--auth-token" or argument.startswith("--auth-token=") for argument in arguments):
        return list(arguments)
    token = auth_token(environ, token_file)
    if not token:
        raise SystemExit(
            "ERROR: Rasa's HTTP API is switched on (--enable-api) without a token: set RASA_AUTH_TOKEN "
            f"or put one in {token_file} (scripts/run.sh makes it)."
        )
    return [*arguments, "--auth-token", token]


def request_budget(arguments: List[str], environ: Mapping[str, str]) -> Dict[str, str]:
    """The Sanic settings that bound a request's size, for the Rasa server (empty for other commands)."""
    from channels.guard import REQUEST_MAX_BYTES

    if arguments[:1] != ["run"] or is_action_server(arguments):
        return {}
    names = ("SANIC_REQUEST_MAX_SIZE", "SANIC_WEBSOCKET_MAX_SIZE")
    return {name: str(REQUEST_MAX_BYTES) for name in names if not environ.get(name)}


def main(arguments: Optional[List[str]] = None) -> None:
    """Install the patches and run Rasa's command line with `arguments` (default: this process's arguments)."""
    from assistant.patches import PatchError

    arguments = list(sys.argv[1:] if arguments is None else arguments)
    if not is_action_server(arguments):  # the action server runs rasa_sdk, which is not patched
        try:
            prepare(serving=bool(arguments) and arguments[0] in SERVING_COMMANDS)
        except PatchError as error:
            print(f"ERROR: {error.message}", file=sys.stderr, flush=True)
            raise
    os.environ.update(request_budget(arguments, os.environ))
    sys.argv = ["rasa", *rasa_arguments(arguments, os.environ)]

    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
