"""Reading the answer to a follow-up question about an alarm sign: the tier a GP would give it."""

from pathlib import Path

import pytest
import yaml

from assistant.alarm_signs import assess
from assistant.triage_followup import (
    ASKABLE,
    UNSETTLED_TIER,
    Resolution,
    ask_response,
    asked_sign,
    most_urgent,
    resolve_answer,
    settled_response,
)

NO_ALARM = Resolution(None, settled=True)


def settled(tier):
    return Resolution(tier, settled=True)


def unsettled(sign):
    return Resolution(UNSETTLED_TIER[sign], settled=False)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Age 50 or older, osteoporosis or steroids: a fall is for the huisarts today.
        ("ja ik ben 67", settled("today")),
        ("ik ben 58 jaar", settled("today")),
        ("72", settled("today")),
        ("ik heb botontkalking", settled("today")),
        ("mijn botten zijn broos, osteoporose", settled("today")),
        ("ik slik al een jaar prednison voor mijn longen", settled("today")),
        ("ik ben 35 maar gebruik corticosteroïden", settled("today")),
        ("ben boven de vijftig", settled("today")),
        ("ja, dat geldt voor mij", settled("today")),
        # None of them: still a fall, within days.
        ("nee ik ben 30", settled("soon")),
        ("ik ben 42, geen botontkalking en geen prednison", settled("soon")),
        ("nee, niets daarvan", settled("soon")),
        ("neen, ik ben nog jong, 24 jaar oud", settled("soon")),
        ("onder de 50", settled("soon")),
        # Not settled: the more urgent tier.
        ("ik ben 20 minuten geleden gevallen", unsettled("trauma")),
        ("weet ik niet", unsettled("trauma")),
        ("waarom vraag je dat?", unsettled("trauma")),
        ("", unsettled("trauma")),
    ],
)
def test_a_fall(text, expected):
    assert resolve_answer("trauma", text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ja bewust, ik lijn", NO_ALARM),
        ("ik ben op dieet sinds januari", NO_ALARM),
        ("ik ben meer gaan sporten en minder gaan eten", NO_ALARM),
        ("ja, dat was de bedoeling", NO_ALARM),
        ("ja", NO_ALARM),
        ("nee vanzelf", settled("soon")),
        ("zonder dieet, het ging zomaar", settled("soon")),
        ("niet bewust, ik eet gewoon normaal", settled("soon")),
        ("geen idee waardoor", settled("soon")),
        ("nee", settled("soon")),
        ("hmm misschien", unsettled("weight_loss")),
    ],
)
def test_weight_loss(text, expected):
    assert resolve_answer("weight_loss", text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik ben nog in behandeling", settled("today")),
        ("ik krijg nu chemo", settled("today")),
        ("ze hebben vorige maand uitzaaiingen gevonden", settled("today")),
        ("de kanker is teruggekomen", settled("today")),
        ("ja", settled("today")),
        ("vorig jaar borstkanker gehad, nu schoon", settled("soon")),
        ("tien jaar geleden darmkanker, nu alleen nog controles", settled("soon")),
        ("prostaatkanker gehad in 2015, genezen verklaard", settled("soon")),
        ("ik ben niet meer in behandeling", settled("soon")),
        ("nee, dat is van vroeger", settled("soon")),
        ("ik weet het niet precies", unsettled("cancer")),
    ],
)
def test_cancer(text, expected):
    assert resolve_answer("cancer", text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("gebeurde bij het tillen", NO_ALARM),
        ("toen ik me bukte om mijn veters te strikken", NO_ALARM),
        ("bij het sjouwen van een kast, geen buikpijn", NO_ALARM),
        ("ineens, en ik zweet en heb buikpijn", settled("emergency")),
        ("zomaar uit het niets en ik werd even zwart voor mijn ogen", settled("emergency")),
        ("bij het tillen, maar nu ben ik klam en misselijk", settled("emergency")),
        ("ik viel bijna flauw", settled("emergency")),
        ("zomaar, geen buikpijn of zweten", settled("today")),
        ("zomaar", unsettled("sudden_severe")),
        ("ja", unsettled("sudden_severe")),
        ("nee", unsettled("sudden_severe")),
    ],
)
def test_sudden_severe_pain(text, expected):
    assert resolve_answer("sudden_severe", text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik kan mijn plas niet goed ophouden", settled("emergency")),
        ("een doof gevoel rond mijn anus", settled("emergency")),
        ("mijn been wordt steeds zwakker", settled("emergency")),
        ("ik heb koorts", settled("today")),
        ("ik ben vorige week gevallen", settled("today")),
        ("ik word 's nachts wakker van de pijn", settled("soon")),
        ("ik ben 7 kilo afgevallen", settled("soon")),
        ("tien jaar geleden darmkanker gehad", settled("soon")),
        ("ik heb nu kanker en krijg chemo", settled("today")),
        ("geen koorts, wel gevallen", settled("today")),
        ("koorts en ik kan mijn ontlasting niet ophouden", settled("emergency")),
        ("nee toch niet", unsettled("screening")),
        ("ja", unsettled("screening")),
    ],
)
def test_which_sign_after_a_yes_on_the_screening_question(text, expected):
    assert resolve_answer("screening", text) == expected


def test_every_askable_sign_has_its_response_name_and_reads_it_back():
    for sign in ASKABLE:
        assert asked_sign(ask_response(sign)) == sign
    assert asked_sign("utter_red_flag_today") is None
    assert asked_sign("utter_red_flag_ask_unknown") is None
    assert settled_response("weight_loss") == "utter_red_flag_settled_weight_loss"
    with pytest.raises(ValueError):
        settled_response("cancer")
    with pytest.raises(ValueError):
        resolve_answer("fever", "ja")


def test_most_urgent_tier():
    assert most_urgent(["soon", None, "emergency", "today"]) == "emergency"
    assert most_urgent([None]) is None
    with pytest.raises(ValueError):
        most_urgent(["crisis"])


@pytest.mark.parametrize(
    "sign, text, expected",
    [
        # A negation reaches along a list, not into the next clause.
        ("sudden_severe", "uit het niets, zonder buikpijn, zweten of flauwte", settled("today")),
        ("sudden_severe", "niet bij het tillen, ik zweet en heb buikpijn", settled("emergency")),
        ("sudden_severe", "nee, ik heb buikpijn", settled("emergency")),
        ("trauma", "geen prednison, wel botontkalking", settled("today")),
        # The answers the buttons send (domain.yml).
        ("trauma", "ja, een daarvan geldt voor mij", settled("today")),
        ("trauma", "nee, niets daarvan", settled("soon")),
        ("weight_loss", "ja, dat was bewust", NO_ALARM),
        ("weight_loss", "nee, niet bewust", settled("soon")),
        ("cancer", "ja, ik ben nog in behandeling", settled("today")),
        ("cancer", "nee, het is van vroeger", settled("soon")),
        ("sudden_severe", "bij het tillen of bukken", NO_ALARM),
        ("sudden_severe", "uit het niets, met buikpijn, zweten of flauwte", settled("emergency")),
        ("sudden_severe", "nee, uit het niets, zonder buikpijn of zweten", settled("today")),
        ("sudden_severe", "uit het niets, zonder buikpijn, zweten of flauwte", settled("today")),
        ("screening", "problemen met plassen of ontlasting of een doof gevoel", settled("emergency")),
        ("screening", "snel minder kracht in een been", settled("emergency")),
        ("screening", "ik heb koorts", settled("today")),
        ("screening", "rugpijn na een val of ongeval", settled("today")),
        ("screening", "pijn die 's nachts of in rust blijft", settled("soon")),
        ("screening", "ik ben afgevallen zonder dat ik dat wilde", settled("soon")),
        ("screening", "ik heb nu kanker of ben in behandeling", settled("today")),
        ("screening", "ik heb vroeger kanker gehad", settled("soon")),
    ],
)
def test_negation_scope_and_the_button_answers(sign, text, expected):
    assert resolve_answer(sign, text) == expected


def test_every_button_of_a_follow_up_question_settles_it_and_each_gives_another_answer():
    responses = yaml.safe_load((Path(__file__).parent.parent / "domain.yml").read_text(encoding="utf-8"))["responses"]
    for sign in ASKABLE:
        buttons = responses[ask_response(sign)][0]["buttons"]
        assert len(buttons) >= 2
        readings = [resolve_answer(sign, button["payload"]) for button in buttons]
        assert all(r.settled for r in readings), (sign, readings)
        if sign == "screening":  # one button per group of signs: every tier is among them
            assert {r.tier for r in readings} == {"emergency", "today", "soon"}
        else:
            assert len({r.tier for r in readings}) == len(readings), (sign, readings)


@pytest.mark.parametrize(
    "sign, message",
    [
        ("trauma", "gisteren viel ik hard op mijn stuit"),
        ("weight_loss", "ik ben de afgelopen maanden 5 kilo afgevallen en mijn rug doet pijn"),
        ("cancer", "ik ben borstkankerpatiënt en heb sinds kort rugpijn"),
        ("sudden_severe", "ik kreeg opeens een enorme pijn in mijn rug"),
    ],
)
def test_an_unsettled_answer_gets_the_tier_the_safety_net_forces_for_the_question(sign, message):
    found = assess(message)
    assert found.ask == sign
    assert found.ask_tier == UNSETTLED_TIER[sign]
