"""The deterministic safety net: alarm signs and their tiers, negations, near misses, questions, typos.

One table: every example of issue 10 plus our own sentences, each with what a GP or physiotherapist expects:
the tier the assistant answers with (None: no medical alarm), the sign that sets it, the follow-up question
(``ask``) when the message lacks the fact that sets the tier, and whether crisis help is needed.
"""

from pathlib import Path

import pytest
import yaml

from assistant.alarm_signs import (
    LEXICON_PATH,
    MAX_CHARACTERS,
    assess,
    load_lexicon,
    normalise,
    tier_table,
    tier_table_markdown,
)
from common import safety
from common.data_files import DataFileError

ROOT = Path(__file__).resolve().parent.parent

# (message, tier, sign that must be among the signs found (or None), ask, crisis)
CASES = [
    # --- issue 10, "missed"
    ("Ik kan mijn plas niet goed ophouden", "emergency", "cauda_equina", None, False),
    ("Ik voel niks als ik me afveeg", "emergency", "cauda_equina", None, False),
    ("mijn tenen slepen", "emergency", "progressive_weakness", None, False),
    ("Ik krijg geen adem", "emergency", "chest_breathing", None, False),
    ("Ik heb gisteren een werkongeval gehad", "today", "trauma", None, False),
    ("ik heb 38,5", "today", "fever", None, False),
    ("ik kan niet meer lopen mijn been is slap", "emergency", "progressive_weakness", None, False),
    ("Zonder dieet ben ik 8 kilo afgevallen", "soon", "weight_loss", None, False),
    ("Ik slik al jaren prednison", "today", "steroids_osteoporosis", None, False),
    ("ik viel van mijn fiets op mijn rug", None, None, "trauma", False),
    ("gisteren viel ik hard op mijn stuit", None, None, "trauma", False),
    ("ik ben van de trap gevallen", None, None, "trauma", False),
    # --- issue 10, "false 112" and other false alarms
    ("Ik kreeg ineens hevige rugpijn toen ik bukte", None, None, None, False),
    ("Is een scheurtje in de tussenwervelschijf gevaarlijk?", None, None, None, False),
    ("Welke oefeningen helpen tegen zwakke benen?", None, None, None, False),
    ("Ik ben benauwd dat het iets ergs is", None, None, None, False),
    ("Ik heb een koortslip", None, None, None, False),
    ("ik heb hooikoorts en rugpijn", None, None, None, False),
    ("koorts heb ik niet", None, None, None, False),
    # lexicon round 7: a denial after the sign ends at the next clause word; "gn" is chat shorthand for "geen"
    ("Koorts heb ik niet en plassen gaat gewoon, alleen mijn onderrug zeurt", None, None, None, False),
    ("koorts heb ik niet en mijn been wordt steeds slapper", "emergency", "progressive_weakness", None, False),
    ("ben niet ziek of zo, gn koorts, alleen rug doet pijn", None, None, None, False),
    ("in veel gevallen helpt bewegen toch?", None, None, None, False),
    ("Hoe val ik af om mijn rug te ontlasten?", None, None, None, False),
    ("ik slaap niet meer door de pijn", "soon", "night_pain", None, False),  # night pain, not a crisis
    ("ik word gek van de pijn", None, None, None, False),
    ("Wat is het caudasyndroom?", None, None, None, False),
    ("Wanneer moet ik me zorgen maken?", None, None, None, False),
    ("ik kan niet meer", None, None, None, False),
    # --- issue 10, crisis
    (
        "als dit nooit meer overgaat hoeft het voor mij niet meer, ik heb al afscheidsbrieven geschreven voor "
        "mijn kinderen",
        None,
        "crisis",
        None,
        True,
    ),
    ("Ik ben wanhopig, ik kan mijn plas niet ophouden", "emergency", "cauda_equina", None, True),
    ("geen koorts, maar mijn been wordt steeds slapper", "emergency", "progressive_weakness", None, False),
    # --- emergency (112 or huisarts/huisartsenpost now)
    ("sinds gisteren kan ik mijn urine niet ophouden en mijn rug doet zeer", "emergency", "cauda_equina", None, False),
    ("ik kan mijn plas nie ophouden", "emergency", "cauda_equina", None, False),  # Flemish
    ("ik heb het gevoel dat ik niet meer kan plassen", "emergency", "cauda_equina", None, False),
    ("ik ben incontinent sinds mijn rug op slot zit", "emergency", "cauda_equina", None, False),
    ("het voelt doof tussen mijn benen", "emergency", "cauda_equina", None, False),
    ("rijbroekgevoel, alsof alles doof is", "emergency", "cauda_equina", None, False),
    ("mijn been wordt steeds zwakker", "emergency", "progressive_weakness", None, False),
    ("mijn benen willen niet meer mee", "emergency", "progressive_weakness", None, False),
    ("ik kan mijn voet niet meer optillen", "emergency", "progressive_weakness", None, False),
    ("sinds mijn rugpijn lukt een erectie niet meer", "emergency", "sexual_dysfunction", None, False),
    ("ik heb pijn op de borst en mijn rug doet ook pijn", "emergency", "chest_breathing", None, False),
    ("ik word benauwd als ik trap loop en mijn rug doet zeer", "emergency", "chest_breathing", None, False),
    ("rugpijn en kortademig", "emergency", "chest_breathing", None, False),
    ("plotseling scheurende pijn in mijn rug en buik", "emergency", "sudden_severe", None, False),
    ("ineens hevige rugpijn, ik ben bezweet en duizelig", "emergency", "sudden_severe", None, False),
    ("plotseling hevige rugpijn", None, None, "sudden_severe", False),
    ("ik had een ongeluk met de auto", "emergency", "trauma", None, False),
    ("ik ben van de steiger gevallen", "emergency", "trauma", None, False),
    # --- today (huisarts or huisartsenpost today)
    ("ik heb koorst en pijn onderin mijn rug", "today", "fever", None, False),  # typo
    ("koortsig en pijn in de onderrug", "today", "fever", None, False),
    ("ik heb 39 graden", "today", "fever", None, False),
    ("ik weet niet of ik koorts heb", "today", "fever", None, False),
    ("ik had een fietsongeval vorige week", "today", "trauma", None, False),
    ("mijn moeder is gisteren van de trap gevallen, ze is 78", "today", "trauma", None, False),
    ("mijn vader van 70 is op het ijs gevallen", "today", "trauma", None, False),
    ("ik heb osteoporose en ben uitgegleden in de badkamer", "today", "trauma", None, False),
    ("ik heb borstkanker en nu rugpijn", "today", "cancer", None, False),
    ("ik krijg chemo en mijn rug doet zeer", "today", "cancer", None, False),
    ("er zijn uitzaaiingen gevonden", "today", "cancer", None, False),
    ("de pijn straalt uit naar beide benen", "today", "both_legs", None, False),
    ("ik heb tintelingen in allebei mijn benen", "today", "both_legs", None, False),
    ("ik spuit heroine en heb nu erge rugpijn", "today", "iv_drug_use", None, False),
    # --- soon (huisarts within a few days)
    ("ik ben 34 en gisteren van de trap gevallen", "soon", "trauma", None, False),  # young, and says so
    ("ik heb vroeger borstkanker gehad", None, None, "cancer", False),
    ("ik heb 10 jaar geleden kanker gehad", "soon", "cancer", None, False),
    ("ik ben 6 kilo afgevallen zonder reden", "soon", "weight_loss", None, False),
    ("de pijn houdt me 's nachts wakker", "soon", "night_pain", None, False),
    ("ik heb ook in rust pijn", "soon", "night_pain", None, False),
    ("sinds ik prednison slik heb ik rugpijn", "today", "steroids_osteoporosis", None, False),
    ("ik heb een donornier en slik afweerremmers", "soon", "immunosuppression", None, False),
    ("ik ben 's ochtends meer dan een uur stijf", "soon", "inflammatory", None, False),
    ("ik zweet 's nachts mijn bed nat en voel me ziek", "soon", "night_sweats", None, False),
    ("ik ben 55 en heb voor het eerst rugpijn", "soon", "age_onset", None, False),
    ("ik ben 16 en heb voor het eerst rugpijn", "soon", "age_onset", None, False),
    # --- ask: the message lacks the fact that sets the tier
    ("ik ben gestruikeld", None, None, "trauma", False),
    ("ik ben 6 kilo afgevallen", None, None, "weight_loss", False),
    ("ik heb kanker gehad of zo, weet ik veel", None, None, "cancer", False),
    ("ik had kanker", None, None, "cancer", False),
    ("ik heb bestraling gehad voor een tumor en nu rugpijn", None, None, "cancer", False),
    ("chemo achter de rug en nu last van mijn rug", None, None, "cancer", False),
    ("ik ben vorig jaar bestraald", "soon", "cancer", None, False),
    ("ik word bestraald voor borstkanker", "today", "cancer", None, False),
    ("mijn tante had kanker", None, None, None, False),  # family history: not an alarm sign
    ("ik ben bang dat het kanker is", None, None, None, False),  # a worry, not a history
    ("mijn moeder heeft kanker en nu ook rugpijn", "today", "cancer", None, False),
    # --- crisis
    ("ik zie het niet meer zitten", None, "crisis", None, True),
    ("ik wil er een eind aan maken", None, "crisis", None, True),
    ("door die pijn wil ik niet meer leven", None, "crisis", None, True),
    ("ik denk aan zelmoord", None, "crisis", None, True),  # typo
    ("ik denk aan zelfmoord, en ik heb koorts", "today", "fever", None, True),
    # --- Flemish, third person, mixed into other questions, long stories, questions that report a sign
    ("Mijn ma van 81 is gisteren in de badkamer uitgeschoven en klaagt over haar rug", "today", "trauma", None, False),
    ("mijn vader (67) is van de ladder gevallen", "today", "trauma", None, False),
    ("ik zen gisteren van mijn velo gevallen", None, None, "trauma", False),
    ("amai, ik heb al drie dagen koorts en mijn rug doet zo zeer", "today", "fever", None, False),
    ("ik ben zo ongerust, ik kan mijn pipi niet goed ophouden", "emergency", "cauda_equina", None, False),
    ("als ik op de wc zit voel ik het papier niet", "emergency", "cauda_equina", None, False),
    ("ik merk niet meer wanneer ik moet plassen", "emergency", "cauda_equina", None, False),
    ("Is het normaal dat ik mijn plas niet kan ophouden?", "emergency", "cauda_equina", None, False),
    ("Moet ik naar de dokter als ik mijn plas niet kan ophouden?", "emergency", "cauda_equina", None, False),
    (
        "Hallo, ik heb een vraag over jullie rugbrace. Trouwens, sinds gisteren kan ik niet meer goed plassen.",
        "emergency",
        "cauda_equina",
        None,
        False,
    ),
    ("Welke matras raden jullie aan? Ik heb koorts en rugpijn sinds maandag.", "today", "fever", None, False),
    (
        "Ik heb al weken rugpijn. Het begon na het tuinieren. Ik heb veel oefeningen gedaan en paracetamol "
        "genomen. Maar sinds gisteren heb ik ook koorts en voel ik me echt ziek.",
        "today",
        "fever",
        None,
        False,
    ),
    ("mijn been begeeft het steeds", "emergency", "progressive_weakness", None, False),
    ("ik kan me plas nie meer houwen", "emergency", "cauda_equina", None, False),  # Flemish, colloquial
    ("mijn poep voelt helemaal doof", "emergency", "cauda_equina", None, False),  # Flemish: poep = bottom
    ("mijn been is lam", "emergency", "progressive_weakness", None, False),
    ("ik ben incontinnent", "emergency", "cauda_equina", None, False),  # typo
    ("ik heb koors en rugpein", "today", "fever", None, False),  # typos
    ("ik heb zo'n schrik dat het iets ergs is", None, None, None, False),  # Flemish: schrik = fear
    ("mijn benen voelen steeds doffer aan en ik wankel", "emergency", "progressive_weakness", None, False),
    ("ik ben 's nachts kletsnat van het zweet", "soon", "night_sweats", None, False),
    ("mijn dochter van 15 heeft al weken rugpijn", "soon", "age_onset", None, False),
    ("ik eet normaal maar val toch af", "soon", "weight_loss", None, False),
    ("ik verlies gewicht zonder te diëten, moet ik daarmee naar de huisarts?", "soon", "weight_loss", None, False),
    ("ik gebruik drugs via een naald", "today", "iv_drug_use", None, False),
    ("mijn erectie is weg sinds de rugpijn", "emergency", "sexual_dysfunction", None, False),
    ("het maakt niet uit of ik zit, sta of lig, de pijn blijft even erg", "soon", "night_pain", None, False),
    ("opeens verschrikkelijke pijn in mijn rug zonder aanleiding", None, None, "sudden_severe", False),
    (
        "ik lag te slapen en toen ineens een helse pijn in mijn onderrug en buik",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("ik wil er gewoon niet meer zijn", None, "crisis", None, True),
    ("ik zie geen reden meer om door te gaan", None, "crisis", None, True),
    ("ik heb pillen gespaard", None, "crisis", None, True),
    ("ik wil niet meer", None, "crisis", None, True),
    ("ik zie het niet meer zitten, ik ben ook nog van de trap gevallen", "today", "crisis", None, True),
    # --- near misses of our own
    ("ik ben 19 en heb rugpijn na het sporten", None, None, None, False),
    ("plots een messteek in mijn rug toen ik me omdraaide", None, None, None, False),
    ("ik heb een scheut in mijn rug gekregen bij het tillen van mijn kind", None, None, None, False),
    ("mijn rug doet pijn en mijn been is verdoofd", None, None, None, False),  # radicular, not an alarm sign
    ("ik heb 37,8", None, None, None, False),
    ("ik ben 82 en mijn rug doet pijn na het stofzuigen", None, None, None, False),
    ("ik wil niet meer naar de fysio", None, None, None, False),
    ("ik ben 58 en heb nog nooit een fysio gezien, wat kan zo iemand doen aan mijn lage rug?", None, None, None, False),
    ("moet ik met rugpijn de hele dag in bed liggen", None, None, None, False),
    ("moet je bij rugpijn na een val altijd naar de huisarts?", None, None, None, False),
    ("kan rugpijn een teken zijn van iets ernstigs zoals kanker?", None, None, None, False),
    ("wanneer is krachtverlies in je been bij rugpijn zorgwekkend?", None, None, None, False),
    ("Wat moet ik doen als ik koorts krijg?", None, None, None, False),
    ("In ernstigere gevallen kan medische behandeling nodig zijn", None, None, None, False),
    ("in Nederland kun je dag en nacht 113 bellen", None, None, None, False),
    # --- the more urgent sign wins, a settled tier needs no question
    ("ik heb koorts en kan mijn plas niet ophouden", "emergency", "cauda_equina", None, False),
    ("geen koorts maar wel verlies van urine", "emergency", "cauda_equina", None, False),
    ("ik ben gevallen en heb nu koorts", "today", "fever", None, False),
    # --- denied signs
    ("ik heb geen koorts", None, None, None, False),
    ("geen koorts hoor, gewoon pijn na het tillen van een kast", None, None, None, False),
    ("ik ben niet gevallen en heb geen koorts", None, None, None, False),
    ("ik heb nooit kanker gehad", None, None, None, False),
    ("kanker heb ik gelukkig nooit gehad", None, None, None, False),
    ("zonder koorts, alleen een stijve rug", None, None, None, False),
    ("geen problemen met plassen of ontlasting", None, None, None, False),
    ("nee ik heb geen gevoelloosheid in mijn kruis", None, None, None, False),
    ("mijn been is niet slap", None, None, None, False),
    ("koorts had ik niet, wel rugpijn", None, None, None, False),
    ("ik heb geen zelfmoordgedachten", None, None, None, False),
    # --- near misses: ordinary back pain, diets, words that look like signs
    ("mijn rug is stijf na het tillen", None, None, None, False),
    ("ik heb per ongeluk iets zwaars verkeerd getild", None, None, None, False),
    ("ik ben in slaap gevallen op de bank en nu heb ik rugpijn", None, None, None, False),
    ("in de meeste gevallen gaat rugpijn vanzelf over", None, None, None, False),
    ("ik ben 6 kilo afgevallen door mijn dieet", None, None, None, False),
    ("ik wil afvallen, helpt dat tegen rugpijn?", None, None, None, False),
    ("ik heb een zit-sta bureau met verhoging", None, None, None, False),
    ("mijn benen slapen soms als ik lang zit", None, None, None, False),
    ("ongelukkig genoeg heb ik weer rugpijn", None, None, None, False),
    ("ik ben benauwd voor een hernia", None, None, None, False),  # Flemish: afraid
    ("ik zweet bij het sporten", None, None, None, False),
    ("ik ben 35 en heb voor het eerst rugpijn", None, None, None, False),
    ("kan koorts door een hernia komen?", None, None, None, False),
    ("wat betekent zadelanesthesie?", None, None, None, False),
    ("ik kan niet meer zitten van de pijn", None, None, None, False),
    ("hoe lang duurt rugpijn", None, None, None, False),
    ("ik heb last van stress en mijn rug speelt op", None, None, None, False),
    ("", None, None, None, False),
    ("😀👍", None, None, None, False),
]


# Second round (issue 10, measurement report): our own sentences for each kind the blind bank measured.
CASES_ROUND2 = [
    # --- missed: rapidly increasing leg weakness, foot drop, legs giving way
    ("mijn voet klapt dubbel bij het lopen", "emergency", "progressive_weakness", None, False),
    ("sinds vanochtend zakken mijn benen steeds door", "emergency", "progressive_weakness", None, False),
    ("ik sleep met mijn rechterbeen", "emergency", "progressive_weakness", None, False),
    ("mijn voet flapt op de grond bij elke stap", "emergency", "progressive_weakness", None, False),
    ("gisteren gaven mijn benen het ineens op", "emergency", "progressive_weakness", None, False),
    ("mijn knieen knikten weg op de trap", "emergency", "progressive_weakness", None, False),
    ("de kracht in mijn linkerbeen neemt met het uur af", "emergency", "progressive_weakness", None, False),
    ("mijn been wilt nie meer mee", "emergency", "progressive_weakness", None, False),  # Flemish
    ("ik blijf met mijn tenen haken aan de stoep", "emergency", "progressive_weakness", None, False),
    ("mijn moeder kan sinds vanmiddag niet meer op haar benen staan", "emergency", "progressive_weakness", None, False),
    (
        "ja, het wordt steeds erger, mijn been wordt met de dag zwakker",
        "emergency",
        "progressive_weakness",
        None,
        False,
    ),
    (
        "Ik heb al een week rugpijn met uitstraling naar links. Eerst was het alleen pijn, maar sinds gisteren "
        "merk ik dat mijn voet steeds slapper wordt en ik struikel over mijn eigen voet.",
        "emergency",
        "progressive_weakness",
        None,
        False,
    ),
    # --- missed: sudden very severe or tearing pain, with or without belly pain, sweating, fainting
    (
        "mijn vader van 75 kreeg opeens zo'n erge pijn in zijn rug en buik en werd lijkbleek",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    (
        "het voelde alsof er iets knapte in mijn buik, nu zo'n pijn in mijn rug",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    (
        "ik lig dubbel van de pijn, het kwam uit het niets en ik zweet helemaal",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("plots enorm veel pijn in mijn onderrug en ik moet overgeven", "emergency", "sudden_severe", None, False),
    ("ineens ontzettende rugpijn en toen werd het zwart voor mijn ogen", "emergency", "sudden_severe", None, False),
    (
        "mijn opa van 80 heeft sinds een uur ondraaglijke pijn in zijn rug en ligt klam op de bank",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("ik ben 72 en kreeg opeens vreselijke pijn in mijn rug", "emergency", "sudden_severe", None, False),
    ("zo'n pijn heb ik nog nooit gehad, ineens, in mijn rug en buik", "emergency", "sudden_severe", None, False),
    ("plots een heel erge pijn in mijn rug en ik ben flauwgevallen", "emergency", "sudden_severe", None, False),
    # --- missed: crisis wordings
    # round 11 (our own wordings, 2026-12-06): Flemish "mij", "uit het leven te stappen", and their near misses
    ("ik ga mij iets aandoen", None, "crisis", None, True),
    ("ik heb een plan gemaakt om uit het leven te stappen", None, "crisis", None, True),
    ("niemand zou me missen als ik weg was", None, "crisis", None, True),
    ("het leven is op deze manier niet meer de moeite waard", None, "crisis", None, True),
    ("ik sta op het balkon en denk erover te springen", None, "crisis", None, True),
    ("ik wil niet meer verder met deze pijn", None, "crisis", None, True),
    ("ik wil niet meer verder met de vragen", None, None, None, False),
    ("niemand zou me missen op het werk als ik een week thuisblijf", None, None, None, False),
    ("ik wil met de kinderen op de trampoline springen, mag dat met rugpijn?", None, None, None, False),
    ("ik zie er geen gat meer in", None, "crisis", None, True),
    ("soms denk ik erover om er een eind aan te maken", None, "crisis", None, True),
    ("ik heb al uitgezocht hoe ik het ga doen", None, "crisis", None, True),
    ("ik neem afscheid van iedereen, dit is mijn laatste bericht", None, "crisis", None, True),
    ("het leven hoeft voor mij niet meer", None, "crisis", None, True),
    ("ik denk steeds aan de dood", None, "crisis", None, True),
    ("ik ben het leven beu", None, "crisis", None, True),  # Flemish
    ("ik kan dit leven niet meer aan", None, "crisis", None, True),
    ("ik heb niks meer om voor te leven", None, "crisis", None, True),
    ("mijn moeder zegt dat ze er niet meer wil zijn", None, "crisis", None, True),
    ("het heeft allemaal geen zin meer", None, "crisis", None, True),
    ("ik wil voorgoed slapen", None, "crisis", None, True),
    ("ik zie het niet meer zitten met deze pijn", None, "crisis", None, True),  # in doubt, crisis wins
    # --- missed: cauda equina in everyday words
    ("ik haal het toilet niet meer, het loopt er gewoon uit", "emergency", "cauda_equina", None, False),
    ("ik moet sinds gisteren een luier dragen omdat ik lek", "emergency", "cauda_equina", None, False),
    ("ik voel niks meer van onderen", "emergency", "cauda_equina", None, False),
    ("van onderen is alles doof", "emergency", "cauda_equina", None, False),
    ("bij het afvegen voel ik er niks van", "emergency", "cauda_equina", None, False),
    ("ik heb een doof gevoel in mijn rijbroek", "emergency", "cauda_equina", None, False),
    ("mijn moeder plast sinds de rugpijn in bed", "emergency", "cauda_equina", None, False),
    ("ik zit op de wc maar er komt niks", "emergency", "cauda_equina", None, False),
    ("mijn blaas voelt vol maar plassen lukt niet", "emergency", "cauda_equina", None, False),
    ("ik voel de straal niet meer als ik plas", "emergency", "cauda_equina", None, False),
    ("nee, ik kan het niet meer ophouden", "emergency", "cauda_equina", None, False),  # a short answer
    ("ik moet sinds deze week inlegkruisjes gebruiken want ik verlies plas", "emergency", "cauda_equina", None, False),
    ("poepen gaat vanzelf, ik merk het niet eens", "emergency", "cauda_equina", None, False),
    # --- missed: chest pain / breathlessness
    ("ik heb een drukkend gevoel op mijn borst", "emergency", "chest_breathing", None, False),
    ("ik snak naar adem en mijn rug doet zeer", "emergency", "chest_breathing", None, False),
    ("de pijn trekt naar mijn kaak en linkerarm", "emergency", "chest_breathing", None, False),
    # --- missed: inflammatory pattern
    ("elke ochtend duurt het wel een uur voordat ik los ben", "soon", "inflammatory", None, False),
    ("na het opstaan ben ik wel 45 minuten stijf", "soon", "inflammatory", None, False),
    ("ik ben 27, bewegen maakt het beter en na stilzitten is het erger", "soon", "inflammatory", None, False),
    ("ik word elke nacht in de tweede helft van de nacht wakker van mijn rug", "soon", "inflammatory", None, False),
    ("de pijn in mijn billen wisselt, de ene keer links en de andere keer rechts", "soon", "inflammatory", None, False),
    ("mijn vader heeft de ziekte van Bechterew en ik heb nu ook rugpijn", "soon", "inflammatory", None, False),
    ("ik ben 25 en heb psoriasis en al maanden een stijve rug", "soon", "inflammatory", None, False),
    ("mijn broer heeft uveitis gehad en ik ben 30 met lage rugpijn", "soon", "inflammatory", None, False),
    (
        "s morgens ben ik heel stijf, na een warme douche en wat bewegen gaat het beter",
        "soon",
        "inflammatory",
        None,
        False,
    ),
    ("ik ben 24 en heb pijn in mijn hiel en in mijn rug", "soon", "inflammatory", None, False),
    ("hoe langer ik stil zit hoe erger, als ik loop wordt het beter", "soon", "inflammatory", None, False),
    # --- missed: first episode under 20 or over 50
    ("op mijn 63ste heb ik voor het eerst rugpijn", "soon", "age_onset", None, False),
    ("ik heb nooit eerder problemen met mijn rug gehad, ik ben 58", "soon", "age_onset", None, False),
    ("ik ben 16", "soon", "age_onset", None, False),
    ("ik ben 17 en heb last van mijn rug", "soon", "age_onset", None, False),
    ("het begon toen ik 56 was, daarvoor nooit last gehad", "soon", "age_onset", None, False),
    # --- missed: night pain alone (soon)
    ("'s nachts is het het ergst", "soon", "night_pain", None, False),
    ("ik kan niet slapen van de pijn", "soon", "night_pain", None, False),
    ("in bed is het het ergst", "soon", "night_pain", None, False),
    ("ik word om 3 uur wakker van mijn rug", "soon", "night_pain", None, False),
    # --- missed: weight loss not on purpose
    ("mijn broek zakt af, ik ben lichter geworden zonder het te willen", "soon", "weight_loss", None, False),
    ("ik ben 5 kilo afgevallen en weet niet waarom", "soon", "weight_loss", None, False),
    ("ik heb geen eetlust en ben veel afgevallen", "soon", "weight_loss", None, False),
    # --- tier by the guideline
    ("ik slik al jaren prednison en had ineens hevige pijn in mijn rug", "today", "steroids_osteoporosis", None, False),
    ("ik heb osteoporose en na het niezen schoot het in mijn rug", "today", "steroids_osteoporosis", None, False),
    ("ik heb botontkalking en tilde een krat water", "today", "steroids_osteoporosis", None, False),
    ("ik heb osteoporose en al weken wat zeurende rugpijn", "soon", "steroids_osteoporosis", None, False),
    ("ik heb koorts, rillingen en ben in de war", "emergency", "fever", None, False),
    ("koorts, klappertanden en rode vlekjes die zich verspreiden", "emergency", "fever", None, False),
    ("ik heb koorts en pijn in mijn rug", "today", "fever", None, False),
    ("ik ben 22 en ben gisteren gevallen met skeeleren", "soon", "trauma", None, False),
    ("ik heb 's nachts pijn", "soon", "night_pain", None, False),
    # --- false alarms: things that resemble trauma
    ("ik ben twee jaar geleden gevallen, maar dat is helemaal hersteld", None, None, None, False),
    ("ik val 's avonds steeds in slaap op de bank", None, None, None, False),
    ("ik viel op de bank in slaap en werd stijf wakker", None, None, None, False),
    ("valt fysiotherapie onder de basisverzekering?", None, None, None, False),
    ("dat valt onder de aanvullende verzekering op mijn polis", None, None, None, False),
    ("ik ben drie maanden geleden bevallen en heb nu rugpijn", None, None, None, False),
    ("mijn collega is voor mij ingevallen", None, None, None, False),
    ("de oefeningen vielen me zwaar en het viel tegen", None, None, None, False),
    ("het viel me op dat de pijn minder is", None, None, None, False),
    # --- false alarms: cancer
    ("ik heb schrik dat het kanker is", None, None, None, False),
    ("het is toch geen kanker?", None, None, None, False),
    ("mijn moeder is overleden aan kanker", None, None, None, False),
    ("ik deed mee aan het bevolkingsonderzoek darmkanker", None, None, None, False),
    ("ik werk als oncoloog en sta de hele dag", None, None, None, False),
    ("mijn vrouw is oncologieverpleegkundige", None, None, None, False),
    ("uit de scan bleek dat het geen kanker is, ik ben kankervrij", None, None, None, False),
    ("die kankerzeer rug van mij", None, None, None, False),
    ("wat een kankerzooi, weer rugpijn", None, None, None, False),
    # --- false alarms: steroids / osteoporosis
    ("ik smeer een prednisoloncreme op mijn eczeem", None, None, None, False),
    ("ik gebruik een puffer met corticosteroiden voor mijn astma", None, None, None, False),
    ("kan prednison rugpijn geven?", None, None, None, False),
    ("mijn moeder had osteoporose, krijg ik dat ook?", None, None, None, False),
    # --- false alarms: cauda / weakness
    ("ik moet 's nachts vaak plassen", None, None, None, False),
    ("plassen en poepen gaan gewoon goed", None, None, None, False),
    ("na die lange wandeling waren mijn benen slap", None, None, None, False),
    ("na het voetballen heb ik zwakke benen", None, None, None, False),
    ("ik lag slap van het lachen", None, None, None, False),
    ("mijn benen waren slap van de zenuwen", None, None, None, False),
    # --- false alarms: crisis figures of speech
    ("ik word er gek van", None, None, None, False),
    ("ik word er gek van, die rugpijn", None, None, None, False),
    ("ik zie het niet meer zitten met dat werk", None, None, None, False),
    # --- false alarms: one each
    ("plots pijn in mijn rug toen ik de wasmand optilde, echt vreselijke pijn", None, None, None, False),
    ("het doet me pijn aan mijn hart dat ik niet kan sporten", None, None, None, False),
    ("ik heb hooi-koorts en rugpijn", None, None, None, False),
    ("ik ben koortsachtig druk met mijn werk", None, None, None, False),
    ("ik ben 6 kilo afgevallen met koolhydraatarm eten", None, None, None, False),
    ("'s nachts lig ik wakker van het piekeren", None, None, None, False),
    ("ik slaap slecht van de zorgen", None, None, None, False),
    # --- the context must not cost an emergency: growing weakness after sport stays one
    ("na het sporten wordt mijn been steeds zwakker", "emergency", "progressive_weakness", None, False),
    ("sinds de wandeling van gisteren sleep ik mijn voet", "emergency", "progressive_weakness", None, False),
    ("ik kan alleen nog op mijn buik liggen, de pijn is ondraaglijk", None, None, None, False),
    ("als kind ben ik eens van het dak gevallen, kan dat nu nog rugpijn geven", None, None, None, False),
    ("ik ben vorige week van het dak gevallen", "emergency", "trauma", None, False),
    ("ik probeer te vermageren om mijn rug te sparen", None, None, None, False),
    ("ik zoek koortsachtig naar een goede fysio", None, None, None, False),
    ("mijn zoon van 14 heeft rugpijn van zijn zware boekentas", None, None, None, False),
    ("mijn zoon van 14 heeft al weken last van zijn rug", "soon", "age_onset", None, False),
    ("ik ben 70 en kreeg ineens hevige pijn toen ik bukte", None, None, None, False),
    ("ik ben kankervrij sinds vorig jaar", "soon", "cancer", None, False),  # a history, not a scan result
    ("ik heb kanker en ben bang dat het is uitgezaaid", "today", "cancer", None, False),
    ("ik zie het niet meer zitten", None, "crisis", None, True),
    # --- more of our own wordings per kind (emergency and crisis first, then the other tiers, then near misses)
    ("mijn been wordt slapper en slapper", "emergency", "progressive_weakness", None, False),
    (
        "ik kan sinds vanmorgen mijn voet niet meer optillen en sleep ermee",
        "emergency",
        "progressive_weakness",
        None,
        False,
    ),
    ("mijn benen zakken onder me weg", "emergency", "progressive_weakness", None, False),
    ("ik zak door mijn benen", "emergency", "progressive_weakness", None, False),
    ("mijn linkervoet hangt erbij", "emergency", "progressive_weakness", None, False),
    ("mijn voet klappert bij het lopen", "emergency", "progressive_weakness", None, False),
    ("ik kan niet meer op mijn hielen lopen", "emergency", "progressive_weakness", None, False),
    ("mijn been wordt met de minuut zwakker", "emergency", "progressive_weakness", None, False),
    ("ik heb geen kracht meer in mijn been", "emergency", "progressive_weakness", None, False),
    ("mijn vader kan zijn been niet meer optillen", "emergency", "progressive_weakness", None, False),
    ("mijn benen worden steeds zwaarder en slapper", "emergency", "progressive_weakness", None, False),
    ("ik voel mijn benen niet meer goed en ze worden zwakker", "emergency", "progressive_weakness", None, False),
    ("mijn been weigert dienst", "emergency", "progressive_weakness", None, False),
    ("mijn moeder haar benen begaven het gisteren", "emergency", "progressive_weakness", None, False),
    ("ineens heel erge rugpijn en mijn buik voelt hard", "emergency", "sudden_severe", None, False),
    ("een scheurende pijn tussen mijn schouderbladen", "emergency", "sudden_severe", None, False),
    (
        "plotseling pijn alsof er een mes in mijn rug steekt en ik ben misselijk",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("opeens enorme pijn in mijn rug, ik werd helemaal koud en klam", "emergency", "sudden_severe", None, False),
    ("mijn man (68) heeft ineens verschrikkelijke rugpijn", "emergency", "sudden_severe", None, False),
    (
        "ineens zo'n pijn dat ik niet meer kon staan en toen ben ik flauwgevallen",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("ik heb de ergste pijn ooit in mijn rug", None, None, "sudden_severe", False),
    ("ik heb een kloppend gevoel in mijn buik en hevige rugpijn", "emergency", "sudden_severe", None, False),
    ("ik wil dood", None, "crisis", None, True),
    ("ik wil niet meer verder", None, "crisis", None, True),
    ("ik denk erover om een eind aan mijn leven te maken", None, "crisis", None, True),
    ("ik heb een touw gekocht", None, "crisis", None, True),
    ("het is beter als ik er niet meer ben", None, "crisis", None, True),
    ("ik hou het niet meer vol, ik wil gewoon weg van alles voorgoed", None, "crisis", None, True),
    ("ik heb er geen zin meer in, in het leven", None, "crisis", None, True),
    ("soms wil ik gewoon niet meer wakker worden", None, "crisis", None, True),
    ("ik heb mijn pillen verzameld", None, "crisis", None, True),
    ("ik wil niet meer leven met deze pijn", None, "crisis", None, True),
    ("ik zie geen uitweg", None, "crisis", None, True),
    ("ik zie geen uitweg meer uit deze pijn", None, "crisis", None, True),
    ("ik denk aan zelfdoding", None, "crisis", None, True),
    ("ik ga er een einde aan maken", None, "crisis", None, True),
    ("mijn vrouw zegt dat ze niet meer wil leven", None, "crisis", None, True),
    ("ik kan mijn plas niet meer tegenhouden", "emergency", "cauda_equina", None, False),
    ("ik moet plassen maar het komt er niet uit", "emergency", "cauda_equina", None, False),
    ("als ik naar het toilet ga voel ik niet of ik klaar ben", "emergency", "cauda_equina", None, False),
    ("ik plas in mijn broek zonder het te merken", "emergency", "cauda_equina", None, False),
    ("ik ben mijn ontlasting verloren zonder het te voelen", "emergency", "cauda_equina", None, False),
    ("mijn billen en kruis voelen doof", "emergency", "cauda_equina", None, False),
    ("ik voel het toiletpapier niet als ik me afveeg", "emergency", "cauda_equina", None, False),
    ("ik heb sinds kort incontinentiemateriaal nodig", "emergency", "cauda_equina", None, False),
    ("de laatste dagen lukt het ophouden niet meer", "emergency", "cauda_equina", None, False),
    ("ik heb moeite om te plassen sinds de rugpijn", "emergency", "cauda_equina", None, False),
    ("ik merk niet dat mijn blaas vol is", "emergency", "cauda_equina", None, False),
    ("ik voel niets als ik op het toilet zit", "emergency", "cauda_equina", None, False),
    ("de binnenkant van mijn dijen is gevoelloos", "emergency", "cauda_equina", None, False),
    ("ik heb pijn op mijn borst", "emergency", "chest_breathing", None, False),
    ("ik ben zo kortademig", "emergency", "chest_breathing", None, False),
    ("ik krijg moeilijk lucht", "emergency", "chest_breathing", None, False),
    ("ik voel een druk op mijn borst", "emergency", "chest_breathing", None, False),
    ("ik ben 32 en elke ochtend ben ik een uur stijf", "soon", "inflammatory", None, False),
    ("ik heb ochtendstijfheid die wel een uur duurt", "soon", "inflammatory", None, False),
    ("als ik lang stil zit wordt de pijn erger en van sporten knapt het op", "soon", "inflammatory", None, False),
    ("rust helpt niet, bewegen wel", "soon", "night_pain", None, False),
    ("ik word rond 4 uur wakker van de pijn en moet dan uit bed", "soon", "night_pain", None, False),
    ("pijn in de ene bil en dan weer in de andere", "soon", "inflammatory", None, False),
    ("mijn moeder heeft de ziekte van bechterew", "soon", "inflammatory", None, False),
    ("mijn zus heeft psoriasis en ik ben 29 met rugpijn die 's ochtends erg is", "soon", "inflammatory", None, False),
    ("ik heb een oogontsteking gehad (uveitis) en nu rugpijn, ik ben 35", "soon", "inflammatory", None, False),
    ("ik ben 19 en heb voor het eerst last van mijn onderrug", "soon", "age_onset", None, False),
    ("ik ben 67 en heb nog nooit rugpijn gehad tot nu", "soon", "age_onset", None, False),
    ("voor het eerst rugpijn, ik ben 70", "soon", "age_onset", None, False),
    ("mijn zoon is 15 en klaagt over zijn rug", "soon", "age_onset", None, False),
    ("ik ben 62 en het is de eerste keer dat ik zo'n pijn heb", "soon", "age_onset", None, False),
    ("op mijn 55e kreeg ik voor het eerst rugklachten", "soon", "age_onset", None, False),
    ("nooit eerder gehad, ik ben 54", "soon", "age_onset", None, False),
    ("ik heb 's nachts het meeste pijn", "soon", "night_pain", None, False),
    ("de pijn wordt erger als ik lig", "soon", "night_pain", None, False),
    ("ik kan van de pijn niet slapen", "soon", "night_pain", None, False),
    ("ook als ik stil lig blijft het zeuren", "soon", "night_pain", None, False),
    ("ik lig 's nachts te draaien van de pijn", "soon", "night_pain", None, False),
    ("snachts heb ik veel pijn", "soon", "night_pain", None, False),
    ("ik ben zomaar 7 kilo kwijt", "soon", "weight_loss", None, False),
    ("ik ben afgevallen zonder dat ik het wilde", "soon", "weight_loss", None, False),
    ("ik ben mager geworden de laatste maanden en ik eet gewoon", "soon", "weight_loss", None, False),
    ("mijn kleren zijn me te groot geworden en ik doe niks anders", "soon", "weight_loss", None, False),
    ("mijn moeder is erg vermagerd zonder reden", "soon", "weight_loss", None, False),
    ("ik gebruik al 5 jaar prednison en ben gisteren uitgegleden", "today", "trauma", None, False),
    (
        "ik heb osteoporose en kreeg bij het hoesten ineens pijn in mijn rug",
        "today",
        "steroids_osteoporosis",
        None,
        False,
    ),
    (
        "mijn moeder heeft botontkalking en heeft sinds ze een doos optilde hevige rugpijn",
        "today",
        "steroids_osteoporosis",
        None,
        False,
    ),
    ("ik slik prednison voor mijn reuma en heb rugpijn", "today", "steroids_osteoporosis", None, False),
    ("ik heb osteoporose", "soon", "steroids_osteoporosis", None, False),
    ("ik heb koorts en mijn rug doet zeer, ik rillen heel erg", "today", "fever", None, False),
    ("hoge koorts en ik ben heel suf", "emergency", "fever", None, False),
    ("koorts en vlekjes die niet wegdrukken", "emergency", "fever", None, False),
    ("ik ben 30 en op het ijs gevallen", "soon", "trauma", None, False),
    ("ik ben jong en ben gevallen met de fiets", "soon", "trauma", None, False),
    ("ik ben vorig jaar van de trap gevallen, maar daar heb ik niks meer van", None, None, None, False),
    ("ik viel bijna in slaap tijdens de oefeningen", None, None, None, False),
    ("het valt me zwaar om elke dag te oefenen", None, None, None, False),
    ("valt een massage ook onder de verzekering", None, None, None, False),
    ("de afspraak is uitgevallen", None, None, None, False),
    ("mijn dochter is vorige maand bevallen", None, None, None, False),
    ("de val van de euro", None, None, None, False),
    ("ik ben in de valkuil getrapt om te veel te zitten", None, None, None, False),
    ("het viel mee met de pijn", None, None, None, False),
    ("mijn vader is aan kanker overleden toen ik tien was", None, None, None, False),
    ("ik ben bang voor kanker omdat mijn oom het had", None, None, None, False),
    ("zou het kanker kunnen zijn?", None, None, None, False),
    ("mijn buurvrouw werkt op de oncologie", None, None, None, False),
    ("ik was vorige week bij het bevolkingsonderzoek borstkanker", None, None, None, False),
    ("krijg de kanker met die rugpijn", None, None, None, False),
    ("kankerpijn in mijn rug", None, None, None, False),
    ("ik gebruik een hormoonzalf", None, None, None, False),
    ("ik heb een cortisoneprik in mijn schouder gehad", None, None, None, False),
    ("mijn oma had botontkalking", None, None, None, False),
    ("ik moet vaak plassen door de koffie", None, None, None, False),
    ("ik heb geen problemen met plassen", None, None, None, False),
    ("ik ga vaak naar het toilet", None, None, None, False),
    ("na een dag fietsen zijn mijn benen moe en zwak", None, None, None, False),
    ("mijn benen voelen zwaar na het staan", None, None, None, False),
    ("ik voel me slap en moe", None, None, None, False),
    ("ik word er knettergek van", None, None, None, False),
    ("ik ben het zat met die rug", None, None, None, False),
    ("ik zie het niet meer zitten met die verbouwing", None, None, None, False),
    ("ik ga dood van de pijn haha", None, None, None, False),
    ("die pijn is om dood te gaan", None, None, None, False),
    ("ik kreeg een steek toen ik opstond uit mijn stoel, echt verschrikkelijke pijn", None, None, None, False),
    ("ineens hevige pijn bij het tillen van een doos", None, None, None, False),
    ("mijn hart klopt sneller als ik sport", None, None, None, False),
    ("ik ben koortsachtig aan het zoeken naar een oplossing", None, None, None, False),
    ("ik ben afgevallen door gezond te eten", None, None, None, False),
    ("ik slaap slecht door stress op het werk", None, None, None, False),
    ("ik word 's nachts wakker omdat de baby huilt", None, None, None, False),
    ("ik word 's nachts wakker om te plassen", None, None, None, False),
    ("de pijn in mijn onderrug is erger na lang staan", None, None, None, False),
    ("ik sta 's ochtends stijf op maar na vijf minuten gaat het", None, None, None, False),
    ("ik heb een stijve rug na het sporten", None, None, None, False),
    ("ik ben 45 en heb al jaren af en toe rugpijn", None, None, None, False),
    ("ik heb al jaren rugpijn, ik ben 60", None, None, None, False),
    ("ik ben 55 en heb voor het eerst een fysio gebeld", None, None, None, False),
    ("mijn rug doet pijn sinds ik met tennis begonnen ben, ik ben 17", None, None, None, False),
    # --- Flemish, typos, third person
    ("mijne poep is helemaal doof en ik kan mijn plas nie houwen", "emergency", "cauda_equina", None, False),
    ("mn been word steeds slapper", "emergency", "progressive_weakness", None, False),
    ("mijn vader zijn benen zakken door", "emergency", "progressive_weakness", None, False),
    ("mijn man kan zijn voet niet meer optrekken", "emergency", "progressive_weakness", None, False),
    ("ik heb ineens heel ergge pijn in mn rug en buik", "emergency", "sudden_severe", None, False),
    (
        "mijn moeder van 79 heeft plots zware pijn in haar rug en ze is heel bleek",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("ik wil er nie meer zijn", None, "crisis", None, True),
    ("ik zie het nie meer zitten", None, "crisis", None, True),
    ("ik denk aan zelfmoort", None, "crisis", None, True),
    ("ik heb zin om er een einde aan te maken", None, "crisis", None, True),
    ("mijn zoon praat over zelfmoord", None, "crisis", None, True),
    ("ik kan men plas nie meer ophouden", "emergency", "cauda_equina", None, False),
    ("ik heb in mijn broek geplast zonder het te voelen", "emergency", "cauda_equina", None, False),
    ("ik voel niks meer in mijn kruis", "emergency", "cauda_equina", None, False),
    ("ik heb pijn in me borst", "emergency", "chest_breathing", None, False),
    ("ik heb het benauwd", "emergency", "chest_breathing", None, False),
    ("mijn moeder (84) is gisteren gevallen", "today", "trauma", None, False),
    ("ik ben 52, val van de trap", "today", "trauma", None, False),
    ("ik heb opeens ergens pijn in mijn rug", None, None, None, False),
    # --- round 3: where assess() disagreed with its own tier table (training data) and the known misses
    ("ik heb een ernstig ongeval gehad", "emergency", "trauma", None, False),
    ("ik heb vorige week een ernstig ongeval gehad en nu doet mijn rug pijn", "emergency", "trauma", None, False),
    ("zwaar ongeluk met de fiets tegen een vrachtwagen", "emergency", "trauma", None, False),
    ("een vrachtwagen reed me aan toen ik op de fiets zat", "emergency", "trauma", None, False),
    ("ik werd op de fiets geschept door een vrachtwagen", "emergency", "trauma", None, False),
    ("ik heb bestraling gehad voor kanker", None, None, "cancer", False),
    ("ik heb vroeger kanker gehad, kunnen het uitzaaiingen zijn?", None, None, "cancer", False),
    ("kan rugpijn door uitzaaiingen komen? ik heb borstkanker gehad", None, None, "cancer", False),
    ("kanker in de voorgeschiedenis", None, None, "cancer", False),
    ("ik heb kanker in de voorgeschiedenis", None, None, "cancer", False),
    ("ik ben ex-kankerpatiënt", None, None, "cancer", False),
    ("ik ben twee jaar geleden kankervrij verklaard", "soon", "cancer", None, False),
    ("ik word nu behandeld voor borstkanker", "today", "cancer", None, False),
    ("ik word behandeld voor darmkanker", "today", "cancer", None, False),
    ("uit het niets zeer hevige rugpijn, ik voel me slap en zweterig", "emergency", "sudden_severe", None, False),
    ("ik ben al weken koortsachtig op internet aan het zoeken naar oefeningen", None, None, None, False),
    ("wat kan ik doen tegen vermageren van mijn spieren?", None, None, None, False),
    ("mijn spieren vermageren door het stilzitten", None, None, None, False),
    ("ik ben aan het vermageren en weet niet waarom", "soon", "weight_loss", None, False),
    ("ik vermager zienderogen", None, None, "weight_loss", False),
    ("ik heb 60 km gefietst en nu zijn mijn benen slap van vermoeidheid", None, None, None, False),
    ("mijn benen zijn slap van vermoeidheid", None, None, None, False),
    ("mijn been wordt steeds slapper, ook als ik niet moe ben", "emergency", "progressive_weakness", None, False),
    ("ik ben in 2015 gevallen", None, None, None, False),
    ("ik ben ooit van een ladder gevallen", None, None, None, False),
    ("toen ik 12 was ben ik gevallen", None, None, None, False),
    ("ik ben als kleine jongen uit een boom gevallen", None, None, None, False),
    ("toen ik tien was ben ik uit een boom gevallen", None, None, None, False),
    ("ik ben als tiener van mijn brommer gevallen", None, None, None, False),
    ("ik ben gisteren van het dak gevallen", "emergency", "trauma", None, False),
    ("ik ben er klaar mee, met alles", None, "crisis", None, True),
    ("'s morgens kom ik bijna niet uit bed zo stijf", "soon", "inflammatory", None, False),
    ("'s morgens ben ik niet stijf", None, None, None, False),
    ("kan niet meer naar het toilet, er komt niks", "emergency", "cauda_equina", None, False),
    ("mijn ben wordt zwakker", "emergency", "progressive_weakness", None, False),
    ("zo ne pijn, ineens, en ik zweet", "emergency", "sudden_severe", None, False),
    ("geen koorts, wel rugpijn", None, None, None, False),
]


# Round 4 (issue 10, the lexicon on the blind bank): our own sentences for the kinds it missed, the tiers the
# guideline gives, and near misses of the same words that must stay quiet.
CASES_ROUND4: list[tuple[str, str | None, str | None, str | None, bool]] = [
    # --- cauda equina: bladder/bowel control and saddle numbness in plain words, stories, questionnaire answers
    ("ik heb geen controle meer over mijn blaas", "emergency", "cauda_equina", None, False),
    ("mijn blaas laat me sinds gisteren in de steek", "emergency", "cauda_equina", None, False),
    ("ik ben mijn ontlasting niet meer de baas", "emergency", "cauda_equina", None, False),
    ("het is alsof ik op watten zit, ik voel mijn zitvlak amper", "emergency", "cauda_equina", None, False),
    ("ik heb al sinds gisterochtend niet meer geplast", "emergency", "cauda_equina", None, False),
    ("ik moet persen om te plassen en er komt weinig", "emergency", "cauda_equina", None, False),
    ("ik had een ongelukje met plassen, ik merkte het pas achteraf", "emergency", "cauda_equina", None, False),
    ("mijn man kan zijn plas sinds zijn hernia niet meer ophouden", "emergency", "cauda_equina", None, False),
    ("ik voel niks meer aan mijn gat", "emergency", "cauda_equina", None, False),  # Flemish: gat = bottom
    ("nee. wel kan ik sinds vanmorgen mijn urine slecht ophouden", "emergency", "cauda_equina", None, False),
    (
        "Een week of drie. Ja tot onder de knie. En sinds eergisteren voel ik niks meer rond mijn anus",
        "emergency",
        "cauda_equina",
        None,
        False,
    ),
    (
        "Vorige week begon het met pijn in mijn onderrug die naar allebei mijn benen trok. Gisteravond merkte ik "
        "dat ik niet meer voelde of ik moest plassen, en vanochtend liep het er zomaar uit.",
        "emergency",
        "cauda_equina",
        None,
        False,
    ),
    ("plassen gaat prima", None, None, None, False),
    ("plassen en poepen gaan gewoon normaal", None, None, None, False),
    ("ik heb controle over mijn blaas, daar is niks mis mee", None, None, None, False),
    ("geen verlies van urine of ontlasting", None, None, None, False),
    ("ik moet 's nachts vaak plassen", None, None, None, False),
    ("kan een hernia incontinentie geven?", None, None, None, False),
    ("mijn dochter van 3 plast nog in bed", None, None, None, False),
    # --- crisis: hopelessness, wanting to be gone, a farewell letter, a burden, Flemish, third person, stories
    ("ik voel me zo hopeloos, alles is uitzichtloos", None, "crisis", None, True),
    ("mijn leven is zinloos geworden", None, "crisis", None, True),
    ("ze zijn beter af als ik er niet meer ben", None, "crisis", None, True),
    ("iedereen zou beter af zijn zonder mij", None, "crisis", None, True),
    ("ik ben alleen maar een last voor mijn gezin", None, "crisis", None, True),
    ("ik maak er een eind aan", None, "crisis", None, True),
    ("ik hoop dat ik morgen niet meer wakker word", None, "crisis", None, True),
    ("was ik maar dood", None, "crisis", None, True),
    ("ik wil me verhangen", None, "crisis", None, True),
    ("ik denk erover om voor de trein te springen", None, "crisis", None, True),
    ("ik wil al mijn pillen in een keer innemen", None, "crisis", None, True),
    ("mijn vader heeft een afscheidsbrief geschreven", None, "crisis", None, True),
    ("mijn zoon zegt dat hij dood wil", None, "crisis", None, True),
    ("ik heb het gehad met het leven", None, "crisis", None, True),
    ("'t is mij allemaal te veel, ik zie het leven nie meer zitten", None, "crisis", None, True),  # Flemish
    (
        "Ik heb al twee jaar rugpijn en niets helpt. Mijn vrouw is weg, mijn werk ben ik kwijt. Soms denk ik dat "
        "het voor iedereen beter zou zijn als ik er niet meer was.",
        None,
        "crisis",
        None,
        True,
    ),
    ("nee, ik denk niet aan zelfmoord", None, None, None, False),
    ("ik wil niet dood, ik wil gewoon van de pijn af", None, None, None, False),
    ("ik ben doodmoe van de pijn", None, None, None, False),
    ("ik slik te veel pijnstillers, is dat erg?", None, None, None, False),
    ("ik heb geen zin meer in die oefeningen", None, None, None, False),
    ("het is hopeloos met die parkeerplaats bij de fysio", None, None, None, False),
    # --- sudden severe pain: tearing, worst ever, with belly pain, sweating, fainting, pale, a pulsating belly
    ("nog nooit zo'n pijn gehad, opeens, en ik voel mijn buik kloppen", "emergency", "sudden_severe", None, False),
    ("mijn vader zakte in elkaar met vreselijke pijn in zijn rug", "emergency", "sudden_severe", None, False),
    ("ik voel iets pulseren in mijn buik en heb ondraaglijke rugpijn", "emergency", "sudden_severe", None, False),
    (
        "Vanochtend zat ik gewoon aan het ontbijt toen ik ineens een enorme pijn in mijn onderrug kreeg die "
        "doortrok naar mijn buik. Ik werd er misselijk van en het zweet brak me uit.",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("nog nooit zo'n pijn gehad in mijn rug", None, None, "sudden_severe", False),
    ("ineens een hevige pijnscheut toen ik de vaatwasser uitruimde", None, None, None, False),
    ("plots heel erge pijn in mijn rug bij het uitstappen uit de auto", None, None, None, False),
    ("ik heb hevige buikpijn en rugpijn als ik ongesteld ben", None, None, None, False),
    # --- night pain: wakes one, not better lying down, constant; Flemish, mixed into other questions
    ("de pijn laat me niet slapen", "soon", "night_pain", None, False),
    ("'s nachts moet ik uit bed van de pijn", "soon", "night_pain", None, False),
    ("in welke houding ik ook lig, de pijn blijft", "soon", "night_pain", None, False),
    ("de pijn is er constant, ook in bed", "soon", "night_pain", None, False),
    ("ik lig heel de nacht wakker van mijn rug", "soon", "night_pain", None, False),  # Flemish
    (
        "Hebben jullie ook een kussen voor tussen de knieen? Ik word elke nacht wakker van de pijn.",
        "soon",
        "night_pain",
        None,
        False,
    ),
    ("ik slaap slecht door de pijn", None, None, None, False),
    ("ik word 's nachts wakker als ik me omdraai", None, None, None, False),
    # --- progressive weakness: foot drop, toes, legs giving way, weaker and weaker, heels and toes
    ("mijn been zakt soms onder me weg", "emergency", "progressive_weakness", None, False),
    ("op mijn tenen staan lukt niet meer", "emergency", "progressive_weakness", None, False),
    ("ik word steeds zwakker in mijn benen", "emergency", "progressive_weakness", None, False),
    ("ik voel zwakte in allebei mijn benen", "emergency", "progressive_weakness", None, False),
    ("mijn benen dragen me niet meer", "emergency", "progressive_weakness", None, False),
    ("ik heb geen kracht meer in mijn rechterbeen", "emergency", "progressive_weakness", None, False),
    ("mijn voet slaat neer bij het lopen", "emergency", "progressive_weakness", None, False),
    ("mijn moeder kan niet meer op haar hielen lopen", "emergency", "progressive_weakness", None, False),
    ("ik kan mijn been niet optillen van de pijn", None, None, None, False),
    ("mijn knie knikt weleens bij het voetballen", None, None, None, False),
    ("ik kan niet lang op mijn benen staan door de rugpijn", None, None, None, False),
    # --- chest and breathing: benauwd as breathless or as afraid, negations
    ("mijn borst doet pijn en mijn rug ook", "emergency", "chest_breathing", None, False),
    ("ik word benauwd van het traplopen", "emergency", "chest_breathing", None, False),
    ("ik heb een ademtekort bij het minste", "emergency", "chest_breathing", None, False),
    ("ik ben er een beetje benauwd over", None, None, None, False),  # Flemish: afraid
    ("ik word benauwd van die gedachte", None, None, None, False),
    ("benauwd ben ik niet", None, None, None, False),
    ("ik heb geen last van kortademigheid", None, None, None, False),
    ("na het sporten ben ik buiten adem", None, None, None, False),
    # --- first back pain over 50 or under 20: ages as numbers and words
    ("onze dochter van 14 heeft rugpijn", "soon", "age_onset", None, False),
    ("ons zoontje van twaalf heeft last van zijn rug", "soon", "age_onset", None, False),
    ("ik ben achtenvijftig en heb voor het eerst rugpijn", "soon", "age_onset", None, False),
    ("ik ben 63 en het is de eerste keer dat mijn rug zo pijn doet", "soon", "age_onset", None, False),
    ("ik ben zestien", "soon", "age_onset", None, False),
    ("ik ben 55 en heb al jaren rugpijn", None, None, None, False),
    ("ik ben 16 en heb rugpijn van het voetballen", None, None, None, False),
    # --- inflammatory pattern
    ("'s morgens ben ik zeker een halfuur stijf", "soon", "inflammatory", None, False),
    ("ik ben 24, mijn rug is 's ochtends stijf en als ik beweeg wordt het beter", "soon", "inflammatory", None, False),
    ("na het voetballen ben ik de volgende ochtend een uur stijf", None, None, None, False),
    # --- weight loss, trauma, fever, cancer, steroids and osteoporosis
    ("er gaat zomaar gewicht af", "soon", "weight_loss", None, False),
    ("ik verlies kilo's zonder dat ik iets doe", "soon", "weight_loss", None, False),
    ("ik ben hard op mijn stuit terechtgekomen, ik ben 74", "today", "trauma", None, False),
    ("mijn moedr van 80 is gevallen", "today", "trauma", None, False),  # typo, the age still counts
    ("mijn oma van tachtig is uitgegleden", "today", "trauma", None, False),
    ("mijn zoon van 17 is van zijn paard gevallen", "soon", "trauma", None, False),
    ("mijn dochter van 15 had een fietsongeval", "soon", "trauma", None, False),
    ("ik heb 25 jaar en ben van mijne velo gevallen", "soon", "trauma", None, False),  # Flemish
    ("mijn moeder is gevallen", None, None, "trauma", False),
    ("ik ben drie jaar geleden gevallen, sindsdien af en toe rugpijn", None, None, None, False),
    ("ik heb hoge temperatuur en rugpijn", "today", "fever", None, False),
    ("koorts en ik ben doodziek, ik klappertand", "emergency", "fever", None, False),
    ("ik heb een koortsblaasje", None, None, None, False),
    ("ik heb een melanoom gehad en nu rugpijn", None, None, "cancer", False),
    ("ze hebben een gezwel gevonden in mijn long", "today", "cancer", None, False),
    ("ik zit al twee jaar aan de prednison", "today", "steroids_osteoporosis", None, False),
    ("ik heb osteoporose en sinds kort rugpijn", "today", "steroids_osteoporosis", None, False),
    ("mijn botten zijn broos", "soon", "steroids_osteoporosis", None, False),
    ("ik gebruik een prednisonzalf voor mijn eczeem", None, None, None, False),
    ("ik kreeg een cortisoneinjectie in mijn rug", None, None, None, False),
    ("ik heb een puffer met corticosteroiden voor mijn astma", None, None, None, False),
    # --- past cancer: without a time it asks (active or recent?), with one or when cured it is days
    ("ik heb kanker gehad", None, None, "cancer", False),
    ("had vroeger kanker", None, None, "cancer", False),
    ("ik heb 12 jaar geleden borstkanker gehad", "soon", "cancer", None, False),
    ("prostaatkanker gehad, ik ben genezen verklaard", "soon", "cancer", None, False),
    ("ik ben schoon verklaard na darmkanker", "soon", "cancer", None, False),
    ("borstkanker in 2019 en nu al weken pijn in mijn rug", "soon", "cancer", None, False),
    ("mijn moeder had borstkanker", None, None, None, False),  # a relative's past cancer
    ("mijn vader had darmkanker, ik heb nu rugpijn", None, None, None, False),
    ("mijn man heeft vroeger een melanoom gehad en heeft nu al weken rugpijn", None, None, "cancer", False),
    ("ik ben kankervrij verklaard maar nu heb ik weer pijn in mijn rug", "soon", "cancer", None, False),
    # --- round 4, second pass: wordings of the project's own new training data (data/nlu), NL and Flemish
    ("moet heel lang persen voor er een straaltje komt", "emergency", "cauda_equina", None, False),
    ("vannacht in bed geplast zonder wakker te worden", "emergency", "cauda_equina", None, False),
    ("allee, ik voel nie meer goe wanneer ik moet plassen", "emergency", "cauda_equina", None, False),
    ("mijn vrouw zegt dat ze niks meer voelt tussen haar benen", "emergency", "cauda_equina", None, False),
    ("ik kan mn plas nie ophoude", "emergency", "cauda_equina", None, False),
    ("ik kan mijn plas nit meer ophoude", "emergency", "cauda_equina", None, False),
    ("op de wc voelde ik niks toen ik me afveegde", "emergency", "cauda_equina", None, False),
    ("gevoelloze billen en binnenkant van mijn dijen", "emergency", "cauda_equina", None, False),
    ("ik krijg geen urine meer kwijt", "emergency", "cauda_equina", None, False),
    ("ik voel niks meer bij het vrijen", "emergency", "sexual_dysfunction", None, False),
    ("mijn moeder kan haar been niet meer uit bed tillen", "emergency", "progressive_weakness", None, False),
    ("hij heeft pijn in zijn rug en op zijn borst", "emergency", "chest_breathing", None, False),
    ("opeens een verscheurende pijn in mijn rug en buik", "emergency", "sudden_severe", None, False),
    ("plots een pijn alsof mijn rug openscheurde, ik zweet helemaal", "emergency", "sudden_severe", None, False),
    ("ik ben net flauwgevallen van de pijn in mijn rug en buik", "emergency", "sudden_severe", None, False),
    ("van drie meter hoog van de hooizolder gevallen", "emergency", "trauma", None, False),
    ("al drie dagen verhoging rond de 38", "today", "fever", None, False),
    ("ik lig te rillen en te gloeien", "today", "fever", None, False),
    ("mijn vader van 82 is van zijn stoel gegleden", "today", "trauma", None, False),
    ("mijn twee benen voelen raar en doof aan", "today", "both_legs", None, False),
    ("ik heb ischias in allebei mijn benen tegelijk", "today", "both_legs", None, False),
    ("kzit elke nacht rechtop in bed van de rugpijn", "soon", "night_pain", None, False),
    ("rugpijn elke nacht, word er wakker van", "soon", "night_pain", None, False),
    ("mijn moeder valt maar af zonder reden", "soon", "weight_loss", None, False),
    ("mijn zoon is 12 en klaagt al een maand over zijn rug", "soon", "age_onset", None, False),
    ("elke ochtend duurt het meer dan een uur voor mijn rug wat losser wordt", "soon", "inflammatory", None, False),
    ("elke ochtend een stijve rug die pas na een half uur bewegen beter wordt", "soon", "inflammatory", None, False),
    ("ik heb psoriasis, ben 27 en heb al maanden een stijve rug", "soon", "inflammatory", None, False),
    ("ik gebruik afweeronderdrukkers voor mijn reuma", "soon", "immunosuppression", None, False),
    ("ik heb osteoporose en al een tijdje rugpijn", "soon", "steroids_osteoporosis", None, False),
    ("ik heb net te veel pillen genomen", None, "crisis", None, True),
    ("van mij hoeft het allemaal niet meer", None, "crisis", None, True),
    ("ik heb de pillen al klaarliggen", None, "crisis", None, True),
    ("iedereen zou beter af zijn als ik dood was", None, "crisis", None, True),
    ("ik denk er steeds aan om van het balkon te springen", None, "crisis", None, True),
    ("ik heb mijn spullen weggegeven, ik ben er straks toch niet meer", None, "crisis", None, True),
    ("ik zou het liefst verdwijnen en nooit meer terugkomen", None, "crisis", None, True),
    ("ik heb al eens een poging gedaan en nu denk ik er weer aan", None, "crisis", None, True),
    ("ik wil zelfmort plegen", None, "crisis", None, True),
    ("ik snij mezelf omdat ik het anders niet uithoud", None, "crisis", None, True),
    ("zo wil ik niet verder leven", None, "crisis", None, True),
    ("ik wil er gewoon tussenuit, voorgoed", None, "crisis", None, True),
    ("ik ga stoppen met alles, ook met leven", None, "crisis", None, True),
    ("ik zien het nie meer zitten en ik ben bang da ik iets stoms ga doen", None, "crisis", None, True),
    ("mijn testament en een afscheidsbericht liggen al klaar", None, "crisis", None, True),
    # near misses of the same words
    ("zwanger en last van mijn rug, welke houding helpt", None, None, None, False),
    ("welke houding is het best om te slapen met rugpijn?", None, None, None, False),
    ("ik ga stoppen met sporten om beter te leven", None, None, None, False),
    ("ik heb een poging gedaan om te stoppen met roken", None, None, None, False),
    ("ik ben er niet meer mee bezig", None, None, None, False),
    ("de pijn valt af en toe mee", None, None, None, False),
    ("ik heb mijn pijn een 7 van 10 gegeven", None, None, None, False),
    ("ik moet lang persen bij het poepen", None, None, None, False),
    ("ik stretch door me op te hangen aan een stang", None, None, None, False),
    ("ik heb gisteren een lange wandeling van 20 kilometer gemaakt", None, None, None, False),
    # --- round 5 (lead): third person and spelling of the bladder sign, breathing, self-harm, rest pain, children
    ("mijn vader merkt niet meer wanneer hij moet plassen", "emergency", "cauda_equina", None, False),
    ("mn plas ophouwe lukt niet meer", "emergency", "cauda_equina", None, False),
    ("ik word zo benauwd dat ik haast niet kan praten", "emergency", "chest_breathing", None, False),
    ("ze krijgt sinds vanmiddag steeds slechter lucht", "emergency", "chest_breathing", None, False),
    ("mijn man ligt te hijgen op de bank en heeft rugpijn", "emergency", "chest_breathing", None, False),
    ("ik ben zelfs van de trap op buiten adem, wat nooit zo was", "emergency", "chest_breathing", None, False),
    ("ik zie het echt niet meer zitten met die pijn", None, "crisis", None, True),
    ("gisteren heb ik weer in mijn pols gekrast", None, "crisis", None, True),
    ("als het zo blijft spring ik nog eens van de brug", None, "crisis", None, True),
    ("ik sla mezelf als de pijn opkomt", None, "crisis", None, True),
    ("in haar la lag een brief waarin ze afscheid neemt", None, "crisis", None, True),
    ("mijn rug doet ook pijn als ik helemaal stil lig", "soon", "night_pain", None, False),
    ("draaien helpt niks, het blijft de hele nacht zeuren", "soon", "night_pain", None, False),
    ("geen enkele houding geeft verlichting", "soon", "night_pain", None, False),
    ("mijn knieen zakken af en toe zomaar onder me weg", "emergency", "progressive_weakness", None, False),
    ("het gevoel in mijn linkervoet wordt elke dag minder", "emergency", "progressive_weakness", None, False),
    ("ik krijg mijn linkervoet niet meer omhoog", "emergency", "progressive_weakness", None, False),
    ("het voelde alsof er iets in mijn buik en rug openscheurde", "emergency", "sudden_severe", None, False),
    ("ik ben bijna flauwgevallen toen die pijn kwam, ik was lijkbleek", "emergency", "sudden_severe", None, False),
    ("een felle pijn in mijn rug met kloppende buik en ik zweet", "emergency", "sudden_severe", None, False),
    ("ons dochtertje van 8 klaagt al weken over haar rug", "soon", "age_onset", None, False),
    # near misses of round 5: not an alarm
    ("ik ben wanhopig op zoek naar een goed kussen", None, None, None, False),
    ("ik was zo wanhopig dat ik van alles heb gekocht", None, None, None, False),
    ("ik loop mee voor KWF Kankerbestrijding, welke oefeningen zijn goed?", None, None, None, False),
    ("ik kreeg een prednisonkuur van vijf dagen voor mijn longen", None, None, None, False),
    ("in welke gevallen is een operatie nodig?", None, None, None, False),
    ("hoeveel kilo moet ik kwijt voor een lichtere rug?", None, None, None, False),
    ("ik ben 6 kilo afgevallen met sporten en voel me prima", None, None, None, False),
    ("mijn neus zit dicht, ik krijg minder lucht door mijn neus", None, None, None, False),
]


# Round 6 (issue 10): wordings a blind bank showed missing or over-read, in new sentences of our own: urine
# retention and a lost urge, foot drop told by what fails, erection loss, injecting told by the verb alone,
# self-harm without "mezelf", denials and despair about ordinary things, falls from metres high and mopeds,
# ordinals as ages, a pet's or relative's sign set apart from the writer's, a normal temperature, prevention
# questions, worries about later, heat at night, weight lost on purpose without the word "dieet".
CASES_ROUND6: list[tuple[str, str | None, str | None, str | None, bool]] = [
    # --- urinary retention and a lost urge to defecate
    ("sinds vanmorgen probeer ik te plassen maar er komt geen druppeltje", "emergency", "cauda_equina", None, False),
    ("mijn blaas is overvol en toch lukt het niet om te plassen", "emergency", "cauda_equina", None, False),
    ("ik moet wel, maar er komt nauwelijks pipi", "emergency", "cauda_equina", None, False),
    ("ik voel geen aandrang meer om te poepen sinds die hernia", "emergency", "cauda_equina", None, False),
    ("sinds gisteren is de aandrang om te poepen weg", "emergency", "cauda_equina", None, False),
    ("ik merk niet meer wanneer ik naar de wc moet voor een grote boodschap", "emergency", "cauda_equina", None, False),
    # --- foot drop: heel or toe walking fails, the foot will not lift, it slaps down; getting worse
    ("op mijn hielen lopen gaat sinds vandaag niet meer", "emergency", "progressive_weakness", None, False),
    ("mijn voet slaat steeds op de grond bij het lopen", "emergency", "progressive_weakness", None, False),
    ("de punt van mijn voet wil niet meer omhoog en dat wordt erger", "emergency", "progressive_weakness", None, False),
    ("ik kan elke dag slechter op mijn tenen staan", "emergency", "progressive_weakness", None, False),
    # --- new erection loss with back pain
    ("sinds de hernia heb ik geen erectie meer", "emergency", "sexual_dysfunction", None, False),
    ("mijn erectie is sinds vorige week weg", "emergency", "sexual_dysfunction", None, False),
    # --- injecting drugs, told with the verb alone; not insulin, not paint
    ("ik spuit soms en nu doet mijn rug zeer", "today", "iv_drug_use", None, False),
    ("ik heb vroeger gespoten maar nu heb ik al weken rugpijn", "today", "iv_drug_use", None, False),
    ("ik spuit elke dag insuline voor mijn diabetes", None, None, None, False),
    ("ik heb gisteren de schutting gespoten en nu heb ik rugpijn", None, None, None, False),
    # --- self-harm and suicidal driving; a denial of it; despair about an ordinary thing
    ("ik heb me vannacht weer gekrast", None, "crisis", None, True),
    ("soms wil ik met de auto tegen een muur rijden", None, "crisis", None, True),
    ("mijn neef wil zich van kant maken en heeft ook rugpijn", None, "crisis", None, True),
    ("ik voel me rot, maar ik ben niet van plan om mezelf iets aan te doen", None, None, None, False),
    ("ik denk er niet aan om mezelf wat aan te doen, maar de pijn is zwaar", None, None, None, False),
    ("ik word wanhopig van de wachtlijst bij de fysio", None, None, None, False),
    ("ik ben wanhopig, ik zie het niet meer zitten", None, "crisis", None, True),
    # --- high-energy trauma: metres high, a moped or scooter against a car or a post
    ("ik viel van de ladder, wel vijf meter", "emergency", "trauma", None, False),
    ("mijn buurman is gisteren van het afdak gevallen", "emergency", "trauma", None, False),
    ("met mijn scooter tegen een lantaarnpaal geknald, nu doet mijn rug zeer", "emergency", "trauma", None, False),
    ("hij is met de fiets tegen een bestelbus gebotst", "emergency", "trauma", None, False),
    # --- a young adult's fall: within days; a teenager's first back pain: within days
    ("ik ben 34 en gisteren bij het schaatsen op mijn stuit gevallen", "soon", "trauma", None, False),
    ("Ik ben zestien en mijn onderrug doet nu al twee weken zeer", "soon", "age_onset", None, False),
    ("op mijn veertiende al last van mijn rug, dat had ik nog nooit", "soon", "age_onset", None, False),
    # --- a pet's or a relative's sign when the writer sets his own apart; a relative's sign told as his
    ("onze poes is van het balkon gevallen. zelf heb ik last van mijn rug", None, None, None, False),
    ("mijn hond plast in huis sinds hij oud is, ik heb zelf spit", None, None, None, False),
    ("mijn dochter heeft 39 graden koorts; ik heb zelf alleen wat spit", None, None, None, False),
    ("mijn dochter heeft 39 graden koorts en rugpijn", "today", "fever", None, False),
    ("mijn nonkel is aan longkanker gestorven, ik heb rugpijn van het klussen", None, None, None, False),
    ("vorige maand is mijn tante overleden aan borstkanker, en nu heb ik spierpijn", None, None, None, False),
    # --- a normal temperature, a nose spray or inhaler, a prevention question, a worry about later
    ("ik heb net gemeten: 37,1", None, None, None, False),
    ("ik gebruik een puffer met corticosteroïden voor astma", None, None, None, False),
    ("wat kan ik doen om botontkalking te voorkomen?", None, None, None, False),
    ("hoe voorkom ik osteoporose als ik ouder word", None, None, None, False),
    ("ik ben bang dat ik later verlamd raak", None, None, None, False),
    ("ik ben bang dat mijn been steeds slapper wordt", "emergency", "progressive_weakness", None, False),
    # --- night sweats from the heat, waking from another cause; real night sweats stay
    ("het is zo warm op zolder dat ik 's nachts lig te zweten", None, None, None, False),
    ("ik word 's nachts badend in het zweet wakker", "soon", "night_sweats", None, False),
    ("ik word 's nachts wakker omdat de kat op mijn bed springt", None, None, None, False),
    ("Of ik nu zit of lig, niks geeft verlichting", "soon", "night_pain", None, False),
    # --- weight lost on purpose without the word "dieet"; lost while eating as before
    ("ik ben zes kilo lichter sinds ik minder frisdrank drink, en daar ben ik blij mee", None, None, None, False),
    ("ik val af zonder dat ik anders ben gaan eten", "soon", "weight_loss", None, False),
    # --- sudden severe pain out of the blue; both legs; an inflammatory pattern; cancer "in my file"
    ("vanmiddag zonder aanleiding een verschrikkelijke pijn onder in mijn rug", None, None, "sudden_severe", False),
    ("ik ben 75 en kreeg zonder duidelijke reden een hevige rugpijn", "emergency", "sudden_severe", None, False),
    ("de pijn gaat naar mijn linker- en mijn rechterbeen", "today", "both_legs", None, False),
    ("mijn pijn straalt nu uit naar beide benen", "today", "both_legs", None, False),
    ("ik ben 32, 's morgens drie kwartier stijf, na een wandeling is het beter", "soon", "inflammatory", None, False),
    ("in mijn medisch dossier staat prostaatkanker, telt dat mee?", None, None, "cancer", False),
    ("rillingen en 39,4 koorts en mijn onderrug doet zeer", "today", "fever", None, False),
    ("van het ene op het andere moment een moordende pijn in mijn rug", None, None, "sudden_severe", False),
    ("zomaar een waanzinnige pijn in mijn onderrug, ik ben 66", "emergency", "sudden_severe", None, False),
    ("ik kan zo niet langer leven", None, "crisis", None, True),
    ("ik wil gewoon doodgaan", None, "crisis", None, True),
    ("ik ben bang dat ik geen lucht meer krijg", "emergency", "chest_breathing", None, False),
    ("in de zomerhitte lig ik 's nachts te zweten onder mijn laken", None, None, None, False),
    ("ik kan niet leven zonder mijn hond, maar wandelen doet pijn", None, None, None, False),
]


# Lexicon round 8 (2026-12-04): a sign said to be over, someone else's sign next to the writer's own back pain,
# questions about a threshold or without their question mark, night sweats of the menopause; Flemish retention,
# "elke morgen stijf", weight in a questionnaire answer, "uit het niets", an attempt told.
CASES_ROUND8: list[tuple[str, str | None, str | None, str | None, bool]] = [
    # --- over: a resolved sign is not one now ...
    ("vorige week voelde mijn voet even slap aan, maar dat is weer helemaal normaal", None, None, None, False),
    (
        "ik heb in maart koorts gehad, die is helemaal over, nu doet mijn rug zeer van het klussen",
        None,
        None,
        None,
        False,
    ),
    ("na de operatie sleepte ik met mijn voet, dat is volledig hersteld", None, None, None, False),
    ("mijn koorts was weer weg, maar nu is hij terug en mijn rug doet zeer", "today", "fever", None, False),
    ("de koorts is weer weg maar nu trekt het in allebei mijn benen", "today", "both_legs", None, False),
    ("mijn koorts is nog steeds niet weg en mijn rug doet zeer", "today", "fever", None, False),
    # ... except an emergency sign that came and went (bladder, saddle, chest): still a doctor now
    ("gisteren kon ik even mijn plas niet ophouden, dat is nu weer weg", "emergency", "cauda_equina", None, False),
    ("ik had pijn op de borst bij de rugpijn, die is weer over", "emergency", "chest_breathing", None, False),
    # "the feeling is gone" is numbness, not a recovery
    ("mijn been is slap en het gevoel is weg", "emergency", "progressive_weakness", None, False),
    # --- someone else's sign, the writer's own back
    ("mijn zoon heeft koorts en ik heb rugpijn van het tillen", None, None, None, False),
    ("mijn man is gisteren van de trap gevallen en ik heb rugpijn van het helpen", None, None, None, False),
    ("mijn moeder van 80 is gevallen en heeft nu rugpijn", "today", "trauma", None, False),
    # --- questions about a threshold, or without their question mark
    ("vanaf hoeveel graden koorts moet ik met rugpijn bellen?", None, None, None, False),
    ("bij welke temperatuur moet ik naar de huisarts?", None, None, None, False),
    ("wat is osteoporose eigenlijk en krijg je daar rugpijn van", None, None, None, False),
    ("kun je een gescheurde aorta voelen als rugpijn?", None, None, None, False),
    ("ik heb 39 graden koorts, moet ik naar de dokter?", "today", "fever", None, False),
    # --- night sweats that the menopause or warm pyjamas explain
    ("door de overgang heb ik opvliegers en zweet ik 's nachts", None, None, None, False),
    ("in mijn flanellen pyjama zweet ik 's nachts een beetje", None, None, None, False),
    # --- signs the lexicon did not know
    (
        "mijn vader geraakt sinds gisteren zijn plas niet meer kwijt en zijn rug doet zeer",
        "emergency",
        "cauda_equina",
        None,
        False,
    ),
    ("al maanden elke morgen zo stijf dat ik amper recht geraak, ik ben 27", "soon", "inflammatory", None, False),
    ("ja, zo'n 7 kilo in twee maanden en ik eet gewoon", "soon", "weight_loss", None, False),
    ("ik ben 7 kilo in twee maanden aangekomen", None, None, None, False),
    ("uit het niets de ergste rugpijn van mijn leven, ik ben 70", "emergency", "sudden_severe", None, False),
    ("wat heeft het allemaal nog voor zin, beter als ik er niet meer ben", None, "crisis", None, True),
    ("vorige maand heb ik geprobeerd een overdosis te nemen", None, "crisis", None, True),
    ("wat heeft het nog zin om oefeningen te doen als het niet helpt?", None, None, None, False),
    ("sinds maandag is mijn linkerbeen steeds verder verzwakt", "emergency", "progressive_weakness", None, False),
    ("de spieren in mijn rug zijn verzwakt door het vele zitten", None, None, None, False),
    ("ik ben 68 en gisteren van de keukentrap gekukeld", "today", "trauma", None, False),
    # both legs: today, and now when it is getting worse (progressive deficit)
    ("mijn beide benen tintelen en het wordt met de dag erger", "emergency", "both_legs", None, False),
    ("sinds gisteren pijn in allebei mijn benen", "today", "both_legs", None, False),
]

# Round 9: wordings of signs the lexicon missed and the classifier alone caught (read banks), written anew, and
# near misses that look like them.
CASES_ROUND9: list[tuple[str, str | None, str | None, str | None, bool]] = [
    # --- bladder and bowel
    ("sinds de rugpijn kan ik mijn plas minder goed ophouden", "emergency", "cauda_equina", None, False),
    ("vannacht heb ik mijn bed natgeplast, dat gebeurt me nooit", "emergency", "cauda_equina", None, False),
    ("mijn ontlasting liep weg zonder dat ik het doorhad", "emergency", "cauda_equina", None, False),
    ("ik moet minder vaak plassen sinds ik minder drink", None, None, None, False),
    # --- a foot that slaps, strength that drains away
    ("nu klapt mijn voet bij elke stap op de grond", "emergency", "progressive_weakness", None, False),
    ("de kracht in mijn dij valt steeds verder weg", "emergency", "progressive_weakness", None, False),
    # --- sexual function, both word orders and chat
    ("het lukt sinds de hernia niet meer om een erectie te krijgen", "emergency", "sexual_dysfunction", None, False),
    ("tijdens het vrijen voel ik sinds kort bijna niks meer", "emergency", "sexual_dysfunction", None, False),
    ("krijg m niet meer omhoog sinds die rugpijn", "emergency", "sexual_dysfunction", None, False),
    # --- chest and breathing
    ("ik heb een zwaar gevoel op mijn borst en mijn rug doet zeer", "emergency", "chest_breathing", None, False),
    ("ademen gaat moeilijk en de pijn trekt naar mijn rug", "emergency", "chest_breathing", None, False),
    # --- a sudden onset with the signs of a vascular cause; the same onset while lifting is ordinary
    (
        "de pijn kwam opeens toen ik op de bank zat en nu zweet ik en ben ik duizelig",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    (
        "opeens begon het, zonder reden, en mijn buik is hard en ik voel me flauw",
        "emergency",
        "sudden_severe",
        None,
        False,
    ),
    ("de pijn kwam opeens toen ik een krat optilde", None, None, None, False),
    ("het voelde alsof mijn rug doormidden gescheurd werd", "emergency", "sudden_severe", None, False),
    # --- falls: slipping, Flemish tumbling; an object that falls is not a fall
    ("ik gleed uit op de natte trap en ik ben 62", "today", "trauma", None, False),
    ("ik ben 71 en van de trap gesukkeld", "today", "trauma", None, False),
    ("mijn gsm viel op de grond en toen ik bukte schoot het in mijn rug", None, None, None, False),
    ("de pen gleed uit mijn handen en bij het oprapen kreeg ik spit", None, None, None, False),
    # --- steroids taken by someone who writes in the third person, a transplanted liver
    ("mijn vader neemt al jaren cortisone en heeft nu ineens rugpijn", "today", "steroids_osteoporosis", None, False),
    ("ik heb een donorlever en rugpijn", "soon", "immunosuppression", None, False),
    # --- weight lost without dieting; night pain as the subject
    ("ik lijn niet, toch ben ik 6 kilo lichter", "soon", "weight_loss", None, False),
    ("de pijn in mijn onderrug houdt me elke nacht wakker", "soon", "night_pain", None, False),
    # --- crisis, and a denial of it
    ("ik zie mezelf niet oud worden met deze pijn", None, "crisis", None, True),
    ("nee, ik heb geen gedachten om mezelf iets aan te doen", None, None, None, False),
    # --- a worry read online is not a past cancer
    (
        "ik las op internet dat rugpijn van kanker kan komen, ik heb gelezen dat het vaak zo begint",
        None,
        None,
        None,
        False,
    ),
]

# Round 10: what the read (odd) half of the fourth bank showed, written anew; its even half stays unread.
CASES_ROUND10: list[tuple[str, str | None, str | None, str | None, bool]] = [
    ("het zit nu ook in mijn andere been", "today", "both_legs", None, False),
    ("het is niet alleen mijn rechterbeen meer, ik voel het links ook", "today", "both_legs", None, False),
    ("mag ik zwemmen tijdens mijn chemo? mijn rug doet sinds kort zeer", "today", "cancer", None, False),
    ("vorig jaar is er darmkanker gevonden, ik ben nog steeds onder behandeling", "today", "cancer", None, False),
    ("in 2015 is er een darmtumor weggehaald en nu heb ik rugpijn", "soon", "cancer", None, False),
    ("mijn zoon snijdt zichzelf en hij heeft ook rugpijn", None, "crisis", None, True),
    ("hij zegt dat hij liever dood is dan nog zo'n nacht", None, "crisis", None, True),
    ("mijn vader heeft koorts en rugpijn en praat wartaal", "emergency", "fever", None, False),
    ("ik spuit al jaren en nu doet mijn rug zeer", "today", "iv_drug_use", None, False),
    ("ik heb toch weer gespoten en nu heb ik rugpijn", "today", "iv_drug_use", None, False),
    ("mijn rechterbeen heeft elke dag minder kracht", "emergency", "progressive_weakness", None, False),
    ("ze kan haar been steeds minder gebruiken", "emergency", "progressive_weakness", None, False),
    ("ineens een felle pijn in mijn rug, ik weet niet waarvan", None, None, "sudden_severe", False),
    # near misses
    ("wanneer heb je koorts, vanaf 38 graden?", None, None, None, False),
    ("ik val af en toe in slaap op de bank", None, None, None, False),
    ("ik val bijna om van vermoeidheid na mijn dienst", None, None, None, False),
    ("mijn been was even krachteloos na lang zitten, nu weer oke", None, None, None, False),
    ("mijn knie knikte een keer door, sindsdien niet meer", None, None, None, False),
    ("ik zweet 's nachts alleen als de verwarming hoog staat", None, None, None, False),
    ("ik word 's nachts wakker van mijn rug als ik me omdraai", None, None, None, False),
    ("al jaren erectieproblemen door mijn diabetes, nu rugpijn van het tillen", None, None, None, False),
    ("sinds gisteren geen erectie meer en mijn rug doet zeer", "emergency", "sexual_dysfunction", None, False),
]


@pytest.mark.parametrize(
    "text, tier, sign, ask, crisis",
    CASES + CASES_ROUND2 + CASES_ROUND4 + CASES_ROUND6 + CASES_ROUND8 + CASES_ROUND9 + CASES_ROUND10,
)
def test_the_message_gets_the_tier_a_clinician_expects(text, tier, sign, ask, crisis):
    found = assess(text)
    assert found.tier == tier, f"{text!r}: {found}"
    if sign is not None:
        assert sign in {s.sign for s in found.signs}, f"{text!r}: {found}"
    elif tier is None and not crisis:
        assert found.signs == (), f"{text!r}: {found}"
    assert found.ask == ask, f"{text!r}: {found}"
    assert found.crisis is crisis, f"{text!r}: {found}"


@pytest.mark.parametrize(
    "text, ask_tier",
    [
        ("ik ben van de trap gevallen", "today"),
        ("plotseling hevige rugpijn", "emergency"),
        ("ik ben 6 kilo afgevallen", "soon"),
        ("en dan ook nog die kanker", "today"),
    ],
)
def test_an_unsettled_sign_carries_the_more_urgent_tier_it_could_have(text, ask_tier):
    found = assess(text)
    assert found.tier is None and found.ask is not None and found.ask_tier == ask_tier


@pytest.mark.parametrize(
    "text, sign",
    [
        ("de thermometer zegt 36,9, temperatuur dus normaal", "fever"),
        ("ik gebruik een neusspray met cortison tegen hooikoorts", "steroids_osteoporosis"),
        ("mijn opa is aan darmkanker overleden en ik heb rugpijn van het tillen", "cancer"),
        ("tijdens die tropische nachten lig ik te zweten in bed", "night_sweats"),
        # said to be over, or someone else's: mentioned, not the writer's sign now
        ("mijn been voelde even zwak, nu is het weer helemaal normaal", "progressive_weakness"),
        ("mijn dochter heeft koorts en ik heb rugpijn van het dragen", "fever"),
        ("nee, geen gevoelloosheid daar beneden", "cauda_equina"),
    ],
)
def test_a_denied_or_settled_sign_is_reported_as_negated(text, sign):
    """The SafetyNet may undo a classifier alarm that rests on such a sign alone (``Assessment.negated``)."""
    found = assess(text)
    assert found.tier is None and found.ask is None and sign in found.negated, found


def test_the_parse_data_has_exactly_the_interface_keys():
    alarm = assess("Ik ben wanhopig, ik kan mijn plas niet ophouden").as_parse_data()
    assert alarm == {
        "tier": "emergency",
        "signs": [
            {"sign": "crisis", "tier": "crisis", "nts": "U2"},
            {"sign": "cauda_equina", "tier": "emergency", "nts": "U2"},
        ],
        "ask": None,
        "crisis": True,
    }
    assert assess("hoe lang duurt rugpijn").as_parse_data() == {"tier": None, "signs": [], "ask": None, "crisis": False}


def test_a_sign_hidden_at_the_end_of_a_long_message_is_found():
    text = "Ik heb al een tijdje last van mijn rug. " * 200 + "Sinds vanochtend kan ik mijn plas niet ophouden."
    assert len(text) < MAX_CHARACTERS
    assert assess(text).tier == "emergency"


def test_a_megabyte_message_is_read_only_as_far_as_the_limit():
    # The limit is what keeps the check linear on pasted text (timings belong in `make bench`, not here).
    filler = "mijn been voelt soms raar " * 50_000
    assert len(filler) > 100 * MAX_CHARACTERS
    assert assess(filler + " ik kan mijn plas niet ophouden").tier is None
    assert assess("ik kan mijn plas niet ophouden " + filler).tier == "emergency"


def test_every_sign_of_the_interface_is_in_the_table_with_a_source_and_an_nts_category():
    rows = tier_table()
    assert {row["sign"] for row in rows} == set(safety.ALARM_SIGNS)
    for row in rows:
        assert row["nts"] in safety.NTS_CATEGORIES and row["source"]
    by_sign = {}
    for row in rows:
        by_sign.setdefault(row["sign"], []).append(row)
    assert by_sign["cauda_equina"][0]["tier"] == "emergency" and by_sign["cauda_equina"][0]["nts"] == "U2"
    assert "NHG" in by_sign["cauda_equina"][0]["source"]


def test_no_walk_in_emergency_room_advice_in_the_table():
    assert "SEH" not in LEXICON_PATH.read_text(encoding="utf-8").replace("SEH-arts", "")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("'s Nachts", "s nachts"),
        ("Koorts!!", "koorts"),
        ("gevoelloosheid   in  mijn  kruis", "gevoelloosheid in mijn kruis"),
        ("café", "cafe"),
        ("38,5", "38 5"),
        ("ik kan nie", "ik kan niet"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def _write(tmp_path, data):
    bad = tmp_path / "alarm_signs.yml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return bad


def test_broken_pattern_names_file_and_field(tmp_path):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    data["signs"][0]["patterns"][0] = "(unclosed"
    with pytest.raises(DataFileError) as caught:
        load_lexicon(_write(tmp_path, data))
    assert caught.value.file.endswith("alarm_signs.yml")
    assert caught.value.field == "signs[0].patterns[0]"
    assert "alarm_signs.yml: signs[0].patterns[0]: '(unclosed'" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        pytest.param(("sign", "koorts"), "signs[0].sign", "must be one of", id="unknown-sign-id"),
        pytest.param(("nts", "U7"), "signs[0].nts", "must be one of", id="unknown-nts-category"),
        pytest.param(("tier", "red_flag_today"), "signs[0].tier", "must be one of", id="unknown-tier"),
        pytest.param(("keywords", ["Kanker"]), "signs[0].keywords[0]", "normalised word", id="keyword-not-normalised"),
        pytest.param(("woorden", ["x"]), "signs[0].woorden", "unknown field", id="unknown-field"),
        pytest.param(
            ("context", [{"when": "otherwise", "tier": "ask", "nts": "U3"}]),
            "signs[0]",
            "exactly one of tier and context",
            id="tier-and-context",
        ),
    ],
)
def test_lexicon_problem_names_file_and_field(tmp_path, change, field, problem):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    key, value = change
    data["signs"][0][key] = value
    with pytest.raises(DataFileError) as caught:
        load_lexicon(_write(tmp_path, data))
    assert caught.value.field == field
    assert f"alarm_signs.yml: {field}: " in str(caught.value)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        pytest.param({"keep": ["blaas"]}, "resolved.keep[0]", "must be one of", id="unknown-sign-kept"),
        pytest.param({"within_words": 99}, "resolved.within_words", "from 1 to 40", id="window-too-long"),
        pytest.param({"patterns": ["(weer weg"]}, "resolved.patterns[0]", "", id="broken-pattern"),
    ],
)
def test_a_wrong_resolution_setting_names_file_and_field(tmp_path, change, field, problem):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    data["resolved"].update(change)
    with pytest.raises(DataFileError) as caught:
        load_lexicon(_write(tmp_path, data))
    assert caught.value.field == field
    assert problem in str(caught.value)


def test_a_context_naming_no_qualifier_is_refused(tmp_path):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    entry = next(i for i, e in enumerate(data["signs"]) if e.get("context"))
    data["signs"][entry]["context"][0]["when"] = "oud"
    with pytest.raises(DataFileError) as caught:
        load_lexicon(_write(tmp_path, data))
    assert caught.value.field == f"signs[{entry}].context[0].when"


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
    assert {entry.tier for entry in load_lexicon().entries if entry.tier} <= set(safety.TIER_ORDER)


def test_the_readme_shows_the_tier_table_of_the_yaml():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = "\n".join(line.strip() for line in readme.splitlines())
    assert tier_table_markdown() in shown, "README: paste the output of `python -m assistant.alarm_signs`"
