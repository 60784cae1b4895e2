"""Follow-ups through the trained model (issue 12 item 6): the aspect answer in the previous subject's variation.

Marked ``model``: it loads the trained model in-process (models/rugpijn.tar.gz, or the one ``FOLLOWUP_MODEL`` names)
with no action server, as the action server down: the subject slot and the variations work without it.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import MODEL, ROOT

pytestmark = pytest.mark.model


def _variation(answer: str, subject: str | None) -> str:
    """The text of ``utter_faq/<answer>`` for ``subject`` (None: the variation without a condition)."""
    variants = yaml.safe_load((ROOT / "data" / "responses" / "faq.yml").read_text(encoding="utf-8"))["responses"]
    for variant in variants[f"utter_faq/{answer}"]:
        condition = variant.get("condition") or [{}]
        if condition[0].get("value") == subject:
            return variant["text"]
    raise AssertionError(f"utter_faq/{answer} has no variation for {subject}")


@pytest.fixture(scope="module")
def agent() -> Any:
    from rasa.core.agent import Agent

    from assistant.serve import prepare

    path = Path(os.environ.get("FOLLOWUP_MODEL") or MODEL)
    if not path.exists():
        pytest.skip(f"no trained model at {path}")
    prepare()
    return Agent.load(str(path))


def _conversation(agent: Any, messages: list[str]) -> list[list[str]]:
    sender = f"followup-{uuid.uuid4().hex[:8]}"

    async def run() -> list[list[str]]:
        replies = []
        for message in messages:
            answer = await agent.handle_text(message, sender_id=sender)
            replies.append([reply.get("text") or "" for reply in answer or []])
        return replies

    return asyncio.run(run())


@pytest.mark.parametrize(
    "messages, expected",
    [
        (
            ["wat is een hernia eigenlijk?", "en hoe lang duurt dat dan?", "en helpt fysio daarbij?"],
            [("hernia", None), ("recovery_time", "hernia"), ("physiotherapy", "hernia")],
        ),
        (
            ["wat is artrose in de rug precies?", "wat kan ik er zelf aan doen?", "hoe lang duurt rugpijn meestal?"],
            [("arthrosis", None), ("treatment_options", "arthrosis"), ("recovery_time", None)],
        ),
        (
            ["hoe lang duurt het voordat rugpijn over is?", "en met een ischias?", "is dat gevaarlijk?"],
            [("recovery_time", None), ("radiating_pain", None), ("when_to_see_doctor", "radiating_pain")],
        ),
    ],
)
def test_a_follow_up_gets_the_aspect_for_the_subject_before(
    agent: Any, messages: list[str], expected: list[tuple[str, str | None]]
) -> None:
    replies = _conversation(agent, messages)
    for turn, (answer, subject) in zip(replies, expected):
        assert turn[:1] == [_variation(answer, subject)], (answer, subject, turn)


def test_an_alarm_sign_in_a_follow_up_still_gets_the_safety_answer(agent: Any) -> None:
    replies = _conversation(agent, ["wat is een hernia eigenlijk?", "en nu kan ik mijn plas niet meer ophouden"])
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert replies[1][:1] == [domain["responses"]["utter_red_flag_emergency"][0]["text"]]


@pytest.mark.parametrize(
    "message, response",
    [("my back hurts", "utter_out_of_scope_en"), ("jeg har ondt i ryggen", "utter_out_of_scope_da")],
)
def test_a_foreign_message_gets_its_language_reply(agent: Any, message: str, response: str) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert _conversation(agent, [message])[0] == [domain["responses"][response][0]["text"]]
