"""Test sets and training examples, as (text, label) pairs.

A test set is a folder of Rasa NLU YAML files (`version: "3.1"`, `nlu:` blocks with `intent:` and
`examples:`), the format of tests/heldout/. Any folder in that format can be evaluated, e.g. a blind field set
outside data/. A label is the FAQ topic for an FAQ example (`faq/<id>`) and the intent otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from evaluation.models import ROOT

TRAINING_DATA = ROOT / "data" / "nlu"
HELDOUT = ROOT / "tests" / "heldout"
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
