"""The one loader of the project's YAML data: read once, validated, errors that name the file and the field.

Every data file has a schema, a subclass of :class:`Schema` (pydantic 1.10, the version Rasa 3.6
pins): the catalogs in ``actions/catalogs/`` and the alarm-sign lexicon ``assistant/alarm_signs.yml``.
:func:`load_data_file` reads a file, validates it against its schema and returns the schema instance,
once per file. Every problem raises :class:`DataFileError`, whose message names the file and the
field, one line per problem::

    actions/catalogs/products.yml: products[0].prijs: unknown field; allowed: id, name, ... (entry id 'rugbrace')

List positions count from 0, as in the field paths of pydantic and JSON.

Framework-free: no rasa or rasa_sdk import.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml
from pydantic.fields import SHAPE_SINGLETON

REPO_ROOT = Path(__file__).resolve().parent.parent

# A problem found in a file: where (a field path such as "products[0].price", or None for the whole
# file) and what is wrong.
Problem = tuple[str | None, str]

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_URL = re.compile(r"^https?://\S+$")


class DataFileError(ValueError):
    """A data file is missing, unreadable or does not match its schema.

    Attributes:
        file: The file, relative to the repository when it lies inside it.
        field: Where the first problem is, e.g. ``"products[0].price"``; None when it concerns the whole file.
        problem: The first problem, in plain words.
        problems: Every problem found, as ``(field, problem)`` pairs, in file order.
    """

    def __init__(self, file: Path | str, field: str | None, problem: str, *, more: Iterable[Problem] = ()) -> None:
        self.file = display_path(file)
        self.field = field
        self.problem = problem
        self.problems: tuple[Problem, ...] = ((field, problem), *more)
        super().__init__(
            "\n".join(
                f"{self.file}: {where}: {what}" if where else f"{self.file}: {what}" for where, what in self.problems
            )
        )


def display_path(file: Path | str) -> str:
    """The file as messages name it: relative to the repository when inside it, else as given."""
    path = Path(file)
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


class Schema(pydantic.BaseModel):
    """Base of every data-file schema: unknown fields are errors, loaded data cannot be changed."""

    class Config:
        extra = pydantic.Extra.forbid
        frozen = True

    def cross_checks(self) -> Iterable[Problem]:
        """Problems that concern several fields or entries (unique ids, ...), found after validation."""
        return ()


SchemaT = TypeVar("SchemaT", bound=Schema)


def load_data_file(path: Path | str, schema: type[SchemaT]) -> SchemaT:
    """Read, validate and return the data file at ``path``, once per file and schema.

    Args:
        path: The YAML file. Callers find their files with ``Path(__file__).parent``, never the working
            directory.
        schema: The file's schema; its fields are the file's top-level keys.

    Returns:
        The validated data (read-only; the same object on every call).

    Raises:
        DataFileError: The file is missing, is not YAML, or does not match the schema.
    """
    loaded = _load_cached(Path(path).resolve(), schema)
    assert isinstance(loaded, schema)
    return loaded


@functools.cache
def _load_cached(path: Path, schema: type[Schema]) -> Schema:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read the file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        keys = ", ".join(schema.__fields__)
        raise DataFileError(path, None, f"must be a mapping with the top-level keys {keys}, got {type(data).__name__}")
    try:
        loaded = schema.parse_obj(data)
    except pydantic.ValidationError as exc:
        problems = [_describe(schema, data, error) for error in exc.errors()]
        raise DataFileError(path, *problems[0], more=problems[1:]) from None
    problems = list(loaded.cross_checks())
    if problems:
        raise DataFileError(path, *problems[0], more=problems[1:])
    return loaded


def clear_cache() -> None:
    """Forget every loaded file (for tests that edit a data file in place)."""
    _load_cached.cache_clear()


# --------------------------------------------------------------------------- #
# Turning pydantic's errors into problems that name the field


def field_path(location: Sequence[str | int]) -> str:
    """``("products", 0, "price")`` -> ``"products[0].price"``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(schema: type[Schema], data: dict[str, Any], error: Mapping[str, Any]) -> Problem:
    location = tuple(part for part in error["loc"] if part != "__root__")
    kind = error["type"]
    if kind == "value_error.missing":
        problem = "missing (a required field)"
    elif kind == "value_error.extra":
        allowed = _schema_at(schema, location[:-1])
        problem = "unknown field" + (f"; allowed: {', '.join(allowed.__fields__)}" if allowed else "")
    else:
        problem = error["msg"]
    entry_id = _entry_id(data, location)
    if entry_id is not None:
        problem += f" (entry id {entry_id!r})"
    return field_path(location) or None, problem


def _schema_at(schema: type[Schema], location: Sequence[str | int]) -> type[Schema] | None:
    """The schema of the mapping at ``location``, or None when it is not a schema."""
    current: type[Schema] | None = schema
    skip_key = False
    for part in location:
        if skip_key:  # a list position or a mapping key of the field before
            skip_key = False
            continue
        field = current.__fields__.get(part) if current is not None and isinstance(part, str) else None
        if field is None:
            return None
        inner = field.type_
        current = inner if isinstance(inner, type) and issubclass(inner, Schema) else None
        skip_key = field.shape != SHAPE_SINGLETON
    return None if skip_key else current


def _entry_id(data: Any, location: Sequence[str | int]) -> str | None:
    """The ``id`` of the innermost list entry on the way to ``location``, when it has one."""
    node, found = data, None
    for part in location:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                found = node["id"]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            break
    return found


# --------------------------------------------------------------------------- #
# Field checks with plain messages; each returns the value to keep or raises ValueError.


def text(value: Any) -> str:
    """A non-empty text, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, got {value!r}")
    return value.strip()


def optional_text(value: Any) -> str | None:
    """A non-empty text, or null."""
    return None if value is None else text(value)


def identifier(value: Any) -> str:
    """An id: lowercase letters, digits and ``_``, starting with a letter."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise ValueError(f"must be lowercase letters, digits and '_' (starting with a letter), got {value!r}")
    return value


def boolean(value: Any) -> bool:
    """``true`` or ``false`` (not "ja", not 1)."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def positive_number(value: Any) -> float:
    """A finite number above 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be a positive number, got {value!r}")
    return float(value)


def whole_number_between(lowest: int, highest: int) -> Callable[[Any], int]:
    """A check that the value is a whole number from ``lowest`` to ``highest`` (a bool is not one)."""

    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
            raise ValueError(f"must be a whole number from {lowest} to {highest}, got {value!r}")
        return value

    return check


def regular_expression(value: Any) -> str:
    """A Python regular expression, given as a string (in YAML: in quotes)."""
    if not isinstance(value, str):
        raise ValueError(f"must be a regular expression in quotes, got {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"{value!r}: {error}") from None
    return value


def http_url(value: Any) -> str:
    """An http(s) URL."""
    url = text(value)
    if not _URL.match(url):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return url


def one_of(allowed: Sequence[str]) -> Callable[[Any], str]:
    """A check that the value is one of ``allowed``."""

    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}, got {value!r}")
        return str(value)

    return check


def non_empty_list(value: Any) -> list[Any] | tuple[Any, ...]:
    """A non-empty list (or tuple, when built in Python); its items are checked by the field's type."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"must be a non-empty list, got {value!r}")
    return value


def non_empty_mapping(value: Any) -> dict[Any, Any]:
    """A non-empty mapping (its values are checked by the field's type)."""
    if not isinstance(value, dict) or not value:
        raise ValueError(f"must be a non-empty mapping, got {value!r}")
    return value


def checked(*fields: str, check: Callable[[Any], Any], each_item: bool = False) -> Any:
    """A schema validator that runs ``check`` on ``fields`` before pydantic's own conversion.

    Usage inside a :class:`Schema`: ``_names = checked("name", "description", check=text)``. With
    ``each_item``, ``check`` runs on every item of a list, and a problem names the item's position.
    """

    def run_check(cls: type[Schema], value: Any) -> Any:
        return check(value)

    # pydantic 1 keeps a field's validators by function name: give each its own.
    run_check.__name__ = f"check_{'_'.join(fields)}_{getattr(check, '__name__', 'value')}{'_each' if each_item else ''}"
    return pydantic.validator(*fields, pre=True, each_item=each_item, allow_reuse=True)(run_check)
