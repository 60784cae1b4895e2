"""action_fallback_topics and action_human_handoff against rasa_sdk trackers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import CONTACT_PATH, missing_contact, shop_contact
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


SHOP_ENV = {"SHOP_EMAIL": "hulp@rugwinkel.example", "SHOP_PHONE": "+45 00 00 00 00", "SHOP_HOURS": "ma-vr 9-17"}


async def _handoff(monkeypatch, environ):
    for name in SHOP_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    dispatcher = CollectingDispatcher()
    await ActionHumanHandoff().run(dispatcher, make_tracker("mens", "human_handoff"), {})
    return dispatcher.messages


async def test_handoff_fills_the_shop_contact_when_configured(monkeypatch):
    messages = await _handoff(monkeypatch, SHOP_ENV)
    assert [m["response"] for m in messages] == ["utter_human_handoff", "utter_human_handoff_care"]
    assert messages[0]["shop_email"] == "hulp@rugwinkel.example" and messages[0]["shop_hours"] == "ma-vr 9-17"


@pytest.mark.parametrize("unset", [list(SHOP_ENV), ["SHOP_PHONE"], ["SHOP_HOURS"]])
async def test_handoff_without_contact_details_says_so_and_names_the_way_to_care(monkeypatch, unset):
    messages = await _handoff(monkeypatch, {k: v for k, v in SHOP_ENV.items() if k not in unset})
    assert [m["response"] for m in messages] == ["utter_human_handoff_unconfigured", "utter_human_handoff_care"]
    assert not any(key.startswith("shop_") for m in messages for key in m)  # nothing to fill, nothing invented


def test_the_handoff_texts_are_honest_and_name_physiotherapist_and_huisarts():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    unconfigured = responses["utter_human_handoff_unconfigured"][0]["text"]
    care = responses["utter_human_handoff_care"][0]["text"]
    assert "niet ingesteld" in unconfigured and "{" not in unconfigured
    assert "fysiotherapeut" in care and "huisarts" in care and "112" in care
    for text in (unconfigured, care, responses["utter_human_handoff"][0]["text"]):
        assert "voorbeeld" not in text and "invalid" not in text and "in te vullen" not in text


def test_the_shipped_contact_file_holds_no_placeholder():
    text = CONTACT_PATH.read_text(encoding="utf-8")
    assert missing_contact(environ={}) == ["SHOP_EMAIL", "SHOP_PHONE", "SHOP_HOURS"]
    assert shop_contact(environ={}) is None
    for word in ("voorbeeld", "invalid", "in te vullen", "000"):
        assert word not in text.split("\nemail:")[1], word


@pytest.mark.parametrize(
    "content, environ, missing",
    [
        ("email: a@b.example\nphone: ''\nhours: 9-5\n", {}, ["SHOP_PHONE"]),
        ("email: a@b.example\nphone: ''\nhours: 9-5\n", {"SHOP_PHONE": "+31 20 000 0000"}, []),
        ("email: null\nphone: null\nhours: null\n", SHOP_ENV, []),
        ("email: null\nphone: null\nhours: null\n", {"SHOP_EMAIL": "  "}, list(SHOP_ENV)),
    ],
)
def test_environment_wins_over_the_file_and_empty_is_missing(tmp_path, content, environ, missing):
    path = tmp_path / "shop_contact.yml"
    path.write_text(content)
    assert missing_contact(path, environ) == missing
    contact = shop_contact(path, environ)
    assert (contact is None) is bool(missing)
    if contact and "SHOP_PHONE" in environ:
        assert contact["shop_phone"] == environ["SHOP_PHONE"]


def test_an_invalid_contact_file_names_file_and_field(tmp_path):
    path = tmp_path / "shop_contact.yml"
    path.write_text("email: 5\nphone: null\nhours: null\n")
    with pytest.raises(DataFileError, match="shop_contact.yml: email"):
        shop_contact(path, environ={})


def test_run_sh_warns_when_the_contact_details_are_unset():
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert "python -m actions.contact" in script and "warning: the shop's contact details are not configured" in script
    env = {k: v for k, v in os.environ.items() if k not in SHOP_ENV}
    unset = subprocess.run([sys.executable, "-m", "actions.contact"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert unset.stdout.split() == list(SHOP_ENV)
    configured = subprocess.run(
        [sys.executable, "-m", "actions.contact"], capture_output=True, text=True, cwd=ROOT, env={**env, **SHOP_ENV}
    )
    assert configured.stdout.strip() == ""


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
