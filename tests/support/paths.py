"""Where the project, its topic contract and its trained model are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The topic contract and the article it refers to, kept in the repo (contract/README.md): the only copy the tests
# and tools read.
CONTRACT = ROOT / "contract"
MODEL = ROOT / "models" / "rugpijn.tar.gz"
PYTHON = ROOT / ".venv" / "bin" / "python"
# How the tests start the Rasa server and the action server: through the project's one entry point
# (assistant/serve.py: the patches, and the HTTP API token from RASA_AUTH_TOKEN), as scripts/run.sh does.
SERVE = (str(PYTHON), "-m", "assistant.serve")
