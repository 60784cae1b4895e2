"""A model whose domain lacks the apologies is not served.

Rasa issue: none (a check of this project's own requirement, not a workaround). Written for Rasa 3.6.21.

The apologies for outages (``utter_storage_unavailable``, ``utter_actions_unavailable``) are domain responses;
Python has no copy of their Dutch text. ``Agent.load_model`` is wrapped so that, once a model is loaded, a domain
without them stops the server with a clear error. Rasa's ``load_agent`` turns every ``Exception`` of
``load_model`` into "Could not load model" and serves nothing; :class:`assistant.patches.PatchError` is a
``SystemExit`` and stops the process, like the tracker store's start-up failure.

A bot that is not this assistant (the ``rasa init`` bot that ``make bench`` compares with) is served only with
``ALLOW_MODEL_WITHOUT_APOLOGIES=1`` in the environment; the start then logs a warning that its users get no
apology when storage or the action server fails.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from assistant.failures import missing_responses
from assistant.patches import PatchError, Target

logger = logging.getLogger(__name__)

ALLOW_ENV = "ALLOW_MODEL_WITHOUT_APOLOGIES"

TARGETS = (Target("rasa.core.agent", "Agent.load_model", ("self", "model_path", "fingerprint")),)


def check_domain(domain: Any, model_path: Any = None) -> None:
    """Raise PatchError when `domain` lacks a required response."""
    missing = missing_responses(domain)
    if missing and os.environ.get(ALLOW_ENV) == "1":
        logger.warning(
            f"{ALLOW_ENV}=1: serving the model {model_path or ''} without the response(s) {', '.join(missing)}; "
            "its users get no apology when storage or the action server fails."
        )
    elif missing:
        error = PatchError(
            f"the check {__name__}",
            f"the model {model_path or ''} has no response {' or '.join(missing)} in its domain",
            "assistant/patches/required_responses.py",
            f"Add the response(s) to domain.yml and retrain (a bot that is not this assistant: {ALLOW_ENV}=1).",
        )
        logger.critical(error.message)
        print(f"ERROR: {error.message}", file=sys.stderr, flush=True)  # a SystemExit is not printed by Python
        raise error


def install() -> None:
    from rasa.core.agent import Agent

    original = Agent.load_model

    def load_model(self: Any, model_path: Any, fingerprint: Any = None) -> None:
        original(self, model_path, fingerprint)
        check_domain(self.domain, model_path)

    load_model.__doc__ = original.__doc__
    Agent.load_model = load_model
