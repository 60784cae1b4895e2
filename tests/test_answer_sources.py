"""Every answer has valid sources in the article (or a guideline), shows them, and stays within its budget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from common import answer_sources
from common.answer_sources import (
    ARTICLE_PATH,
    SOURCES_PATH,
    AnswerSourcesFile,
    Variant,
    count_words,
    load_answer_sources,
    load_responses,
    parse_article,
    review_table_markdown,
    split_sentences,
    strip_bron,
)
from common.data_files import DataFileError, load_data_file
from tests.support.paths import CONTRACT, ROOT
from tests.support.topics import topic_of

SOURCES = load_answer_sources()
RESPONSES = load_responses()


def _body(name: str, index: int = 0) -> str:
    return strip_bron(RESPONSES[name][index].text, SOURCES.data.display)


# --------------------------------------------------------------------------- #
# The article's outline


def test_the_article_outline_is_parsed_from_the_article():
    outline = SOURCES.outline
    assert [(h.text, h.occurrence) for h in outline.headings] == [
        ("Het belang van bewustwording", 1),
        ("Medische oorzaken en symptomen van lage rugpijn", 1),
        ("Preventie en behandeling van lage rugpijn", 1),
        ("Psychosociale benadering van lage rugpijn", 1),
        ("Veelgestelde vragen over lage rugpijn", 1),
        ("Psychosociale benadering van lage rugpijn", 2),
        ("Veelgestelde vragen over lage rugpijn", 2),
        ("Kilder", 1),
    ]
    assert outline.products == ("Rugbrace", "37 oefeningen verzameld in het ultieme oefenboek")
    assert outline.has_intro and outline.has_byline
    assert outline.title.startswith("Vaarwel lage rugpijn")


@pytest.mark.parametrize(
    "article, headings, products, intro",
    [
        ("Titel\n\nTitel\n\nEen zin.\n\nKop een\n\nTekst.\n\nKop een\n\nMeer.", ["Kop een", "Kop een"], [], True),
        ("Titel\n\nKop\n\nEen vraag?\n\nAntwoord.", ["Kop"], [], False),  # a question is no heading
        ("Titel\n\nDoor X | 1. mei | Leestijd: 3\n\nKop", ["Kop"], [], False),  # a byline is no heading
        (
            "Titel\n\nKop\n\nSPAR\nProduct Image\n\nBrace\n\nBeschrijving.\n\n9 kr\nLÆS MERE\n\nKop 2",
            ["Kop", "Kop 2"],
            ["Brace"],
            False,
        ),
        ("", [], [], False),
    ],
)
def test_parse_article_rules(article, headings, products, intro):
    outline = parse_article(article, SOURCES.data.article_markup)
    assert [h.text for h in outline.headings] == headings
    assert list(outline.products) == products
    assert outline.has_intro is intro


def test_the_article_read_is_the_contract_copy():
    assert ARTICLE_PATH == CONTRACT / "article.txt"


# --------------------------------------------------------------------------- #
# Every response: an entry, valid sources, its budget, its Bron line


def test_every_response_has_an_entry_and_every_entry_a_response():
    missing = sorted(set(RESPONSES) - set(SOURCES.data.responses))
    stale = sorted(set(SOURCES.data.responses) - set(RESPONSES))
    assert not missing, f"add these responses to common/answer_sources.yml (kind and sources): {missing}"
    assert not stale, f"common/answer_sources.yml lists responses that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_has_valid_sources_and_keeps_its_budget(name):
    assert SOURCES.problems(name, RESPONSES[name]) == []


@pytest.mark.parametrize("name", sorted(n for n in RESPONSES if n.startswith("utter_faq/")))
def test_an_article_answer_cites_the_article_or_a_guideline(name):
    entry = SOURCES.data.responses[name]
    assert any(s.from_article or s.clinical for s in entry.sources)
    assert all(s.assistant is None for s in entry.sources), "an article answer is not the assistant's own words"


@pytest.mark.parametrize("name", sorted(n for n in RESPONSES if n.startswith(("utter_red_flag", "utter_crisis"))))
def test_a_safety_answer_follows_a_guideline(name):
    assert any(s.clinical for s in SOURCES.data.responses[name].sources)


def test_the_bron_line_words_for_kilder_and_the_intro():
    assert SOURCES.bron_line("utter_faq/sources") == (
        "Bron: de vermelding boven het artikel van wie het schreef en beoordeelde en de bronnenlijst onder het artikel"
    )
    for name in RESPONSES:
        if not name.startswith("utter_faq/"):
            continue
        bron = SOURCES.bron_line(name) or ""
        keyed_intro = any(s.part == "intro" for s in SOURCES.data.responses[name].sources)
        assert ("inleiding" in bron) == keyed_intro, name
        assert "Kilder" not in bron and "Beoordeeld door" not in bron, name


def test_a_repeated_heading_is_shown_once_and_headings_in_article_order():
    assert SOURCES.bron_line("utter_faq/recovery_time") == (
        "Bron: het onderdeel ‘Veelgestelde vragen over lage rugpijn’ van het artikel"
    )
    assert SOURCES.bron_line("utter_faq/prevention") == (
        "Bron: de onderdelen ‘Het belang van bewustwording’ en ‘Preventie en behandeling van lage rugpijn’ van het "
        "artikel"
    )


# --------------------------------------------------------------------------- #
# Consistent with the topic contract


def _covers(piece: str, sources) -> bool:
    """Whether an answer's sources cover one piece of a topic's `source` in topics.yml."""
    if piece == "intro":
        return any(s.part == "intro" for s in sources)
    if piece == "clinical":
        return any(s.clinical for s in sources)
    if piece == "Beoordeeld door":
        return any(s.part == "byline" for s in sources)
    if piece == "productblokken in het artikel":
        return any(s.product for s in sources)
    return any(s.heading == piece for s in sources) or any(s.product and s.product.startswith(piece) for s in sources)


def test_each_topic_s_answers_cite_its_source_in_topics_yml(topics, topic_ids):
    for group in ("faq", "safety", "recommendations"):
        for topic, spec in topics[group].items():
            names = [n for n in RESPONSES if topic_of(n, topic_ids) == topic]
            assert names, topic
            cited = [s for n in names for s in SOURCES.data.responses[n].sources]
            for piece in (p.strip() for p in spec["source"].split(";")):
                assert _covers(piece, cited), f"{topic}: topics.yml names {piece!r}, no answer of it cites it"


# --------------------------------------------------------------------------- #
# What issue 13 asked of the texts


def test_chronic_means_more_than_12_weeks():
    assert "langer dan 12 weken" in _body("utter_faq/what_is_low_back_pain")
    for name, variants in RESPONSES.items():
        for variant in variants:
            assert "weken of zelfs maanden" not in variant.text, name


def test_the_article_section_on_awareness_is_answered_by_an_existing_topic():
    cited_by = [
        n
        for n, e in SOURCES.data.responses.items()
        if any(s.heading == "Het belang van bewustwording" for s in e.sources)
    ]
    assert cited_by and set(cited_by) <= {"utter_faq/prevention", "utter_faq/when_to_see_doctor"}


@pytest.mark.parametrize(
    "name, absent",
    [
        ("utter_faq/ergonomics", "wissel zitten"),
        ("utter_faq/physiotherapy", "genoemd als effectieve"),
        ("utter_product_recommendation_intro", "eigen producten"),
        ("utter_faq/sources", "Kilder"),
        ("utter_faq/sources", "Beoordeeld door"),
        ("utter_faq/arthrosis", "erger worden"),
        ("utter_faq/arthrosis", "alleen een arts"),
        ("utter_faq/hernia", "alleen een arts"),
    ],
)
def test_what_the_article_does_not_say_is_gone(name, absent):
    assert absent not in RESPONSES[name][0].text


@pytest.mark.parametrize(
    "name, present",
    [
        ("utter_faq/psychosocial", "113"),
        ("utter_faq/psychosocial", "0800-0113"),
        ("utter_faq/psychosocial", "1813"),
        ("utter_crisis", "0800-0113"),
        ("utter_crisis", "1813"),
        ("utter_faq/sources", "YouTube-video"),
        ("utter_faq/sources", "merken"),
        ("utter_faq/hernia", "vanzelf"),
        ("utter_faq/radiating_pain", "vanzelf"),
        ("utter_faq/arthrosis", "zonder rugpijn"),
        ("utter_faq/what_is_low_back_pain", "geen ernstige oorzaak"),
        ("utter_faq/when_to_see_doctor", "scan"),
        ("utter_faq/bed_rest", "werk"),
        ("utter_faq/when_to_see_doctor", "geen arts"),
    ],
)
def test_what_a_worried_reader_needs_is_there(name, present):
    assert present in _body(name)


def test_1813_is_the_belgian_suicide_line_wherever_it_is_used():
    for name, variants in RESPONSES.items():
        for text in (v.text for v in variants):
            if "1813" in text:
                assert "België" in text and ("Zelfmoordlijn" in text or "zelfdoding" in text.lower()), name


# --------------------------------------------------------------------------- #
# Counting and the budget check


@pytest.mark.parametrize(
    "text, words, sentences",
    [
        ("Bel nu 112, of je huisarts.", 6, 1),
        ("Een. Twee! Drie? Vier", 4, 4),
        ("Zie 113.nl of bel 0800-0113 – dag en nacht.", 8, 1),
        ("{naam}\n{stappen}\nHoeveel: {dosering}", 4, 1),
        ("", 0, 0),
    ],
)
def test_counting(text, words, sentences):
    assert count_words(text) == words
    assert len(split_sentences(text)) == sentences


def test_a_conditional_variant_has_its_own_sources_where_the_file_says_so(tmp_path):
    def change(data):
        data["responses"]["utter_faq/surgery"]["variants"] = {
            "last_topic=hernia": {"sources": [{"heading": "Medische oorzaken en symptomen van lage rugpijn"}]}
        }

    sources = load_answer_sources(_broken(tmp_path, change))
    own = "Bron: het onderdeel ‘Medische oorzaken en symptomen van lage rugpijn’ van het artikel"
    assert sources.bron_line("utter_faq/surgery", "last_topic=hernia") == own
    assert sources.bron_line("utter_faq/surgery", "last_topic=arthrosis") == sources.bron_line("utter_faq/surgery")
    good = Variant(f"Een zin. Nog een zin.\n\n{own}", "last_topic=hernia")
    assert sources.problems("utter_faq/surgery", [good]) == []
    assert any("not a condition" in p for p in sources.problems("utter_faq/surgery", [Variant(good.text)]))


def test_the_bron_line_is_not_counted():
    assert strip_bron("Twee woorden.\n\nBron: heel veel woorden hier", SOURCES.data.display) == "Twee woorden."


@pytest.mark.parametrize(
    "name, text, problem",
    [
        ("utter_faq/painkillers", " ".join(["woord"] * 71) + ". Twee.", "72 words"),
        ("utter_faq/painkillers", "Een zin.", "1 sentences"),
        ("utter_faq/painkillers", "Een zin. Twee zinnen.\n\nBron: Preventie", "the Bron line must be"),
        ("utter_faq/bed_rest", "Een zin. Twee zinnen.", "'niet uit het artikel'"),
        ("utter_red_flag_emergency", "Rustig aan. Bel dan 112.", "whom to call"),
        ("utter_onbekend", "Een zin.", "no entry"),
    ],
)
def test_problems_are_found(name, text, problem):
    found = SOURCES.problems(name, [Variant(text)])
    assert any(problem in p for p in found), found


# --------------------------------------------------------------------------- #
# Loading: once, relative to the code, errors that name the file and the field


def test_loaded_once_and_found_relative_to_the_code(tmp_path, monkeypatch):
    assert load_answer_sources() is load_answer_sources()
    assert SOURCES_PATH == Path(answer_sources.__file__).parent / "answer_sources.yml"
    monkeypatch.chdir(tmp_path)
    assert load_responses()  # RESPONSE_FILES are found from the code, not the working directory


def _broken(tmp_path, change) -> Path:
    data = yaml.safe_load(SOURCES_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "answer_sources.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set_sources(name, sources):
    def change(data):
        data["responses"][name]["sources"] = sources

    return change


@pytest.mark.parametrize(
    "change, field, words",
    [
        (
            _set_sources("utter_faq/hernia", [{"heading": "Hernia"}]),
            "responses.utter_faq/hernia.sources[0].heading",
            "no heading",
        ),
        (
            _set_sources("utter_faq/recovery_time", [{"heading": "Veelgestelde vragen over lage rugpijn"}]),
            "responses.utter_faq/recovery_time.sources[0].occurrence",
            "repeats",
        ),
        (
            _set_sources(
                "utter_faq/recovery_time", [{"heading": "Veelgestelde vragen over lage rugpijn", "occurrence": 3}]
            ),
            "responses.utter_faq/recovery_time.sources[0].occurrence",
            "2 time(s)",
        ),
        (
            _set_sources("utter_faq/sources", [{"product": "Matras"}]),
            "responses.utter_faq/sources.sources[0].product",
            "no product",
        ),
        (
            _set_sources("utter_faq/surgery", [{"clinical": "nhg_m99"}]),
            "responses.utter_faq/surgery.sources[0].clinical",
            "unknown",
        ),
        (_set_sources("utter_faq/surgery", []), "responses.utter_faq/surgery.sources", "non-empty"),
        (
            _set_sources("utter_faq/surgery", [{"part": "intro", "clinical": "nhg_m54"}]),
            "responses.utter_faq/surgery.sources[0]",
            "exactly one",
        ),
        (
            _set_sources("utter_faq/surgery", [{"part": "slot"}]),
            "responses.utter_faq/surgery.sources[0].part",
            "one of",
        ),
        (
            _set_sources("utter_faq/surgery", [{"assistant": "mijn eigen woorden"}]),
            "responses.utter_faq/surgery.sources",
            "article part or a guideline",
        ),
        (lambda d: d["responses"]["utter_greet"].update(kind="lang"), "responses.utter_greet.kind", "must be one of"),
        (lambda d: d["display"].update(line="Bron:"), "display", "{groups}"),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_field(tmp_path, change, field, words):
    path = _broken(tmp_path, change)
    with pytest.raises(DataFileError) as caught:
        load_answer_sources(path)
    error = caught.value
    assert error.file == str(path)
    assert any(where == field and words in what for where, what in error.problems), error.problems


def test_the_shipped_file_validates_as_its_schema():
    assert isinstance(load_data_file(SOURCES_PATH, AnswerSourcesFile), AnswerSourcesFile)


# --------------------------------------------------------------------------- #
# The review file shows what the generator prints


def test_the_review_file_shows_the_table_of_the_generator():
    review = (ROOT / "docs" / "content-review.md").read_text(encoding="utf-8")
    assert review_table_markdown() in review, (
        "docs/content-review.md: paste the output of `.venv/bin/python -m common.answer_sources`"
    )
    assert re.search(r"^\| response \| kind \| sources \| words \| sentences \| check \|", review, re.MULTILINE)
