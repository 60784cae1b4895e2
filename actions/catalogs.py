"""Product and exercise catalogs: YAML data, loaded once and validated at load.

The catalogs live next to this module in ``catalogs/products.yml`` and
``catalogs/exercises.yml`` (found relative to the code, not the working
directory). Adding a product or an exercise is a YAML edit only. Every problem
raises :class:`CatalogError` with the file, the entry and the field named.

This module is framework-free: no rasa_sdk import.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATALOG_DIR = Path(__file__).parent / "catalogs"
PRODUCTS_FILE = "products.yml"
EXERCISES_FILE = "exercises.yml"

GOALS = ("mobiliteit", "kracht", "ontspanning")
PHASES = ("acuut", "subacuut", "chronisch")
# Every phase needs this many exercises that are safe even with pain below the
# knee, so the recommender can always offer a safe set of 3 to 4.
MIN_SAFE_PER_PHASE = 3

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogError(ValueError):
    """A catalog file is missing, unreadable or invalid.

    Attributes:
        file: The catalog file (path as given to the loader).
        entry: The entry concerned, e.g. ``"exercise #3 (id 'bird_dog')"``, or None.
        field: The field concerned, or None.
        problem: What is wrong, in plain words.
    """

    def __init__(
        self,
        file: Path | str,
        problem: str,
        *,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file)
        self.entry = entry
        self.field = field
        self.problem = problem
        where = [self.file]
        if entry:
            where.append(entry)
        if field:
            where.append(f"field '{field}'")
        super().__init__(f"{': '.join(where)}: {problem}")


@dataclass(frozen=True)
class Product:
    """A product of the shop, as described in ``products.yml``."""

    id: str
    name: str
    description: str
    price: float
    currency: str
    offer: str | None
    fits_when: str
    not_for: str
    url: str
    url_is_placeholder: bool

    @property
    def price_label(self) -> str:
        """The price as the article writes it, e.g. ``"53.10 kr"``."""
        return f"{self.price:.2f} {self.currency}"


@dataclass(frozen=True)
class Exercise:
    """An exercise, as described in ``exercises.yml``."""

    id: str
    name: str
    goal: str
    phases: tuple[str, ...]
    radiating_ok: bool
    below_knee_ok: bool
    steps: tuple[str, ...]
    dose: str
    stop_if: str
    not_for: str

    @property
    def numbered_steps(self) -> tuple[str, ...]:
        """The steps prefixed with their number: ``("1. ...", "2. ...")``."""
        return tuple(f"{i}. {step}" for i, step in enumerate(self.steps, start=1))


# --------------------------------------------------------------------------- #
# Field checkers: each returns the converted value or raises _FieldProblem.


class _FieldProblem(Exception):
    pass


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _FieldProblem(f"must be a non-empty text, got {value!r}")
    return value.strip()


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise _FieldProblem(f"must be lowercase letters, digits and '_' (starting with a letter), got {value!r}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _FieldProblem(f"must be true or false, got {value!r}")
    return value


def _price(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _FieldProblem(f"must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise _FieldProblem(f"must be a positive number, got {value!r}")
    return float(value)


def _url(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^https?://\S+$", text):
        raise _FieldProblem(f"must be an http(s) URL, got {value!r}")
    return text


def _goal(value: Any) -> str:
    if value not in GOALS:
        raise _FieldProblem(f"must be one of {', '.join(GOALS)}, got {value!r}")
    return value


def _phases(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _FieldProblem(f"must be a non-empty list of phases, got {value!r}")
    for phase in value:
        if phase not in PHASES:
            raise _FieldProblem(f"unknown phase {phase!r}; allowed: {', '.join(PHASES)}")
    if len(set(value)) != len(value):
        raise _FieldProblem(f"lists a phase twice: {value!r}")
    return tuple(value)


def _steps(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _FieldProblem(f"must be a non-empty list of steps, got {value!r}")
    steps = []
    for number, step in enumerate(value, start=1):
        if not isinstance(step, str) or not step.strip():
            raise _FieldProblem(f"step {number} must be a non-empty text, got {step!r}")
        steps.append(step.strip())
    return tuple(steps)


_Schema = dict[str, Callable[[Any], Any]]

_PRODUCT_SCHEMA: _Schema = {
    "id": _identifier,
    "name": _text,
    "description": _text,
    "price": _price,
    "currency": _text,
    "offer": _optional_text,
    "fits_when": _text,
    "not_for": _text,
    "url": _url,
    "url_is_placeholder": _boolean,
}

_EXERCISE_SCHEMA: _Schema = {
    "id": _identifier,
    "name": _text,
    "goal": _goal,
    "phases": _phases,
    "radiating_ok": _boolean,
    "below_knee_ok": _boolean,
    "steps": _steps,
    "dose": _text,
    "stop_if": _text,
    "not_for": _text,
}


# --------------------------------------------------------------------------- #
# Loading


def _read_entries(path: Path, key: str, kind: str) -> list[dict[str, Any]]:
    """Read ``path`` and return the list under top-level ``key``."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(path, f"cannot read the file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise CatalogError(path, f"invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or key not in data:
        raise CatalogError(path, f"must be a mapping with a top-level '{key}' list")
    extra = sorted(set(data) - {key})
    if extra:
        raise CatalogError(path, f"unknown top-level key(s): {', '.join(map(str, extra))}")
    entries = data[key]
    if not isinstance(entries, list) or not entries:
        raise CatalogError(path, f"'{key}' must be a non-empty list")
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise CatalogError(path, f"must be a mapping of fields, got {entry!r}", entry=f"{kind} #{index}")
    return entries


def _build(path: Path, entries: list[dict[str, Any]], kind: str, schema: _Schema, cls):
    """Validate ``entries`` against ``schema`` and build ``cls`` instances."""
    items = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        label = f"{kind} #{index}"
        if isinstance(entry.get("id"), str):
            label += f" (id '{entry['id']}')"
        for field in entry:
            if field not in schema:
                raise CatalogError(
                    path,
                    f"unknown field; allowed: {', '.join(schema)}",
                    entry=label,
                    field=str(field),
                )
        values = {}
        for field, check in schema.items():
            if field not in entry:
                raise CatalogError(path, "missing field", entry=label, field=field)
            try:
                values[field] = check(entry[field])
            except _FieldProblem as problem:
                raise CatalogError(path, str(problem), entry=label, field=field) from None
        if values["id"] in seen:
            raise CatalogError(
                path,
                f"duplicate id, already used by {seen[values['id']]}",
                entry=label,
                field="id",
            )
        seen[values["id"]] = label
        items.append((label, cls(**values)))
    return items


@functools.cache
def _load_products_cached(directory: Path) -> tuple[Product, ...]:
    path = directory / PRODUCTS_FILE
    entries = _read_entries(path, "products", "product")
    return tuple(item for _, item in _build(path, entries, "product", _PRODUCT_SCHEMA, Product))


@functools.cache
def _load_exercises_cached(directory: Path) -> tuple[Exercise, ...]:
    path = directory / EXERCISES_FILE
    entries = _read_entries(path, "exercises", "exercise")
    built = _build(path, entries, "exercise", _EXERCISE_SCHEMA, Exercise)
    for label, exercise in built:
        if exercise.below_knee_ok and not exercise.radiating_ok:
            raise CatalogError(
                path,
                "below_knee_ok: true requires radiating_ok: true",
                entry=label,
                field="below_knee_ok",
            )
    exercises = tuple(exercise for _, exercise in built)
    for phase in PHASES:
        safe = [e for e in exercises if phase in e.phases and e.below_knee_ok]
        if len(safe) < MIN_SAFE_PER_PHASE:
            raise CatalogError(
                path,
                f"phase '{phase}' needs at least {MIN_SAFE_PER_PHASE} exercises with "
                f"below_knee_ok: true, found {len(safe)}",
                field="phases",
            )
    return exercises


def _resolve(directory: Path | str | None) -> Path:
    return (Path(directory) if directory is not None else CATALOG_DIR).resolve()


def load_products(directory: Path | str | None = None) -> tuple[Product, ...]:
    """Load and validate the products, once per directory.

    Args:
        directory: Folder holding ``products.yml``; defaults to the catalogs
            next to this module.

    Returns:
        The products, in file order.

    Raises:
        CatalogError: The file is missing or invalid.
    """
    return _load_products_cached(_resolve(directory))


def load_exercises(directory: Path | str | None = None) -> tuple[Exercise, ...]:
    """Load and validate the exercises, once per directory.

    Besides each field, checks that ids are unique, that ``below_knee_ok``
    implies ``radiating_ok``, and that every phase has at least
    ``MIN_SAFE_PER_PHASE`` exercises that are safe below the knee.

    Args:
        directory: Folder holding ``exercises.yml``; defaults to the catalogs
            next to this module.

    Returns:
        The exercises, in file order (which is the recommender's priority).

    Raises:
        CatalogError: The file is missing or invalid.
    """
    return _load_exercises_cached(_resolve(directory))


def load_catalogs(
    directory: Path | str | None = None,
) -> tuple[tuple[Product, ...], tuple[Exercise, ...]]:
    """Load both catalogs; call at start-up to fail fast on a bad file."""
    return load_products(directory), load_exercises(directory)


def get_product(product_id: str, directory: Path | str | None = None) -> Product:
    """Return the product with ``product_id``.

    Raises:
        KeyError: No product has that id.
    """
    for product in load_products(directory):
        if product.id == product_id:
            return product
    raise KeyError(product_id)


def get_exercise(exercise_id: str, directory: Path | str | None = None) -> Exercise:
    """Return the exercise with ``exercise_id``.

    Raises:
        KeyError: No exercise has that id.
    """
    for exercise in load_exercises(directory):
        if exercise.id == exercise_id:
            return exercise
    raise KeyError(exercise_id)


def clear_cache() -> None:
    """Forget loaded catalogs (for tests that edit a catalog in place)."""
    _load_products_cached.cache_clear()
    _load_exercises_cached.cache_clear()
