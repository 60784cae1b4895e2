"""Free-text answers to the exercise form, as tables of (answer, understood value)."""

from __future__ import annotations

import pytest

from actions.parsing import parse_duration, parse_pain_score, parse_radiation, parse_yes_no

# --------------------------------------------------------------------------- #
# Duration: acuut < 6 weeks, subacuut 6-12 weeks, chronisch > 12 weeks

DURATIONS = [
    # button payloads
    ("acuut", "acuut"),
    ("subacuut", "subacuut"),
    ("chronisch", "chronisch"),
    ("Acuut", "acuut"),
    ("sub-acuut", "subacuut"),
    # examples from the issue and the contract
    ("een week of drie", "acuut"),
    ("al maanden", "chronisch"),
    ("sinds gisteren", "acuut"),
    ("paar dagen", "acuut"),
    ("een paar dagen", "acuut"),
    ("anderhalve maand", "subacuut"),
    ("ruim een half jaar", "chronisch"),
    ("al jaren", "chronisch"),
    # boundary at 6 weeks
    ("5 weken", "acuut"),
    ("41 dagen", "acuut"),
    ("42 dagen", "subacuut"),
    ("6 weken", "subacuut"),
    ("zes weken", "subacuut"),
    ("bijna 6 weken", "acuut"),
    ("korter dan 6 weken", "acuut"),
    ("ruim 6 weken", "subacuut"),
    # boundary at 12 weeks
    ("12 weken", "subacuut"),
    ("twaalf weken", "subacuut"),
    ("84 dagen", "subacuut"),
    ("85 dagen", "chronisch"),
    ("13 weken", "chronisch"),
    ("langer dan 12 weken", "chronisch"),
    ("meer dan drie maanden", "chronisch"),
    # a month counts as 4 weeks: 3 months = 12 weeks
    ("een maand", "acuut"),
    ("twee maanden", "subacuut"),
    ("3 maanden", "subacuut"),
    ("bijna 3 maanden", "subacuut"),
    ("een goede 3 maanden", "chronisch"),
    ("vier maanden", "chronisch"),
    # digits, words, units and halves
    ("3 weken", "acuut"),
    ("3weken", "acuut"),
    ("drie weken geleden", "acuut"),
    ("eenentwintig dagen", "acuut"),
    ("sinds een week", "acuut"),
    ("een weekje", "acuut"),
    ("nog geen week", "acuut"),
    ("tweeënhalve week", "acuut"),
    ("een halve maand", "acuut"),
    ("twee en een halve maand", "subacuut"),
    ("2½ maand", "subacuut"),
    ("1,5 maand", "subacuut"),
    ("zo'n 8 weken", "subacuut"),
    ("ongeveer twee maanden", "subacuut"),
    ("een half jaar", "chronisch"),
    ("sinds 1,5 jaar", "chronisch"),
    ("anderhalf jaar", "chronisch"),
    ("twee jaar", "chronisch"),
    ("2 jr", "chronisch"),
    ("al een jaar of twee", "chronisch"),
    ("1 jaar en 3 maanden", "chronisch"),
    # ranges count as their middle; "een X of N" is about N
    ("6 tot 12 weken", "subacuut"),
    ("6-8 weken", "subacuut"),
    ("tussen 4 en 6 weken", "acuut"),
    ("een dag of tien", "acuut"),
    ("een maand of vier", "chronisch"),
    ("een dag of wat", "acuut"),
    ("al ne maand of twee", "subacuut"),  # Flemish "ne" = een
    ("sinds nen dag of vijf", "acuut"),
    # vague counts
    ("een paar weken", "acuut"),
    ("enkele weken", "acuut"),
    ("een paar maanden", "subacuut"),
    ("een paar jaar", "chronisch"),
    # phrases without a number
    ("al dagen", "acuut"),
    ("vandaag", "acuut"),
    ("sinds vanochtend", "acuut"),
    ("sinds maandag", "acuut"),
    ("sinds het weekend", "acuut"),
    ("vorige week", "acuut"),
    ("sinds kort", "acuut"),
    ("nog niet zo lang", "acuut"),
    ("maandenlang", "chronisch"),
    ("jarenlang", "chronisch"),
    ("al heel lang", "chronisch"),
    ("altijd al", "chronisch"),
    ("al een hele tijd", "chronisch"),
    ("al een eeuwigheid", "chronisch"),
    # the longest mentioned duration counts
    ("sinds gisteren erger, maar al jaren af en toe", "chronisch"),
]

DURATION_REJECTS = [
    "",
    None,
    "al weken",  # 2 or 10 weeks? ask again
    "wekenlang",
    "een tijdje",
    "sinds 2020",
    "3",
    "sinds de zomer",
    "sinds vorige maand",
    "weet ik niet",
    "veel pijn",
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS)
def test_duration_understood(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", DURATION_REJECTS)
def test_duration_not_understood(text):
    assert parse_duration(text) is None


# --------------------------------------------------------------------------- #
# Radiation: nee | boven_knie | onder_knie

RADIATIONS = [
    # payloads
    ("nee", "nee"),
    ("boven_knie", "boven_knie"),
    ("onder_knie", "onder_knie"),
    # examples from the issue and the contract
    ("ja tot in mijn kuit", "onder_knie"),
    ("tot in mijn bil", "boven_knie"),
    ("nee alleen in mijn rug", "nee"),
    ("alleen in mijn onderrug", "nee"),
    # plain yes: radiates, not said how far -> boven_knie
    ("ja", "boven_knie"),
    ("Ja.", "boven_knie"),
    ("ja het straalt uit", "boven_knie"),
    ("de pijn straalt uit naar mijn been", "boven_knie"),
    ("ischias", "boven_knie"),
    # above the knee
    ("in mijn linkerbil", "boven_knie"),
    ("tot halverwege mijn bovenbeen", "boven_knie"),
    ("naar mijn heup", "boven_knie"),
    ("tot aan mijn knie", "boven_knie"),
    ("tot boven de knie", "boven_knie"),
    ("in beide benen", "boven_knie"),
    ("nee maar wel in mijn bil", "boven_knie"),
    ("ja maar niet onder de knie", "boven_knie"),
    ("nee, niet tot in mijn kuit", "boven_knie"),
    # below the knee
    ("tot onder mijn knie", "onder_knie"),
    ("uitstraling naar de voet", "onder_knie"),
    ("tot in mijn tenen", "onder_knie"),
    ("pijn in mijn enkel", "onder_knie"),
    ("tot in m'n scheenbeen", "onder_knie"),
    ("het hele been", "onder_knie"),
    ("links in mijn bil en soms tot in de kuit", "onder_knie"),
    ("in beide benen tot in mijn voeten", "onder_knie"),
    # no
    ("neen", "nee"),
    ("nee hoor", "nee"),
    ("nee, niet in mijn been", "nee"),
    ("geen pijn in mijn been of voet", "nee"),
    ("straalt niet uit", "nee"),
    ("het straalt niet uit naar mijn benen", "nee"),
    ("geen uitstraling", "nee"),
    ("nee, het blijft in mijn rug", "nee"),
    ("het trekt niet door naar mijn been", "nee"),
    ("nee hoor, enkel mijn rug", "nee"),
    ("enkel in mijn onderrug", "nee"),  # Flemish "enkel" = only, not an ankle
]

RADIATION_REJECTS = ["", None, "weet ik niet", "geen idee", "soms", "hallo", "7"]


@pytest.mark.parametrize(("text", "expected"), RADIATIONS)
def test_radiation_understood(text, expected):
    assert parse_radiation(text) == expected


@pytest.mark.parametrize("text", RADIATION_REJECTS)
def test_radiation_not_understood(text):
    assert parse_radiation(text) is None


# --------------------------------------------------------------------------- #
# Pain score 0-10

PAIN_SCORES = [
    ("zeven", 7),
    ("7", 7),
    ("7/10", 7),
    ("7 / 10", 7),
    ("een 6", 6),
    ("ongeveer 4 denk ik", 4),
    ("8 van de 10", 8),
    ("8 op 10", 8),
    ("tien", 10),
    ("10", 10),
    ("10/10", 10),
    ("0", 0),
    ("nul", 0),
    ("geen pijn", 0),
    ("een", 1),
    ("een zesje", 6),
    ("een dikke 7", 7),
    ("ne 7", 7),
    ("op een schaal van 0 tot 10 een 7", 7),
    ("nu een 3", 3),
    # decimals round half up, ranges count as their upper end (safer for >= 8)
    ("7,5", 8),
    ("7.4", 7),
    ("6 a 7", 7),
    ("tussen 7 en 8", 8),
    ("zes-zeven", 7),
]

PAIN_REJECTS = ["", None, "11", "elf", "-1", "een -1", "veel", "heel erg", "100", "11/10", "nu een 5, gisteren een 8"]


@pytest.mark.parametrize(("text", "expected"), PAIN_SCORES)
def test_pain_score_understood(text, expected):
    assert parse_pain_score(text) == expected


@pytest.mark.parametrize("text", PAIN_REJECTS)
def test_pain_score_not_understood(text):
    assert parse_pain_score(text) is None


# --------------------------------------------------------------------------- #
# Yes / no

YES_NO = [
    ("ja", True),
    ("Ja!", True),
    ("jazeker", True),
    ("jawel", True),
    ("ja hoor", True),
    ("klopt", True),
    ("dat klopt", True),
    ("inderdaad", True),
    ("ik denk het wel", True),
    ("nee", False),
    ("Nee.", False),
    ("neen", False),
    ("nee hoor", False),
    ("nee, niks van dat", False),
    ("niks van dat", False),
    ("geen van die dingen", False),
    ("ik heb geen van die klachten", False),
    ("klopt niet", False),
    ("zeker niet", False),
    ("niet dat ik weet", False),
    ("ik denk het niet", False),
]

YES_NO_REJECTS = ["", None, "ja, nee", "weet ik niet", "geen idee", "misschien", "nee maar wel koorts", "hallo"]


@pytest.mark.parametrize(("text", "expected"), YES_NO)
def test_yes_no_understood(text, expected):
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize("text", YES_NO_REJECTS)
def test_yes_no_not_understood(text):
    assert parse_yes_no(text) is None
