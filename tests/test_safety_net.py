"""The deterministic safety net: alarm signs by tier, negations, near misses, typos."""

from pathlib import Path

import pytest
import yaml

from assistant.alarm_signs import LEXICON_PATH, detect, load_lexicon, normalise
from common import safety
from common.data_files import DataFileError

ROOT = Path(__file__).resolve().parent.parent

POSITIVE = [
    # emergency: 112
    ("ik kan mijn plas niet meer ophouden", "emergency"),
    ("sinds gisteren kan ik mijn urine niet ophouden en mijn rug doet zeer", "emergency"),
    ("ik ben incontinent sinds mijn rug op slot zit", "emergency"),
    ("ik verlies ontlasting zonder het te merken", "emergency"),
    ("het voelt gevoelloos tussen mijn benen", "emergency"),
    ("ik voel niks meer in mijn kruis", "emergency"),
    ("rijbroekgevoel, alsof alles doof is", "emergency"),
    ("mijn been wordt steeds slapper", "emergency"),
    ("mijn voet sleept en ik kan mijn tenen niet meer optillen", "emergency"),
    ("plotseling een scheurende pijn in mijn rug", "emergency"),
    ("ik heb pijn op de borst en mijn rug doet ook pijn", "emergency"),
    ("ik ben erg benauwd en heb rugpijn", "emergency"),
    ("rugpijn en kortademig", "emergency"),
    ("ik heb een auto-ongeluk gehad en nu rugpijn", "emergency"),
    ("ik ben van de steiger gevallen", "emergency"),
    ("ik ben van de ladder gevallen", "today"),
    # today: huisarts or huisartsenpost
    ("ik heb koorts en rugpijn", "today"),
    ("ik heb koorst en pijn onderin mijn rug", "today"),
    ("koortsig en pijn in de onderrug", "today"),
    ("38,5 graden en rugpijn", "today"),
    ("ik ben gevallen op mijn rug", "today"),
    ("na een val op het ijs heb ik rugpijn", "today"),
    ("de pijn houdt me 's nachts wakker", "today"),
    ("ook in rust heb ik pijn, het stopt nooit", "today"),
    ("snachts lig ik wakker van de pijn", "today"),
    # soon: huisarts within days
    ("ik ben 5 kilo afgevallen zonder dat ik lijn", "soon"),
    ("ik heb vroeger borstkanker gehad", "soon"),
    ("ik ben behandeld voor prostaatkanker en nu rugpijn", "soon"),
    ("er zijn uitzaaiingen gevonden vorig jaar", "soon"),
    # crisis
    ("ik zie het niet meer zitten", "crisis"),
    ("ik wil er een eind aan maken", "crisis"),
    ("door die pijn wil ik niet meer leven", "crisis"),
    ("ik denk aan zelfmoord", "crisis"),
    ("ik denk aan zelmoord", "crisis"),
    # a negated sign next to a real one: the real one counts
    ("geen koorts maar wel verlies van urine", "emergency"),
    ("ik weet niet of ik koorts heb", "today"),
    # more urgent tier wins
    ("ik heb koorts en kan mijn plas niet ophouden", "emergency"),
]

NEGATED = [
    "ik heb geen koorts",
    "geen koorts hoor, gewoon pijn na het tillen van een kast",
    "nee, niks van dat",
    "ik ben niet gevallen en heb geen koorts",
    "ik heb nooit kanker gehad",
    "zonder koorts, alleen een stijve rug",
    "geen problemen met plassen of ontlasting",
    "nee ik heb geen gevoelloosheid in mijn kruis",
]

NEAR_MISSES = [
    "mijn rug is stijf na het tillen",
    "ik heb per ongeluk iets zwaars verkeerd getild",
    "ik ben in slaap gevallen op de bank en nu heb ik rugpijn",
    "hoe lang duurt rugpijn",
    "welke oefeningen kan ik doen",
    "ik heb een zit-sta bureau met verhoging",
    "mijn benen slapen soms als ik lang zit",
    "ik wil afvallen, helpt dat tegen rugpijn?",
    "mijn onderrug doet pijn na het sporten",
    "ik zit de hele dag achter de computer en mijn rug is moe",
    "helpt een rugbrace bij het tillen?",
    "wat is een hernia",
    "ik heb last van stress en mijn rug speelt op",
    "ongelukkig genoeg heb ik weer rugpijn",
    "",
    "😀👍",
]


@pytest.mark.parametrize("text, tier", POSITIVE)
def test_alarm_sign_is_found_with_its_tier(text, tier):
    match = detect(text)
    assert match is not None, f"missed alarm sign in {text!r}"
    assert match.tier == tier


@pytest.mark.parametrize("text", NEGATED)
def test_negated_signs_are_not_alarms(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_ordinary_back_pain_is_not_an_alarm(text):
    assert detect(text) is None


def test_a_sign_hidden_at_the_end_of_a_very_long_message_is_found():
    text = "Ik heb al een tijdje last van mijn rug. " * 200 + "Sinds vanochtend kan ik mijn plas niet ophouden."
    assert detect(text).tier == "emergency"


def test_each_tier_names_its_own_response():
    responses = {sign.tier: sign.response for sign in load_lexicon().signs}
    assert responses == {
        "crisis": "utter_crisis",
        "emergency": "utter_red_flag_emergency",
        "today": "utter_red_flag_today",
        "soon": "utter_red_flag_soon",
    }


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("'s Nachts", "s nachts"),
        ("Koorts!!", "koorts"),
        ("gevoelloosheid   in  mijn  kruis", "gevoelloosheid in mijn kruis"),
        ("café", "cafe"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_broken_lexicon_names_file_and_field(tmp_path):
    bad = tmp_path / "alarm_signs.yml"
    bad.write_text(
        "negation: {cues: [geen]}\n"
        "tiers:\n"
        "  crisis: {response: utter_crisis, signs: {a: {keywords: [zelfmoord]}}}\n"
        "  emergency: {response: utter_red_flag_emergency, signs: {b: {patterns: ['(unclosed']}}}\n"
        "  today: {response: utter_red_flag_today, signs: {c: {keywords: [koorts]}}}\n"
        "  soon: {response: utter_red_flag_soon, signs: {d: {keywords: [kanker]}}}\n"
    )
    with pytest.raises(DataFileError) as caught:
        load_lexicon(bad)
    assert caught.value.file.endswith("alarm_signs.yml")
    assert caught.value.field == "tiers.emergency.signs.b.patterns[0]"
    assert "alarm_signs.yml: tiers.emergency.signs.b.patterns[0]: '(unclosed'" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        pytest.param(
            ("emergency", "response", "utter_red_flag_today"),
            "tiers.emergency.response",
            "must be utter_red_flag_emergency",
            id="tier-answered-by-another-response",
        ),
        pytest.param(
            ("today", "response", "red_flag_today"),
            "tiers.today.response",
            "must name a response",
            id="response-without-utter",
        ),
        pytest.param(("soon", "signs", {}), "tiers.soon.signs", "non-empty mapping", id="tier-without-signs"),
        pytest.param(
            ("soon", "signs", {"d": {"keywords": ["Kanker"]}}),
            "tiers.soon.signs.d.keywords[0]",
            "normalised word",
            id="keyword-not-normalised",
        ),
        pytest.param(
            ("soon", "signs", {"d": {}}), "tiers.soon.signs.d", "needs keywords or patterns", id="sign-without-wording"
        ),
        pytest.param(
            ("soon", "signs", {"d": {"woorden": ["kanker"]}}),
            "tiers.soon.signs.d.woorden",
            "unknown field; allowed: keywords, patterns",
            id="sign-unknown-field",
        ),
        pytest.param(("soon", None, None), "tiers", "must be exactly", id="tier-missing"),
    ],
)
def test_lexicon_problem_names_file_and_field(tmp_path, change, field, problem):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    tier, key, value = change
    if key is None:
        del data["tiers"][tier]
    else:
        data["tiers"][tier][key] = value
    bad = tmp_path / "alarm_signs.yml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_lexicon(bad)
    assert caught.value.field == field
    assert f"alarm_signs.yml: {field}: " in str(caught.value)
    assert problem in str(caught.value)


def test_the_safety_names_are_those_of_the_domain():
    # common.safety defines the names once for Python; domain.yml must use the same ones.
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]}
    assert set(safety.SAFETY_INTENTS) <= intents
    assert {safety.ALARM_SLOT, safety.SCREENING_SLOT} <= set(domain["slots"])
    assert safety.SCREENING_SLOT in domain["forms"]["exercise_recommendation_form"]["required_slots"]
    assert {*safety.SAFETY_RESPONSES.values(), safety.REMINDER_RESPONSE} <= set(domain["responses"])
    assert set(safety.BLOCKED_AFTER_ALARM) <= intents
    assert set(safety.TIER_INTENTS) == set(safety.TIER_ORDER)
    assert {sign.tier: sign.response for sign in load_lexicon().signs} == {
        tier: safety.SAFETY_RESPONSES[intent] for tier, intent in safety.TIER_INTENTS.items()
    }
