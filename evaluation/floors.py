"""The floors `make test` enforces on the test sets, one file per set, and their check.

tests/heldout_floors.yml (the held-out set), tests/clinical_floors.yml and tests/clinical_r2_floors.yml to
tests/clinical_r5_floors.yml (the five clinical banks) and tests/field_floors.yml (the field set). Each file names its
test set and, per measure of `evaluation.metrics.MEASURES`, the lowest value allowed (`at_least`) or, for rates that
must stay low, the highest (`at_most`):

    set: tests/heldout
    at_least:
      intent_accuracy: 0.91
    at_most:
      false_alarm_rate: 0.02
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evaluation.metrics import MEASURES
from evaluation.models import ROOT
from evaluation.sets import CLINICAL_BANKS, EvaluationDataError

FLOORS = ROOT / "tests" / "heldout_floors.yml"
FIELD_FLOORS = ROOT / "tests" / "field_floors.yml"
# One floors file per clinical bank of evaluation.sets.CLINICAL_BANKS, beside it: tests/clinical_r5_floors.yml.
FLOOR_FILES = (FLOORS, *(bank.with_name(f"{bank.name}_floors.yml") for bank in CLINICAL_BANKS), FIELD_FLOORS)
# How many messages a measure counts, by the key of the results that holds it (the first one present):
# "one item" of a measure is 1 / that number.
_COUNTED_BY = {
    "red_flag_recall": ("n_alarm", "n_safety"),
    "red_flag_exact_tier": ("n_safety",),
    "exact_tier": ("n_tier",),
    "under_triage_rate": ("n_tier",),
    "crisis_recall": ("n_crisis",),
    "false_alarm_rate": ("n_none", "n_other"),
    "faq_selection_accuracy": ("n_faq",),
    "faq_answered_correctly": ("n_faq",),
    "faq_confidently_wrong_rate": ("n_faq",),
    "not_covered_rate": ("n_covered",),
    "oos_recall": ("n_oos",),
    "oos_precision": ("n_oos_answered",),
}


@dataclass(frozen=True)
class Floor:
    measure: str
    bound: float
    at_most: bool = False  # False: the value must be >= bound; True: <= bound

    def holds(self, value: float | None) -> bool:
        if value is None:
            return False
        return value <= self.bound if self.at_most else value >= self.bound

    def describe(self, value: float | None) -> str:
        shown = "not measured (no such messages in the set)" if value is None else f"{value:.3f}"
        relation = "at most" if self.at_most else "at least"
        return f"{self.measure} = {shown}, must be {relation} {self.bound:.3f} ({MEASURES[self.measure]})"


@dataclass(frozen=True)
class Floors:
    set: str  # the test set folder the floors are for, relative to the repository
    floors: tuple[Floor, ...]
    source: str


def load_floors(path: Path = FLOORS) -> Floors:
    """Read and validate a floors file; an error names the file and the field."""
    shown = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EvaluationDataError(f"{shown}: cannot be read: {error}") from error
    if not isinstance(document, dict):
        raise EvaluationDataError(f"{shown}: expected a mapping with set, at_least and at_most")
    unknown = set(document) - {"set", "at_least", "at_most"}
    if unknown:
        raise EvaluationDataError(f"{shown}: {sorted(unknown)[0]}: unknown field (set, at_least, at_most)")
    if not isinstance(document.get("set"), str):
        raise EvaluationDataError(f"{shown}: set: missing (the test set folder, e.g. tests/heldout)")
    floors = []
    for section, at_most in (("at_least", False), ("at_most", True)):
        entries: Any = document.get(section) or {}
        if not isinstance(entries, dict):
            raise EvaluationDataError(f"{shown}: {section}: expected a mapping of measure: value")
        for name, bound in entries.items():
            if name not in MEASURES:
                raise EvaluationDataError(f"{shown}: {section}.{name}: unknown measure (known: {', '.join(MEASURES)})")
            if isinstance(bound, bool) or not isinstance(bound, int | float) or not 0.0 <= bound <= 1.0:
                raise EvaluationDataError(f"{shown}: {section}.{name}: expected a number from 0 to 1, got {bound!r}")
            floors.append(Floor(name, float(bound), at_most))
    if not floors:
        raise EvaluationDataError(f"{shown}: at_least: no floors at all")
    return Floors(document["set"], tuple(floors), shown)


def check(floors: Floors, results: dict[str, Any]) -> list[tuple[Floor, float | None, bool]]:
    """(floor, measured value, holds) for every floor, in the file's order."""
    return [(floor, results.get(floor.measure), floor.holds(results.get(floor.measure))) for floor in floors.floors]


def counted(measure: str, results: dict[str, Any]) -> int | None:
    """How many messages `measure` counts in `results` (None when the results do not say)."""
    for key in _COUNTED_BY.get(measure, ()) + ("n",):
        if isinstance(results.get(key), int):
            return int(results[key])
    return None


def suggested_floors(results: dict[str, Any]) -> list[tuple[Floor, float, int | None]]:
    """For every measure of `results`: the floor at today's value minus one item, the value and its count.

    A rate (a measure named `*_rate`) gets a ceiling (`at_most`), every other measure a floor; the bound is the
    value one message worse, rounded to 3 decimals towards the value, so it never allows more than one item.
    """
    suggestions = []
    for name in MEASURES:
        value = results.get(name)
        if not isinstance(value, int | float):
            continue
        n = counted(name, results)
        step = 1 / n if n else 0.0
        at_most = name.endswith("_rate")
        if at_most:
            bound = min(1.0, math.floor((value + step) * 1000 + 1e-9) / 1000)
        else:
            bound = max(0.0, math.ceil((value - step) * 1000 - 1e-9) / 1000)
        suggestions.append((Floor(name, bound, at_most), float(value), n))
    return suggestions


def today_floor(value: float, at_most: bool) -> float:
    """A bound at today's value, rounded to 3 decimals so that today's value meets it."""
    return math.ceil(value * 1000 - 1e-9) / 1000 if at_most else math.floor(value * 1000 + 1e-9) / 1000
