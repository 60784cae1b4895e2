"""The exercise questionnaire's validation and the recommendation actions, on rasa_sdk trackers."""

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.exercise import ActionExerciseRecommendation, ValidateExerciseRecommendationForm
from actions.product import ActionProductRecommendation
from tests.support.trackers import make_tracker

FORM = "exercise_recommendation_form"
DOMAIN = {
    "slots": {
        s: {"type": "any", "mappings": [{"type": "custom"}]}
        for s in ["klachtduur", "uitstraling", "pijnscore", "alarm_check", "onbegrepen_antwoorden", "pijnscore_gesprek"]
    },
    "forms": {FORM: {"required_slots": ["klachtduur", "uitstraling", "pijnscore", "alarm_check"]}},
}


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


async def _recommend(**slots):
    dispatcher = CollectingDispatcher()
    events = await ActionExerciseRecommendation().run(dispatcher, make_tracker(slots=slots), {})
    return events, dispatcher.messages


async def test_exercises_with_steps_dose_and_the_ebook():
    events, messages = await _recommend(klachtduur="acuut", uitstraling="nee", pijnscore=4.0, alarm_check=False)
    responses = [m["response"] for m in messages]
    assert responses[0] == "utter_exercise_recommendation_intro"
    items = [m for m in messages if m["response"] == "utter_exercise_recommendation_item"]
    assert 3 <= len(items) <= 4
    assert all(m["stappen"].startswith("1. ") and m["dosering"] and m["stop_als"] for m in items)
    assert "Wandelen" in [m["naam"] for m in items]
    assert responses[-1] == "utter_exercise_recommendation_ebook"
    assert "utter_exercise_recommendation_radiating" not in responses
    assert SlotSet("klachtduur", None) in events  # answers are used once


async def test_radiating_pain_adds_the_physiotherapist_advice():
    _, messages = await _recommend(klachtduur="subacuut", uitstraling="onder_knie", pijnscore=5.0, alarm_check=False)
    assert "utter_exercise_recommendation_radiating" in [m["response"] for m in messages]


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
    assert brace["prijs"] == "53.10 kr" and "NICE" in brace["niet_voor"]
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
