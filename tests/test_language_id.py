"""The language identifier (assistant/language_id.py, issue 12 item 7): foreign messages named, Dutch left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from assistant.components import SafetyNet
from assistant.language_gate import LanguageGate
from assistant.language_id import LANGUAGES_PATH, LanguagesFile, identify, load_languages, scores
from common.data_files import DataFileError, load_data_file

ROOT = Path(__file__).resolve().parent.parent

FOREIGN = [
    # English: greetings, short complaints, questions, alarms
    ("hello", "en"),
    ("Hello there", "en"),
    ("my back hurts", "en"),
    ("My lower back is killing me", "en"),
    ("do you speak english?", "en"),
    ("I have back pain since monday", "en"),
    ("what should I do about my back pain", "en"),
    ("how long does a slipped disc take to heal?", "en"),
    ("is it bad to sit all day with a sore back", "en"),
    ("can you help me please", "en"),
    ("I can't feel my legs", "en"),
    ("i cant hold my bladder and my back hurts", "en"),
    ("good morning, I have a question", "en"),
    ("sorry, I don't understand Dutch", "en"),
    ("hi, my back is very stiff", "en"),
    # German
    ("hilfe rückenschmerzen", "de"),
    ("Hallo, ich habe Rückenschmerzen", "de"),
    ("ich habe Fieber und Rückenschmerzen", "de"),
    ("mein Rücken tut weh", "de"),
    ("Sprechen Sie Deutsch?", "de"),
    ("was kann ich gegen Kreuzschmerzen tun", "de"),
    ("ich kann mein Bein nicht mehr spüren", "de"),
    ("guten Tag, ich brauche Hilfe", "de"),
    ("hexenschuss seit gestern", "de"),
    ("welche Übungen sind gut für den unteren Rücken?", "de"),
    ("Bandscheibenvorfall, was nun?", "de"),
    # French
    ("j'ai mal au dos", "fr"),
    ("J’ai très mal au bas du dos", "fr"),
    ("bonjour, vous parlez français ?", "fr"),
    ("douleur lombaire depuis trois jours", "fr"),
    ("est-ce que je dois voir un médecin ?", "fr"),
    ("je ne sens plus mes jambes", "fr"),
    ("comment soulager une sciatique", "fr"),
    ("j'ai de la fièvre et mal aux reins", "fr"),
    ("quels exercices pour le dos ?", "fr"),
    ("mal de dos", "fr"),
    # Danish
    ("jeg har ondt i ryggen", "da"),
    ("Hej, jeg har ondt i lænden", "da"),
    ("taler du dansk?", "da"),
    ("hvad kan jeg gøre mod rygsmerter", "da"),
    ("jeg kan ikke mærke mine ben", "da"),
    ("hvor lang tid tager en diskusprolaps", "da"),
    ("ondt i ryggen efter jeg løftede noget tungt", "da"),
    ("jeg har feber og ondt i ryggen", "da"),
    ("hvilke øvelser er gode for ryggen?", "da"),
]

DUTCH = [
    # Dutch-English and Flemish-French chat words: never a foreign reply
    "sorry",
    "ok thanks",
    "oké, dank je",
    "ok dank je",
    "help",
    "hi",
    "hey",
    "thank you",
    "thanks!",
    "merci",
    "merci hé",
    "allee",
    "allee, salut",
    "ça va, en met u?",
    "yes",
    "no",
    "nope",
    "top, thanks",
    "cool",
    "super bedankt",
    "bye",
    "hallo",
    "hoi",
    "goeiemorgen",
    # Dutch and Flemish with English or French words in them
    "ik heb pain in my back",
    "mijn lower back doet zeer",
    "is een workout goed voor mijn rug?",
    "helpt stretching of core training?",
    "ik heb een burn-out en rugpijn",
    "sorry, ik heb nog een vraag",
    "help, mijn rug zit vast",
    "ben je AI?",
    "is bedrust aangewezen?",
    "moet ik naar de kiné?",
    "amai mijn rug, da doet zeer",
    "ge moet da ni doen",
    "kzit al drie weken met mijn rug",
    "wa kan ik doen tegen lumbago",
    "mag ik sporten met een hernia",
    "en bij een hernia?",
    "en artrose?",
    "is dat gevaarlijk?",
    "en hoe lang duurt dat dan?",
    "wat kan ik er zelf aan doen?",
    "HELP MIJN RUG",
    "HET SCHOOT IN MIJN RUG",
    "rugpijn",
    "pijn",
    "mindfulness?",
    "is yoga of pilates beter?",
    "/faq/bed_rest",
    "",
    "🙂",
    "12345",
]


@pytest.mark.parametrize("text, language", FOREIGN)
def test_a_foreign_message_is_named(text: str, language: str) -> None:
    assert identify(text) == language, scores(text)


@pytest.mark.parametrize("text", DUTCH)
def test_dutch_flemish_and_mixed_chat_stay_dutch(text: str) -> None:
    assert identify(text) is None, scores(text)


def _training_examples() -> list[tuple[str, str, str]]:
    """(file, intent, text) of every training example outside out_of_scope and the language examples."""
    found = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        if path.name == "languages.yml":
            continue
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if block.get("intent") == "out_of_scope":
                continue
            for line in (block.get("examples") or "").splitlines():
                text = line.strip()[2:].strip()
                if text:
                    found.append((path.name, block.get("intent", ""), text))
    return found


def test_no_dutch_training_example_is_taken_for_a_foreign_language() -> None:
    examples = _training_examples()
    assert len(examples) > 1000
    wrong = [(name, intent, text, identify(text)) for name, intent, text in examples if identify(text)]
    assert wrong == []


def test_the_language_examples_are_foreign_and_named_right() -> None:
    data = yaml.safe_load((ROOT / "data" / "nlu" / "languages.yml").read_text(encoding="utf-8"))
    examples = [
        (block["intent"], line.strip()[2:].strip())
        for block in data["nlu"]
        for line in block["examples"].splitlines()
        if line.strip()
    ]
    assert len(examples) >= 40
    missed = [text for intent, text in examples if intent == "out_of_scope" and identify(text) is None]
    assert missed == []


def test_every_foreign_language_has_its_reply_in_the_domain() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    replies = load_languages().replies()
    assert sorted(replies) == ["da", "de", "en", "fr"]
    for reply in replies.values():
        texts = [variant["text"] for variant in domain["responses"][reply]]
        assert texts and all("112" in text for text in texts), reply


@pytest.mark.parametrize(
    "content, field",
    [
        ("neutral: [ok]\nlanguages:\n  en: {reply: utter_out_of_scope_en, words: hello}\n", "languages"),
        ("neutral: [ok]\nlanguages:\n  nl: {words: ik}\n  en: {words: hello}\n", "languages.en.reply"),
        ("neutral: [ok]\nlanguages:\n  nl: {words: ik ik}\n", "languages.nl.words[1]"),
        ("neutral: [ok]\nlanguages:\n  nl: {words: ik ok}\n", "languages.nl.words[1]"),
        ("neutral: [ok]\nlanguages:\n  nl: {words: ik}\n  en: {reply: utter_greet, words: hi}\n", "languages.en.reply"),
        ("neutral: [ok]\nlanguages:\n  nl: {words: ik, letters: ab}\n", "languages.nl.letters[0]"),
        ("neutral: [Ok]\nlanguages:\n  nl: {words: ik}\n", "neutral[0]"),
    ],
)
def test_a_broken_word_list_names_file_and_field(tmp_path: Path, content: str, field: str) -> None:
    path = tmp_path / "languages.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_data_file(path, LanguagesFile)
    assert error.value.file.endswith("languages.yml")
    assert field in [where for where, _ in error.value.problems], error.value


def test_the_project_word_lists_load() -> None:
    assert load_data_file(LANGUAGES_PATH, LanguagesFile).languages["nl"].reply is None


def _parsed(text: str, intent: str = "faq") -> Message:
    message = Message({"text": text})
    message.set("intent", {"name": intent, "confidence": 0.8}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": 0.8}], add_to_output=True)
    return message


@pytest.mark.parametrize(
    "text, intent, language",
    [
        ("my back hurts", "out_of_scope", "en"),
        ("jeg har ondt i ryggen", "out_of_scope", "da"),
        ("mijn rug doet pijn", "faq", None),
        ("ok thanks", "faq", None),
    ],
)
def test_the_gate_sets_out_of_scope_and_the_language_entity(text: str, intent: str, language: str | None) -> None:
    message = LanguageGate(load_languages()).process([_parsed(text)])[0]
    assert message.get("intent")["name"] == intent
    assert message.get("intent_ranking")[0]["name"] == intent
    entities = message.get("entities") or []
    if language is None:
        assert entities == []
    else:
        assert [(e["entity"], e["value"], e["start"], e["end"]) for e in entities] == [
            ("language", language, 0, len(text))
        ]


def test_a_dutch_alarm_sign_still_wins_after_the_gate() -> None:
    """The SafetyNet runs after the gate: an alarm sign in a message the gate took for foreign is still forced."""
    message = _parsed("I have back pain and incontinentie")
    LanguageGate(load_languages()).process([message])
    assert message.get("intent")["name"] == "out_of_scope"
    SafetyNet.create({}, None, None, None).process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
