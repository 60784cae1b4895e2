"""Where every answer comes from, and how long it may be: ``answer_sources.yml`` checked against the article.

``answer_sources.yml`` (next to this module) lists every response of ``domain.yml`` and
``data/responses/*.yml`` with its kind (which length budget holds) and its sources: the parts of the article
``contract/article.txt`` it draws on (a heading with its occurrence, since two headings repeat; the intro
before the first heading; the reviewer's byline; a product block) or a clinical guideline it follows instead.

This module:

* parses the article's outline (:func:`parse_article`), so a source can only name a heading that is there;
* loads and validates the file (:func:`load_answer_sources`; errors name the file and the field);
* renders the ``Bron:`` line an article answer must end with (:meth:`AnswerSources.bron_line`), from the
  file's Dutch display texts (no Dutch in Python);
* counts words and sentences (:func:`count_words`, :func:`split_sentences`) and lists what is wrong with a
  response (:meth:`AnswerSources.problems`);
* prints the table of ``docs/content-review.md`` (``python -m common.answer_sources``).

Counting rules (documented in docs/content-review.md): the ``Bron:`` line is not counted; a word is a
whitespace-separated token with at least one letter or digit (a ``{placeholder}`` counts as one word); a
sentence ends at ``.``, ``!`` or ``?`` followed by white space, or at the end of the text.

Framework-free: no rasa or rasa_sdk import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic
import yaml

from common.data_files import (
    REPO_ROOT,
    DataFileError,
    Problem,
    Schema,
    checked,
    display_path,
    load_data_file,
    non_empty_list,
    non_empty_mapping,
    one_of,
    optional_text,
    text,
)

SOURCES_PATH = Path(__file__).parent / "answer_sources.yml"
ARTICLE_PATH = REPO_ROOT / "contract" / "article.txt"
# Where the responses are: the domain and the retrieval answers (Rasa's own files, read as plain YAML).
RESPONSE_FILES = (REPO_ROOT / "domain.yml", REPO_ROOT / "data" / "responses")

PARTS = ("intro", "byline")  # the article's parts that have no heading
FAQ_PREFIX = "utter_faq/"  # article answers: they end with the Bron line

_WORD = re.compile(r"\S*\w\S*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SENTENCE_FINAL = ".!?:;"


# --------------------------------------------------------------------------- #
# The article's outline


@dataclass(frozen=True)
class Heading:
    """A section heading of the article: its text, which occurrence of that text it is (from 1), its line."""

    text: str
    occurrence: int
    line: int


@dataclass(frozen=True)
class ArticleOutline:
    """What a source may name: the headings, the product blocks, and whether there is an intro and a byline."""

    title: str
    headings: tuple[Heading, ...]
    products: tuple[str, ...]
    has_intro: bool
    has_byline: bool

    def occurrences(self, heading: str) -> int:
        """How often ``heading`` is a heading of the article (0: it is none)."""
        return sum(1 for h in self.headings if h.text == heading)


def _blocks(article: str) -> list[tuple[int, list[str]]]:
    """The paragraphs of the article: (first line number from 1, lines), separated by blank lines."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(article.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current:
                blocks.append((start, current))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def _is_heading(lines: list[str]) -> bool:
    line = lines[0]
    return len(lines) == 1 and line[0].isupper() and line[-1] not in _SENTENCE_FINAL and "|" not in line


def parse_article(article: str, markup: Markup) -> ArticleOutline:
    """The outline of the article as the page shows it.

    The first line is the title (repeated once as the page's H1). A heading is a paragraph of one line that
    starts with a capital and is not a sentence (no final ``.?!:;``) and no byline (``|``); the questions
    inside the FAQ sections end with ``?`` and are part of their section. A product block starts after the
    line ``markup.product_card_start``: its first paragraph is the product's name, and it ends with the line
    ``markup.product_card_end``. The byline is the paragraph with the reviewer's line; the intro is the prose
    before the first heading.
    """
    blocks = _blocks(article)
    if not blocks:
        return ArticleOutline("", (), (), False, False)
    title = blocks[0][1][0]
    headings: list[Heading] = []
    products: list[str] = []
    has_intro = has_byline = False
    in_card = name_next = False
    for start, lines in blocks[1:]:
        if lines == [title]:
            continue
        if any(line.startswith(markup.reviewer_line) for line in lines):
            has_byline = True
        elif lines[-1] == markup.product_card_start:
            in_card = name_next = True
        elif in_card:
            if name_next:
                products.append(lines[0])
                name_next = False
            in_card = lines[-1] != markup.product_card_end
        elif _is_heading(lines):
            occurrence = 1 + sum(1 for h in headings if h.text == lines[0])
            headings.append(Heading(lines[0], occurrence, start))
        elif not headings and lines[-1].endswith("."):
            has_intro = True
    return ArticleOutline(title, tuple(headings), tuple(products), has_intro, has_byline)


# --------------------------------------------------------------------------- #
# The schema of answer_sources.yml


class Markup(Schema):
    """Lines of the article's web page that mark its parts (the page's own words, not ours)."""

    reviewer_line: str
    product_card_start: str
    product_card_end: str

    _texts = checked("reviewer_line", "product_card_start", "product_card_end", check=text)


class Display(Schema):
    """The Dutch words of the ``Bron:`` line: templates with ``{...}`` placeholders."""

    line: str  # {groups}: the article's parts, then the guidelines, joined by "; "
    heading: str  # {heading}: one heading, quoted
    one_heading: str  # {headings}: the phrase for one heading of the article
    many_headings: str  # {headings}: the phrase for several
    heading_labels: dict[str, str] = {}  # a heading shown as a phrase of its own (the Danish "Kilder")
    intro: str
    byline: str
    product: str  # {product}
    clinical: str  # {parts}: the guidelines
    and_word: str
    general_guidance_marker: str  # an answer that mixes the article and a guideline says which is which

    _texts = checked(
        "line",
        "heading",
        "one_heading",
        "many_headings",
        "intro",
        "byline",
        "product",
        "clinical",
        "and_word",
        "general_guidance_marker",
        check=text,
    )

    @pydantic.root_validator(skip_on_failure=True)
    def _placeholders(cls, values: dict[str, Any]) -> dict[str, Any]:
        wanted = {"line": "{groups}", "heading": "{heading}", "one_heading": "{headings}"}
        wanted |= {"many_headings": "{headings}", "product": "{product}", "clinical": "{parts}"}
        for field, placeholder in wanted.items():
            if placeholder not in values[field]:
                raise ValueError(f"display.{field} must contain {placeholder}")
        return values


class Budget(Schema):
    """How long a kind of response may be."""

    min_sentences: int
    max_sentences: int
    max_words: int
    # The first sentence must name one of these (whom to call): alarm answers lead with the action.
    leads_with: tuple[str, ...] = ()
    why: str

    _why = checked("why", check=text)


class Guideline(Schema):
    """A clinical source: its full name (the review) and the words a reader sees in the Bron line."""

    name: str
    shown: str

    _texts = checked("name", "shown", check=text)


class Source(Schema):
    """One source of a response: exactly one of the fields (``occurrence`` only with ``heading``)."""

    heading: str | None = None
    occurrence: int | None = None
    part: str | None = None
    product: str | None = None
    clinical: str | None = None
    assistant: str | None = None  # the assistant's own words: no health or product claim, so no source

    _texts = checked("heading", "product", "clinical", "assistant", check=optional_text)

    @pydantic.validator("part", pre=True)
    def _part(cls, value: Any) -> str | None:
        return None if value is None else one_of(PARTS)(value)

    @pydantic.root_validator(skip_on_failure=True)
    def _exactly_one(cls, values: dict[str, Any]) -> dict[str, Any]:
        given = [key for key in ("heading", "part", "product", "clinical", "assistant") if values.get(key)]
        if len(given) != 1:
            raise ValueError(f"needs exactly one of heading, part, product, clinical, assistant; got {given or 'none'}")
        if values.get("occurrence") is not None and not values.get("heading"):
            raise ValueError("occurrence belongs to a heading")
        if values.get("occurrence") is not None and values["occurrence"] < 1:
            raise ValueError(f"occurrence counts from 1, got {values['occurrence']}")
        return values

    @property
    def from_article(self) -> bool:
        return bool(self.heading or self.part or self.product)

    def key(self) -> str:
        """The source as the review table names it."""
        if self.heading:
            return f"{self.heading} ({self.occurrence or 1})"
        if self.part:
            return self.part
        if self.product:
            return f"product: {self.product}"
        if self.clinical:
            return f"clinical: {self.clinical}"
        return f"assistant: {self.assistant}"


class VariantSources(Schema):
    """The sources of one conditional variant of a response, where they differ from the response's."""

    sources: tuple[Source, ...]
    note: str | None = None

    _sources = checked("sources", check=non_empty_list)
    _note = checked("note", check=optional_text)


class Entry(Schema):
    """One response: its kind (a key of ``budgets``), its sources, and why, where that is not obvious.

    ``variants`` gives the sources of a conditional variant, keyed by its condition as ``slot=value``
    (several joined by ``,``); a variant not listed has the response's sources.
    """

    kind: str
    sources: tuple[Source, ...]
    note: str | None = None
    variants: dict[str, VariantSources] = {}
    # Why a text is over its budget for now, and who fixes it: the review lists it as open. Allowed only
    # while the text is over its budget.
    budget_exception: str | None = None

    _kind = checked("kind", check=text)
    _sources = checked("sources", check=non_empty_list)
    _note = checked("note", check=optional_text)
    _exception = checked("budget_exception", check=optional_text)

    def sources_of(self, condition: str | None) -> tuple[Source, ...]:
        """The sources of the variant with ``condition`` (None: the unconditional one)."""
        variant = self.variants.get(condition) if condition else None
        return variant.sources if variant else self.sources

    def source_lists(self, where: str) -> Iterable[tuple[str, tuple[Source, ...]]]:
        """Every list of sources of the entry with its field path."""
        yield f"{where}.sources", self.sources
        for condition, variant in self.variants.items():
            yield f"{where}.variants.{condition}.sources", variant.sources


class AnswerSourcesFile(Schema):
    """The schema of ``answer_sources.yml``."""

    article_markup: Markup
    display: Display
    budgets: dict[str, Budget]
    clinical: dict[str, Guideline]
    responses: dict[str, Entry]

    _mappings = checked("budgets", "clinical", "responses", check=non_empty_mapping)

    def cross_checks(self) -> list[Problem]:
        problems: list[Problem] = []
        for name, entry in self.responses.items():
            where = f"responses.{name}"
            if entry.kind not in self.budgets:
                problems.append((f"{where}.kind", f"must be one of {', '.join(self.budgets)}, got {entry.kind!r}"))
            for field, sources in entry.source_lists(where):
                for index, source in enumerate(sources):
                    if source.clinical and source.clinical not in self.clinical:
                        problems.append(
                            (
                                f"{field}[{index}].clinical",
                                f"unknown guideline {source.clinical!r}; known: {', '.join(self.clinical)}",
                            )
                        )
                if name.startswith(FAQ_PREFIX) and not any(s.from_article or s.clinical for s in sources):
                    problems.append((field, "an article answer needs an article part or a guideline"))
        return problems


# --------------------------------------------------------------------------- #
# Counting


def strip_bron(text: str, display: Display) -> str:
    """The text without its Bron line (what is counted)."""
    prefix = display.line.split("{", 1)[0]
    return text.split(f"\n\n{prefix}", 1)[0].strip()


def count_words(body: str) -> int:
    """Whitespace-separated tokens with a letter or digit ("112," and "{naam}" count, "–" does not)."""
    return len(_WORD.findall(body))


def split_sentences(body: str) -> list[str]:
    """Sentences end at ``.``, ``!`` or ``?`` followed by white space, or at the end of the text."""
    return [sentence for sentence in _SENTENCE_END.split(body.strip()) if sentence]


def _join(items: list[str], and_word: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {and_word} {items[-1]}"


# --------------------------------------------------------------------------- #
# The file, with the article and the responses


@dataclass(frozen=True)
class AnswerSources:
    """The validated file and the article it was checked against."""

    data: AnswerSourcesFile
    outline: ArticleOutline
    path: Path

    def bron_line(self, name: str, condition: str | None = None) -> str | None:
        """The Bron line of ``name``: its article parts in article order, then its guidelines; None without.

        The headings are named together ("de onderdelen 'A' en 'B' van het artikel"), each text once (a
        repeated heading is one section to a reader); a heading with a label of its own, the intro, the byline
        and the product blocks are phrases of their own.
        """
        sources = self.data.responses[name].sources_of(condition)
        display = self.data.display
        rank = {("heading", h.text): h.line for h in reversed(self.outline.headings)}
        items: dict[str, float] = {}
        headings: dict[str, float] = {}
        for source in sources:
            if source.heading and source.heading in display.heading_labels:
                items.setdefault(display.heading_labels[source.heading], rank.get(("heading", source.heading), 0))
            elif source.heading:
                headings.setdefault(
                    display.heading.format(heading=source.heading), rank.get(("heading", source.heading), 0)
                )
            elif source.part:
                items.setdefault(display.intro if source.part == "intro" else display.byline, -1)
            elif source.product:
                where = self.outline.products.index(source.product) if source.product in self.outline.products else 0
                items.setdefault(display.product.format(product=source.product), 1e6 + where)
        if headings:
            shown = sorted(headings, key=headings.__getitem__)
            template = display.one_heading if len(shown) == 1 else display.many_headings
            items.setdefault(template.format(headings=_join(shown, display.and_word)), min(headings.values()))
        guidelines = list(dict.fromkeys(self.data.clinical[s.clinical].shown for s in sources if s.clinical))
        groups = []
        if items:
            groups.append(_join(sorted(items, key=items.__getitem__), display.and_word))
        if guidelines:
            groups.append(display.clinical.format(parts=_join(guidelines, display.and_word)))
        return display.line.format(groups="; ".join(groups)) if groups else None

    def problems(self, name: str, variants: Iterable[Variant]) -> list[str]:
        """What is wrong with the response ``name`` (its ``variants``): budget, Bron line, marker."""
        entry = self.data.responses.get(name)
        if entry is None:
            return [f"{name}: no entry in {display_path(self.path)} (add its kind and sources)"]
        budget = self.data.budgets[entry.kind]
        display = self.data.display
        variants = tuple(variants)
        problems = [
            f"{name}: variants.{condition} is not a condition of the response"
            for condition in entry.variants
            if condition not in {v.condition for v in variants}
        ]
        over_budget = False
        for index, variant in enumerate(variants):
            where = f"{name}[{index}]" + (f" ({variant.condition})" if variant.condition else "")
            body = strip_bron(variant.text, display)
            words, sentences = count_words(body), split_sentences(body)
            over = []
            if words > budget.max_words:
                over.append(f"{where}: {words} words, the budget of kind {entry.kind!r} is {budget.max_words}")
            if not budget.min_sentences <= len(sentences) <= budget.max_sentences:
                over.append(
                    f"{where}: {len(sentences)} sentences, kind {entry.kind!r} has "
                    f"{budget.min_sentences} to {budget.max_sentences}"
                )
            over_budget = over_budget or bool(over)
            if not entry.budget_exception:
                problems.extend(over)
            if budget.leads_with and sentences and not any(w in sentences[0] for w in budget.leads_with):
                problems.append(f"{where}: the first sentence must say whom to call ({', '.join(budget.leads_with)})")
            if not name.startswith(FAQ_PREFIX):
                continue
            sources = entry.sources_of(variant.condition)
            bron = self.bron_line(name, variant.condition)
            shown = variant.text.strip()[len(body) :].strip() if variant.text.strip().startswith(body) else ""
            if shown != bron:
                problems.append(f"{where}: the Bron line must be {bron!r}, found {shown!r}")
            mixed = any(s.from_article for s in sources) and any(s.clinical for s in sources)
            if mixed and display.general_guidance_marker not in body:
                problems.append(
                    f"{where}: draws on the article and a guideline: say which sentence is "
                    f"{display.general_guidance_marker!r}"
                )
        if entry.budget_exception and not over_budget:
            problems.append(f"{name}: within its budget now: remove its budget_exception")
        return problems


def check_against_article(data: AnswerSourcesFile, outline: ArticleOutline) -> list[Problem]:
    """Every article source names a part the article has (a heading with an occurrence it has)."""
    problems: list[Problem] = []
    for name, entry in data.responses.items():
        for field, sources in entry.source_lists(f"responses.{name}"):
            for index, source in enumerate(sources):
                problem = _article_problem(source, outline)
                if problem:
                    problems.append((f"{field}[{index}].{problem[0]}", problem[1]))
    return problems


def _article_problem(source: Source, outline: ArticleOutline) -> tuple[str, str] | None:
    """(field, problem) when ``source`` names a part the article does not have, else None."""
    if source.heading:
        found = outline.occurrences(source.heading)
        if not found:
            headings = "; ".join(dict.fromkeys(h.text for h in outline.headings))
            return "heading", f"{source.heading!r} is no heading of the article; its headings: {headings}"
        if (source.occurrence or 1) > found:
            return "occurrence", f"{source.heading!r} is a heading {found} time(s), not {source.occurrence}"
        if found > 1 and source.occurrence is None:
            return "occurrence", f"{source.heading!r} repeats: say which (1 to {found})"
    elif source.product and source.product not in outline.products:
        return "product", f"{source.product!r} is no product block; they are: {'; '.join(outline.products)}"
    elif source.part == "intro" and not outline.has_intro:
        return "part", "the article has no intro before its first heading"
    elif source.part == "byline" and not outline.has_byline:
        return "part", "the article has no reviewer's byline"
    return None


@lru_cache(maxsize=4)
def load_answer_sources(path: Path = SOURCES_PATH, article_path: Path = ARTICLE_PATH) -> AnswerSources:
    """Load the file once and check it against the article.

    Raises:
        DataFileError: The file is invalid or names a part the article does not have (file and field named).
    """
    data = load_data_file(path, AnswerSourcesFile)
    try:
        article = article_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(article_path, None, f"cannot read the article ({exc.strerror})") from exc
    outline = parse_article(article, data.article_markup)
    problems = check_against_article(data, outline)
    if problems:
        raise DataFileError(path, *problems[0], more=problems[1:])
    return AnswerSources(data, outline, Path(path))


@dataclass(frozen=True)
class Variant:
    """One text variant of a response and its condition (``slot=value``, several joined by ``,``; or None)."""

    text: str
    condition: str | None = None


def _condition(variant: Mapping[str, Any]) -> str | None:
    conditions = variant.get("condition") or []
    return ",".join(f"{c.get('name')}={c.get('value')}" for c in conditions) or None


def load_responses(sources: Iterable[Path] = RESPONSE_FILES) -> dict[str, tuple[Variant, ...]]:
    """Every response's variants, from the domain and the response files (in file order)."""
    responses: dict[str, tuple[Variant, ...]] = {}
    for source in sources:
        files = sorted(source.glob("*.yml")) if source.is_dir() else [source]
        for file in files:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
            for name, variants in (loaded.get("responses") or {}).items():
                responses[name] = tuple(Variant(str(v.get("text", "")), _condition(v)) for v in variants)
    return responses


# --------------------------------------------------------------------------- #
# The review table


def review_table_markdown(
    sources: AnswerSources | None = None, responses: Mapping[str, tuple[Variant, ...]] | None = None
) -> str:
    """The table of docs/content-review.md: every response variant, its kind, sources, words and sentences.

    ``check`` is "ok", or how many problems the test finds in the variant (``budget_exception`` counted as ok).
    """
    sources = sources or load_answer_sources()
    responses = load_responses() if responses is None else responses
    display = sources.data.display
    lines = ["| response | kind | sources | words | sentences | check |", "|---|---|---|---|---|---|"]
    for name, variants in responses.items():
        entry = sources.data.responses.get(name)
        for variant in variants:
            shown = f"`{name}`" + (f" if `{variant.condition}`" if variant.condition else "")
            body = strip_bron(variant.text, display)
            if entry is None:
                kind = keys = "**missing**"
            else:
                kind = entry.kind + (" (over budget: open)" if entry.budget_exception else "")
                keys = "<br>".join(s.key() for s in entry.sources_of(variant.condition))
            found = [p for p in sources.problems(name, [variant]) if p.startswith(f"{name}[")] if entry else ["missing"]
            check = "ok" if not found else f"**{len(found)} problem(s)**"
            lines.append(
                f"| {shown} | {kind} | {keys} | {count_words(body)} | {len(split_sentences(body))} | {check} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(review_table_markdown())
