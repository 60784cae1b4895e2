"""Reading the questionnaire's free-text answers: understood, interruption, or not understood."""

import pytest
import yaml

from actions.catalogs import CONTRAINDICATIONS
from actions.parsing import parse_contraindications
from actions.questionnaire import CONTRAINDICATIONS_SLOT, PARSERS, read_answer, retry_response, slots_to_ask
from common.safety import SCREENING_SLOT
from tests.support.paths import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


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
        ("contra_indicaties", "nee, geen daarvan", "deny", []),
        ("contra_indicaties", "ik ben zwanger", "not_covered", ["zwangerschap"]),
        ("contra_indicaties", "rugoperatie in het afgelopen jaar", "faq", ["rugoperatie"]),  # no "?": an answer
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


# --------------------------------------------------------------------------- #
# The contraindication question: osteoporosis, pregnancy, back surgery, a hip replacement


@pytest.mark.parametrize(
    "text, expected",
    [
        # none applies
        ("nee", ()),
        ("nee, geen daarvan", ()),
        ("geen", ()),
        ("nee hoor", ()),
        ("niks van dat", ()),
        ("geen van die dingen", ()),
        ("nvt", ()),
        ("ik ben niet zwanger", ()),  # only denied ones
        ("geen osteoporose, geen nieuwe heup", ()),
        ("10 jaar geleden aan mijn rug geopereerd, verder niks", ()),  # not in the past year
        # one or more
        ("ik heb botontkalking (osteoporose)", ("osteoporose",)),
        ("ja, osteoporose", ("osteoporose",)),
        ("mijn botten zijn broos", ("osteoporose",)),
        ("ik heb een wervelbreuk gehad", ("osteoporose",)),
        ("misschien botontkalking", ("osteoporose",)),  # said with doubt: counts (the safer error)
        ("ik ben zwanger", ("zwangerschap",)),
        ("ik ben 20 weken zwanger", ("zwangerschap",)),
        ("in verwachting van ons tweede kindje", ("zwangerschap",)),
        ("rugoperatie in het afgelopen jaar", ("rugoperatie",)),
        ("vorig jaar aan mijn rug geopereerd", ("rugoperatie",)),
        ("hernia-operatie in maart", ("rugoperatie",)),
        ("ik heb een nieuwe heup (heupprothese)", ("heupprothese",)),
        ("ik heb een kunstheup", ("heupprothese",)),
        ("Ik heb m'n heup laten vervangen", ("heupprothese",)),
        ("botontkalking en een nieuwe heup", ("osteoporose", "heupprothese")),
        ("ik ben niet zwanger maar heb wel een nieuwe heup", ("heupprothese",)),
        ("geen osteoporose en een nieuwe heup", ("heupprothese",)),
        ("ik ben zwanger en heb ook osteoporose", ("osteoporose", "zwangerschap")),
        # not understood: asked again
        ("ja", None),
        ("ja, een daarvan", None),
        ("weet ik niet", None),
        ("asdf", None),
        ("", None),
        (None, None),
    ],
)
def test_contraindications_are_read_from_free_text(text, expected):
    assert parse_contraindications(text) == expected


def test_the_buttons_of_the_question_are_understood():
    [question] = DOMAIN["responses"][f"utter_ask_exercise_recommendation_form_{CONTRAINDICATIONS_SLOT}"]
    understood = [parse_contraindications(button["payload"]) for button in question["buttons"]]
    assert understood[0] == ()  # "Nee, geen daarvan" first
    assert sorted(c for answer in understood[1:] for c in answer) == sorted(CONTRAINDICATIONS)  # one button each


@pytest.mark.parametrize(
    "text, intent, confidence",
    [
        ("ik heb botontkalking", "red_flag_soon", 1.0),  # the safety net's sign wins: the form steps aside
        ("mag ik oefenen als ik zwanger ben?", "faq", 0.95),
        ("stop", "stop", 0.99),
    ],
)
def test_an_alarm_or_a_question_is_not_taken_as_the_contraindications(text, intent, confidence):
    assert read_answer(CONTRAINDICATIONS_SLOT, text, intent, confidence).interrupt


def test_the_question_comes_before_the_screening_question_and_matches_the_domain():
    slots = DOMAIN["forms"]["exercise_recommendation_form"]["required_slots"]
    assert slots == list(PARSERS)
    assert slots[-1] == SCREENING_SLOT  # a yes on it ends the form at once
    assert slots.index(CONTRAINDICATIONS_SLOT) == len(slots) - 2
    assert DOMAIN["slots"][CONTRAINDICATIONS_SLOT]["type"] == "list"
    assert f"utter_exercise_recommendation_retry_{CONTRAINDICATIONS_SLOT}" in DOMAIN["responses"]


@pytest.mark.parametrize(
    "pain, asked",
    [(None, True), (0.0, True), (7.0, True), (8.0, False), (10.0, False)],
)
def test_no_contraindication_question_after_severe_pain(pain, asked):
    slots = list(PARSERS)
    result = slots_to_ask(slots, pain)
    assert (CONTRAINDICATIONS_SLOT in result) is asked
    assert SCREENING_SLOT in result and [s for s in slots if s != CONTRAINDICATIONS_SLOT] == [
        s for s in result if s != CONTRAINDICATIONS_SLOT
    ]
