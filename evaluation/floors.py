"""The floors `make test` enforces on a test set (tests/heldout_floors.yml), and their check.

The file names its test set and, per measure of `evaluation.metrics.MEASURES`, the lowest value allowed
(`at_least`) or, for rates that must stay low, the highest (`at_most`):

    set: tests/heldout
    at_least:
      intent_accuracy: 0.91
    at_most:
      false_alarm_rate: 0.02
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evaluation.metrics import MEASURES
from evaluation.models import ROOT
from evaluation.sets import EvaluationDataError

FLOORS = ROOT / "tests" / "heldout_floors.yml"


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
