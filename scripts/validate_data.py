"""Validate the project's data: its own YAML files, then `rasa data validate` with every warning explained.

First every data file the code reads is loaded through the one validated loader (common.data_files):
the catalogs, the shop contact, the topic buttons, the alarm-sign lexicon and the glossary. A problem is printed with
the file and the field, e.g. ``actions/catalogs/products.yml: products[0].prijs: unknown field``.

Then every warning Rasa prints must match an entry of tests/validation_allowlist.yml, which says why
it is expected. A new, unexplained warning fails `make test`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.catalogs import load_catalogs  # noqa: E402  (after the path: run as a script)
from actions.contact import CONTACT_PATH, ShopContact  # noqa: E402
from actions.topic_suggestions import load_topic_buttons  # noqa: E402
from assistant.alarm_signs import load_lexicon  # noqa: E402
from assistant.normalise import load_glossary  # noqa: E402
from common.data_files import DataFileError, Schema, checked, load_data_file, regular_expression, text  # noqa: E402
from insights.review_file import comment_problems  # noqa: E402

ALLOWLIST = ROOT / "tests" / "validation_allowlist.yml"
# `make review` appends here; a '#' comment inside its `examples: |` would be dropped by Rasa with a warning.
REVIEW_DATA = ROOT / "data" / "nlu" / "review.yml"
WARNING = re.compile(r"UserWarning: (.*?)(?:\n\s*More info at .*)?$", re.MULTILINE)


class ExpectedWarning(Schema):
    """A warning of `rasa data validate` that is expected, and why."""

    pattern: str
    reason: str

    _pattern = checked("pattern", check=regular_expression)
    _reason = checked("reason", check=text)


class ValidationAllowlist(Schema):
    """The schema of tests/validation_allowlist.yml."""

    expected_warnings: tuple[ExpectedWarning, ...]


def check_data_files() -> list[str]:
    """Load every data file the assistant reads; the problems found, one line each (file and field)."""
    problems: list[str] = []
    for load in (
        load_catalogs,
        load_topic_buttons,
        lambda: load_data_file(CONTACT_PATH, ShopContact),
        load_lexicon,
        load_glossary,
    ):
        try:
            load()
        except DataFileError as error:
            problems.extend(str(error).splitlines())
    if REVIEW_DATA.is_file():
        problems.extend(comment_problems(REVIEW_DATA.read_text(encoding="utf-8"), str(REVIEW_DATA.relative_to(ROOT))))
    return problems


def main() -> int:
    problems = check_data_files()
    try:
        allowed = load_data_file(ALLOWLIST, ValidationAllowlist).expected_warnings
    except DataFileError as error:
        problems.extend(str(error).splitlines())
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problem(s) in the project's data files")
        return 1
    print("data files: catalogs, shop contact, topic buttons, alarm-sign lexicon and glossary are valid")

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", NO_COLOR="1")
    result = subprocess.run(
        # Through the project's one entry point to Rasa (assistant/serve.py), as every Rasa command.
        [sys.executable, "-m", "assistant.serve", "data", "validate", "--max-history", "4"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    unexplained = []
    for warning in WARNING.findall(output):
        reasons = [entry.reason for entry in allowed if re.search(entry.pattern, warning)]
        print(f"  {'explained' if reasons else 'UNEXPLAINED'}: {warning}")
        if not reasons:
            unexplained.append(warning)
    if result.returncode != 0:
        print(output[-3000:])
        print(f"rasa data validate failed (exit {result.returncode})")
        return 1
    if unexplained:
        print(f"{len(unexplained)} unexplained warning(s): explain them in {ALLOWLIST.name} or fix the data")
        return 1
    print("rasa data validate: clean (every warning explained in tests/validation_allowlist.yml)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
