"""The exercise questionnaire's validation and the recommendation actions, on rasa_sdk trackers."""

import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogs import CONTRAINDICATIONS
from actions.exercise import ActionExerciseRecommendation, ValidateExerciseRecommendationForm
from actions.product import ActionProductRecommendation
from tests.support.paths import ROOT
from tests.support.trackers import make_tracker

FORM = "exercise_recommendation_form"
QUESTIONS = ["klachtduur", "uitstraling", "pijnscore", "contra_indicaties", "alarm_check"]
DOMAIN = {
    "slots": {
        s: {"type": "any", "mappings": [{"type": "custom"}]}
        for s in [*QUESTIONS, "onbegrepen_antwoorden", "pijnscore_gesprek"]
    },
    "forms": {FORM: {"required_slots": QUESTIONS}},
}
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


async def _validate(text, intent, requested, confidence=0.8, slots=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, intent, confidence, slots={"requested_slot": requested, **(slots or {})}, active_loop=FORM
    )
    events = await ValidateExerciseRecommendationForm().run(dispatcher, tracker, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


async def test_an_understood_answer_fills_only_the_requested_slot():
    slots, messages = await _validate("een week of drie", "inform", "klachtduur")
    assert slots == {"klachtduur": "acuut", "onbegrepen_antwoorden": 0}
    assert messages == []


async def test_a_number_for_the_duration_question_does_not_fill_the_pain_score():
    slots, _ = await _validate("3 weken", "inform", "klachtduur")
    assert "pijnscore" not in slots


async def test_an_unclear_answer_is_asked_again_with_an_example():
    slots, messages = await _validate("veel", "inform", "pijnscore")
    assert slots == {"pijnscore": None, "onbegrepen_antwoorden": 1}
    assert [m["response"] for m in messages] == ["utter_exercise_recommendation_retry_pijnscore"]


async def test_after_repeated_failure_the_form_offers_to_stop():
    slots, messages = await _validate("geen idee", "inform", "pijnscore", slots={"onbegrepen_antwoorden": 1})
    assert slots["onbegrepen_antwoorden"] == 2
    assert [m["response"] for m in messages] == ["utter_exercise_recommendation_offer_stop"]


@pytest.mark.parametrize(
    "text, intent", [("wat is een hernia?", "faq"), ("stop", "stop"), ("ik heb koorts", "red_flag_today")]
)
async def test_an_interruption_fills_nothing_so_the_form_steps_aside(text, intent):
    slots, messages = await _validate(text, intent, "uitstraling", confidence=0.95)
    assert slots == {} and messages == []


async def test_the_contraindication_answer_fills_its_slot_as_a_list():
    slots, messages = await _validate("ik ben 20 weken zwanger", "not_covered", "contra_indicaties")
    assert slots == {"contra_indicaties": ["zwangerschap"], "onbegrepen_antwoorden": 0}
    slots, _ = await _validate("nee, geen daarvan", "deny", "contra_indicaties")
    assert slots["contra_indicaties"] == []  # filled: none applies
    slots, messages = await _validate("ja", "affirm", "contra_indicaties")
    assert slots == {"contra_indicaties": None, "onbegrepen_antwoorden": 1}
    assert [m["response"] for m in messages] == ["utter_exercise_recommendation_retry_contra_indicaties"]


@pytest.mark.parametrize(
    "pain, next_question",
    [("5", "contra_indicaties"), ("9", "alarm_check")],  # after pain of 8 or more, no contraindication question
)
async def test_the_contraindication_question_is_skipped_after_severe_pain(pain, next_question):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        pain,
        "inform",
        0.8,
        slots={"requested_slot": "pijnscore", "klachtduur": "acuut", "uitstraling": "nee"},
        active_loop=FORM,
    )
    events = await ValidateExerciseRecommendationForm().run(dispatcher, tracker, DOMAIN)
    requested = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "requested_slot"]
    # The form asks the domain's next question by itself (no event) unless a question is skipped.
    assert requested == ([] if next_question == "contra_indicaties" else ["alarm_check"])


async def _recommend(**slots):
    dispatcher = CollectingDispatcher()
    events = await ActionExerciseRecommendation().run(dispatcher, make_tracker(slots=slots), {})
    return events, dispatcher.messages


async def test_exercises_with_steps_dose_stop_rules_and_the_ebook():
    events, messages = await _recommend(
        klachtduur="acuut", uitstraling="nee", pijnscore=4.0, contra_indicaties=[], alarm_check=False
    )
    responses = [m["response"] for m in messages]
    assert responses[0] == "utter_exercise_recommendation_intro"
    items = [m for m in messages if m["response"] == "utter_exercise_recommendation_item"]
    assert 3 <= len(items) <= 4
    assert all(m["stappen"].startswith("1. ") and m["dosering"] and m["stop_als"] for m in items)
    assert "Wandelen" in [m["naam"] for m in items]
    assert responses.index("utter_exercise_recommendation_stop_rules") == len(items) + 1  # right after the list
    assert responses[-1] == "utter_exercise_recommendation_ebook"
    ebook = messages[-1]
    assert ebook["prijs"] == "26,50 Deense kronen (DKK)" and ebook["actie"] == "tot 25% korting"
    assert "invalid" not in ebook["link"]  # a placeholder link is never shown
    assert "utter_exercise_recommendation_radiating" not in responses
    assert not [r for r in responses if "left_out" in r]
    assert SlotSet("klachtduur", None) in events and SlotSet("contra_indicaties", None) in events  # used once


async def test_pain_below_the_knee_gets_the_physiotherapist_advice_and_no_ebook():
    _, messages = await _recommend(klachtduur="subacuut", uitstraling="onder_knie", pijnscore=5.0, alarm_check=False)
    responses = [m["response"] for m in messages]
    assert "utter_exercise_recommendation_radiating" in responses
    assert "utter_exercise_recommendation_ebook" not in responses


async def test_pain_above_the_knee_gets_the_advice_and_the_ebook():
    _, messages = await _recommend(klachtduur="subacuut", uitstraling="boven_knie", pijnscore=5.0, alarm_check=False)
    responses = [m["response"] for m in messages]
    assert responses[-2:] == ["utter_exercise_recommendation_radiating", "utter_exercise_recommendation_ebook"]


@pytest.mark.parametrize(
    "contraindications, left_out, left_out_names",
    [
        (["zwangerschap"], ["zwangerschap"], {"Bekkenkanteling"}),
        (
            ["osteoporose", "heupprothese"],
            ["osteoporose", "heupprothese"],
            {"Kindhouding", "Kat-koe (bolle en holle rug)"},
        ),
        (["rugoperatie"], ["rugoperatie"], {"Bekkenkanteling", "Kindhouding"}),
    ],
)
async def test_contraindicated_exercises_are_left_out_and_the_answer_says_why(
    contraindications, left_out, left_out_names
):
    _, messages = await _recommend(
        klachtduur="acuut", uitstraling="nee", pijnscore=3.0, contra_indicaties=contraindications, alarm_check=False
    )
    responses = [m["response"] for m in messages]
    assert responses[1 : 1 + len(left_out)] == [f"utter_exercise_recommendation_left_out_{c}" for c in left_out]
    names = {m["naam"] for m in messages if m["response"] == "utter_exercise_recommendation_item"}
    assert "Wandelen" in names and not names & left_out_names
    assert ("utter_exercise_recommendation_ebook" in responses) is ("rugoperatie" not in contraindications)


def test_every_response_the_actions_send_is_in_the_domain():
    sent = [
        "utter_exercise_recommendation_intro",
        "utter_exercise_recommendation_item",
        "utter_exercise_recommendation_stop_rules",
        "utter_exercise_recommendation_radiating",
        "utter_exercise_recommendation_ebook",
        "utter_exercise_recommendation_severe_pain",
        "utter_exercise_recommendation_retry_contra_indicaties",
        "utter_ask_exercise_recommendation_form_contra_indicaties",
        "utter_product_recommendation_intro",
        "utter_product_recommendation_item",
        "utter_product_recommendation_doctor_first",
        *(f"utter_exercise_recommendation_left_out_{c}" for c in CONTRAINDICATIONS),
    ]
    assert [r for r in sent if r not in RESPONSES] == []


def test_the_stop_rules_say_what_to_do_next():
    text = RESPONSES["utter_exercise_recommendation_stop_rules"][0]["text"]
    for step in ("Stop", "rust even", "rustiger", "huisarts of fysiotherapeut", "been", "plassen", "112"):
        assert step in text, step


def test_the_pregnancy_reason_names_lying_on_the_back_beyond_early_pregnancy():
    text = RESPONSES["utter_exercise_recommendation_left_out_zwangerschap"][0]["text"]
    assert "op je rug" in text and "16 weken" in text and "verloskundige" in text


async def test_severe_pain_gets_no_exercises():
    _, messages = await _recommend(klachtduur="chronisch", uitstraling="nee", pijnscore=8.0, alarm_check=False)
    assert [m["response"] for m in messages] == ["utter_exercise_recommendation_severe_pain"]


async def test_yes_on_the_screening_question_is_the_most_urgent_red_flag():
    events, messages = await _recommend(klachtduur="acuut", uitstraling="nee", pijnscore=3.0, alarm_check=True)
    assert [m["response"] for m in messages] == ["utter_red_flag_emergency"]
    assert SlotSet("alarm_gemeld", True) in events


async def _products(**slots):
    dispatcher = CollectingDispatcher()
    await ActionProductRecommendation().run(
        dispatcher, make_tracker("helpt een brace?", "product_recommendation", slots=slots), {}
    )
    return dispatcher.messages


async def test_products_are_explained_honestly():
    messages = await _products()
    assert messages[0]["response"] == "utter_product_recommendation_intro"
    items = [m for m in messages if m["response"] == "utter_product_recommendation_item"]
    brace = next(m for m in items if m["naam"] == "Rugbrace")
    assert brace["prijs"] == "53,10 Deense kronen (DKK)" and "NICE" in brace["niet_voor"]
    assert brace["actie"] == "tot 25% korting"
    assert all("invalid" not in m["link"] for m in items)
    assert {m["naam"] for m in items} == {"Rugbrace", "37 oefeningen verzameld in het ultieme oefenboek"}


async def test_severe_pain_advises_the_huisarts_and_offers_no_brace():
    messages = await _products(pijnscore=9.0)
    assert [m["response"] for m in messages] == ["utter_product_recommendation_doctor_first"]


async def test_the_pain_score_answered_in_the_questionnaire_is_kept_for_the_session():
    slots, _ = await _validate("9/10", "inform", "pijnscore")
    assert slots["pijnscore"] == 9.0 and slots["pijnscore_gesprek"] == 9.0
    events, messages = await _recommend(klachtduur="acuut", uitstraling="nee", pijnscore=9.0, alarm_check=False)
    assert [m["response"] for m in messages] == ["utter_exercise_recommendation_severe_pain"]
    cleared = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert cleared["pijnscore"] is None and "pijnscore_gesprek" not in cleared
    # Later in the session, a product question: the huisarts first, no brace.
    messages = await _products(pijnscore=None, pijnscore_gesprek=9.0)
    assert [m["response"] for m in messages] == ["utter_product_recommendation_doctor_first"]


async def test_a_low_pain_score_earlier_in_the_session_still_gets_the_products():
    messages = await _products(pijnscore_gesprek=4.0)
    assert messages[0]["response"] == "utter_product_recommendation_intro"


async def test_no_products_after_an_alarm_sign():
    messages = await _products(alarm_gemeld=True)
    assert [m["response"] for m in messages] == ["utter_red_flag_reminder"]
