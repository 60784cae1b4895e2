"""Text normalisation and the glossary (assistant/normalise.py, assistant/glossary.yml), as tables."""

import pytest

from assistant.normalise import (
    GLOSSARY_PATH,
    MODE_APPEND,
    MODE_REPLACE,
    Glossary,
    GlossaryFile,
    append_terms,
    canonical_terms,
    fold_accents,
    for_classifiers,
    load_glossary,
    match_key,
    normalise_characters,
    normalise_text,
)
from common.data_files import DataFileError, clear_cache, load_data_file


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


@pytest.fixture(scope="module")
def entries():
    return load_data_file(GLOSSARY_PATH, GlossaryFile).terms


@pytest.mark.parametrize(
    "text, expected",
    [
        # accents
        ("oké", "oke"),
        ("patiënt", "patient"),
        ("één café", "een cafe"),
        ("ideeën", "ideeen"),  # the run is counted before the accents go: not shortened to "ideen"
        ("ĳs", "ijs"),  # NFKC
        # shouting
        ("HELP IK HEB RUGPIJN", "help ik heb rugpijn"),
        ("OKÉ DANK JE", "oke dank je"),
        ("Ik heb HEEL VEEL pijn", "Ik heb heel veel pijn"),
        ("Christian Vagn Uhre", "Christian Vagn Uhre"),
        ("de NHG-Standaard", "de NHG-Standaard"),  # a short acronym in an ordinary text keeps its case
        # stretched letters
        ("neeeee", "nee"),
        ("heeeel erg", "heel erg"),
        ("jaaaaa", "jaa"),
        ("pijnnnn", "pijn"),
        ("auwwww", "auw"),
        ("ooooké", "ooke"),
        ("koorts", "koorts"),
        ("kussen", "kussen"),
        ("1000 euro", "1000 euro"),
        # punctuation and spacing
        ("help!!!", "help!"),
        ("waarom?!?!", "waarom?"),
        ("echt??", "echt?"),
        ("dus.....", "dus..."),
        ("dus…", "dus..."),
        ("pijn,,, veel", "pijn, veel"),
        ("wat   is\tdat  ?", "wat is dat?"),
        ("  rugpijn  ", "rugpijn"),
        ("’t is m’n rug", "'t is m'n rug"),
        # left alone
        ("38,5 graden", "38,5 graden"),
        ("m'n rug", "m'n rug"),
        ("'s nachts", "'s nachts"),
        ("zo'n pijn", "zo'n pijn"),
        ("0800-0113", "0800-0113"),
        ("", ""),
    ],
)
def test_normalise_characters(text, expected):
    assert normalise_characters(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the issue's examples
        ("Oké, dank je!!!", "ok, bedankt!"),
        ("ooooké", "ok"),
        ("OKÉ DANK JE", "ok bedankt"),
        ("IS BEDRUST AANGEWEZEN BIJ SPIT???", "is bedrust aangeraden bij spit?"),
        ("het schoot in mijn rug", "het spit"),
        ("Het schoot in m'n rug gisteren", "Het spit gisteren"),
        ("’t schoot in m’n rug", "'t spit"),
        ("ik heb lumbago", "ik heb spit"),
        ("mijn rug is verschoten", "mijn rug is verschoten"),  # not a listed wording: left alone
        ("ik ben door mijn rug gegaan", "ik ben spit"),
        ("Mijn kiné zegt dat ik een HNP heb", "Mijn fysiotherapeut zegt dat ik een hernia heb"),
        ("kine of kinesist?", "fysiotherapeut of fysiotherapeut?"),
        ("is een kinesitherapeut nodig", "is een fysiotherapeut nodig"),
        ("de manueel therapeut", "de fysiotherapeut"),
        ("de dokter of de huisdokter", "de huisarts of de huisarts"),
        # multi-word, longest first
        ("hernia nuclei pulposi", "hernia"),
        ("een uitpuilende tussenwervelschijf", "een hernia"),
        ("de tussenwervelschijven", "de tussenwervelschijf"),
        ("zenuwpijn in mijn been", "ischias"),
        ("ischialgie links", "ischias links"),
        ("pijn laag in mijn rug", "pijn onderrug"),
        ("pijn laag-in-mijn-rug", "pijn onderrug"),
        ("pijn in de lendenen", "pijn in de onderrug"),
        ("lage rug pijn", "lage rugpijn"),
        ("rug-pijn", "rugpijn"),
        ("facetartrose", "artrose"),
        ("een versleten rug", "een artrose"),
        ("de mri-scan", "de scan"),
        ("is plat liggen goed", "is bedrust goed"),
        ("ik sukkel met mijn rug", "ik last van mijn rug"),
        ("hoelang duurt het", "hoe lang duurt het"),
        # a term found as itself is consumed whole: no variant inside it is rewritten
        ("uitstralende pijn naar mijn been", "uitstralende pijn naar mijn been"),
        ("de pijn straalt uit naar mijn been", "de pijn uitstralende pijn naar mijn been"),
        # medicines: names only
        ("Dafalgan of Nurofen?", "paracetamol of ibuprofen?"),
        ("mag ik NSAID's nemen", "mag ik ontstekingsremmer nemen"),
        ("VOLTAREN", "ontstekingsremmer"),
        # Flemish
        ("is bedrust aangewezen?", "is bedrust aangeraden?"),
        ("wordt kiné terugbetaald door het ziekenfonds", "wordt fysiotherapeut vergoed door het zorgverzekering"),
        ("ge moet nie panikeren", "je moet niet panikeren"),
        ("mijn rug doet zeer", "mijn rug doet pijn"),
        ("neen", "nee"),
        # shouting, stretching and punctuation together with the glossary
        ("PIJNNNN IN MIJN LENDE!!!", "pijn in mijn onderrug!"),
        ("dankjewelll", "bedankt"),
        # left alone: names, numbers, words that merely contain a variant
        ("Christian Vagn Uhre", "Christian Vagn Uhre"),
        ("38,5 graden koorts", "38,5 graden koorts"),
        ("m'n rug", "m'n rug"),
        ("'s nachts", "'s nachts"),
        ("kinematica", "kinematica"),
        ("spitsuur", "spitsuur"),
        ("prikkelbaar", "prikkelbaar"),
        ("dokteren aan de auto", "dokteren aan de auto"),
        ("okergeel", "okergeel"),
        ("de hernialijder", "de hernialijder"),
        ("ik heb rugpijn", "ik heb rugpijn"),
        ("bel 0800-0113 of 112", "bel 0800-0113 of 112"),
        # button payloads and commands are never touched
        ("/faq/bed_rest", "/faq/bed_rest"),
        ("/greet", "/greet"),
        ("", ""),
    ],
)
def test_normalise_text(glossary, text, expected):
    assert normalise_text(text, glossary) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Oké, dank je!!!", "Oké, dank je!!! ok bedankt"),
        ("Mijn kiné zegt HNP", "Mijn kiné zegt HNP fysiotherapeut hernia"),
        ("kiné, kinesist en fysio", "kiné, kinesist en fysio fysiotherapeut"),  # each term once
        ("uitstralende pijn", "uitstralende pijn"),  # a term as itself adds nothing
        ("ik heb rugpijn", "ik heb rugpijn"),
        ("/faq/hernia", "/faq/hernia"),
    ],
)
def test_append_keeps_the_text_and_adds_the_terms(glossary, text, expected):
    assert append_terms(text, glossary) == expected


def test_canonical_terms_in_order_of_appearance(glossary):
    assert canonical_terms("lumbago en toen HNP en weer spit", glossary) == ["spit", "hernia"]


@pytest.mark.parametrize(
    "mode, expected", [(MODE_REPLACE, "de fysiotherapeut"), (MODE_APPEND, "de kiné fysiotherapeut")]
)
def test_for_classifiers_by_mode(glossary, mode, expected):
    assert for_classifiers("de kiné", glossary, mode) == expected


def test_for_classifiers_refuses_an_unknown_mode(glossary):
    with pytest.raises(ValueError, match="replace, append"):
        for_classifiers("de kiné", glossary, "features")


def test_a_glossary_built_in_code():
    glossary = Glossary.of([("lumbago", "spit"), ("het schoot in mijn rug", "spit"), ("kiné", "fysiotherapeut")])
    assert glossary.longest == 5
    assert normalise_text("Het schoot in mijn rug, zegt de KINÉ", glossary) == "spit, zegt de fysiotherapeut"


# --------------------------------------------------------------------------- #
# The real glossary


def test_every_variant_reads_as_its_term(entries, glossary):
    wrong = [
        (variant, entry.term, normalise_text(variant, glossary))
        for entry in entries
        for variant in entry.variants
        if normalise_text(variant, glossary) != fold_accents(entry.term)
    ]
    assert not wrong, wrong


def test_every_term_is_left_as_it_is(entries, glossary):
    wrong = [entry.term for entry in entries if normalise_text(entry.term, glossary) != fold_accents(entry.term)]
    assert not wrong, wrong


def test_glossary_size_and_sources(entries):
    assert 60 <= len(entries) <= 120
    assert all(entry.source for entry in entries)


def test_glossary_topics_are_contract_topic_ids(entries, topic_ids):
    unknown = {entry.topic for entry in entries if entry.topic is not None} - set(topic_ids)
    assert not unknown


def test_the_issue_terms_are_in_the_glossary(glossary):
    for variant, term in [
        ("lumbago", "spit"),
        ("ischialgie", "ischias"),
        ("hnp", "hernia"),
        ("discushernia", "hernia"),
        ("facetgewrichten", "facetgewricht"),
        ("kinesitherapeut", "fysiotherapeut"),
        ("fysio", "fysiotherapeut"),
        ("dokter", "huisarts"),
        ("lendenen", "onderrug"),
        ("nsaid", "ontstekingsremmer"),
        ("slijtage", "artrose"),
        ("plat liggen", "bedrust"),
    ]:
        assert glossary.canonical[match_key(variant)] == term, variant


# --------------------------------------------------------------------------- #
# Validation: errors name the file and the field


def _write(tmp_path, body):
    path = tmp_path / "glossary.yml"
    path.write_text(body, encoding="utf-8")
    clear_cache()
    return path


@pytest.mark.parametrize(
    "body, field, problem",
    [
        ("terms:\n  - {term: Spit, variants: [lumbago], source: x}\n", "terms[0].term", "lowercase"),
        ("terms:\n  - {term: spit, variants: [Lumbago], source: x}\n", "terms[0].variants[0]", "lowercase"),
        ("terms:\n  - {term: spit, variants: [lumbago  x], source: x}\n", "terms[0].variants[0]", "single spaces"),
        ("terms:\n  - {term: spit, variants: [], source: x}\n", "terms[0].variants", "non-empty list"),
        ("terms:\n  - {term: spit, variants: [lumbago]}\n", "terms[0].source", "missing"),
        (
            "terms:\n  - {term: spit, variants: [lumbago], source: x, topik: hernia}\n",
            "terms[0].topik",
            "unknown field",
        ),
        ("terms:\n  - {term: spit, variants: [lumbago], source: x, topic: Hernia}\n", "terms[0].topic", "lowercase"),
        ("terms:\n  - {term: ok, variants: [oké, oke], source: x}\n", "terms[0].variants[1]", "already a variant"),
        ("terms:\n  - {term: oke, variants: [oké], source: x}\n", "terms[0].variants[0]", "own term"),
        (
            "terms:\n  - {term: spit, variants: [lumbago], source: x}\n"
            "  - {term: hernia, variants: [lumbago], source: x}\n",
            "terms[1].variants[0]",
            "already a variant of terms[0] 'spit'",
        ),
        (
            "terms:\n  - {term: spit, variants: [lumbago], source: x}\n"
            "  - {term: hernia, variants: [hnp, spit], source: x}\n",
            "terms[1].variants[1]",
            "term of another entry, terms[0] 'spit'",
        ),
        (
            "terms:\n  - {term: spit, variants: [lumbago], source: x}\n"
            "  - {term: spit, variants: [heksenschot], source: x}\n",
            "terms[1].term",
            "already the term of terms[0]",
        ),
        ("terms:\n  - {term: doei, variants: [daaag], source: x}\n", "terms[0].variants[0]", "can never match"),
    ],
)
def test_glossary_errors_name_file_and_field(tmp_path, body, field, problem):
    with pytest.raises(DataFileError) as caught:
        load_glossary(_write(tmp_path, body))
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{tmp_path / 'glossary.yml'}: {field}: ")
    clear_cache()
