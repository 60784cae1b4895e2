"""Shared fixtures: project paths, the topic contract, rasa_sdk trackers, and the served assistant."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MODEL = ROOT / "models" / "rugpijn.tar.gz"


@pytest.fixture(scope="session")
def topics() -> Dict[str, Dict[str, Any]]:
    """Topic ids from shared/topics.yml, by section (faq, safety, recommendations, conversation)."""
    return yaml.safe_load((SHARED / "topics.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def topic_ids(topics) -> List[str]:
    return [topic for section in topics.values() for topic in section]


def topic_of(name: str, topic_ids: List[str]) -> Optional[str]:
    """The topic id a response or action name carries, per the contract in topics.yml."""
    hits = [t for t in topic_ids if re.search(rf"(^|[_/.]){re.escape(t)}($|[_/.])", name)]
    return max(hits, key=len) if hits else None


def make_tracker(text: str = "", intent: str = "", confidence: float = 1.0, slots: Optional[dict] = None,
                 events: Optional[list] = None, parse_data: Optional[dict] = None,
                 active_loop: Optional[str] = None):
    """A rasa_sdk Tracker built inline, as the action server receives it."""
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "intent_ranking": [{"name": intent, "confidence": confidence}], "entities": []}
    latest.update(parse_data or {})
    return Tracker(sender_id="test", slots=slots or {}, latest_message=latest, events=events or [],
                   paused=False, followup_action=None,
                   active_loop={"name": active_loop} if active_loop else {}, latest_action_name=None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Assistant:
    """The assistant served by scripts/run.sh, talked to over the REST channel and the HTTP API."""

    def __init__(self, port: int, token: str):
        self.url = f"http://127.0.0.1:{port}"
        self.token = token

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                 timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token},
                                timeout=30)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def new_sender() -> str:
        return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Assistant:
    """Start the action server and the Rasa server exactly as `make run` does, on free ports."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    workdir = tmp_path_factory.mktemp("served")
    port, action_port, token = _free_port(), _free_port(), uuid.uuid4().hex
    env = dict(os.environ, RASA_PORT=str(port), ACTION_PORT=str(action_port), RASA_AUTH_TOKEN=token,
               TRACKER_DB=str(workdir / "conversations.db"))
    log = open(workdir / "run.log", "w")
    process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    served = Assistant(port, token)
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the assistant stopped while starting:\n{(workdir / 'run.log').read_text()[-3000:]}")
        try:
            if requests.get(f"{served.url}/status", params={"token": token}, timeout=2).ok:
                break
        except requests.RequestException:
            pass
        time.sleep(1)
    else:
        os.killpg(process.pid, 15)
        pytest.fail(f"the assistant did not start in time:\n{(workdir / 'run.log').read_text()[-3000:]}")
    yield served
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
    log.close()
