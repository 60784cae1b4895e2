"""From stored events to user turns and questionnaire runs (pure functions).

A turn is one user message and what the assistant did until the next one. Which topic answered it follows the
topic contract (contract/topics.yml): the first bot message whose name (the response, ``metadata.utter_action``,
or for text sent by a custom action without a response, that action) carries a topic id; where none does, the
first action that does. ``utter_fallback`` is the topic ``fallback``, ``utter_not_covered`` ``not_covered``,
``utter_red_flag_today`` ``red_flag``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

import yaml

from common.safety import ASK_RESPONSE_PREFIX, CRISIS, MEDICAL_TIERS, SAFETY_RESPONSES, TIER_CRISIS

CONTRACT = Path(__file__).resolve().parent.parent / "contract" / "topics.yml"
FORM = "exercise_recommendation_form"
FORM_RESULT_ACTION = "action_exercise_recommendation"
FORM_QUESTION_PREFIX = "utter_ask_"
REQUESTED_SLOT = "requested_slot"
LISTEN = "action_listen"
SESSION_START = "action_session_start"
# The responses that give each tier's answer, and back: utter_red_flag_today -> today, utter_crisis -> crisis.
TIER_OF_RESPONSE = {response: intent.replace("red_flag_", "") for intent, response in SAFETY_RESPONSES.items()}
ASK = "ask"  # a follow-up question about an alarm sign (utter_red_flag_ask_<sign>)
TIERS = (*MEDICAL_TIERS, ASK)
# How a questionnaire ended when it was not finished.
ENDED_BY_ALARM = "alarm sign"
ENDED_OTHERWISE = "stopped"
LEFT_OPEN = "left"


class StoredEvent(NamedTuple):
    """One row of the events table: its type, timestamp, action or slot name, and its data (parsed JSON).

    The store reader fills ``data`` only for user, bot, active_loop and requested_slot events; others get ``{}``.
    """

    type: str
    timestamp: float
    name: Optional[str] = None
    data: Dict[str, Any] = {}


@lru_cache(maxsize=1)
def contract_topics() -> Dict[str, Tuple[str, ...]]:
    """Topic ids by section of contract/topics.yml (faq, safety, recommendations, conversation)."""
    document = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{CONTRACT}: expected sections of topic ids")
    return {str(section): tuple(ids) for section, ids in document.items()}


def all_topics() -> Tuple[str, ...]:
    return tuple(topic for ids in contract_topics().values() for topic in ids)


def answer_topics() -> frozenset:
    """The topics that are an answer (article, safety, recommendations); small talk and misses are not."""
    sections = contract_topics()
    return frozenset(sections["faq"] + sections["safety"] + sections["recommendations"])


@lru_cache(maxsize=4096)
def topic_of(name: str, topics: Tuple[str, ...]) -> Optional[str]:
    """The topic id a response or action name carries (the longest fitting id), or None."""
    hits = [t for t in topics if re.search(rf"(^|[_/.]){re.escape(t)}($|[_/.])", name)]
    return max(hits, key=len) if hits else None


@dataclass
class Turn:
    """One user message and the assistant's answer to it. ``conversation`` is used for counting only."""

    conversation: str
    at: float
    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    received_at: Optional[float] = None
    replied_at: Optional[float] = None
    replies: List[str] = field(default_factory=list)  # names of the bot messages, in order
    actions: List[str] = field(default_factory=list)
    offered: List[Tuple[str, str]] = field(default_factory=list)  # buttons (payload, title) under the answers
    chosen: Optional[str] = None  # the payload, when the message was a button offered just before
    in_form: bool = False  # sent while the questionnaire was asking (an answer to one of its questions)
    topic: Optional[str] = None

    @property
    def day(self) -> str:
        return day_of(self.at)

    @property
    def tier(self) -> Optional[str]:
        """emergency/today/soon of a medical safety answer, ``ask`` for a follow-up question, else None."""
        for reply in self.replies:
            if TIER_OF_RESPONSE.get(reply, TIER_CRISIS) != TIER_CRISIS:
                return TIER_OF_RESPONSE[reply]
        if any(reply.startswith(ASK_RESPONSE_PREFIX) for reply in self.replies):
            return ASK
        return None

    @property
    def crisis(self) -> bool:
        """The crisis answer (113) was given, next to a medical one or alone."""
        return SAFETY_RESPONSES[CRISIS] in self.replies

    @property
    def answered(self) -> bool:
        """An answer of the article, the safety net or a recommendation (a questionnaire question is not)."""
        return self.topic in answer_topics() and any(not r.startswith(FORM_QUESTION_PREFIX) for r in self.replies)

    @property
    def latency(self) -> Optional[float]:
        """Seconds from receiving the message (the channel's received_at, else the user event) to the first reply."""
        start = self.received_at if self.received_at is not None else self.at
        if self.replied_at is None:
            return None
        return max(0.0, self.replied_at - start)


@dataclass
class FormRun:
    """One run of the exercise questionnaire: when it started, whether it finished, where it stopped."""

    conversation: str
    started_at: float
    finished: bool = False
    ended: Optional[str] = None  # ENDED_BY_ALARM / ENDED_OTHERWISE / LEFT_OPEN when not finished
    at_question: Optional[str] = None  # the question (slot) asked last when it was not finished

    @property
    def day(self) -> str:
        return day_of(self.started_at)


def day_of(timestamp: float) -> str:
    """The UTC date of a timestamp, ``YYYY-MM-DD``."""
    return _date(int(timestamp // 86400))


@cache
def _date(days_since_epoch: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=days_since_epoch)).isoformat()


def _confidence(parse: Dict[str, Any]) -> Optional[float]:
    """The confidence the answer rests on: the response selector's for an FAQ answer, else the intent's."""
    intent = parse.get("intent") or {}
    if intent.get("name") == "faq":
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        if selected.get("confidence") is not None:
            return float(selected["confidence"])
    value = intent.get("confidence")
    return None if value is None else float(value)


def conversation_turns(
    conversation: str, events: Sequence[StoredEvent], topics: Optional[Tuple[str, ...]] = None
) -> Tuple[List[Turn], List[FormRun]]:
    """The turns and questionnaire runs of one conversation's events (in stored order)."""
    topics = topics or all_topics()
    turns: List[Turn] = []
    runs: List[FormRun] = []
    current: Optional[Turn] = None
    last_action: Optional[str] = None
    last_offered: List[Tuple[str, str]] = []
    run: Optional[FormRun] = None
    requested: Optional[str] = None
    ended_in: List[Tuple[FormRun, Turn]] = []  # runs that ended in a turn: an alarm answer there ended them

    def close_turn() -> None:
        nonlocal current
        if current is None:
            return
        current.topic = next((t for t in (topic_of(n, topics) for n in current.replies) if t), None) or next(
            (t for t in (topic_of(n, topics) for n in current.actions) if t), None
        )
        turns.append(current)
        current = None

    for event in events:
        if event.type == "user":
            close_turn()
            data = event.data
            parse = data.get("parse_data") or {}
            text = data.get("text") or ""
            metadata = data.get("metadata") or {}
            received = metadata.get("received_at")
            current = Turn(
                conversation=conversation,
                at=event.timestamp,
                text=text,
                intent=(parse.get("intent") or {}).get("name"),
                confidence=_confidence(parse),
                received_at=float(received) if isinstance(received, (int, float)) else None,
                in_form=run is not None,
            )
            payloads = {payload for payload, _ in last_offered}
            if text in payloads:
                current.chosen = text
            last_offered = []
        elif event.type == "action":
            last_action = event.name
            if current is not None and event.name not in (LISTEN, None):
                current.actions.append(str(event.name))
            if event.name == SESSION_START and run is not None:
                run.ended, run.at_question = LEFT_OPEN, requested
                runs.append(run)
                run = None
        elif event.type == "bot":
            metadata = event.data.get("metadata") or {}
            name = metadata.get("utter_action") or last_action or ""
            buttons = (event.data.get("data") or {}).get("buttons") or []
            offered = [(str(b.get("payload", "")), str(b.get("title", ""))) for b in buttons if isinstance(b, dict)]
            last_offered.extend(offered)
            if current is not None:
                current.replies.append(str(name))
                current.offered.extend(offered)
                if current.replied_at is None:
                    current.replied_at = event.timestamp
        elif event.type == "slot" and event.name == REQUESTED_SLOT:
            value = event.data.get("value")
            requested = value if isinstance(value, str) else None
        elif event.type == "active_loop":
            name = event.data.get("name")
            if name == FORM and run is None:
                run = FormRun(conversation, event.timestamp)
                requested = None
            elif name is None and run is not None:
                if requested is None:
                    run.finished = True
                else:
                    run.at_question, run.ended = requested, ENDED_OTHERWISE
                    if current is not None:
                        ended_in.append((run, current))
                runs.append(run)
                run = None
    close_turn()
    if run is not None:
        run.ended, run.at_question = LEFT_OPEN, requested
        runs.append(run)
    for item, turn in ended_in:
        if turn.tier is not None or turn.crisis:
            item.ended = ENDED_BY_ALARM
    return turns, runs


def all_turns(
    conversations: Iterable[Tuple[str, Sequence[StoredEvent]]],
) -> Tuple[List[Turn], List[FormRun]]:
    """Turns and questionnaire runs of many conversations."""
    topics = all_topics()
    turns: List[Turn] = []
    runs: List[FormRun] = []
    for conversation, events in conversations:
        t, r = conversation_turns(conversation, events, topics)
        turns.extend(t)
        runs.extend(r)
    return turns, runs
