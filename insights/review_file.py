"""The review data file (data/nlu/review.yml): the lines `make review` appends, and the check of its comments.

Examples go in Rasa's list form with per-example metadata saying they came from review and when::

    - intent: faq/hernia
      examples:
      - text: "wat is een uitpuilende tussenwervelschijf precies"
        metadata:
          source: review
          reviewed: '2026-12-01'

The text is a double-quoted YAML scalar (JSON string syntax), so no character of it can become YAML or a comment.
A ``#`` line inside an ``examples: |`` block is not a comment for Rasa: it drops the line with a warning, so
``scripts/validate_data.py`` rejects one in this file (``comment_problems``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, List

SOURCE = "review"
HEADER = (
    'version: "3.1"\n'
    "# Training examples from `make review` (insights/review.py): visitors' questions that the assistant missed or\n"
    "# was unsure about, rewritten by a maintainer. Every example's metadata says it came from review and when.\n"
    "nlu:\n"
)
BLOCK_START = re.compile(r"^(?P<indent>\s*)(?:-\s+)?examples:\s*\|[-+]?\s*$")


def block(intent: str, texts: Iterable[str], day: str) -> str:
    """The lines appended for ``texts`` labelled ``intent`` on ``day`` (YYYY-MM-DD)."""
    lines = [f"- intent: {intent}", "  examples:"]
    for text in texts:
        lines += [
            f"  - text: {json.dumps(text, ensure_ascii=False)}",
            "    metadata:",
            f"      source: {SOURCE}",
            f"      reviewed: '{day}'",
        ]
    return "\n".join(lines) + "\n"


def append(path: Path, intent: str, texts: List[str], day: str) -> str:
    """Append the block to ``path`` (created with its header when missing); returns what was appended."""
    added = block(intent, texts, day)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER, encoding="utf-8")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(added)
    return added


def comment_problems(text: str, name: str) -> List[str]:
    """Every ``#`` comment inside an ``examples: |`` block of ``text``, as ``name:line: ...`` problems."""
    problems = []
    block_indent = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = BLOCK_START.match(line)
        if match:
            block_indent = len(match.group("indent"))
            continue
        if block_indent is None:
            continue
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped and indent <= block_indent:
            block_indent = None
            continue
        if stripped.startswith("#") or " #" in stripped:
            problems.append(
                f"{name}:{number}: a '#' comment inside 'examples: |' is dropped by Rasa with a warning "
                "(or kept as part of the example): remove it, or write the example without it"
            )
    return problems
