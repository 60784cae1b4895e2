"""action_fallback_topics and action_human_handoff against rasa_sdk trackers."""

import subprocess
import sys
from pathlib import Path

import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import shop_contact
from actions.fallback import ActionFallbackTopics
from actions.handoff import ActionHumanHandoff
from actions.topic_suggestions import buttons_for, likely_topics, load_topic_buttons
from common.data_files import DataFileError
from tests.support.trackers import make_tracker

ROOT = Path(__file__).resolve().parent.parent


def _parse(intents, faq=()):
    return {
        "intent_ranking": [{"name": n, "confidence": c} for n, c in intents],
        "response_selector": {
            "faq": {"ranking": [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in faq]}
        },
    }


@pytest.mark.parametrize(
    "parse, expected",
    [
        (
            _parse(
                [("nlu_fallback", 0.45), ("faq", 0.4), ("exercise_recommendation", 0.3)],
                [("hernia", 0.9), ("surgery", 0.05)],
            ),
            ["hernia", "exercise_recommendation", "surgery"],
        ),
        (
            _parse([("nlu_fallback", 0.45), ("product_recommendation", 0.44), ("faq", 0.1)], [("bed_rest", 0.5)]),
            ["product_recommendation", "bed_rest", "recovery_time"],
        ),
        (
            _parse([("nlu_fallback", 0.45), ("greet", 0.4)]),
            ["recovery_time", "exercise_recommendation", "when_to_see_doctor"],
        ),
        ({}, ["recovery_time", "exercise_recommendation", "when_to_see_doctor"]),
    ],
)
def test_likely_topics(parse, expected):
    assert likely_topics(parse) == expected


def test_buttons_reach_their_topic():
    buttons = buttons_for(["hernia", "exercise_recommendation"])
    assert [b["payload"] for b in buttons] == ["/faq/hernia", "/exercise_recommendation"]
    assert all(b["title"] for b in buttons)


def test_broken_topic_catalog_names_file_and_field(tmp_path):
    path = tmp_path / "topic_buttons.yml"
    path.write_text("topics:\n  hernia: {title: ''}\ndefault: [hernia]\n")
    with pytest.raises(DataFileError, match=r"topic_buttons.yml: topics.hernia.title: must be a non-empty text"):
        load_topic_buttons(path)


def test_default_topic_without_button_names_file_and_field(tmp_path):
    path = tmp_path / "topic_buttons.yml"
    path.write_text("topics:\n  hernia: {title: 'Hernia?', payload: /faq/hernia}\ndefault: [hernia, sciatica]\n")
    with pytest.raises(DataFileError, match=r"topic_buttons.yml: default\[1\]: unknown topic 'sciatica'"):
        load_topic_buttons(path)


async def test_fallback_action_asks_to_rephrase_with_topic_buttons():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "blabla",
        "nlu_fallback",
        0.45,
        parse_data=_parse([("nlu_fallback", 0.45), ("faq", 0.4)], [("painkillers", 0.8), ("surgery", 0.1)]),
    )
    events = await ActionFallbackTopics().run(dispatcher, tracker, {})
    assert events == [FollowupAction("action_listen")]  # ends the turn, also as the core fallback
    [message] = dispatcher.messages
    assert message["response"] == "utter_fallback"
    assert message["buttons"][0]["payload"] == "/faq/painkillers"
    assert len(message["buttons"]) == 3


async def test_handoff_fills_the_shop_contact(monkeypatch):
    monkeypatch.setenv("SHOP_EMAIL", "hulp@rugwinkel.example")
    dispatcher = CollectingDispatcher()
    await ActionHumanHandoff().run(dispatcher, make_tracker("mens", "human_handoff"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_human_handoff"
    assert message["shop_email"] == "hulp@rugwinkel.example"
    assert "nog in te vullen" in message["shop_phone"]  # placeholder from the catalog, marked as such


def test_contact_without_value_names_the_field(tmp_path):
    path = tmp_path / "shop_contact.yml"
    path.write_text("email: a@b.example\nphone: ''\nhours: 9-5\n")
    with pytest.raises(DataFileError, match="shop_contact.yml: phone: .*SHOP_PHONE"):
        shop_contact(path, environ={})
    assert shop_contact(path, environ={"SHOP_PHONE": "+31 20 000 0000"})["shop_phone"] == "+31 20 000 0000"


def test_the_action_server_code_does_not_import_rasa():
    # The action server runs rasa_sdk only: every action module and the shared data loader must load without Rasa.
    code = (
        "import importlib, pkgutil, sys, actions\n"
        "for module in pkgutil.walk_packages(actions.__path__, 'actions.'):\n"
        "    importlib.import_module(module.name)\n"
        "print(sorted({name.split('.')[0] for name in sys.modules if name.split('.')[0] in ('rasa', 'assistant')}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"
