"""The report's numbers from turns and questionnaire runs (pure functions; no conversation id leaves here).

Conversations are counted by conversation id (one may hold several sessions); a conversation belongs to a day or
a period when it has a user message in it. Rates are shares of the user messages of that day or period.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from insights.grouping import group
from insights.masking import mask
from insights.turns import (
    ENDED_BY_ALARM,
    ENDED_OTHERWISE,
    LEFT_OPEN,
    TIERS,
    FormRun,
    Turn,
    answer_topics,
    day_of,
)

FORM_TOPICS = ("exercise_recommendation",)
MISSES = ("fallback", "not_covered", "out_of_scope")
DAY = 24 * 60 * 60
LENGTH_BINS = ("1", "2", "3", "4", "5", "6-10", "11-20", "21+")
DEFAULT_LOW_CONFIDENCE = 0.6
MAX_GROUPS = 50


@dataclass(frozen=True)
class Window:
    """A period [start, end) in seconds since the epoch."""

    start: float
    end: float

    @property
    def days(self) -> float:
        return (self.end - self.start) / DAY

    def holds(self, timestamp: float) -> bool:
        return self.start <= timestamp < self.end

    def dates(self) -> List[str]:
        """Every UTC date the window touches, in order."""
        first = dt.datetime.fromtimestamp(self.start, tz=dt.timezone.utc).date()
        last = dt.datetime.fromtimestamp(max(self.start, self.end - 1e-6), tz=dt.timezone.utc).date()
        return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]

    def as_dict(self) -> Dict[str, Any]:
        return {"from": _iso(self.start), "to": _iso(self.end), "days": round(self.days, 2)}


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).isoformat(timespec="seconds")


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile (0-100) by linear interpolation, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 6)


def share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def length_bin(messages: int) -> str:
    for label in LENGTH_BINS:
        if "-" in label:
            low, high = (int(x) for x in label.split("-"))
            if low <= messages <= high:
                return label
        elif label.endswith("+"):
            return label
        elif messages == int(label):
            return label
    return LENGTH_BINS[-1]


def is_button(turn: Turn) -> bool:
    """The message was a button's payload or a command (not the visitor's own words)."""
    return turn.chosen is not None or turn.text.startswith("/")


def grouped_questions(turns: Iterable[Turn], limit: int = MAX_GROUPS) -> List[Dict[str, Any]]:
    """The visitors' own messages of ``turns``, masked and grouped, most frequent first."""
    groups = group(mask(turn.text) for turn in turns if not is_button(turn))
    return [
        {"text": item.text, "count": item.count, "variants": [text for text, _ in item.texts[1:4]]}
        for item in groups[:limit]
    ]


def trend(now: int, before: Optional[int], days_now: float, days_before: float) -> Optional[float]:
    """Change of the per-day rate against the comparison period (+0.5 = half as much again), None if unknown."""
    if before is None or days_before <= 0 or days_now <= 0:
        return None
    rate_before = before / days_before
    if rate_before == 0:
        return None
    return round((now / days_now) / rate_before - 1, 3)


def conversations_section(turns: Sequence[Turn], window: Window) -> Dict[str, Any]:
    per_day: Dict[str, set] = defaultdict(set)
    messages: Counter = Counter()
    per_conversation: Counter = Counter()
    reached = set()
    for turn in turns:
        per_day[turn.day].add(turn.conversation)
        messages[turn.day] += 1
        per_conversation[turn.conversation] += 1
        if turn.answered:
            reached.add(turn.conversation)
    lengths = list(per_conversation.values())
    histogram = Counter(length_bin(n) for n in lengths)
    total = len(per_conversation)
    return {
        "total": total,
        "messages": len(turns),
        "per_day": [
            {"date": d, "conversations": len(per_day.get(d, ())), "messages": messages.get(d, 0)}
            for d in window.dates()
        ],
        "length": {
            "mean": round(sum(lengths) / total, 2) if total else None,
            "median": percentile(lengths, 50),
            "p90": percentile(lengths, 90),
            "max": max(lengths) if lengths else None,
            "histogram": {label: histogram.get(label, 0) for label in LENGTH_BINS},
        },
        "reached_answer": {"conversations": len(reached), "share": share(len(reached), total)},
    }


def topics_section(
    turns: Sequence[Turn], recent: Sequence[Turn], before: Sequence[Turn], recent_days: float, before_days: float
) -> List[Dict[str, Any]]:
    """Topics by how often they answered, with the trend of ``recent`` against ``before`` (per day).

    Answers to the questionnaire's questions are not topics asked (they are counted in its own section).
    """

    def asked(items: Sequence[Turn]) -> Counter:
        return Counter(turn.topic for turn in items if turn.topic and not (turn.in_form and turn.topic in FORM_TOPICS))

    now, lately, then = asked(turns), asked(recent), asked(before)
    return [
        {
            "topic": topic,
            "answer": topic in answer_topics(),
            "count": count,
            "share": share(count, len(turns)),
            "recent": lately.get(topic, 0),
            "before": then.get(topic, 0),
            "trend": trend(lately.get(topic, 0), then.get(topic, 0), recent_days, before_days),
        }
        for topic, count in sorted(now.items(), key=lambda item: (-item[1], item[0]))
    ]


def misses_section(turns: Sequence[Turn], window: Window) -> Dict[str, Any]:
    per_day: Dict[str, Counter] = defaultdict(Counter)
    for turn in turns:
        per_day[turn.day]["messages"] += 1
        if turn.topic in MISSES:
            per_day[turn.day][turn.topic] += 1
    totals = Counter(turn.topic for turn in turns if turn.topic in MISSES)
    days = []
    for d in window.dates():
        counts = per_day.get(d, Counter())
        row: Dict[str, Any] = {"date": d, "messages": counts["messages"]}
        for kind in MISSES:
            row[kind] = counts[kind]
            row[f"{kind}_rate"] = share(counts[kind], counts["messages"])
        days.append(row)
    return {
        "counts": {kind: totals.get(kind, 0) for kind in MISSES},
        "rates": {kind: share(totals.get(kind, 0), len(turns)) for kind in MISSES},
        "per_day": days,
        "questions": {kind: grouped_questions(t for t in turns if t.topic == kind) for kind in MISSES},
    }


def safety_section(turns: Sequence[Turn], window: Window) -> Dict[str, Any]:
    tiers = Counter(turn.tier for turn in turns if turn.tier)
    crisis = Counter(turn.day for turn in turns if turn.crisis)
    per_day = Counter((turn.day, turn.tier) for turn in turns if turn.tier)
    return {
        "tiers": {tier: tiers.get(tier, 0) for tier in TIERS},
        "crisis": sum(crisis.values()),
        "per_day": [
            {"date": d, "crisis": crisis.get(d, 0), **{tier: per_day.get((d, tier), 0) for tier in TIERS}}
            for d in window.dates()
        ],
    }


def questionnaire_section(runs: Sequence[FormRun]) -> Dict[str, Any]:
    unfinished = [run for run in runs if not run.finished]
    return {
        "started": len(runs),
        "finished": len(runs) - len(unfinished),
        "abandoned": len(unfinished),
        "abandoned_at": dict(sorted(Counter(run.at_question or "?" for run in unfinished).items())),
        "abandoned_because": {
            reason: sum(run.ended == reason for run in unfinished)
            for reason in (ENDED_BY_ALARM, ENDED_OTHERWISE, LEFT_OPEN)
        },
    }


def buttons_section(turns: Sequence[Turn]) -> List[Dict[str, Any]]:
    offered: Counter = Counter()
    titles: Dict[str, str] = {}
    for turn in turns:
        for payload, title in turn.offered:
            offered[payload] += 1
            titles.setdefault(payload, title)
    chosen = Counter(turn.chosen for turn in turns if turn.chosen)
    rows = [
        {
            "payload": payload,
            "title": titles.get(payload, ""),
            "offered": count,
            "chosen": chosen.get(payload, 0),
            "share": share(chosen.get(payload, 0), count),
        }
        for payload, count in offered.items()
    ]
    return sorted(rows, key=lambda row: (-row["offered"], -row["chosen"], row["payload"]))


def latency_section(turns: Sequence[Turn], window: Window) -> Dict[str, Any]:
    seconds = [(turn.day, turn.latency) for turn in turns if turn.latency is not None]
    values = [value for _, value in seconds]
    with_receive_time = sum(turn.received_at is not None for turn in turns)
    by_day: Dict[str, List[float]] = defaultdict(list)
    for day, value in seconds:
        by_day[day].append(value)

    def ms(value: Optional[float]) -> Optional[float]:
        return None if value is None else round(value * 1000, 1)

    return {
        "method": (
            "from the receive time the channel stored in the user message's metadata (received_at) to the first "
            "answer's timestamp"
            if with_receive_time == len(turns) and turns
            else "from the receive time (received_at) where the channel stored it, else from the user event's "
            "timestamp (set after the message was understood, so it leaves out NLU), to the first answer's timestamp"
        ),
        "with_receive_time": with_receive_time,
        "answers": len(values),
        "p50_ms": ms(percentile(values, 50)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values) if values else None),
        "per_day": [
            {"date": d, "p50_ms": ms(percentile(by_day[d], 50)), "p95_ms": ms(percentile(by_day[d], 95))}
            for d in window.dates()
        ],
    }


def low_confidence(turns: Iterable[Turn], threshold: float = DEFAULT_LOW_CONFIDENCE) -> List[Turn]:
    """Answers given on a confidence below ``threshold`` (visitors' own words, not buttons or safety answers)."""
    return [
        turn
        for turn in turns
        if turn.answered
        and turn.tier is None
        and not turn.crisis
        and not is_button(turn)
        and turn.confidence is not None
        and turn.confidence < threshold
    ]


def summarise(
    turns: Sequence[Turn],
    runs: Sequence[FormRun],
    window: Window,
    recent: Optional[Window] = None,
    before: Optional[Window] = None,
    low_confidence_below: float = DEFAULT_LOW_CONFIDENCE,
) -> Dict[str, Any]:
    """Every number of the report for ``window``; topic trends of ``recent`` against ``before`` (per day)."""
    inside = [turn for turn in turns if window.holds(turn.at)]
    recent = recent or window
    lately = [turn for turn in turns if recent.holds(turn.at)]
    earlier = [turn for turn in turns if before.holds(turn.at)] if before else []
    unsure = low_confidence(inside, low_confidence_below)
    return {
        "period": window.as_dict(),
        "trend": {"recent": recent.as_dict(), "before": before.as_dict() if before else None},
        "conversations": conversations_section(inside, window),
        "topics": topics_section(inside, lately, earlier, recent.days, before.days if before else 0),
        "misses": misses_section(inside, window),
        "safety": safety_section(inside, window),
        "questionnaire": questionnaire_section([run for run in runs if window.holds(run.started_at)]),
        "buttons": buttons_section(inside),
        "latency": latency_section(inside, window),
        "low_confidence": {
            "below": low_confidence_below,
            "answers": len(unsure),
            "share": share(len(unsure), len(inside)),
            "questions": grouped_questions(unsure),
        },
    }


__all__ = ["Window", "summarise", "low_confidence", "grouped_questions", "percentile", "day_of", "MISSES"]
