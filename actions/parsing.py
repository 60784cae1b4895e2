"""Understand free-text Dutch (NL and Flemish) answers to the exercise form.

Pure functions, no rasa_sdk. Each returns ``None`` when the answer is not
understood, so the form can ask again with an example.

Decisions (where Dutch is ambiguous):

* Durations. Boundaries: acuut < 6 weeks, subacuut 6 to 12 weeks inclusive,
  chronisch > 12 weeks. A month counts as 4 weeks (guidelines equate
  "12 weken" with "3 maanden"), so "anderhalve maand" = 6 weeks = subacuut,
  "3 maanden" = 12 weeks = subacuut, "ruim 3 maanden" / "4 maanden" = chronisch.
  "meer dan", "langer dan", "ruim" push just past the number; "minder dan",
  "korter dan", "bijna", "nog geen" stay just below it. A range ("6 tot 8
  weken", "6-8 weken") counts as its middle. "een week of drie" = 3 weeks.
  "een paar" = 2.5 and "enkele" / "een aantal" = 3 of the unit.
  "al maanden" (several months, no number) = chronisch; "al jaren", "al heel
  lang", "altijd al" = chronisch; "al dagen", "sinds gisteren", "sinds
  maandag", "vorige week" = acuut. "al weken" (no number) could be 2 or 10
  weeks and returns None, as do "een tijdje", "sinds de zomer" and a bare year.
  When several durations are mentioned, the longest counts.
* Radiation. Calf, shin, ankle, foot, toes, "onder de knie", "het hele been"
  = onder_knie; buttock, hip, groin, thigh, knee, "boven de knie" and a leg
  without how far = boven_knie. A plain "ja" (or "het straalt uit") means "yes,
  not said how far" and is treated as boven_knie. A denied body part ("niet in
  mijn been") does not count; "niet onder de knie" means radiation that stops
  above the knee (boven_knie). "enkel in mijn rug" (Flemish "only") is not an
  ankle. Flemish "ne"/"nen" is read as "een".
* Pain score. Decimals round half up ("7,5" -> 8) and a range counts as its
  upper end ("6 a 7" -> 7): both err towards the safer "pain >= 8" advice.
  Two different scores ("gisteren 8, nu 5") are not guessed: None.
  "geen pijn" = 0.
* Yes/no. An answer that says both ("ja, nee", "nee, maar wel koorts") or
  neither ("weet ik niet", "misschien") returns None.
"""

from __future__ import annotations

import re
import unicodedata

from actions.catalogs import CONTRAINDICATIONS

DURATION_VALUES = ("acuut", "subacuut", "chronisch")
RADIATION_VALUES = ("nee", "boven_knie", "onder_knie")

# Boundaries in days.
_ACUTE_BELOW_DAYS = 6 * 7
_CHRONIC_ABOVE_DAYS = 12 * 7
_NUDGE_DAYS = 0.5

# --------------------------------------------------------------------------- #
# Normalisation and Dutch numbers

_SMALL_NUMBERS = {
    "nul": 0,
    "een": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
}
_TENS = {
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
}
# Diminutives used for scores: "een zesje", "een achtje".
_DIMINUTIVES = {
    "nulletje": 0,
    "eentje": 1,
    "tweetje": 2,
    "drietje": 3,
    "viertje": 4,
    "vijfje": 5,
    "zesje": 6,
    "zevenje": 7,
    "zeventje": 7,
    "achtje": 8,
    "negentje": 9,
    "tientje": 10,
}
_DIGITS_1_9 = "een|twee|drie|vier|vijf|zes|zeven|acht|negen"
_NUMBER_WORD = (
    rf"(?:(?:{_DIGITS_1_9})en(?:{'|'.join(_TENS)})|{'|'.join(_TENS)}"
    rf"|{'|'.join(sorted(_SMALL_NUMBERS, key=len, reverse=True))})"
)
_NUM = r"\d+(?:\.\d+)?"


def _normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation, keep numbers and '/', '-', '<', '>'."""
    text = text.lower()
    text = re.sub(r"(\d+)\s*½", lambda m: f"{int(m.group(1)) + 0.5:g}", text)
    text = text.replace("½", " 0.5 ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’‘`´]", "'", text)
    text = re.sub(r"[–—]", "-", text)
    text = re.sub(r"(\d)\s*,\s*(\d)", r"\1.\2", text)  # decimal comma
    text = re.sub(r"(?<!\d)\s*\.(\d)", r" 0.\1", text)  # ".5" -> "0.5"
    text = re.sub(r"\bm'n\b|\bmn\b", "mijn", text)
    text = re.sub(r"\bz'n\b", "zijn", text)
    text = re.sub(r"\bzo'n\b", "zo een", text)
    text = re.sub(r"\bnen?\b", "een", text)  # Flemish "ne maand", "nen dag"
    text = re.sub(r"'t\b", " het", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # keep only decimal points
    text = re.sub(r"[^\w\s./<>\-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _word_to_number(word: str) -> float | None:
    if word in _SMALL_NUMBERS:
        return _SMALL_NUMBERS[word]
    if word in _TENS:
        return _TENS[word]
    if word in _DIMINUTIVES:
        return _DIMINUTIVES[word]
    match = re.fullmatch(rf"({_DIGITS_1_9})en({'|'.join(_TENS)})", word)
    if match:
        return _SMALL_NUMBERS[match.group(1)] + _TENS[match.group(2)]
    return None


def _fmt(number: float) -> str:
    return f"{number:g}"


def _number_word_as_digits(match: re.Match[str]) -> str:
    """A matched number word as digits; a word the pattern matched but the table lacks stays as it is."""
    number = _word_to_number(match.group(1))
    return match.group(0) if number is None else f" {_fmt(number)} "


def _numbers_to_digits(text: str) -> str:
    """Replace Dutch number words (and halves) by digits in normalised text."""
    # Halves first: "anderhalf", "tweeenhalf", "twee en een half", "een half".
    text = re.sub(r"\banderhalve?\b|\banderhalf\b", " 1.5 ", text)
    text = re.sub(
        rf"\b({_DIGITS_1_9}|tien)en(?:een)?hal(?:f|ve)\b",
        lambda m: f" {_fmt(_SMALL_NUMBERS[m.group(1)] + 0.5)} ",
        text,
    )
    text = re.sub(
        rf"\b({_NUMBER_WORD}|\d+)\s+en\s+een\s+hal(?:f|ve)\b",
        lambda m: f" {_fmt(_to_number(m.group(1)) + 0.5)} ",
        text,
    )
    text = re.sub(r"\b(?:een\s+)?hal(?:f|ve)\s*(?=(?:jaar|maand|week|dag))", " 0.5 ", text)
    text = re.sub(r"\bhalfjaar", " 0.5 jaar", text)
    diminutives = "|".join(sorted(_DIMINUTIVES, key=len, reverse=True))
    text = re.sub(rf"\b({diminutives}|{_NUMBER_WORD})\b", _number_word_as_digits, text)
    text = re.sub(r"\b(\d+)\s*t?je\b", r"\1", text)  # "7tje", "8je"
    return re.sub(r"\s+", " ", text).strip()


def _to_number(token: str) -> float:
    value = _word_to_number(token)
    return float(token) if value is None else float(value)


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


# --------------------------------------------------------------------------- #
# Duration

_UNIT_DAYS = {
    "uur": 1 / 24,
    "dag": 1,
    "week": 7,
    "maand": 28,  # 4 weeks, so 3 months = 12 weeks (see module docstring)
    "jaar": 365,
}
_UNIT_ALT = (
    r"(?:uren|uurtjes|uurtje|uur|dagen|dagjes|dagje|dag|d|weken|weekjes|weekje|week"
    r"|wkn|wk|w|maanden|maandjes|maandje|maand|mnd|mndn|jaren|jaartjes|jaartje|jaar|jr)"
)
_UNIT_RE = rf"(?P<unit>{_UNIT_ALT})\b"
_PLUS = (
    r"(?:meer dan|langer dan|ruim|ruimschoots|over de|minstens|ten minste|tenminste"
    r"|minimaal|zeker|goede|goed|dik|dikke|ruime|>)"
)
_MINUS = (
    r"(?:minder dan|korter dan|bijna|nog geen|net geen|een kleine|hooguit|hoogstens"
    r"|maximaal|max|onder de|kleine|krappe|<)"
)
_VAGUE_COUNTS = [
    (r"\b(?:een\s+)?(?:paar|stuk\s+of\s+wat)\s+", 2.5),
    (r"\b(?:enkele|een\s+aantal|meerdere|verschillende)\s+", 3),
]


def _unit_days(unit: str) -> float:
    for stem, days in (
        ("u", _UNIT_DAYS["uur"]),
        ("d", _UNIT_DAYS["dag"]),
        ("w", _UNIT_DAYS["week"]),
        ("m", _UNIT_DAYS["maand"]),
        ("j", _UNIT_DAYS["jaar"]),
    ):
        if unit.startswith(stem):
            return days
    raise ValueError(unit)  # pragma: no cover - the regex only allows these


def _nudge(text_before: str) -> float:
    """Return +/- a nudge when a qualifier directly precedes a duration."""
    before = text_before.rstrip()
    if re.search(rf"(?:^|\s){_PLUS}$", before):
        return _NUDGE_DAYS
    if re.search(rf"(?:^|\s){_MINUS}$", before):
        return -_NUDGE_DAYS
    return 0.0


def _numeric_durations(text: str) -> tuple[list[float], str]:
    """Find durations written with a number and a unit.

    Returns:
        The durations in days, and the text with those durations masked out.
    """
    found: list[float] = []
    for pattern, count in _VAGUE_COUNTS:
        text = re.sub(pattern + rf"(?={_UNIT_ALT}\b)", f" {count} ", text)
    text = re.sub(rf"\b(?:een\s+)?({_UNIT_ALT})\s+of\s+wat\b", r" 2.5 \1 ", text)
    text = re.sub(
        r"\b(?:zo een|ongeveer|ca|circa|pakweg|plusminus|rond de|om en nabij|stuk of)\b",
        " ",
        text,
    )
    text = re.sub(r"\been\s+(?=(?:goede|kleine|krappe|dikke|ruime)\b)", " ", text)
    # "nog geen week", "ruim maand": a qualifier before a bare unit means one unit.
    text = re.sub(rf"\b({_PLUS}|{_MINUS})\s+(?={_UNIT_ALT}\b)", r"\1 1 ", text)
    text = _numbers_to_digits(text)

    patterns = [
        # "een week of drie", "een maandje of 2"
        rf"(?P<a>{_NUM})\s*{_UNIT_RE}\s+of\s+(?P<b>{_NUM})\b(?!\s*{_UNIT_ALT}\b)",
        # "6 tot 8 weken", "6-8 weken", "tussen 6 en 8 weken", "6 a 8 weken"
        rf"(?P<a>{_NUM})\s*(?:-|tot|a|of|en)\s*(?P<b>{_NUM})\s*{_UNIT_RE}",
        # "3 weken", "3weken"
        rf"(?P<a>{_NUM})\s*{_UNIT_RE}",
    ]
    for index, pattern in enumerate(patterns):
        while True:
            match = re.search(pattern, text)
            if match is None:
                break
            first = float(match.group("a"))
            second = float(match.group("b")) if "b" in match.groupdict() else None
            if index == 0 and second is not None:
                amount = second if first == 1 else (first + second) / 2
            elif second is not None:
                amount = (first + second) / 2
            else:
                amount = first
            days = amount * _unit_days(match.group("unit"))
            found.append(days + _nudge(text[: match.start()]))
            text = _mask(text, match.start(), match.end())
    return found, text


_ACUTE_PHRASES = [
    r"\b(?:niet|nog niet) (?:zo |heel |erg )?lang\b",
    r"\b(?:sinds |vanaf )?(?:gisteren|eergisteren|gisteravond|gistermiddag|gisterochtend"
    r"|gistermorgen|vandaag|vanochtend|vanmorgen|vanmiddag|vanavond|vannacht)\b",
    r"\b(?:sinds|vanaf) (?:afgelopen |vorige |deze )?(?:maandag|dinsdag|woensdag|donderdag"
    r"|vrijdag|zaterdag|zondag|weekend|week)\b",
    r"\b(?:sinds|vanaf) (?:het|dit|vorig|afgelopen) weekend\b",
    r"\b(?:vorige|afgelopen|deze|begin deze) week\b",
    r"\b(?:sinds kort|pas net|net begonnen|net pas|pas sinds kort|recent|onlangs)\b",
    r"\b(?:dagen|dagenlang)\b",
]
_CHRONIC_PHRASES = [
    r"\b(?:maanden|maandenlang|jaren|jarenlang|jaar en dag|altijd al|al tijden|al eeuwen"
    r"|al (?:een|1) eeuwigheid|(?:heel )?mijn (?:hele )?leven)\b",
    r"\bal (?:heel |erg |zo |best |vrij )?lang\b",
    r"\bal (?:een|1) (?:hele|lange|heel lange|hele lange) tijd\b",
]


def _phase_for_days(days: float) -> str:
    if days < _ACUTE_BELOW_DAYS:
        return "acuut"
    if days <= _CHRONIC_ABOVE_DAYS:
        return "subacuut"
    return "chronisch"


def parse_duration(text: str | None) -> str | None:
    """Classify how long the pain has lasted.

    Args:
        text: The user's answer, e.g. ``"een week of drie"``, ``"al maanden"``,
            ``"sinds gisteren"``, ``"anderhalve maand"``, or a button payload
            ``"acuut"`` / ``"subacuut"`` / ``"chronisch"``.

    Returns:
        ``"acuut"`` (< 6 weeks), ``"subacuut"`` (6 to 12 weeks),
        ``"chronisch"`` (> 12 weeks), or None when not understood.
    """
    if not text:
        return None
    norm = _normalize(text)
    if re.search(r"\bsub[\s-]?acu+t\b", norm):
        return "subacuut"
    if re.search(r"\bchronisch\b", norm):
        return "chronisch"
    if re.search(r"\bacu+t\b", norm):
        return "acuut"

    days, rest = _numeric_durations(norm)
    for pattern in _CHRONIC_PHRASES:
        if re.search(pattern, rest):
            days.append(_CHRONIC_ABOVE_DAYS * 2)
    for pattern in _ACUTE_PHRASES:
        if re.search(pattern, rest):
            days.append(1)
    days = [d for d in days if d >= 0]
    if not days:
        return None  # includes the ambiguous "al weken"
    return _phase_for_days(max(days))


# --------------------------------------------------------------------------- #
# Radiation

_BELOW_KNEE = (
    r"(?:(?:linker|rechter)?(?:kuit|kuiten|scheen|schenen|scheenbeen|scheenbenen|onderbeen"
    r"|onderbenen|voet|voeten|voetzool|voetzolen|wreef|hiel|hielen|teen|tenen|enkels)"
    r"|(?:linker|rechter)enkel"
    r"|(?:mijn|de|je|het|beide|allebei mijn) enkel"
    r"|(?:onder|voorbij|lager dan|verder dan|onderaan) (?:de |mijn |het |je )?knie(?:en)?"
    r"|(?:hele|heel mijn|gehele|helemaal mijn|volledige) (?:been|benen)"
    r"|(?:tot|naar) (?:helemaal )?(?:beneden|onderaan|onder)\b)"
)
_ABOVE_KNEE = (
    r"(?:(?:linker|rechter)?(?:bil|billen|bips|kont|zitvlak|heup|heupen|lies|liezen|dij|dijen"
    r"|dijbeen|dijbenen|bovenbeen|bovenbenen|hamstring|hamstrings|knie|knieen|knieholte"
    r"|been|benen|ischias)"
    r"|boven (?:de |mijn |het |je )?knie(?:en)?)"
)
_SPREADS = r"(?:straalt|stralen|straalde|uitstraling|uitstralen|uitstralend|uitstraalt|trekt)"
_NO_RADIATION = (
    r"(?:alleen|enkel|maar|slechts|gewoon|vooral|puur)\s+(?:in\s+|op\s+)?(?:mijn\s+|de\s+|het\s+)?"
    r"(?:onder)?rug|blijft in (?:mijn|de) (?:onder)?rug|geen uitstraling|niet uit(?:stralen)?"
    r"|straalt niet|trekt niet|nergens naartoe|nergens anders"
)
_NEGATION = r"\b(?:niet|geen|nooit|nergens)\b"
_UNKNOWN = r"\b(?:weet (?:ik )?(?:het )?niet|geen idee|geen flauw idee|weet ik veel|twijfel)\b"
_YES_START = r"^(?:ja|jazeker|jawel|jaja|jep|jup|yes|yep|klopt|inderdaad|zeker|soms wel)\b"
_NO_START = r"^(?:nee|neen|nope|neuh|nah|niet|nooit|helemaal niet)\b"


def _affirmed(pattern: str, clause: str) -> tuple[bool, bool]:
    """Return (mentioned and not denied, mentioned but denied) for a clause."""
    affirmed = denied = False
    for match in re.finditer(rf"\b{pattern}\b", clause):
        if re.search(_NEGATION, clause[: match.start()]):
            denied = True
        else:
            affirmed = True
    return affirmed, denied


def parse_radiation(text: str | None) -> str | None:
    """Classify whether and how far the pain radiates into a leg.

    Args:
        text: The user's answer, e.g. ``"ja tot in mijn kuit"``, ``"tot in
            mijn bil"``, ``"nee alleen in mijn rug"``, or a payload value.

    Returns:
        ``"nee"``, ``"boven_knie"`` (buttock, hip, thigh, up to the knee, or
        "yes" without saying how far), ``"onder_knie"`` (calf, shin, foot,
        toes, below the knee), or None when not understood.
    """
    if not text:
        return None
    norm = _normalize(text)
    payload = norm.replace(" ", "_")
    if payload in RADIATION_VALUES:
        return payload
    norm = re.sub(_UNKNOWN, " , ", norm)

    below = above = limited = no = yes = False
    for clause in re.split(r"\s*(?:[,;:!?/]|\bmaar\b|\bwel\b)\s*", norm):
        clause = clause.strip()
        if not clause:
            continue
        below_yes, below_denied = _affirmed(_BELOW_KNEE, clause)
        # Mask below-knee phrases so "onder de knie" does not also count as "knie".
        masked = re.sub(rf"\b{_BELOW_KNEE}\b", " ", clause)
        above_yes, above_denied = _affirmed(_ABOVE_KNEE, masked)
        spreads_yes, spreads_denied = _affirmed(_SPREADS, clause)
        clause_says_no = bool(re.search(_NO_RADIATION, clause))
        spreads_yes = spreads_yes and not clause_says_no  # "straalt niet uit"
        below |= below_yes
        above |= above_yes or spreads_yes
        # "niet onder de knie" limits how far it goes; "geen pijn in been of voet"
        # denies the whole leg.
        limited |= below_denied and not above_denied
        no |= above_denied or spreads_denied
        if clause_says_no or re.search(_NO_START, clause):
            no = True
        elif re.search(_YES_START, clause):
            yes = True

    if below:
        return "onder_knie"
    if above or limited:
        return "boven_knie"
    if no:
        return "nee"
    if yes:
        return "boven_knie"
    return None


# --------------------------------------------------------------------------- #
# Pain score

_SCALE_PHRASES = (
    r"(?:op\s+)?(?:een\s+)?schaal\s+van\s+(?:0|1|nul|een|één)\s*(?:tot|-|t/m|tot en met)"
    r"\s*(?:10|tien)|(?:op|uit|van)\s+(?:de\s+)?(?:10|tien)\b|/\s*(?:10|tien)\b"
)


def parse_pain_score(text: str | None) -> int | None:
    """Read a pain score from 0 to 10.

    Args:
        text: The user's answer, e.g. ``"zeven"``, ``"7/10"``, ``"een 6"``,
            ``"ongeveer 4 denk ik"``, ``"8 van de 10"``.

    Returns:
        The score as an int from 0 to 10, or None when not understood or out
        of range ("11", "-1", "veel").
    """
    if not text:
        return None
    norm = _normalize(text)
    if re.search(r"(?:^|[^\d\s.])\s*-\s*\d|^\s*-\s*\d|\bmin\s+\d", norm):
        return None  # negative number
    norm = re.sub(_SCALE_PHRASES, " ", norm)
    # "een 6", "een dikke 7": "een" is an article there, not the number 1.
    norm = re.sub(
        r"\been\s+(?=(?:(?:dikke|krappe|kleine|goede|ruime|zwakke|magere|sterke)\s+)?"
        rf"(?:\d|{_NUMBER_WORD}\b|\w+je\b))",
        " ",
        norm,
    )
    norm = _numbers_to_digits(norm)

    values: list[float] = []
    for match in re.finditer(rf"(?<![\w.])({_NUM})\s*(?:-|tot|a|of|en)\s*({_NUM})(?![\w.])", norm):
        values.append(max(float(match.group(1)), float(match.group(2))))
        norm = _mask(norm, match.start(), match.end())
    values += [float(m) for m in re.findall(rf"(?<![\w.])({_NUM})(?![\w.])", norm)]
    if not values and re.search(r"\b(?:geen pijn|pijnvrij|helemaal geen)\b", norm):
        return 0
    if len(set(values)) != 1:
        return None
    score = int(values[0] + 0.5)  # round half up, never below 0 here
    return score if 0 <= score <= 10 else None


# --------------------------------------------------------------------------- #
# Yes / no

_NO_PHRASES = (
    r"\b(?:zeker niet|absoluut niet|helemaal niet|echt niet|klopt niet|niet echt"
    r"|niet dat ik weet|niet waar|niks van dat|niets van dat|niks daarvan|niets daarvan"
    r"|geen van (?:die|deze|allen|alle|beide)\b(?:\s+\w+)?|geen enkele?|(?:ik )?denk het niet)\b"
)
_YES_PHRASES = (
    r"\b(?:zeker weten|dat klopt|ja hoor|een van die|een paar daarvan|sommige wel"
    r"|(?:ik )?denk het wel)\b"
)
_UNSURE = (
    r"\b(?:weet (?:ik )?(?:het )?niet|weet niet|geen idee|geen flauw idee|misschien|twijfel"
    r"|niet zeker|geen zekerheid|kan zijn|zou kunnen|mogelijk)\b"
)
_YES_WORDS = {
    "ja",
    "jazeker",
    "jawel",
    "jaja",
    "jep",
    "jup",
    "yes",
    "yep",
    "klopt",
    "inderdaad",
    "zeker",
    "absoluut",
    "correct",
    "juist",
    "wel",
}
_NO_WORDS = {"nee", "neen", "nope", "neuh", "nah", "no", "niet", "nooit", "geen", "niks", "niets"}


def parse_yes_no(text: str | None) -> bool | None:
    """Read a yes or a no.

    Args:
        text: The user's answer, e.g. ``"jazeker"``, ``"klopt"``, ``"nee hoor"``,
            ``"nee, niks van dat"``, ``"geen van die dingen"``.

    Returns:
        True for yes, False for no, None when unclear, unsure or both.
    """
    if not text:
        return None
    norm = _normalize(text)
    norm = re.sub(_NO_PHRASES, " nee ", norm)
    norm = re.sub(_YES_PHRASES, " ja ", norm)
    if re.search(_UNSURE, norm):
        return None
    words = set(norm.split())
    yes = bool(words & _YES_WORDS)
    no = bool(words & _NO_WORDS)
    if yes == no:
        return None
    return yes


# --------------------------------------------------------------------------- #
# Contraindications (the questionnaire's question "heb je een van deze?")

# Each contraindication of actions/catalogs.py's CONTRAINDICATIONS, in everyday Dutch and Flemish words
# (normalised text: lowercase, no accents, "m'n" -> "mijn").
_CONTRAINDICATION_WORDS = {
    "osteoporose": (
        r"(?:osteopor\w*|botontkalking|botontkalkt|broze botten|botten (?:zijn )?(?:erg )?broos"
        r"|wervel[ -]?(?:breuk|fractuur|inzakking)\w*|(?:ingezakte|gebroken|gescheurde) wervels?"
        r"|wervels? (?:is |zijn )?(?:gebroken|ingezakt)|botbreuk|fractuur|iets gebroken)"
    ),
    "zwangerschap": (
        r"(?:zwanger\w*|in (?:blijde )?verwachting|(?:een )?(?:kindje|baby) op komst"
        r"|verwacht (?:een |ons |mijn )?(?:kindje|baby|eerste|tweede))"
    ),
    "rugoperatie": (
        r"(?:rug[ -]?operatie\w*|hernia[ -]?operatie\w*|ruggenmerg[ -]?operatie|rugchirurgie|spondylodese"
        r"|operatie aan (?:mijn |de |een )?(?:rug|onderrug|wervels?|tussenwervelschijf|hernia)"
        r"|(?:aan )?(?:mijn |de )?(?:rug|onderrug|wervels?|hernia) (?:ge)?opereerd"
        r"|geopereerd aan (?:mijn |de |een )?(?:rug|onderrug|wervels?|hernia|tussenwervelschijf)"
        r"|wervels? (?:laten )?vast ?(?:gezet|zetten))"
    ),
    "heupprothese": (
        r"(?:heup[ -]?prothese\w*|kunst[ -]?heup|nieuwe heup|heup[ -]?vervanging|heup (?:laten )?vervangen"
        r"|heup[ -]?operatie|(?:aan )?(?:mijn |de )?heup (?:ge)?opereerd|geopereerd aan (?:mijn |de )?heup"
        r"|prothese in (?:mijn |de )?heup|totale heup)"
    ),
}
# A back operation this long ago is not "in the past year" (the question's words): "5 jaar geleden", "jaren
# geleden", "lang geleden".
_LONG_AGO = r"\b(?:(?:[2-9]|\d{2,}|[2-9]\.5) jaar|jaren|lang|heel lang|erg lang) geleden\b"
_NONE_APPLIES = (
    r"\b(?:geen van (?:die|deze|allen|alle|beide|de)\b|geen daarvan|niets daarvan|niks daarvan|niks van dat"
    r"|niets van dat|geen enkele?|nvt|n/?v/?t|niet van toepassing|geen van allemaal|niets|niks|geen)\b"
)


def parse_contraindications(text: str | None) -> tuple[str, ...] | None:
    """Read which contraindications apply: osteoporosis, pregnancy, back surgery, a hip replacement.

    Args:
        text: The user's answer, e.g. ``"nee, geen daarvan"``, ``"ik ben 20 weken zwanger"``,
            ``"botontkalking en een nieuwe heup"``, ``"vorig jaar aan mijn rug geopereerd"``.

    Returns:
        The contraindications named (ids of ``CONTRAINDICATIONS``, in that order); ``()`` when the answer
        says none applies ("nee", "geen", "niets daarvan", or only denied ones: "ik ben niet zwanger"); None
        when not understood or only unsure ("ja" without saying which, "weet ik niet"). A contraindication
        named with doubt ("misschien botontkalking") counts: leaving an exercise out is the safer error. A
        back operation years ago ("5 jaar geleden") does not count: the question asks for the past year.
    """
    if not text:
        return None
    norm = _numbers_to_digits(_normalize(text))
    named: set[str] = set()
    denied = False
    for clause in re.split(r"\s*(?:[,;:!?/]|\bmaar\b|\bwel\b|\ben\b|\book\b)\s*", norm):
        for contraindication, words in _CONTRAINDICATION_WORDS.items():
            affirmed, negated = _affirmed(words, clause)
            if affirmed and contraindication == "rugoperatie" and re.search(_LONG_AGO, clause):
                affirmed, negated = False, True
            if affirmed:
                named.add(contraindication)
            denied |= negated
    if named:
        return tuple(c for c in CONTRAINDICATIONS if c in named)
    if re.search(_UNSURE, norm):
        return None
    if denied or re.search(_NONE_APPLIES, norm) or parse_yes_no(text) is False:
        return ()
    return None
