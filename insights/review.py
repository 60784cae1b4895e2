"""`make review`: the inbox of questions the assistant missed or was unsure about, labelled in the terminal.

The messages that got the fallback, ``not_covered``, or an answer below the low-confidence threshold, in the
period (default the last 30 days, inside the retention window), grouped (similar questions together), most
frequent first, without the ones reviewed before. For each group the maintainer types the right intent (a number
of the list, or its name), ``o`` out of scope, ``n`` not covered, ``s`` skip or ``q`` quit; then edits the
masked text before it is appended (Enter on an empty line ends the group). A text that is still the visitor's own
(or holds an e-mail address, a phone number or a mask placeholder) is refused: visitor text never reaches git
unchanged. Only the edited text is appended, to data/nlu/review.yml (insights/review_file.py), never to a held-out
or test file; what was reviewed is remembered by a hash of the text in reports/review/reviewed.json (outside git).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from insights import review_file
from insights.aggregate import is_button, low_confidence
from insights.grouping import group, normalise
from insights.masking import has_personal_data, mask
from insights.turns import Turn, contract_topics

ROOT = Path(__file__).resolve().parent.parent
REVIEW_FILE = ROOT / "data" / "nlu" / "review.yml"
STATE_FILE = ROOT / "reports" / "review" / "reviewed.json"
DOMAIN = ROOT / "domain.yml"
OUT_OF_SCOPE, NOT_COVERED, SKIP, QUIT = "out_of_scope", "not_covered", "skip", "quit"
KEYS = {"o": OUT_OF_SCOPE, "n": NOT_COVERED, "s": SKIP, "q": QUIT}
MISSED = ("fallback", "not_covered")
NOT_INTENTS = ("fallback", OUT_OF_SCOPE, NOT_COVERED)  # fallback is no intent; the other two have their keys
# The red_flag topic is answered by one intent per tier (common/safety.py).
RED_FLAG_INTENTS = ("red_flag_emergency", "red_flag_today", "red_flag_soon")


def text_key(text: str) -> str:
    """What the state file remembers of a message: a hash of its normalised text, never the text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


@dataclass
class Pile:
    """A group of similar messages to review: masked texts with counts, and the originals they came from."""

    texts: List[Tuple[str, int]]
    originals: Set[str] = field(default_factory=set)
    why: Dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(count for _, count in self.texts)


def intents() -> List[str]:
    """The intents a message can be labelled with, in the contract's order: faq/<topic>, safety, the rest."""
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}
    known = set(domain.get("intents") or [])
    sections = contract_topics()
    names = [f"faq/{topic}" for topic in sections["faq"]] if "faq" in known else []
    for section in ("safety", "recommendations", "conversation"):
        for topic in sections[section]:
            names += list(RED_FLAG_INTENTS) if topic == "red_flag" else [topic]
    return [name for name in names if name.startswith("faq/") or (name in known and name not in NOT_INTENTS)]


def piles(turns: Iterable[Turn], reviewed: Set[str], threshold: float) -> List[Pile]:
    """The inbox: missed and unsure messages not reviewed yet, grouped, most frequent first."""
    chosen: List[Tuple[Turn, str]] = []
    turns = list(turns)
    for turn in turns:
        if turn.topic in MISSED and not is_button(turn):
            chosen.append((turn, turn.topic or ""))
    chosen += [(turn, "low confidence") for turn in low_confidence(turns, threshold)]
    chosen = [(turn, why) for turn, why in chosen if text_key(turn.text) not in reviewed]
    originals: Dict[str, Set[str]] = {}
    reasons: Dict[str, Dict[str, int]] = {}
    for turn, why in chosen:
        shown = mask(turn.text)
        originals.setdefault(shown, set()).add(turn.text)
        reasons.setdefault(shown, {}).setdefault(why, 0)
        reasons[shown][why] += 1
    result = []
    for item in group(mask(turn.text) for turn, _ in chosen):
        pile = Pile(texts=item.texts)
        for text, _ in item.texts:
            pile.originals |= originals.get(text, set())
            for why, count in reasons.get(text, {}).items():
                pile.why[why] = pile.why.get(why, 0) + count
        result.append(pile)
    return result


def check_text(text: str, originals: Iterable[str]) -> Optional[str]:
    """Why an edited text may not be appended, or None."""
    if has_personal_data(text):
        return "It holds an e-mail address, a phone number or a mask placeholder: leave those out."
    if any(normalise(text) == normalise(original) for original in originals):
        return "That is still the visitor's own text: rewrite it in your own words before it goes into git."
    return None


def resolve(answer: str, choices: Sequence[str]) -> Optional[str]:
    """An intent (or skip/quit) for what the maintainer typed: a number of the list, a key, or a name."""
    answer = answer.strip()
    if answer.lower() in KEYS:
        return KEYS[answer.lower()]
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        return choices[int(answer) - 1]
    if answer in choices or answer in (OUT_OF_SCOPE, NOT_COVERED):
        return answer
    return None


def load_state(path: Path) -> Dict[str, Dict[str, str]]:
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")).get("reviewed", {}))


def save_state(path: Path, state: Dict[str, Dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"reviewed": state}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(path)


def edit(prompt: str, prefill: str) -> str:
    """One line of input with ``prefill`` already typed (readline), for the maintainer to edit."""
    import readline

    readline.set_startup_hook(lambda: readline.insert_text(prefill))
    try:
        return input(prompt)
    finally:
        readline.set_startup_hook(None)


def menu(choices: Sequence[str]) -> str:
    width = max(len(name) for name in choices) + 6
    columns = max(1, 118 // width)
    cells = [f"{i:>3} {name}".ljust(width) for i, name in enumerate(choices, start=1)]
    rows = ["".join(cells[i : i + columns]).rstrip() for i in range(0, len(cells), columns)]
    return "\n".join(rows + ["  o out_of_scope   n not_covered   s skip   q quit"])


def inbox(
    piles_: Sequence[Pile],
    data: Path,
    state_path: Path,
    today: str,
    ask: Callable[[str], str] = input,
    edit_line: Callable[[str, str], str] = edit,
    out: Callable[[str], None] = print,
) -> int:
    """Go through the piles with the maintainer; returns how many examples were appended."""
    choices = intents()
    state = load_state(state_path)
    appended = labelled = 0
    out(f"{len(piles_)} groups to review ({sum(p.count for p in piles_)} messages), most frequent first.")
    out(menu(choices))
    for number, pile in enumerate(piles_, start=1):
        why = ", ".join(f"{k} {v}" for k, v in sorted(pile.why.items()))
        out(f"\n[{number}/{len(piles_)}] {pile.count}x ({why})")
        for text, count in pile.texts[:5]:
            out(f"   {count}x  {text}")
        decision = None
        while decision is None:
            decision = resolve(ask("intent (number, name, o, n, s, q)> "), choices)
            if decision is None:
                out("   not one of the list: type its number or name, or o, n, s, q")
        if decision == QUIT:
            break
        texts: List[str] = []
        if decision != SKIP:
            out(f"   {decision}: edit the text (Enter on an empty line: done with this group)")
            prefill = pile.texts[0][0]
            while True:
                line = edit_line("text> ", prefill).strip()
                if not line:
                    break
                problem = check_text(line, pile.originals)
                if problem:
                    out(f"   {problem}")
                    prefill = line
                    continue
                texts.append(line)
                prefill = ""
        if texts:
            added = review_file.append(data, decision, texts, today)
            appended += len(texts)
            labelled += 1
            out(f"   appended to {data}:\n" + "\n".join(f"   | {line}" for line in added.splitlines()))
        for original in pile.originals:
            state[text_key(original)] = {"as": decision if texts else SKIP, "on": today}
        save_state(state_path, state)
    out(f"\nReviewed: {labelled} groups labelled, {appended} examples appended to {data}.")
    if appended:
        out("Next: `make train` (the model learns the new examples), then `make eval` (its summary ends with")
        out("'Since the previous run': every measure that moved, before and now).")
    return appended


def run(turns: Sequence[Turn], threshold: float, data: Path, state_path: Path, today: Optional[str] = None) -> int:
    """The command: exit code 0 (2 when there is no terminal to review in)."""
    if not sys.stdin.isatty():
        print("error: make review needs a terminal (it asks for each group)", file=sys.stderr)
        return 2
    reviewed = set(load_state(state_path))
    inbox(
        piles(turns, reviewed, threshold),
        data,
        state_path,
        today or dt.date.today().isoformat(),
    )
    return 0


__all__ = ["inbox", "piles", "run", "check_text", "resolve", "intents", "REVIEW_FILE", "STATE_FILE"]
