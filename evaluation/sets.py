"""Test sets and training examples.

Three formats, each a folder of YAML files, told apart by their content (`load_any_set`):

- an NLU set (`TestSet`): Rasa NLU YAML (`version: "3.1"`, `nlu:` blocks with `intent:` and `examples:`), the
  format of tests/heldout/; a label is the FAQ topic for an FAQ example (`faq/<id>`) and the intent otherwise;
- a clinical bank (`ClinicalBank`, tests/clinical/): `items:` with `text`, `expect` (red_flag | crisis |
  crisis+red_flag | none), `sign` (a sign id; for a near miss the sign it resembles), `tier` (now | today | days |
  ask; for red_flag and crisis+red_flag only) and `context` (plain, negation, flemish, ...);
- a field set (`FieldSet`, tests/field/): `items:` with `text`, `topic` (a topic id of contract/topics.yml) and
  `kind` (plain, flemish, story, ...).

The item formats are read with the project's validated loader (`common.data_files`): an error names the file
and the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from common.data_files import DataFileError, Problem, Schema, checked, load_data_file, non_empty_list, one_of
from common.data_files import text as non_empty_text
from common.safety import ALARM_SIGNS
from evaluation.models import ROOT

TRAINING_DATA = ROOT / "data" / "nlu"
HELDOUT = ROOT / "tests" / "heldout"
CLINICAL = ROOT / "tests" / "clinical"
# The second clinical bank (issue 10, round 2): written blind by another helper after the first bank had been
# read for the lexicon; its odd-indexed items were read for lexicon round 6, the even ones are unread.
CLINICAL_R2 = ROOT / "tests" / "clinical_r2"
# The third clinical bank (issue 10, round 3): 544 messages written blind on 2026-12-03 by a helper who had read
# neither the lexicon, the training data nor the other banks; measured before any change made for it, and unread.
CLINICAL_R3 = ROOT / "tests" / "clinical_r3"
# The fourth clinical bank (issue 10, round 4): 610 messages written blind on 2026-12-04 the same way; measured once
# before any change made for it; then its odd-indexed items (index within each file) were read for lexicon round 10,
# the even ones are unread.
CLINICAL_R4 = ROOT / "tests" / "clinical_r4"
# The fifth clinical bank (issue 10, round 5): 620 messages written blind on 2026-12-06 the same way; measured before
# any change made for it; unread (except ~50 alarm texts of trauma.yml and weight_loss.yml that a debug log showed).
CLINICAL_R5 = ROOT / "tests" / "clinical_r5"
CLINICAL_BANKS = (CLINICAL, CLINICAL_R2, CLINICAL_R3, CLINICAL_R4, CLINICAL_R5)
FIELD = ROOT / "tests" / "field"
CONTRACT = ROOT / "contract" / "topics.yml"
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


class EvaluationDataError(ValueError):
    """A test set or the training data cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # faq/<id> for an FAQ example, the intent name otherwise
    source: str  # file the example comes from, relative to the repository where possible


@dataclass(frozen=True)
class TestSet:
    name: str  # the folder, relative to the repository where possible (tests/heldout)
    examples: tuple[Example, ...]

    @property
    def texts(self) -> list[str]:
        return [example.text for example in self.examples]

    @property
    def gold(self) -> list[str]:
        return [example.label for example in self.examples]


def full_label(intent: str | None, response_key: str | None) -> str:
    """`faq/<id>` for an FAQ answer (a retrieval intent with its response key), the intent name otherwise."""
    if intent == "faq" and response_key:
        return response_key
    return intent or "None"


def intent_of(label: str) -> str:
    """The intent of a full label: `faq` for `faq/<id>`."""
    return label.split("/", 1)[0]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _load_file(path: Path) -> list[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise EvaluationDataError(f"{_shown(path)}: not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("nlu"), list):
        raise EvaluationDataError(f"{_shown(path)}: nlu: missing (a list of `- intent: ...` blocks is expected)")
    for index, block in enumerate(document["nlu"]):
        if not isinstance(block, dict) or not ({"intent", "synonym", "regex", "lookup"} & set(block)):
            raise EvaluationDataError(f"{_shown(path)}: nlu[{index}]: expected an `intent:` block")
        if "intent" in block and not (block.get("intent") and block.get("examples")):
            raise EvaluationDataError(f"{_shown(path)}: nlu[{index}]: an intent block needs `intent:` and `examples:`")
    data = load_data(str(path))
    return [
        Example(m.get("text"), full_label(m.get("intent"), m.get("intent_response_key")), _shown(path))
        for m in data.intent_examples
    ]


def load_examples(path: Path) -> list[Example]:
    """Every NLU example of a YAML file, or of all YAML files under a folder, in file order."""
    path = path if path.is_absolute() else ROOT / path
    if path.is_file():
        return _load_file(path)
    if not path.is_dir():
        raise EvaluationDataError(f"{_shown(path)}: no such file or folder")
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
    if not files:
        raise EvaluationDataError(f"{_shown(path)}: no .yml files in this folder")
    return [example for file in files for example in _load_file(file)]


def load_test_set(path: Path, known_labels: set[str] | None = None) -> TestSet:
    """A test set folder; with `known_labels` (the training labels), a label the model cannot predict is an error."""
    path = path if path.is_absolute() else ROOT / path
    examples = load_examples(path)
    if not examples:
        raise EvaluationDataError(f"{_shown(path)}: the test set has no examples")
    if known_labels is not None:
        for example in examples:
            if example.label not in known_labels:
                raise EvaluationDataError(
                    f"{example.source}: intent {example.label}: not a label of the training data "
                    f"({_shown(TRAINING_DATA)}); the model cannot predict it"
                )
    return TestSet(_shown(path), tuple(examples))


def write_nlu_yaml(examples: Sequence[tuple[str, str]], path: Path) -> None:
    """Write (text, full label) examples as a Rasa NLU training file (for the cross-validation folds)."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for text, label in examples:
        by_label[label].append(text)

    class Literal(str):
        pass

    class LiteralDumper(yaml.SafeDumper):
        pass

    LiteralDumper.add_representer(Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|"))
    blocks = [
        {"intent": label, "examples": Literal("".join(f"- {t}\n" for t in texts))} for label, texts in by_label.items()
    ]
    path.write_text(
        yaml.dump({"version": "3.1", "nlu": blocks}, Dumper=LiteralDumper, allow_unicode=True, sort_keys=False)
    )


# --------------------------------------------------------------------------- #
# Sets of items: the clinical bank and the field set

# What a clinical item expects the assistant to do.
EXPECT_RED_FLAG = "red_flag"
EXPECT_CRISIS = "crisis"
EXPECT_BOTH = "crisis+red_flag"
EXPECT_NONE = "none"
EXPECTS = (EXPECT_RED_FLAG, EXPECT_CRISIS, EXPECT_BOTH, EXPECT_NONE)
# The tier a clinical item expects: now (112 / huisarts now), today, within days, or one follow-up question
# (the message lacks the fact that sets the tier).
CLINICAL_TIERS = ("now", "today", "days", "ask")
# The sign ids of the SafetyNet interface (issue 10), `crisis` included: defined once, in common/safety.py.
SIGNS = ALARM_SIGNS


@cache
def contract_topics() -> dict[str, tuple[str, ...]]:
    """The topic ids of contract/topics.yml, by section (faq, safety, recommendations, conversation)."""
    try:
        document = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
        return {section: tuple(ids) for section, ids in document.items()}
    except (OSError, yaml.YAMLError, AttributeError, TypeError) as error:
        raise EvaluationDataError(f"{_shown(CONTRACT)}: cannot be read as the topic contract: {error}") from error


def _topic_id(value: Any) -> str:
    known = [topic for ids in contract_topics().values() for topic in ids]
    if value not in known:
        raise ValueError(f"must be a topic id of {_shown(CONTRACT)}, got {value!r}")
    return str(value)


class ClinicalItemSchema(Schema):
    text: str
    expect: str
    sign: str
    tier: str | None = None
    context: str

    _texts = checked("text", "context", check=non_empty_text)
    _expect = checked("expect", check=one_of(EXPECTS))
    _sign = checked("sign", check=one_of(SIGNS))
    _tier = checked("tier", check=lambda value: value if value is None else one_of(CLINICAL_TIERS)(value))


class ClinicalFile(Schema):
    """The schema of one file of a clinical bank."""

    items: tuple[ClinicalItemSchema, ...]

    _items = checked("items", check=non_empty_list)

    def cross_checks(self) -> list[Problem]:
        problems: list[Problem] = []
        for index, item in enumerate(self.items):
            needs_tier = item.expect in (EXPECT_RED_FLAG, EXPECT_BOTH)
            if needs_tier and item.tier is None:
                problems.append((f"items[{index}].tier", f"missing: an `expect: {item.expect}` item needs its tier"))
            if not needs_tier and item.tier is not None:
                problems.append((f"items[{index}].tier", f"an `expect: {item.expect}` item has no medical tier"))
        return problems


class FieldItemSchema(Schema):
    text: str
    topic: str
    kind: str

    _texts = checked("text", "kind", check=non_empty_text)
    _topic = checked("topic", check=_topic_id)


class FieldFile(Schema):
    """The schema of one file of a field set."""

    items: tuple[FieldItemSchema, ...]

    _items = checked("items", check=non_empty_list)


@dataclass(frozen=True)
class ClinicalItem:
    text: str
    expect: str  # red_flag | crisis | crisis+red_flag | none
    sign: str  # the sign; for a near miss, the sign it resembles
    tier: str | None  # now | today | days | ask; None for crisis and near misses
    context: str
    source: str  # the file, relative to the repository where possible
    index: int = 0  # the item's position in its file

    @property
    def where(self) -> str:
        """Where the item is (`tests/clinical/fever.yml items[3]`): reports name blind items, never copy them."""
        return f"{self.source} items[{self.index}]"


@dataclass(frozen=True)
class FieldItem:
    text: str
    topic: str  # the topic id of the answer expected
    kind: str
    source: str
    index: int = 0

    @property
    def where(self) -> str:
        """Where the item is (`tests/field/faq.yml items[3]`): reports name blind items, never copy them."""
        return f"{self.source} items[{self.index}]"


@dataclass(frozen=True)
class ClinicalBank:
    name: str
    items: tuple[ClinicalItem, ...]

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items]


@dataclass(frozen=True)
class FieldSet:
    name: str
    items: tuple[FieldItem, ...]

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items]


AnySet = TestSet | ClinicalBank | FieldSet


def _yaml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise EvaluationDataError(f"{_shown(path)}: no such file or folder")
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
    if not files:
        raise EvaluationDataError(f"{_shown(path)}: no .yml files in this folder")
    return files


def _load_items(path: Path, schema: type[ClinicalFile] | type[FieldFile]) -> list[tuple[Any, str, int]]:
    items = []
    for file in _yaml_files(path):
        try:
            loaded = load_data_file(file, schema)
        except DataFileError as error:
            raise EvaluationDataError(str(error)) from error
        items += [(item, _shown(file), index) for index, item in enumerate(loaded.items)]
    return items


def load_clinical_bank(path: Path = CLINICAL) -> ClinicalBank:
    """A clinical bank folder (or file); an error names the file and the field."""
    path = path if path.is_absolute() else ROOT / path
    items = [
        ClinicalItem(item.text, item.expect, item.sign, item.tier, item.context, source, index)
        for item, source, index in _load_items(path, ClinicalFile)
    ]
    return ClinicalBank(_shown(path), tuple(items))


def load_field_set(path: Path = FIELD) -> FieldSet:
    """A field set folder (or file); an error names the file and the field."""
    path = path if path.is_absolute() else ROOT / path
    items = [
        FieldItem(item.text, item.topic, item.kind, source, index)
        for item, source, index in _load_items(path, FieldFile)
    ]
    return FieldSet(_shown(path), tuple(items))


def set_format(path: Path) -> str:
    """`nlu`, `clinical` or `field`: the format of a set folder, from its first YAML file."""
    path = path if path.is_absolute() else ROOT / path
    first = _yaml_files(path)[0]
    try:
        document = yaml.safe_load(first.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EvaluationDataError(f"{_shown(first)}: not valid YAML: {error}") from error
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        keys = {key for item in document["items"] if isinstance(item, dict) for key in item}
        if "expect" in keys:
            return "clinical"
        if "topic" in keys:
            return "field"
        raise EvaluationDataError(
            f"{_shown(first)}: items: neither a clinical bank (items with `expect`) nor a field set (with `topic`)"
        )
    return "nlu"


def load_any_set(path: Path, known_labels: set[str] | None = None) -> AnySet:
    """The set in a folder, in whichever of the three formats it is written (`set_format`)."""
    kind = set_format(path)
    if kind == "clinical":
        return load_clinical_bank(path)
    if kind == "field":
        return load_field_set(path)
    return load_test_set(path, known_labels)
