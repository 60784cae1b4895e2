"""The product and exercise catalogs: content, loading, caching and validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from actions import catalogs
from actions.catalogs import (
    CATALOG_DIR,
    CONTRAINDICATIONS,
    EXERCISES_FILE,
    GOALS,
    MIN_SAFE_PER_PHASE,
    PHASES,
    PRODUCTS_FILE,
    CatalogError,
    Exercise,
    Product,
    get_exercise,
    get_product,
    link_label,
    load_catalogs,
    load_exercises,
    load_product_catalog,
    load_products,
    offer_label,
    price_label,
)
from actions.recommender import recommend

# --------------------------------------------------------------------------- #
# The shipped catalogs


ROOT = Path(__file__).resolve().parent.parent
ARTICLE = " ".join((ROOT / "contract" / "article.txt").read_text(encoding="utf-8").split())
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_products_are_the_two_from_the_article():
    products = {p.id: p for p in load_products()}
    assert set(products) == {"rugbrace", "oefenboek"}
    brace, book = products["rugbrace"], products["oefenboek"]
    assert brace.name == "Rugbrace"
    assert (brace.price, brace.currency) == (53.10, "DKK")  # the article: "53.10 kr", a Danish shop
    assert book.name == "37 oefeningen verzameld in het ultieme oefenboek"
    assert (book.price, book.currency) == (26.50, "DKK")
    for product in products.values():
        assert product.offer == "tot 25% korting"  # the article's "SPAR OP TIL 25%", in Dutch
        assert isinstance(product, Product)


@pytest.mark.parametrize(
    ("product_id", "label", "in_article"),
    [("rugbrace", "53,10 Deense kronen (DKK)", "53.10 kr"), ("oefenboek", "26,50 Deense kronen (DKK)", "26.50 kr")],
)
def test_prices_spell_out_their_currency(product_id, label, in_article):
    product = get_product(product_id)
    assert price_label(product) == label
    assert in_article in ARTICLE  # the same amount as the article's, in Dutch notation with the currency named


@pytest.mark.parametrize("product_id", ["rugbrace", "oefenboek"])
def test_the_description_is_the_shops_own_text_from_the_article(product_id):
    # Shown as the shop's ("Zo beschrijft de webshop het: ..."), so it must be the shop's words, unchanged.
    assert get_product(product_id).description in ARTICLE
    assert "Zo beschrijft de webshop het" in DOMAIN["responses"]["utter_product_recommendation_item"][0]["text"]


def test_product_urls_are_marked_as_placeholders_and_never_shown():
    assert load_products(), "no products loaded"
    catalog = load_product_catalog()
    for product in load_products():
        assert product.url_is_placeholder is True
        assert product.url.startswith("https://example.invalid/")
        assert link_label(product) == catalog.no_link_label
        assert "example" not in link_label(product) and "invalid" not in link_label(product)


def test_a_real_link_is_shown(catalog_copy):
    path = catalog_copy / PRODUCTS_FILE
    text = path.read_text(encoding="utf-8").replace(
        "url: https://example.invalid/rugbrace\n    url_is_placeholder: true",
        "url: https://shop.example.dk/rugbrace\n    url_is_placeholder: false",
    )
    path.write_text(text, encoding="utf-8")
    assert link_label(get_product("rugbrace", catalog_copy), catalog_copy) == "https://shop.example.dk/rugbrace"


def test_brace_is_described_honestly():
    brace = get_product("rugbrace")
    assert "NICE NG59" in brace.not_for and "NHG" in brace.not_for
    assert "niet aan" in brace.not_for  # guidelines do not recommend it
    assert "voorkomt ook geen" in brace.not_for  # not as prevention either
    assert "nooit in plaats van bewegen" in brace.not_for
    # At most comfort during a painful period: never as prevention (lifting, a long working day) or treatment.
    assert "pijnlijke periode" in brace.fits_when and "kort" in brace.fits_when
    for word in ("tillen", "werkdag", "voorkom", "preventie", "stabilis", "behandel"):
        assert word not in brace.fits_when.lower(), word


def test_no_promise_the_article_does_not_make_and_no_danish_calque():
    texts = [p.fits_when + p.not_for + (p.offer or "") for p in load_products()]
    texts += [
        DOMAIN["responses"][r][0]["text"]
        for r in ("utter_exercise_recommendation_ebook", "utter_product_recommendation_item")
    ]
    for text in texts:
        assert "schema" not in text.lower()  # the article promises no fixed programme
        assert "spaar" not in text.lower()  # "SPAR OP TIL" is Danish
        assert " kr" not in text


@pytest.fixture(scope="module")
def exercises() -> tuple[Exercise, ...]:
    return load_exercises()


def test_at_least_twelve_exercises(exercises):
    assert len(exercises) >= 12
    assert len({e.id for e in exercises}) == len(exercises)


@pytest.mark.parametrize(
    "exercise_id",
    [
        "bekkenkanteling",
        "knie_naar_borst",
        "kat_koe",
        "kindhouding",
        "bird_dog",
        "bruggetje",
        "dead_bug",
        "zijplank_aangepast",
        "hamstrings_rekken",
        "bilspier_rekken",
        "opdrukken_buikligging",
        "wandelen",
    ],
)
def test_standard_exercises_are_present(exercise_id):
    assert get_exercise(exercise_id).id == exercise_id


def test_every_exercise_is_complete(exercises):
    assert len(exercises) >= 10
    for e in exercises:
        assert e.goal in GOALS
        assert e.phases and set(e.phases) <= set(PHASES)
        assert len(e.steps) >= 2
        assert e.numbered_steps[0].startswith("1. ")
        assert e.dose and e.not_for
        assert e.stop_if.startswith("Stop als")
        assert not e.below_knee_ok or e.radiating_ok
        assert isinstance(e.not_with, tuple) and set(e.not_with) <= set(CONTRAINDICATIONS)


@pytest.mark.parametrize("contraindication", CONTRAINDICATIONS)
def test_every_contraindication_leaves_something_out_and_says_why(exercises, contraindication):
    assert any(contraindication in e.not_with for e in exercises)
    assert f"utter_exercise_recommendation_left_out_{contraindication}" in DOMAIN["responses"]


def test_nerve_stretching_is_not_offered_with_radiating_pain():
    assert get_exercise("hamstrings_rekken").radiating_ok is False
    assert get_exercise("bilspier_rekken").radiating_ok is False  # the figure-4 stretch, treated alike
    assert get_exercise("opdrukken_buikligging").radiating_ok is False
    assert get_exercise("wandelen").below_knee_ok is True


@pytest.mark.parametrize("phase", PHASES)
def test_each_phase_has_enough_exercises_safe_below_the_knee(exercises, phase):
    safe = [e for e in exercises if phase in e.phases and e.below_knee_ok]
    assert len(safe) >= MIN_SAFE_PER_PHASE


def test_numbered_steps():
    exercise = get_exercise("bruggetje")
    assert exercise.numbered_steps == tuple(f"{i}. {s}" for i, s in enumerate(exercise.steps, 1))


def test_unknown_ids_raise_key_error():
    with pytest.raises(KeyError):
        get_product("onbekend")
    with pytest.raises(KeyError):
        get_exercise("onbekend")


# --------------------------------------------------------------------------- #
# Loading: relative to the code, once


def test_loaded_once():
    assert load_products() is load_products()
    assert load_exercises() is load_exercises()
    assert load_exercises(CATALOG_DIR) is load_exercises()


def test_found_relative_to_the_code_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    catalogs.clear_cache()
    products, exercises = load_catalogs()
    assert len(products) == 2 and len(exercises) >= 12
    assert CATALOG_DIR == Path(catalogs.__file__).parent / "catalogs"


def test_catalog_objects_are_frozen():
    with pytest.raises(TypeError, match="immutable"):
        load_products()[0].price = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError, match="immutable"):
        load_exercises()[0].goal = "kracht"  # type: ignore[misc]
    assert load_products()[0].price == 53.10


def test_a_product_without_offer_gets_the_catalogs_words_for_it(catalog_copy):
    path = catalog_copy / PRODUCTS_FILE
    path.write_text(path.read_text(encoding="utf-8") + NEW_PRODUCT, encoding="utf-8")
    assert offer_label(get_product("warmtekussen", catalog_copy), catalog_copy) == "geen"
    assert offer_label(get_product("rugbrace")) == "tot 25% korting"


# --------------------------------------------------------------------------- #
# Adding a product or an exercise is a YAML edit only


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    directory = tmp_path / "catalogs"
    shutil.copytree(CATALOG_DIR, directory)
    return directory


NEW_EXERCISE = """
  - id: zijwaarts_stappen
    name: Zijwaarts stappen
    goal: mobiliteit
    phases: [acuut, subacuut, chronisch]
    radiating_ok: true
    below_knee_ok: true
    not_with: []
    steps:
      - Ga rechtop staan met je voeten naast elkaar.
      - Zet rustig een stap opzij en sluit aan.
    dose: 10 stappen naar elke kant, 2 keer.
    stop_if: Stop als de pijn duidelijk toeneemt.
    not_for: Niet geschikt als je moeite hebt met je evenwicht.
"""

NEW_PRODUCT = """
  - id: warmtekussen
    name: Warmtekussen
    description: Kussen dat je opwarmt voor op de onderrug.
    price: 19.95
    currency: DKK
    offer: null
    fits_when: Als warmte prettig voelt bij spierspanning.
    not_for: Geen behandeling; niet bij alarmsignalen.
    url: https://example.invalid/warmtekussen
    url_is_placeholder: true
"""


def test_appending_a_product_is_a_yaml_edit_only(catalog_copy):
    path = catalog_copy / PRODUCTS_FILE
    path.write_text(path.read_text(encoding="utf-8") + NEW_PRODUCT, encoding="utf-8")
    products = load_products(catalog_copy)
    assert [p.id for p in products] == ["rugbrace", "oefenboek", "warmtekussen"]
    assert get_product("warmtekussen", catalog_copy).offer is None
    product = get_product("warmtekussen", catalog_copy)
    assert price_label(product, catalog_copy) == "19,95 Deense kronen (DKK)"


def test_appending_an_exercise_is_a_yaml_edit_only(catalog_copy):
    path = catalog_copy / EXERCISES_FILE
    path.write_text(path.read_text(encoding="utf-8") + NEW_EXERCISE, encoding="utf-8")
    exercises = load_exercises(catalog_copy)
    assert exercises[-1].id == "zijwaarts_stappen"
    assert len(exercises) == len(load_exercises()) + 1


def test_the_recommender_picks_an_exercise_added_in_yaml(catalog_copy):
    # Catalog order is the priority, so an exercise listed first is picked first.
    path = catalog_copy / EXERCISES_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("exercises:\n", "exercises:" + NEW_EXERCISE, 1), encoding="utf-8")
    rec = recommend("acuut", "onder_knie", 3, False, load_exercises(catalog_copy))
    assert rec.exercises[0].id == "zijwaarts_stappen"
    assert "zijwaarts_stappen" not in [e.id for e in recommend("acuut", "onder_knie", 3, False).exercises]


# --------------------------------------------------------------------------- #
# Validation: each bad field gives an error naming the file and the field


def _edit(directory: Path, filename: str, change) -> None:
    path = directory / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _load(directory: Path, filename: str):
    return load_products(directory) if filename == PRODUCTS_FILE else load_exercises(directory)


def _set(key, field, value, index=0):
    def change(data):
        data[key][index][field] = value

    return change


def _delete(key, field, index=0):
    def change(data):
        del data[key][index][field]

    return change


def _drop(key):
    def change(data):
        del data[key]

    return change


def _duplicate_first(key):
    def change(data):
        data[key][1]["id"] = data[key][0]["id"]

    return change


def _no_exercise_for_everyone_in_acute(data):
    for entry in data["exercises"]:
        if "acuut" in entry["phases"] and not entry["not_with"]:
            entry["not_with"] = ["zwangerschap"]


def _price_in_euro(data):
    data["products"][0]["currency"] = "EUR"


def _no_safe_exercises_for_acute(data):
    for entry in data["exercises"]:
        if "acuut" in entry["phases"] and entry["below_knee_ok"]:
            entry["below_knee_ok"] = False


P, E = PRODUCTS_FILE, EXERCISES_FILE
PRODUCTS_HEAD = "no_offer_label: geen\nno_link_label: In de webshop.\ncurrencies: {DKK: Deense kronen}\n"

BAD_FIELDS = [
    # products (entry 0 is 'rugbrace', entry 1 'oefenboek')
    pytest.param(P, _delete("products", "name"), "products[0].name", "missing", id="product-missing-name"),
    pytest.param(P, _delete("products", "currency"), "products[0].currency", "missing", id="product-missing-currency"),
    pytest.param(P, _delete("products", "offer"), "products[0].offer", "missing", id="product-missing-offer"),
    pytest.param(P, _set("products", "price", 0), "products[0].price", "positive", id="product-price-zero"),
    pytest.param(P, _set("products", "price", -53.1), "products[0].price", "positive", id="product-price-negative"),
    pytest.param(P, _set("products", "price", "53.10"), "products[0].price", "number", id="product-price-text"),
    pytest.param(P, _set("products", "price", True), "products[0].price", "number", id="product-price-bool"),
    pytest.param(P, _set("products", "name", ""), "products[0].name", "non-empty", id="product-empty-name"),
    pytest.param(P, _set("products", "offer", 25), "products[0].offer", "text", id="product-offer-number"),
    pytest.param(P, _set("products", "url", "winkel/rugbrace"), "products[0].url", "URL", id="product-bad-url"),
    pytest.param(
        P,
        _set("products", "url_is_placeholder", "ja"),
        "products[0].url_is_placeholder",
        "true or false",
        id="product-placeholder-not-bool",
    ),
    pytest.param(P, _set("products", "id", "Rug Brace"), "products[0].id", "lowercase", id="product-bad-id"),
    pytest.param(
        P,
        _set("products", "prijs", 10),
        "products[0].prijs",
        "unknown field; allowed: id, name, description, price,",
        id="product-unknown-field",
    ),
    pytest.param(
        P, _duplicate_first("products"), "products[1].id", "already used by products[0]", id="product-duplicate-id"
    ),
    pytest.param(P, _drop("no_offer_label"), "no_offer_label", "missing", id="products-without-no-offer-label"),
    pytest.param(P, _drop("no_link_label"), "no_link_label", "missing", id="products-without-no-link-label"),
    pytest.param(P, _drop("currencies"), "currencies", "missing", id="products-without-currencies"),
    pytest.param(
        P, _set("products", "currency", "kr"), "products[0].currency", "ISO currency code", id="product-currency-kr"
    ),
    pytest.param(
        P, _price_in_euro, "products[0].currency", "'EUR' has no name under currencies", id="product-currency-unnamed"
    ),
    # exercises (entry 0 is 'wandelen')
    pytest.param(E, _delete("exercises", "name"), "exercises[0].name", "missing", id="exercise-missing-name"),
    pytest.param(E, _delete("exercises", "stop_if"), "exercises[0].stop_if", "missing", id="exercise-missing-stop_if"),
    pytest.param(E, _set("exercises", "goal", "cardio"), "exercises[0].goal", "one of", id="exercise-unknown-goal"),
    pytest.param(
        E,
        _set("exercises", "phases", ["winter"]),
        "exercises[0].phases[0]",
        "must be one of acuut, subacuut, chronisch, got 'winter'",
        id="exercise-unknown-phase",
    ),
    pytest.param(E, _set("exercises", "phases", []), "exercises[0].phases", "non-empty", id="exercise-no-phases"),
    pytest.param(E, _set("exercises", "phases", "acuut"), "exercises[0].phases", "list", id="exercise-phases-not-list"),
    pytest.param(
        E,
        _set("exercises", "phases", ["acuut", "acuut"]),
        "exercises[0].phases",
        "twice",
        id="exercise-phase-twice",
    ),
    pytest.param(
        E,
        _set("exercises", "radiating_ok", "ja"),
        "exercises[0].radiating_ok",
        "true or false",
        id="exercise-radiating-not-bool",
    ),
    pytest.param(
        E,
        _set("exercises", "below_knee_ok", 1),
        "exercises[0].below_knee_ok",
        "true or false",
        id="exercise-below-knee-not-bool",
    ),
    pytest.param(
        E,
        _set("exercises", "radiating_ok", False),
        "exercises[0].below_knee_ok",
        "requires radiating_ok",
        id="exercise-below-knee-without-radiating",
    ),
    pytest.param(E, _set("exercises", "steps", []), "exercises[0].steps", "non-empty list", id="exercise-empty-steps"),
    pytest.param(E, _set("exercises", "steps", "Loop."), "exercises[0].steps", "list", id="exercise-steps-not-list"),
    pytest.param(
        E, _set("exercises", "steps", ["Loop.", ""]), "exercises[0].steps[1]", "non-empty", id="exercise-empty-step"
    ),
    pytest.param(E, _set("exercises", "dose", ""), "exercises[0].dose", "non-empty", id="exercise-empty-dose"),
    pytest.param(E, _set("exercises", "not_for", 5), "exercises[0].not_for", "text", id="exercise-not_for-number"),
    pytest.param(E, _set("exercises", "id", "3d"), "exercises[0].id", "lowercase", id="exercise-bad-id"),
    pytest.param(
        E, _set("exercises", "video", "x"), "exercises[0].video", "unknown field", id="exercise-unknown-field"
    ),
    pytest.param(E, _duplicate_first("exercises"), "exercises[1].id", "duplicate id", id="exercise-duplicate-id"),
    pytest.param(E, _delete("exercises", "not_with"), "exercises[0].not_with", "missing", id="exercise-no-not_with"),
    pytest.param(
        E,
        _set("exercises", "not_with", "zwangerschap"),
        "exercises[0].not_with",
        "must be a list (may be empty: [])",
        id="exercise-not_with-not-list",
    ),
    pytest.param(
        E,
        _set("exercises", "not_with", ["zwanger"]),
        "exercises[0].not_with[0]",
        "must be one of osteoporose, zwangerschap, rugoperatie, heupprothese, got 'zwanger'",
        id="exercise-unknown-contraindication",
    ),
    pytest.param(
        E,
        _set("exercises", "not_with", ["osteoporose", "osteoporose"]),
        "exercises[0].not_with",
        "twice",
        id="exercise-contraindication-twice",
    ),
    pytest.param(
        E,
        _no_exercise_for_everyone_in_acute,
        "exercises",
        "phase 'acuut' needs at least 1 exercise with below_knee_ok: true and not_with: []",
        id="exercise-none-for-everyone-in-a-phase",
    ),
    pytest.param(
        E,
        _no_safe_exercises_for_acute,
        "exercises",
        "phase 'acuut' needs at least",
        id="exercise-too-few-safe-for-a-phase",
    ),
]


@pytest.mark.parametrize(("filename", "change", "field", "problem"), BAD_FIELDS)
def test_bad_field_is_named_with_its_file(catalog_copy, filename, change, field, problem):
    _edit(catalog_copy, filename, change)
    with pytest.raises(CatalogError) as caught:
        _load(catalog_copy, filename)
    error = caught.value
    assert error.file.endswith(filename)
    assert error.field == field
    assert f"{filename}: {field}: " in str(error)
    assert problem in str(error)


def test_the_error_names_a_file_of_the_repository_from_its_root(tmp_path):
    # As a developer finds it from the repository root; files elsewhere keep their full path.
    shipped = CatalogError(CATALOG_DIR / PRODUCTS_FILE, "products[0].prijs", "unknown field")
    assert str(shipped) == "actions/catalogs/products.yml: products[0].prijs: unknown field"
    elsewhere = CatalogError(tmp_path / PRODUCTS_FILE, None, "cannot read the file")
    assert str(elsewhere) == f"{tmp_path / PRODUCTS_FILE}: cannot read the file"


@pytest.mark.parametrize(
    ("change", "field", "entry_id"),
    [
        (_set("exercises", "goal", "cardio", index=2), "exercises[2].goal", "kat_koe"),
        (_delete("exercises", "dose", index=0), "exercises[0].dose", "wandelen"),
    ],
)
def test_bad_entry_is_named_by_position_and_id(catalog_copy, change, field, entry_id):
    _edit(catalog_copy, EXERCISES_FILE, change)
    with pytest.raises(CatalogError) as caught:
        load_exercises(catalog_copy)
    assert caught.value.field == field
    assert f"{field}: " in str(caught.value) and f"(entry id '{entry_id}')" in str(caught.value)


def test_every_problem_of_a_file_is_listed(catalog_copy):
    def two_problems(data):
        data["products"][0]["price"] = 0
        data["products"][1]["url"] = "geen-link"

    _edit(catalog_copy, PRODUCTS_FILE, two_problems)
    with pytest.raises(CatalogError) as caught:
        load_products(catalog_copy)
    assert [field for field, _ in caught.value.problems] == ["products[0].price", "products[1].url"]
    assert len(str(caught.value).splitlines()) == 2


@pytest.mark.parametrize(
    ("filename", "content", "field", "problem"),
    [
        pytest.param(P, "products: [\n", None, "invalid YAML", id="products-invalid-yaml"),
        pytest.param(E, "oefeningen: []\n", "exercises", "missing", id="exercises-wrong-key"),
        pytest.param(E, "exercises: []\n", "exercises", "non-empty list", id="exercises-empty"),
        pytest.param(
            P,
            PRODUCTS_HEAD + "products:\n  - rugbrace\n",
            "products[0]",
            "value is not a valid dict",
            id="product-not-a-mapping",
        ),
        pytest.param(E, "- wandelen\n", None, "top-level keys exercises", id="exercises-a-bare-list"),
        pytest.param(
            P,
            PRODUCTS_HEAD + "products: []\nextra: 1\n",
            "products",
            "non-empty list",
            id="products-extra-key",
        ),
    ],
)
def test_bad_file_is_named(catalog_copy, filename, content, field, problem):
    (catalog_copy / filename).write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        _load(catalog_copy, filename)
    assert caught.value.field == field
    assert filename in str(caught.value)
    assert problem in str(caught.value)
    if filename == P and "extra" in content:
        assert f"{filename}: extra: unknown field; allowed: no_offer_label, no_link_label, currencies, products" in str(
            caught.value
        )


@pytest.mark.parametrize("filename", [P, E])
def test_missing_file_is_named(catalog_copy, filename):
    (catalog_copy / filename).unlink()
    with pytest.raises(CatalogError, match="cannot read") as caught:
        _load(catalog_copy, filename)
    assert filename in str(caught.value)


@pytest.mark.parametrize("topic", ["ergonomics", "recurrence_prevention"])
def test_posture_and_recurrence_answers_offer_no_product_button(topic):
    """Issue 13: advice on posture or on preventing a new episode is no occasion to sell the brace or the e-book."""
    import yaml

    from tests.support.paths import ROOT

    responses = yaml.safe_load((ROOT / "data" / "responses" / "faq.yml").read_text(encoding="utf-8"))["responses"]
    variants = responses[f"utter_faq/{topic}"]
    payloads = [button["payload"] for variant in variants for button in variant.get("buttons") or []]
    assert payloads, f"utter_faq/{topic} offers no buttons at all"
    assert not [p for p in payloads if p.startswith("/product_recommendation")], payloads
