"""Build the project's own Dutch spaCy pipeline (no pretrained model can be downloaded).

A blank Dutch pipeline with spaCy's rule-free lookup lemmatizer, whose tables come from the
``spacy-lookups-data`` package. Rasa's ``SpacyNLP`` loads the saved folder by path.

Usage: python scripts/build_spacy_model.py OUTPUT_DIR
"""

import sys
from pathlib import Path

import spacy


def build(output_dir: Path) -> None:
    """Create, smoke-test and save the pipeline to ``output_dir``."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmas = [token.lemma_ for token in nlp("mijn benen deden pijn")]
    if lemmas[1] == "benen" and lemmas[2] == "deden":
        raise SystemExit("the Dutch lookup lemmatizer did not load: is spacy-lookups-data installed?")
    nlp.meta["name"] = "nl_rugpijn_blank"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Blank Dutch pipeline with the lookup lemmatizer (spacy-lookups-data)."
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    print(f"spaCy pipeline saved to {output_dir} (lemmas of a test sentence: {lemmas})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    build(Path(sys.argv[1]))
