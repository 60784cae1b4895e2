"""Reading the questionnaire's free-text answers: understood, interruption, or not understood."""

import pytest

from actions.questionnaire import read_answer, retry_response


@pytest.mark.parametrize(
    "slot, text, intent, value",
    [
        ("klachtduur", "een week of drie", "inform", "acuut"),
        ("klachtduur", "al maanden", "inform", "chronisch"),
        ("klachtduur", "korter dan 6 weken", "inform", "acuut"),
        ("klachtduur", "6 tot 12 weken", "faq", "subacuut"),  # parses: an answer, whatever the classifier said
        ("klachtduur", "langer dan 12 weken", "inform", "chronisch"),
        ("uitstraling", "ja tot in mijn kuit", "affirm", "onder_knie"),
        ("uitstraling", "nee, alleen in mijn rug", "deny", "nee"),
        ("uitstraling", "ja, tot in mijn bovenbeen", "affirm", "boven_knie"),
        ("pijnscore", "zeven", "inform", 7.0),
        ("pijnscore", "7/10", "inform", 7.0),
        ("pijnscore", "een 6", "out_of_scope", 6.0),
        ("alarm_check", "nee hoor", "deny", False),
        ("alarm_check", "nee, niks van dat", "deny", False),
        ("alarm_check", "ja, een of meer daarvan", "affirm", True),
    ],
)
def test_answers_are_understood(slot, text, intent, value):
    answer = read_answer(slot, text, intent, 0.8)
    assert answer.value == value and not answer.interrupt


@pytest.mark.parametrize(
    "slot, text, intent, confidence",
    [
        ("klachtduur", "wat is een hernia eigenlijk?", "faq", 0.95),
        ("klachtduur", "is 3 weken normaal voor rugpijn?", "faq", 0.95),  # a confident question wins
        ("pijnscore", "stop", "stop", 0.99),
        ("pijnscore", "laat maar", "stop", 0.9),
        ("uitstraling", "ik kan mijn plas niet ophouden", "red_flag_emergency", 1.0),
        ("alarm_check", "ik zie het niet meer zitten", "crisis", 1.0),
        ("klachtduur", "ben je een robot?", "bot_challenge", 0.9),
        ("pijnscore", "ik wil een mens spreken", "human_handoff", 0.9),
        ("klachtduur", "helpt een brace?", "product_recommendation", 0.7),
        ("klachtduur", "wat is een hernia eigenlijk", "faq", 0.97),
    ],
)
def test_questions_stop_and_alarms_are_never_swallowed(slot, text, intent, confidence):
    assert read_answer(slot, text, intent, confidence).interrupt


@pytest.mark.parametrize(
    "slot, text, intent",
    [
        ("pijnscore", "veel", "inform"),
        ("pijnscore", "11", "inform"),
        ("klachtduur", "asdfgh", "out_of_scope"),
        ("alarm_check", "misschien", "inform"),
        ("uitstraling", "", "nlu_fallback"),
        ("pijnscore", "weet ik veel, best wel veel pijn", "faq"),  # an unsure classifier, no question: ask again
    ],
)
def test_unclear_answers_are_not_understood(slot, text, intent):
    answer = read_answer(slot, text, intent, 0.5)
    assert not answer.understood and not answer.interrupt


@pytest.mark.parametrize(
    "failures, response",
    [
        (1, "utter_exercise_recommendation_retry_pijnscore"),
        (2, "utter_exercise_recommendation_offer_stop"),
        (5, "utter_exercise_recommendation_offer_stop"),
    ],
)
def test_after_repeated_failure_the_form_offers_to_stop(failures, response):
    assert retry_response("pijnscore", failures) == response


def test_unknown_slot_is_an_error():
    with pytest.raises(ValueError):
        read_answer("nonsense", "x", "inform")
