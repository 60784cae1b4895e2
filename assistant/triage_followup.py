"""Understanding the answer to a follow-up question about an alarm sign (pure functions, no Rasa).

``assistant.components.SafetyNet`` sets ``alarm.ask`` when a message names a sign whose tier depends
on a fact the message lacks (a fall without age, osteoporosis or steroids; weight loss, on purpose or
not; cancer, now or in the past; sudden severe pain, during lifting or out of the blue). The policy
then asks ``utter_red_flag_ask_<sign>`` and reads the next message with :func:`resolve_answer`:

- a settled answer gives that sign's tier, or ``None`` when the answer settles that there is no alarm
  (weight loss on purpose, sudden pain while lifting or bending);
- an answer that does not settle it gets the sign's most urgent tier (:data:`UNSETTLED_TIER`).

The screening question of the exercise questionnaire ("do you have one of these signs?") is asked
the same way: after a yes, ``utter_red_flag_ask_screening`` asks which one, and an answer naming no
sign gets the 112 tier.

The word lists below read Dutch and Flemish answers; they are not shown to anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from common.safety import ASK_RESPONSE_PREFIX, MEDICAL_TIERS, TIER_EMERGENCY, TIER_SOON, TIER_TODAY

# The screening question of the questionnaire is asked as if it were a sign.
SCREENING: Final = "screening"
ASK_PREFIX: Final = ASK_RESPONSE_PREFIX
SETTLED_PREFIX: Final = "utter_red_flag_settled_"

# The tier an answer gets when it does not settle the question: the most urgent the sign can have
# (a high-energy accident, already an emergency, is never asked about).
UNSETTLED_TIER: Final = {
    "trauma": TIER_TODAY,
    "weight_loss": TIER_SOON,
    "cancer": TIER_TODAY,
    "sudden_severe": TIER_EMERGENCY,
    SCREENING: TIER_EMERGENCY,
}
ASKABLE: Final = tuple(UNSETTLED_TIER)

# Signs whose settled "no" means no alarm at all: the assistant says so (utter_red_flag_settled_<sign>),
# and exercises and products stay available.
SETTLED_WITHOUT_ALARM: Final = ("weight_loss", "sudden_severe")


@dataclass(frozen=True)
class Resolution:
    """The tier an answer sets (``None``: no alarm) and whether the answer settled the question."""

    tier: str | None
    settled: bool


def _by_yes_no(answer: bool | None, sign: str, *, yes: str | None, no: str | None) -> Resolution:
    """A plain yes or no to the question about ``sign`` settles it; anything else leaves its more urgent tier."""
    if answer is True:
        return Resolution(yes, settled=True)
    if answer is False:
        return Resolution(no, settled=True)
    return Resolution(UNSETTLED_TIER[sign], settled=False)


def ask_response(sign: str) -> str:
    """The response that asks the follow-up question for ``sign``."""
    if sign not in UNSETTLED_TIER:
        raise ValueError(f"no follow-up question for sign {sign!r}")
    return f"{ASK_PREFIX}{sign}"


def asked_sign(action_name: str | None) -> str | None:
    """The sign a follow-up response asked about, or None when ``action_name`` is no follow-up."""
    if action_name and action_name.startswith(ASK_PREFIX):
        sign = action_name[len(ASK_PREFIX) :]
        return sign if sign in UNSETTLED_TIER else None
    return None


def settled_response(sign: str) -> str:
    """The response for an answer that settles ``sign`` as no alarm."""
    if sign not in SETTLED_WITHOUT_ALARM:
        raise ValueError(f"sign {sign!r} has no answer without an alarm")
    return f"{SETTLED_PREFIX}{sign}"


def most_urgent(tiers: Iterable[str | None]) -> str | None:
    """The most urgent of the medical tiers given (None when there is none)."""
    found = {t for t in tiers if t}
    unknown = found - set(MEDICAL_TIERS)
    if unknown:
        raise ValueError(f"not a medical tier: {sorted(unknown)}")
    return next((t for t in MEDICAL_TIERS if t in found), None)


# --- reading the words -------------------------------------------------------------------------------

_WORD = re.compile(r"[a-zà-ÿ0-9]+(?:[.,][0-9]+)?")
# Not "nee": an answer that starts with it can still name a sign ("nee, ik heb buikpijn").
_NEGATIONS = frozenset({"geen", "niet", "zonder", "noch", "nooit", "nie", "ni"})
# "geen buikpijn, zweten of flauwte": the negation reaches along a list joined by these.
_LIST_WORDS = frozenset({"of", "noch", "en", "ook"})
# How many words a negation reaches before a word ("geen buikpijn", "niet gezweet") and after it
# ("buikpijn heb ik niet").
_SCOPE_BREAKS = frozenset({"wel", "maar", "alleen", "enkel", "toch"})
_BEFORE = 3
_AFTER = 3


def _words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower().replace("’", "'"))


def _matches(word: str, stems: Sequence[str]) -> bool:
    return any(word.startswith(stem) for stem in stems)


def _negated(words: list[str], index: int, *, after: bool = True) -> bool:
    if index >= 2 and words[index - 1] in _LIST_WORDS - {"en"} and _negated(words, index - 2, after=False):
        return True
    before = words[max(0, index - _BEFORE) : index]
    # "geen koorts, wel gevallen": a "wel" or "maar" ends the reach of the negation before it.
    breaks = [i for i, w in enumerate(before) if w in _SCOPE_BREAKS]
    if breaks:
        before = before[breaks[-1] + 1 :]
    following = words[index + 1 : index + 1 + _AFTER] if after else []
    return any(w in _NEGATIONS for w in before) or any(w in ("niet", "nie") for w in following)


def _mentions(words: list[str], stems: Sequence[str], *, negated: bool = False, after: bool = True) -> bool:
    """Whether a word starting with one of ``stems`` occurs (not) negated.

    ``after=False`` reads a negation only before the word: for signs told with a "niet" of another verb
    ("ik kan mijn plas niet ophouden").
    """
    return any(_matches(w, stems) and _negated(words, i, after=after) == negated for i, w in enumerate(words))


def _phrase(text: str, patterns: Sequence[str]) -> bool:
    norm = " ".join(_words(text))
    return any(re.search(p, norm) for p in patterns)


def _yes_no(words: list[str]) -> bool | None:
    """A bare yes or no at the start of the answer ("ja", "jawel", "nee", "neen")."""
    if not words:
        return None
    if words[0] in ("ja", "jawel", "jaja", "jep", "yes", "klopt", "inderdaad", "zeker", "ok", "oké"):
        return True
    if words[0] in ("nee", "neen", "nope", "nah", "nop"):
        return False
    return None


# --- a fall: age 50 or older, osteoporosis, long-term steroids -> today; none of them -> within days --

_OSTEOPOROSIS = ("botontkalking", "osteoporose", "osteopenie", "botbreuk", "botdichtheid", "bottendichtheid")
_STEROIDS = ("prednis", "corticost", "cortison", "dexameth", "medrol", "hydrocort", "cortico", "steroid", "steroïd")
_AGE = (
    r"\bben (?:nu |al |pas |net |bijna |ruim |zelf |inmiddels )?(\d{2,3})\b(?! ?(?:min|minuten|uur|dag|dagen|week|weken"
    r"|maand|maanden|keer|kilo|kg|meter|m|cm)\b)",
    r"\b(\d{2,3}) ?(?:jaar|jr|j) oud\b",
    r"\b(\d{2,3}) ?(?:jaar|jr|j)\b$",
    r"\b(\d{2,3})j\b",
    r"\bleeftijd (?:is |van )?(\d{2,3})\b",
    r"^(?:ja|nee|neen)? ?(\d{2,3})$",
    r"^(?:ja|nee|neen) (?:ik ben )?(\d{2,3})\b",
)
_OLD_WORDS = (
    r"\b(?:ouder|boven|over) (?:de |dan )?(?:50|vijftig)\b",
    r"\b(?:50|vijftig) (?:plus|of ouder|jaar of ouder|\+)",
    r"\bvijftig\w*",
    r"\bzestig\w*|\bzeventig\w*|\btachtig\w*|\bnegentig\w*",
    r"\bgepensioneerd\b|\bpensioen\b|\bbejaard\b|\boma\b|\bopa\b",
)
_YOUNG_WORDS = (r"\b(?:jonger|onder) (?:de |dan )?(?:50|vijftig)\b", r"\btwintig\w*|\bdertig\w*|\bveertig\w*")


def _stated_age(text: str) -> int | None:
    """An age the answer states ("ik ben 67", "nee, 30", "45 jaar oud"); not any number in it."""
    norm = " ".join(_words(text))
    for pattern in _AGE:
        match = re.search(pattern, norm)
        if match and 12 <= int(match.group(1)) <= 110:
            return int(match.group(1))
    return None


def _resolve_trauma(text: str) -> Resolution:
    words = _words(text)
    risk = _mentions(words, _OSTEOPOROSIS) or _mentions(words, _STEROIDS) or _mentions(words, ("broze",))
    age = _stated_age(text)
    old = _phrase(text, _OLD_WORDS) and not _phrase(text, _YOUNG_WORDS)
    if risk or (age is not None and age >= 50) or old:
        return Resolution(TIER_TODAY, settled=True)
    if (age is not None and age < 50) or _phrase(text, _YOUNG_WORDS):
        return Resolution(TIER_SOON, settled=True)
    answer = _yes_no(words)
    if answer is None and _phrase(text, (r"\bniets? (?:van )?(?:dat|daarvan|van die)\b", r"\bgeen van\b")):
        answer = False
    return _by_yes_no(answer, "trauma", yes=TIER_TODAY, no=TIER_SOON)


# --- weight loss: on purpose -> no alarm; by itself -> within days ------------------------------------

_ON_PURPOSE = (
    "bewust",
    "expres",
    "opzet",
    "dieet",
    "diëet",
    "lijn",
    "afslank",
    "gewild",
    "gepland",
    "calorie",
    "koolhydraat",
    "vasten",
    "intermittent",
    "weightwatchers",
    "sonja",
    "ozempic",
    "wegovy",
    "maagverklein",
    "maagband",
    "gastric",
)
_ON_PURPOSE_PHRASES = (
    r"\b(?:meer|vaker) (?:ben gaan |gaan )?(?:sporten|bewegen|fietsen|lopen|wandelen)\b",
    r"\bminder (?:ben gaan |gaan )?(?:eten|snoepen|drinken)\b",
    r"\bgezonder (?:ben gaan |gaan )?(?:eten|leven)\b",
    r"\bwilde (?:ik )?(?:afvallen|kilo)",
    r"\bde bedoeling\b",
    r"\bmijn best gedaan\b",
)
_BY_ITSELF = ("vanzelf", "zomaar", "onverklaard", "onbedoeld", "ongewild", "onverwacht", "spontaan", "ongemerkt")
_BY_ITSELF_PHRASES = (
    r"\buit (?:het )?niets\b",
    r"\bzonder (?:reden|aanleiding|dat ik|te|dieet|er iets|iets|moeite)",
    r"\bgeen (?:idee|verklaring|reden|dieet)\b",
    r"\bweet (?:ik )?niet (?:waarom|hoe|waardoor)\b",
    r"\bniet (?:bewust|expres|met opzet|de bedoeling|gewild|gepland|op dieet|aan het lijnen)\b",
    r"\bniks (?:aan )?(?:gedaan|veranderd)\b|\bniets (?:aan )?(?:gedaan|veranderd)\b",
    r"\b(?:eet|at) (?:gewoon |normaal|evenveel|net zoveel)",
    r"\buit zichzelf\b|\bvan zelf\b",
)


def _resolve_weight_loss(text: str) -> Resolution:
    words = _words(text)
    by_itself = _mentions(words, _BY_ITSELF) or _phrase(text, _BY_ITSELF_PHRASES)
    on_purpose = (_mentions(words, _ON_PURPOSE) or _phrase(text, _ON_PURPOSE_PHRASES)) and not _phrase(
        text, (r"\b(?:niet|geen|zonder) (?:\w+ )?(?:bewust|expres|opzet|dieet|lijn|te lijnen|gewild|gepland)",)
    )
    if by_itself:
        return Resolution(TIER_SOON, settled=True)
    if on_purpose:
        return Resolution(None, settled=True)
    return _by_yes_no(_yes_no(words), "weight_loss", yes=None, no=TIER_SOON)


# --- cancer: now or under treatment -> today; in the past -> within days -------------------------------

_ACTIVE_PHRASES = (
    r"\b(?:nog|nu|momenteel|op dit moment|sinds kort) (?:\w+ )?(?:in behandeling|behandeld|onder behandeling)",
    r"\bin behandeling\b|\bonder behandeling\b|\bword(?:t)? (?:nog )?behandeld\b",
    r"\bchemo\w*|\bbestraling\w*|\bbestraald\b|\bradiotherapie\b|\bimmunotherapie\b|\bhormoontherapie\b",
    r"\bhormoonbehandeling\b|\btamoxifen\b|\bletrozol\b|\banastrozol\b|\bdoelgerichte therapie\b",
    r"\buitzaaiing\w*|\bmetastase\w*|\bpalliatief\b|\bpalliatieve\b|\buitbehandeld\b",
    r"\b(?:is|zijn) (?:het |hij |ze )?(?:weer )?terug(?:gekomen)?\b|\bteruggekomen\b|\bopnieuw\b|\brecidief\b",
    r"\b(?:net|pas|onlangs|recent|vorige (?:week|maand)) (?:\w+ )?(?:vastgesteld|ontdekt|gediagnosticeerd)",
    r"\bheb (?:nu |momenteel )?(?:\w+)?kanker\b(?! gehad)|\bik heb (?:nu )?(?:een )?tumor\b",
    r"\b(?:nu|momenteel|actief)\b",
)
_PAST_PHRASES = (
    r"\bgehad\b",
    r"\bvroeger\b|\bverleden\b|\bjaren? geleden\b|\bjaar geleden\b|\bmaanden geleden\b|\bvorig jaar\b",
    r"\bin (?:19|20)\d\d\b|\bschoon\b|\bgenezen\b|\bafgerond\b|\bremissie\b|\bvoorbij\b|\bachter de rug\b",
    r"\b(?:alleen|enkel) (?:nog )?(?:controle|controles|nacontrole)\b|\bnacontrole\w*\b|\bklaar met\b",
    r"\b(?:niet|geen) (?:meer )?(?:in|onder) behandeling\b|\bniet meer behandeld\b|\bgeen behandeling meer\b",
)
_NOT_ACTIVE = (
    r"\b(?:niet|geen|nie) (?:meer )?(?:in|onder) behandeling\b",
    r"\bniet meer behandeld\b|\bgeen behandeling meer\b|\bgeen chemo\w*\b|\bniet (?:meer )?actief\b",
    r"\bnu (?:schoon|genezen|kankervrij|vrij)\b|\bnu (?:alleen|enkel)\b",
)


def _resolve_cancer(text: str) -> Resolution:
    words = _words(text)
    norm = " ".join(words)
    for pattern in _NOT_ACTIVE:
        norm = re.sub(pattern, " ", norm)
    active = any(re.search(p, norm) for p in _ACTIVE_PHRASES)
    past = _phrase(text, _PAST_PHRASES)
    if active:
        return Resolution(TIER_TODAY, settled=True)
    if past:
        return Resolution(TIER_SOON, settled=True)
    return _by_yes_no(_yes_no(words), "cancer", yes=TIER_TODAY, no=TIER_SOON)


# --- sudden severe pain: while lifting or bending -> no alarm; out of the blue with belly pain,
# sweating or fainting -> 112; out of the blue without them -> today ----------------------------------

_MOVEMENT = (
    "til",
    "optil",
    "opgetild",
    "getild",
    "buk",
    "gebukt",
    "sjouw",
    "gesjouwd",
    "hef",
    "heff",
    "opraap",
    "oprap",
    "raapte",
    "draaide",
    "gedraaid",
    "verdraai",
    "omdraai",
    "verrek",
    "sport",
    "gesport",
    "fitness",
    "tuinier",
    "schoonma",
    "stofzuig",
    "verhuis",
    "bukken",
    "tillen",
    "opstaan",
    "opstond",
    "uitstappen",
    "uitstapte",
    "niezen",
    "niesde",
    "hoesten",
    "hoestte",
)
_SHOCK = (
    "buikpijn",
    "buik",
    "zweet",
    "zweten",
    "gezweet",
    "transpir",
    "klam",
    "flauw",
    "bewusteloos",
    "onwel",
    "duizel",
    "draaierig",
    "bleek",
    "misselijk",
    "overgeven",
    "braken",
    "kloppend",
    "scheur",
    "borst",
    "benauwd",
    "adem",
    "wegraken",
    "weggeraakt",
    "collaps",
)
_OUT_OF_THE_BLUE = ("ineens", "opeens", "plots", "zomaar", "vanzelf", "spontaan", "onverwacht")
_OUT_OF_THE_BLUE_PHRASES = (r"\buit (?:het )?niets\b", r"\bzonder (?:reden|aanleiding|oorzaak)\b", r"\bin rust\b")


def _resolve_sudden_severe(text: str) -> Resolution:
    words = _words(text)
    joined = " ".join(words)
    shock = _mentions(words, _SHOCK) or "zwart voor" in joined
    if shock:
        return Resolution(TIER_EMERGENCY, settled=True)
    movement = _mentions(words, _MOVEMENT) or "verkeerde beweging" in joined
    out_of_the_blue = _mentions(words, _OUT_OF_THE_BLUE, after=False) or _phrase(text, _OUT_OF_THE_BLUE_PHRASES)
    denied_shock = _mentions(words, _SHOCK, negated=True)
    if movement and not out_of_the_blue:
        return Resolution(None, settled=True)
    if out_of_the_blue and denied_shock:
        return Resolution(TIER_TODAY, settled=True)
    return Resolution(UNSETTLED_TIER["sudden_severe"], settled=False)


# --- the questionnaire's screening "ja": which sign? ---------------------------------------------------

_SCREENING_GROUPS: Final = (
    (
        TIER_EMERGENCY,
        (
            "plas",
            "urine",
            "blaas",
            "incontinen",
            "ontlasting",
            "poep",
            "stoelgang",
            "darm",
            "doof",
            "gevoelloos",
            "zadel",
            "anus",
            "geslachtsdel",
            "afveg",
            "kracht",
            "zwak",
            "slap",
            "verlam",
            "sleep",
            "slepen",
        ),
    ),
    (TIER_TODAY, ("koorts", "verhoging", "val", "gevallen", "viel", "ongeval", "ongeluk", "aanrijding", "trauma")),
    (TIER_SOON, ("nacht", "rust", "afgevallen", "afvallen", "gewicht", "kilo", "vermager")),
)
_CANCER = ("kanker", "tumor", "tumour", "kwaadaardig", "carcinoom", "leukemie", "lymfoom", "melanoom", "sarcoom")


def _resolve_screening(text: str) -> Resolution:
    words = _words(text)
    # "darmkanker" is cancer, not a bowel sign: the groups read the words that name no cancer.
    other = [w if not any(stem in w for stem in _CANCER) else "-" for w in words]
    tiers: list[str | None] = [tier for tier, stems in _SCREENING_GROUPS if _mentions(other, stems, after=False)]
    if _matches_any_compound(words, _CANCER):
        tiers.append(_resolve_cancer(text).tier)
    tier = most_urgent(tiers)
    if tier is None:
        return Resolution(UNSETTLED_TIER[SCREENING], settled=False)
    return Resolution(tier, settled=True)


def _matches_any_compound(words: list[str], stems: Sequence[str]) -> bool:
    """Compounds such as "borstkanker", "darmkanker": the stem inside the word, not negated."""
    return any(any(stem in w for stem in stems) and not _negated(words, i, after=False) for i, w in enumerate(words))


_RESOLVERS: Final = {
    "trauma": _resolve_trauma,
    "weight_loss": _resolve_weight_loss,
    "cancer": _resolve_cancer,
    "sudden_severe": _resolve_sudden_severe,
    SCREENING: _resolve_screening,
}


def resolve_answer(sign: str, text: str | None) -> Resolution:
    """Read the answer to the follow-up question about ``sign`` (see the module docstring).

    Args:
        sign: the sign asked about: one of :data:`ASKABLE`.
        text: the user's answer, free text or a button's payload.

    Returns:
        The tier the answer sets (``None``: settled, no alarm), and whether it settled the question; an
        answer that does not settle it gets :data:`UNSETTLED_TIER` of the sign.
    """
    if sign not in _RESOLVERS:
        raise ValueError(f"no follow-up question for sign {sign!r}")
    return _RESOLVERS[sign](text or "")
