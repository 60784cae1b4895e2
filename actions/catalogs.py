"""Product and exercise catalogs: YAML data, loaded once and validated at load.

The catalogs live next to this module in ``catalogs/products.yml`` and
``catalogs/exercises.yml`` (found relative to the code, not the working
directory). Adding a product or an exercise is a YAML edit only. Every problem
raises :class:`CatalogError` (the project's one :class:`~common.data_files.DataFileError`)
naming the file and the field, e.g.
``actions/catalogs/exercises.yml: exercises[2].goal: must be one of ... (entry id 'kat_koe')``.

This module is framework-free: no rasa_sdk import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic

from common import data_files
from common.data_files import (
    DataFileError,
    Problem,
    Schema,
    boolean,
    checked,
    http_url,
    identifier,
    load_data_file,
    non_empty_list,
    non_empty_mapping,
    one_of,
    optional_text,
    positive_number,
    text,
)

CATALOG_DIR = Path(__file__).parent / "catalogs"
PRODUCTS_FILE = "products.yml"
EXERCISES_FILE = "exercises.yml"

GOALS = ("mobiliteit", "kracht", "ontspanning")
PHASES = ("acuut", "subacuut", "chronisch")
# What the questionnaire asks about besides the radiation (slot ``contra_indicaties``), and what an
# exercise's ``not_with`` may list: osteoporosis or a suspected vertebral fracture (no loaded flexion),
# pregnancy (no lying on the back or belly beyond early pregnancy), back surgery in the past year (walking
# only, the surgeon's or physiotherapist's plan first), a hip replacement (no deep hip flexion or rotation).
CONTRAINDICATIONS = ("osteoporose", "zwangerschap", "rugoperatie", "heupprothese")
# Every phase needs this many exercises that are safe even with pain below the
# knee, so the recommender can always offer a safe set of 3 to 4.
MIN_SAFE_PER_PHASE = 3
# Every phase needs at least this many exercises that are safe below the knee and list no contraindication,
# so that every combination of answers still gets an exercise (walking).
MIN_SAFE_FOR_ALL_PER_PHASE = 1

# The one error type of the project's data files, under the name this module has always used.
CatalogError = DataFileError


def currency_code(value: Any) -> str:
    """An ISO 4217 currency code: three capital letters (``DKK``, ``EUR``)."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"must be an ISO currency code of three capital letters such as DKK or EUR, got {value!r}")
    return value


def a_list(value: Any) -> list[Any] | tuple[Any, ...]:
    """A list, possibly empty (or a tuple, when built in Python); its items are checked by the field's type."""
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list (may be empty: []), got {value!r}")
    return value


def _each_once(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"lists an entry twice: {list(values)!r}")
    return values


def decimal_comma(amount: float) -> str:
    """An amount as Dutch writes it: ``53.1`` -> ``"53,10"``."""
    return f"{amount:.2f}".replace(".", ",")


class Product(Schema):
    """A product of the shop, as described in ``products.yml``."""

    id: str
    name: str
    description: str
    price: float
    currency: str
    offer: str | None = pydantic.Field(...)  # required, may be null
    fits_when: str
    not_for: str
    url: str
    url_is_placeholder: bool

    _id = checked("id", check=identifier)
    _texts = checked("name", "description", "fits_when", "not_for", check=text)
    _currency = checked("currency", check=currency_code)
    _price = checked("price", check=positive_number)
    _offer = checked("offer", check=optional_text)
    _url = checked("url", check=http_url)
    _flags = checked("url_is_placeholder", check=boolean)


class Exercise(Schema):
    """An exercise, as described in ``exercises.yml``."""

    id: str
    name: str
    goal: str
    phases: tuple[str, ...]
    radiating_ok: bool
    below_knee_ok: bool
    not_with: tuple[str, ...]
    steps: tuple[str, ...]
    dose: str
    stop_if: str
    not_for: str

    _id = checked("id", check=identifier)
    _texts = checked("name", "dose", "stop_if", "not_for", check=text)
    _goal = checked("goal", check=one_of(GOALS))
    _lists = checked("phases", "steps", check=non_empty_list)
    _phase = checked("phases", check=one_of(PHASES), each_item=True)
    _step = checked("steps", check=text, each_item=True)
    _flags = checked("radiating_ok", "below_knee_ok", check=boolean)
    _not_with = checked("not_with", check=a_list)
    _not_with_item = checked("not_with", check=one_of(CONTRAINDICATIONS), each_item=True)

    @pydantic.validator("phases")
    def _each_phase_once(cls, phases: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(phases)) != len(phases):
            raise ValueError(f"lists a phase twice: {list(phases)!r}")
        return phases

    @pydantic.validator("not_with")
    def _each_contraindication_once(cls, not_with: tuple[str, ...]) -> tuple[str, ...]:
        return _each_once(not_with)

    @property
    def numbered_steps(self) -> tuple[str, ...]:
        """The steps prefixed with their number: ``("1. ...", "2. ...")``."""
        return tuple(f"{i}. {step}" for i, step in enumerate(self.steps, start=1))


def _duplicate_ids(key: str, ids: Iterable[str]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, entry_id in enumerate(ids):
        if entry_id in seen:
            problems.append(
                (f"{key}[{index}].id", f"duplicate id {entry_id!r}, already used by {key}[{seen[entry_id]}]")
            )
        seen.setdefault(entry_id, index)
    return problems


class ProductCatalog(Schema):
    """The schema of ``products.yml``."""

    # What the product answer says instead of an offer when a product has none.
    no_offer_label: str
    # What the answer says instead of the link while the link is a placeholder.
    no_link_label: str
    # The name of every currency a price is in, by ISO code: {"DKK": "Deense kronen"}.
    currencies: dict[str, str]
    products: tuple[Product, ...]

    _label = checked("no_offer_label", "no_link_label", check=text)
    _currencies = checked("currencies", check=non_empty_mapping)
    _currency_names = checked("currencies", check=text, each_item=True)
    _products = checked("products", check=non_empty_list)

    def cross_checks(self) -> list[Problem]:
        problems = _duplicate_ids("products", (p.id for p in self.products))
        problems += [
            ("currencies", f"key {code!r}: must be an ISO currency code of three capital letters")
            for code in self.currencies
            if not re.fullmatch(r"[A-Z]{3}", code)
        ]
        for index, product in enumerate(self.products):
            if product.currency not in self.currencies:
                problems.append(
                    (
                        f"products[{index}].currency",
                        f"{product.currency!r} has no name under currencies (entry id {product.id!r})",
                    )
                )
        return problems

    def offer_label(self, product: Product) -> str:
        """The product's offer, or the catalog's words for "no offer"."""
        return product.offer or self.no_offer_label

    def price_label(self, product: Product) -> str:
        """The price with its currency spelled out: ``"53,10 Deense kronen (DKK)"``."""
        return f"{decimal_comma(product.price)} {self.currencies[product.currency]} ({product.currency})"

    def link_label(self, product: Product) -> str:
        """The product's link, or the catalog's words for where to find it while the link is a placeholder."""
        return self.no_link_label if product.url_is_placeholder else product.url


class ExerciseCatalog(Schema):
    """The schema of ``exercises.yml``."""

    exercises: tuple[Exercise, ...]

    _exercises = checked("exercises", check=non_empty_list)

    def cross_checks(self) -> list[Problem]:
        problems = _duplicate_ids("exercises", (e.id for e in self.exercises))
        for index, exercise in enumerate(self.exercises):
            if exercise.below_knee_ok and not exercise.radiating_ok:
                problems.append(
                    (
                        f"exercises[{index}].below_knee_ok",
                        f"below_knee_ok: true requires radiating_ok: true (entry id {exercise.id!r})",
                    )
                )
        for phase in PHASES:
            safe = [e for e in self.exercises if phase in e.phases and e.below_knee_ok]
            if len(safe) < MIN_SAFE_PER_PHASE:
                problems.append(
                    (
                        "exercises",
                        f"phase '{phase}' needs at least {MIN_SAFE_PER_PHASE} exercises with "
                        f"below_knee_ok: true, found {len(safe)}",
                    )
                )
            for_all = [e for e in safe if not e.not_with]
            if len(for_all) < MIN_SAFE_FOR_ALL_PER_PHASE:
                problems.append(
                    (
                        "exercises",
                        f"phase '{phase}' needs at least {MIN_SAFE_FOR_ALL_PER_PHASE} exercise with "
                        f"below_knee_ok: true and not_with: [], found {len(for_all)}",
                    )
                )
        return problems


def _directory(directory: Path | str | None) -> Path:
    return Path(directory) if directory is not None else CATALOG_DIR


def load_product_catalog(directory: Path | str | None = None) -> ProductCatalog:
    """Load and validate ``products.yml`` once per directory (default: the catalogs next to this module).

    Raises:
        CatalogError: The file is missing or invalid.
    """
    return load_data_file(_directory(directory) / PRODUCTS_FILE, ProductCatalog)


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
    return load_product_catalog(directory).products


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
    return load_data_file(_directory(directory) / EXERCISES_FILE, ExerciseCatalog).exercises


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


def offer_label(product: Product, directory: Path | str | None = None) -> str:
    """The product's offer as the answers show it; the catalog's words when it has none."""
    return load_product_catalog(directory).offer_label(product)


def price_label(product: Product, directory: Path | str | None = None) -> str:
    """The product's price as the answers show it: ``"53,10 Deense kronen (DKK)"``."""
    return load_product_catalog(directory).price_label(product)


def link_label(product: Product, directory: Path | str | None = None) -> str:
    """The product's link as the answers show it; the catalog's words while it is a placeholder."""
    return load_product_catalog(directory).link_label(product)


def clear_cache() -> None:
    """Forget loaded catalogs (for tests that edit a catalog in place)."""
    data_files.clear_cache()
