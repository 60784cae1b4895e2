"""The naming contract of contract/topics.yml holds for every topic id."""

import re

import pytest
import yaml

from tests.support.paths import CONTRACT, ROOT
from tests.support.topics import topic_of


def _load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def domain():
    domain = _load("domain.yml")
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        domain["responses"].update(_load(path.relative_to(ROOT))["responses"])
    return domain


@pytest.fixture(scope="module")
def story_actions():
    """Answer names reached by the test stories. A retrieval answer is written `utter_faq` after a user
    step with intent `faq/<topic>` (Rasa's test format); it stands for `utter_faq/<topic>`."""
    names = []
    for story in _load("tests/test_stories.yml")["stories"]:
        intent = None
        for step in story["steps"]:
            intent = step.get("intent", intent)
            action = step.get("action")
            if action == "utter_faq" and intent and intent.startswith("faq/"):
                action = f"utter_{intent}"
            if action:
                names.append(action)
    return names


def _answer_names(domain):
    return list(domain["responses"]) + list(domain.get("actions") or []) + list(domain.get("forms") or {})


def test_every_topic_has_a_response_or_action_named_for_it(domain, topic_ids):
    names = _answer_names(domain)
    assert len(topic_ids) == 32, "the contract has 32 topic ids"
    for topic in topic_ids:
        assert any(topic_of(name, topic_ids) == topic for name in names), f"no response or action for {topic}"


def test_faq_topics_are_retrieval_responses(domain, topics):
    for topic in topics["faq"]:
        assert f"utter_faq/{topic}" in domain["responses"], topic
    nlu = _load("data/nlu/faq.yml")["nlu"]
    assert {item["intent"] for item in nlu} == {f"faq/{topic}" for topic in topics["faq"]}


def test_exercise_form_name(domain):
    assert "exercise_recommendation_form" in domain["forms"]


def test_every_topic_is_reached_by_a_test_story(story_actions, topic_ids):
    reached = {topic_of(action, topic_ids) for action in story_actions}
    missing = [topic for topic in topic_ids if topic not in reached]
    assert not missing, f"no test story reaches {missing}"


def test_slot_names_carry_no_foreign_topic_id(domain, topic_ids):
    assert domain["forms"] and domain["slots"]
    for form, spec in domain["forms"].items():
        own = topic_of(form, topic_ids)
        for slot in spec["required_slots"]:
            assert topic_of(slot, topic_ids) in (None, own), slot
            assert topic_of(f"utter_ask_{form}_{slot}", topic_ids) == own
    for slot in domain["slots"]:
        assert topic_of(slot, topic_ids) is None, slot


def test_no_name_answers_two_topics_by_accident(domain, topic_ids):
    """Where two ids fit one name the longer wins: make sure that is the intended one."""
    for name in _answer_names(domain):
        hits = [t for t in topic_ids if re.search(rf"(^|[_/.]){re.escape(t)}($|[_/.])", name)]
        if len(hits) > 1:
            longest = max(hits, key=len)
            assert all(h in longest for h in hits), f"{name} names {hits}"


@pytest.mark.parametrize(
    "name, topic",
    [
        ("utter_faq/recovery_time", "recovery_time"),
        ("utter_red_flag_emergency", "red_flag"),
        ("action_exercise_recommendation", "exercise_recommendation"),
        ("utter_faq/recurrence_prevention", "recurrence_prevention"),
        ("utter_ask_exercise_recommendation_form_klachtduur", "exercise_recommendation"),
        ("action_fallback_topics", "fallback"),
        ("action_deactivate_loop", None),
    ],
)
def test_topic_of_follows_the_contract_examples(name, topic, topic_ids):
    assert topic_of(name, topic_ids) == topic


@pytest.mark.parametrize("name", ["topics.yml", "seeds/000_f0f2cda0035b7c97.txt"])
def test_the_contract_in_the_repo_is_the_one_owned_outside(name):
    """Where the team's contract folder sits next to the repo (the team's machines, CI), the copy must match.

    The only place that reads that folder: a clone on its own has none and uses contract/.
    """
    outside = ROOT.parent / "shared" / name
    if not outside.exists():
        pytest.skip(f"{outside} is not here (a clone on its own): the repo's contract/ is used")
    inside = CONTRACT / ("article.txt" if name.startswith("seeds/") else name)
    assert inside.read_bytes() == outside.read_bytes(), (
        f"{inside.relative_to(ROOT)} differs from {outside}: copy the new version into contract/ and adapt the "
        f"assistant to it (README 'Adding a topic')"
    )
