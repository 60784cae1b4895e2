"""Where the project, its topic contract and its trained model are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The topic contract and the article it refers to, kept in the repo (contract/README.md). The copy owned outside
# the project, ../shared, is compared with it by tests/test_topic_contract.py where it exists.
CONTRACT = ROOT / "contract"
SHARED = ROOT.parent / "shared"
MODEL = ROOT / "models" / "rugpijn.tar.gz"
PYTHON = ROOT / ".venv" / "bin" / "python"
# How the tests start the Rasa server and the action server: through the project's one entry point
# (assistant/serve.py: the patches, and the HTTP API token from RASA_AUTH_TOKEN), as scripts/run.sh does.
SERVE = (str(PYTHON), "-m", "assistant.serve")
