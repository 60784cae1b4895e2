"""TextNormaliser on real Rasa messages and training data; the safety net keeps reading the original text."""

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant import components_normalise
from assistant.alarm_signs import assess
from assistant.components import SafetyNet, TextGuard
from assistant.components_normalise import TextNormaliser, TextRestorer
from assistant.normalise import Glossary


def _message(text):
    message = Message({"text": text})
    message.set("intent", {"name": "faq", "confidence": 0.9}, add_to_output=True)
    message.set("intent_ranking", [{"name": "faq", "confidence": 0.9}], add_to_output=True)
    return message


def _pipeline(text, normaliser, restore=False):
    message = _message(text)
    TextGuard({"max_characters": 1500}).process([message])
    normaliser.process([message])
    SafetyNet().process([message])
    if restore:
        TextRestorer({}).process([message])
    return message


@pytest.fixture(scope="module")
def replace():
    return TextNormaliser({"mode": "replace"})


@pytest.mark.parametrize(
    "mode, text, expected",
    [
        ("replace", "Mijn KINÉ zegt: HNP!!!", "Mijn fysiotherapeut zegt: hernia!"),
        ("append", "Mijn KINÉ zegt: HNP!!!", "Mijn KINÉ zegt: HNP!!! fysiotherapeut hernia"),
        ("replace", "/faq/bed_rest", "/faq/bed_rest"),
        ("append", "ik heb rugpijn", "ik heb rugpijn"),
    ],
)
def test_process_rewrites_the_text_and_keeps_the_original(mode, text, expected):
    message = _message(text)
    TextGuard({"max_characters": 1500}).process([message])
    TextNormaliser({"mode": mode}).process([message])
    assert message.get("text") == expected
    assert message.get("original_text") == text


def test_without_text_guard_the_normaliser_keeps_the_original_itself(replace):
    message = Message({"text": "het schoot in mijn rug"})
    replace.process([message])
    assert message.get("text") == "het spit"
    assert message.get("original_text") == "het schoot in mijn rug"


def test_a_message_without_text_is_left_alone(replace):
    message = Message({"intent": {"name": "greet"}})
    replace.process([message])
    assert message.get("text") is None and message.get("original_text") is None


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_training_data_is_normalised_as_messages_are(mode):
    normaliser = TextNormaliser({"mode": mode})
    texts = ["is bedrust aangewezen bij lumbago?", "OKÉ DANK JE", "wat doet een kinesist", "ik heb rugpijn"]
    examples = [Message({"text": text, "intent": "faq"}) for text in texts]
    annotated = Message(
        {"text": "mijn kiné", "intent": "inform", "entities": [{"start": 5, "end": 9, "value": "kiné", "entity": "x"}]}
    )
    normaliser.process_training_data(TrainingData(training_examples=[*examples, annotated]))
    at_inference = [_message(text) for text in texts]
    normaliser.process(at_inference)
    assert [example.get("text") for example in examples] == [message.get("text") for message in at_inference]
    assert examples[0].get("text") != texts[0]
    assert annotated.get("text") == "mijn kiné"  # entity offsets point into the text: never rewritten


def test_an_unknown_mode_fails_at_start():
    with pytest.raises(ValueError, match="mode must be one of replace, append"):
        TextNormaliser({"mode": "features"})


def test_the_default_mode_is_replace():
    assert TextNormaliser.get_default_config() == {"mode": "replace"}


def test_the_fingerprint_follows_the_glossary(tmp_path, monkeypatch):
    first = TextNormaliser.fingerprint_addon({"mode": "replace"})
    assert first == TextNormaliser.fingerprint_addon({"mode": "replace"})
    changed = tmp_path / "glossary.yml"
    changed.write_bytes(components_normalise.GLOSSARY_PATH.read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(components_normalise, "GLOSSARY_PATH", changed)
    assert TextNormaliser.fingerprint_addon({"mode": "replace"}) != first


# --------------------------------------------------------------------------- #
# The safety net reads the visitor's original text, whatever the normaliser did


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_safety_net_reads_the_original_even_when_the_normaliser_hides_the_sign(mode):
    # A glossary that rewrites an emergency into harmless words: the net must still see the sign.
    hiding = TextNormaliser({"mode": mode}, glossary=Glossary.of([("plas niet ophouden", "rugpijn")]))
    text = "ik kan mijn plas niet ophouden"
    message = _pipeline(text, hiding)
    if mode == "replace":
        assert message.get("text") == "ik kan mijn rugpijn"
        assert assess(message.get("text")).tier is None  # the net would miss it on the normalised text
    assert message.get("original_text") == text
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert message.get("alarm")["tier"] == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "ik kan mijn plas niet ophouden sinds die hernia",
        "KOORTS EN RUGPIJN!!!",
        "ik heb koorts van 38,5 en lumbago",
        "geen koorts hoor, gewoon spit",
        "mijn kiné zegt dat mijn benen slapper worden, ik voel mijn zadelgebied niet",
        "ik ben gevallen en nu heb ik pijn laag in mijn rug",
        "ik wil niet meer leven met deze pijn",
        "vroeger kanker gehad, nu ischialgie",
        "is bedrust aangewezen bij spit?",
        "oké, dank je",
    ],
)
def test_safety_net_gives_the_same_alarm_with_and_without_the_normaliser(replace, text):
    without = _message(text)
    TextGuard({"max_characters": 1500}).process([without])
    SafetyNet().process([without])
    with_normaliser = _pipeline(text, replace)
    assert with_normaliser.get("original_text") == text
    assert with_normaliser.get("alarm") == without.get("alarm")
    assert with_normaliser.get("intent") == without.get("intent")


# --------------------------------------------------------------------------- #
# After the classifiers, the parse data carries what the visitor wrote again


@pytest.mark.parametrize("mode", ["replace", "append"])
@pytest.mark.parametrize(
    "text",
    ["ik heb vorig jaar een rugoperatie gehad", "jawel, het straalt uit tot in mijn kuit", "<b>NEEN</b>  hoor!!!"],
)
def test_the_restorer_puts_back_the_text_the_action_server_parses(mode, text):
    guarded = TextGuard({"max_characters": 1500}).clean(text)
    message = _pipeline(text, TextNormaliser({"mode": mode}), restore=True)
    assert message.get("text") == guarded
    assert message.as_dict(only_output_properties=True)["text"] == guarded
    assert message.get("original_text") == text


def test_without_the_restorer_the_parser_would_read_canonical_terms(replace):
    # Why TextRestorer exists: the questionnaire's parser looks for "rugoperatie", the classifiers read "operatie".
    message = _pipeline("ik heb vorig jaar een rugoperatie gehad", replace)
    assert message.get("text") == "ik heb vorig jaar een operatie gehad"


def test_the_restorer_leaves_messages_the_normaliser_did_not_see():
    message = Message({"text": "ik heb rugpijn"})
    TextRestorer({}).process([message])
    assert message.get("text") == "ik heb rugpijn"
