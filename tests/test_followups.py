"""Follow-up questions in context (issue 12 item 6): the subject of a turn, the slot that keeps it, the variations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.followup_policy import SUBJECT_SLOT, answered_topic, subject_update
from assistant.followups import FollowUpsFile, load_followups, named_subject, subject_of_turn
from common.data_files import DataFileError, load_data_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "text, answered, previous, subject",
    [
        # the topic that answers is a subject
        ("wat is een hernia?", "hernia", None, "hernia"),
        ("en bij een hernia?", "hernia", "arthrosis", "hernia"),
        ("en artrose?", "arthrosis", "hernia", "arthrosis"),
        ("en met een ischias?", "radiating_pain", None, "radiating_pain"),
        ("kan het door verkeerd tillen komen?", "cause_mechanical", None, "cause_mechanical"),
        # an aspect answers, and the question names a subject
        ("hoe lang duurt een hernia?", "recovery_time", None, "hernia"),
        ("hoe lang duurt herstel van een HNP", "recovery_time", "arthrosis", "hernia"),
        ("moet je geopereerd worden aan een hernia?", "surgery", None, "hernia"),
        ("helpt fysio bij artrose in de rug?", "physiotherapy", "hernia", "arthrosis"),
        ("wat doe je tegen uitstralende pijn", "treatment_options", None, "radiating_pain"),
        ("gaat spit vanzelf over", "recovery_time", None, "cause_mechanical"),
        # an aspect answers, no subject named: the follow-up leans on the subject before
        ("en hoe lang duurt dat dan?", "recovery_time", "hernia", "hernia"),
        ("wat kan ik er zelf aan doen?", "treatment_options", "arthrosis", "arthrosis"),
        ("is dat gevaarlijk?", "when_to_see_doctor", "radiating_pain", "radiating_pain"),
        ("en helpt fysio daarbij?", "physiotherapy", "hernia", "hernia"),
        ("hoe lang duurt het herstel?", "recovery_time", "hernia", "hernia"),
        ("en hoe lang duurt dat dan?", "recovery_time", None, None),
        # back pain in general: not a follow-up, the subject is cleared
        ("hoe lang duurt rugpijn meestal?", "recovery_time", "hernia", None),
        ("wat doet een fysiotherapeut bij lage rugpijn?", "physiotherapy", "arthrosis", None),
        ("hoe lang duurt pijn in de rug gemiddeld", "recovery_time", "hernia", None),
        # an aspect topic is never a subject; a subject named beats back pain in general
        ("wat is lage rugpijn?", "what_is_low_back_pain", "hernia", None),
        ("rugpijn door een hernia, hoe lang duurt dat?", "recovery_time", None, "hernia"),
        # no false subject in an ordinary word
        ("spitsuur in de trein en mijn rug", "ergonomics", None, None),
    ],
)
def test_the_subject_of_a_turn(text: str, answered: str, previous: str | None, subject: str | None) -> None:
    assert subject_of_turn(text, answered, previous) == subject


@pytest.mark.parametrize(
    "text, subject",
    [
        ("HERNIA?", "hernia"),
        ("hernia's", "hernia"),
        ("artróse", "arthrosis"),
        ("mijn rug is versleten", "arthrosis"),
        ("zenuwpijn in mijn been", "radiating_pain"),
        ("het schoot erin, spit denk ik", "cause_mechanical"),
        ("ik heb me verrekt", "cause_mechanical"),
        ("hoe lang duurt dat", None),
    ],
)
def test_named_subject(text: str, subject: str | None) -> None:
    assert named_subject(text) == subject


def _tracker(*turns: tuple[str, str | None, str | None], slot: str | None = None) -> DialogueStateTracker:
    """A tracker whose last event is the user's message: (text, intent, FAQ topic) per turn."""
    events: list = [ActionExecuted("action_listen")]
    if slot:
        events.append(SlotSet(SUBJECT_SLOT, slot))
    for text, intent, topic in turns:
        parse: dict[str, Any] = {"intent": {"name": intent, "confidence": 1.0}}
        if topic:
            key = f"faq/{topic}"
            parse["response_selector"] = {"faq": {"response": {"intent_response_key": key}}}
        events.append(UserUttered(text, parse["intent"], parse_data=parse))
    return DialogueStateTracker.from_events("test", events, slots=[TextSlot(SUBJECT_SLOT, mappings=[{}])])


@pytest.mark.parametrize(
    "turn, slot, update",
    [
        (("wat is een hernia?", "faq", "hernia"), None, "hernia"),
        (("en hoe lang duurt dat dan?", "faq", "recovery_time"), "hernia", None),  # unchanged: no event
        (("hoe lang duurt rugpijn meestal?", "faq", "recovery_time"), "hernia", "cleared"),
        (("en bij artrose?", "faq", "arthrosis"), "hernia", "arthrosis"),
        (("hallo", "greet", None), "hernia", None),  # not an FAQ question: the subject stays
        (("ik kan mijn plas niet ophouden", "red_flag_emergency", None), "hernia", None),
        (("/faq/hernia", "faq", "hernia"), None, "hernia"),
    ],
)
def test_the_policy_sets_the_slot_only_when_it_changes(
    turn: tuple[str, str, str | None], slot: str | None, update: str | None
) -> None:
    event = subject_update(_tracker(turn, slot=slot))
    if update is None:
        assert event is None
    else:
        assert event == SlotSet(SUBJECT_SLOT, None if update == "cleared" else update)


def test_answered_topic_reads_the_selector_only_for_faq() -> None:
    selector = {"faq": {"response": {"intent_response_key": "faq/hernia"}}}
    assert answered_topic({"intent": {"name": "faq"}, "response_selector": selector}) == "hernia"
    assert answered_topic({"intent": {"name": "nlu_fallback"}, "response_selector": selector}) is None
    assert answered_topic({"intent": {"name": "faq"}}) is None


def _responses() -> dict:
    return yaml.safe_load((ROOT / "data" / "responses" / "faq.yml").read_text(encoding="utf-8"))["responses"]


def test_every_variation_is_for_a_known_subject_and_keeps_the_answer_format() -> None:
    subjects = set(load_followups().subject_ids)
    variations = 0
    for name, variants in _responses().items():
        defaults = [v for v in variants if "condition" not in v]
        assert defaults, f"{name}: needs a variation without a condition"
        for variant in variants:
            condition = variant.get("condition")
            if not condition:
                continue
            variations += 1
            assert condition == [{"type": "slot", "name": SUBJECT_SLOT, "value": condition[0]["value"]}], name
            assert condition[0]["value"] in subjects, name
            assert name.split("/", 1)[1] not in subjects, f"{name}: a subject's own answer needs no variation"
            assert "\n\nBron: " in variant["text"], name
            assert 2 <= len(variant.get("buttons") or []) <= 3, name
    assert variations >= 12


def test_no_two_variations_of_an_answer_share_a_subject() -> None:
    for name, variants in _responses().items():
        values = [v["condition"][0]["value"] for v in variants if v.get("condition")]
        assert len(values) == len(set(values)), name


def test_the_domain_has_the_slot_and_it_names_no_topic() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    slot = domain["slots"][SUBJECT_SLOT]
    assert slot["influence_conversation"] is False
    assert slot["mappings"] == [{"type": "custom"}]


@pytest.mark.parametrize(
    "content, field",
    [
        ("subjects:\n  hernia: [hernia]\ngeneral: []\n", "general"),
        ("subjects:\n  hernia: [Hernia]\ngeneral: [rug]\n", "subjects.hernia[0]"),
        ("subjects:\n  hernia: [hernia]\n  arthrosis: [hernia]\ngeneral: [rug]\n", "subjects.arthrosis[0]"),
        ("subjects:\n  hernia: []\ngeneral: [rug]\n", "subjects.hernia"),
        ("subjects:\n  hernia: [hernia]\ngeneral: [rug]\nextra: 1\n", "extra"),
    ],
)
def test_a_broken_followups_file_names_file_and_field(tmp_path: Path, content: str, field: str) -> None:
    path = tmp_path / "followups.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_data_file(path, FollowUpsFile)
    assert error.value.file.endswith("followups.yml")
    assert field in [where for where, _ in error.value.problems], error.value
