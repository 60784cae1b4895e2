"""The insights report's pure parts (insights/): masking, grouping, turns from events, the numbers, the period,
the review file's lines and its comment check. Events are built inline as the tracker store keeps them."""

from __future__ import annotations

import pytest

from insights import period as periods
from insights.aggregate import DAY, Window, percentile, summarise
from insights.grouping import group, normalise
from insights.masking import has_personal_data, mask
from insights.review import check_text, piles, resolve
from insights.review_file import block, comment_problems
from insights.turns import ENDED_BY_ALARM, LEFT_OPEN, StoredEvent, conversation_turns

T0 = 1_796_000_000.0  # a day in 2026, 00:00 UTC + some seconds
START = T0 - (T0 % DAY)


# ---- masking ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("mail jan.de-vries+rug@example.co.uk graag", "mail <e-mail> graag"),
        ("bel me op 0612345678", "bel me op <phone>"),
        ("bel 06-12345678 of 06 1234 5678", "bel <phone> of <phone>"),
        ("+31 (0)6 1234 5678 na vijven", "<phone> na vijven"),
        ("mijn nummer is 0031 6 12 34 56 78.", "mijn nummer is <phone>."),
        ("België: 0470 12 34 56", "België: <phone>"),
        ("vast 020-1234567", "vast <phone>"),
        (
            "ik heb 38,5 koorts en pijn 7/10 sinds 2024, bel 112?",
            "ik heb 38,5 koorts en pijn 7/10 sinds 2024, bel 112?",
        ),
        ("datum 01-12-2026", "datum 01-12-2026"),
        ("", ""),
    ],
)
def test_mask_hides_e_mail_addresses_and_phone_numbers_only(text, masked):
    assert mask(text) == masked
    assert has_personal_data(text) == (text != masked)


def test_placeholders_count_as_personal_data():
    assert has_personal_data("stuur naar <e-mail>") and has_personal_data("<phone>")


# ---- grouping ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, normalised", [("Wát is  een HERNIA?!", "wat is een hernia"), ("  ...  ", ""), ("rug-pijn", "rug pijn")]
)
def test_normalise(text, normalised):
    assert normalise(text) == normalised


def test_similar_questions_are_grouped_most_frequent_first():
    messages = [
        "heb ik een MRI nodig?",
        "heb ik een mri nodig",
        "Heb ik een MRI nodig?",
        "heb ik een mri scan nodig?",
        "welke matras is goed voor mijn rug",
        "welk matras is goed voor mijn rug?",
        "vergoedt de verzekering fysio",
    ]
    groups = group(messages)
    assert [(g.text, g.count) for g in groups] == [
        ("Heb ik een MRI nodig?", 4),  # the first (by code point) of the equally frequent spellings
        ("welk matras is goed voor mijn rug?", 2),
        ("vergoedt de verzekering fysio", 1),
    ]
    assert groups[0].texts == [("Heb ik een MRI nodig?", 3), ("heb ik een mri scan nodig?", 1)]


def test_grouping_of_nothing_and_of_punctuation_only():
    assert group([]) == [] and group(["?!", " "]) == []


# ---- turns from stored events ------------------------------------------------------------------------------------


def user(at, text, intent="faq", confidence=0.9, faq=None, received=None):
    parse = {"intent": {"name": intent, "confidence": confidence}, "text": text}
    if faq is not None:
        parse["response_selector"] = {"faq": {"response": {"confidence": faq, "intent_response_key": "faq/x"}}}
    data = {"event": "user", "text": text, "parse_data": parse, "metadata": {"model_id": "m"}}
    if received is not None:
        data["metadata"]["received_at"] = received
    return StoredEvent("user", at, None, data)


def bot(at, utter, buttons=()):
    data = {"event": "bot", "metadata": {"utter_action": utter}, "data": {"buttons": [dict(b) for b in buttons]}}
    return StoredEvent("bot", at, None, data)


def action(at, name):
    return StoredEvent("action", at, name, {})


def loop(at, name):
    return StoredEvent("active_loop", at, None, {"event": "active_loop", "name": name})


def requested(at, value):
    return StoredEvent("slot", at, "requested_slot", {"event": "slot", "name": "requested_slot", "value": value})


BUTTONS = [
    {"title": "Bedrust?", "payload": "/faq/bed_rest"},
    {"title": "Oefeningen", "payload": "/exercise_recommendation"},
]


def conversation_a(t):
    """A FAQ answer with buttons, a button chosen, a fallback with an e-mail address, the questionnaire abandoned."""
    return [
        action(t, "action_session_start"),
        action(t, "action_listen"),
        user(t + 1, "hoe lang duurt rugpijn", faq=0.95, received=t + 0.9),
        action(t + 1.05, "utter_faq"),
        bot(t + 1.1, "utter_faq/recovery_time", BUTTONS),
        action(t + 1.1, "action_listen"),
        user(t + 10, "/faq/bed_rest", faq=1.0),
        bot(t + 10.2, "utter_faq/bed_rest"),
        user(t + 20, "mail me: a@b.nl", intent="nlu_fallback", confidence=0.3),
        action(t + 20.1, "action_fallback_topics"),
        bot(t + 20.3, "utter_fallback"),
        user(t + 30, "welke oefeningen", intent="exercise_recommendation", confidence=0.99),
        action(t + 30, "exercise_recommendation_form"),
        loop(t + 30, "exercise_recommendation_form"),
        requested(t + 30, "klachtduur"),
        bot(t + 30.1, "utter_ask_exercise_recommendation_form_klachtduur"),
        user(t + 40, "drie weken", intent="inform"),
        requested(t + 40, "uitstraling"),
        bot(t + 40.1, "utter_ask_exercise_recommendation_form_uitstraling"),
    ]


def conversation_b(t):
    """The questionnaire ended by an alarm sign, then a crisis answer next to a medical one; a low-confidence FAQ."""
    return [
        user(t, "oefeningen graag", intent="exercise_recommendation"),
        loop(t, "exercise_recommendation_form"),
        requested(t, "klachtduur"),
        bot(t + 0.1, "utter_ask_exercise_recommendation_form_klachtduur"),
        user(t + 5, "ik heb koorts", intent="red_flag_today", confidence=1.0),
        loop(t + 5.01, None),
        bot(t + 5.1, "utter_red_flag_today"),
        user(t + 9, "ik wil niet meer en kan mijn plas niet ophouden", intent="red_flag_emergency"),
        bot(t + 9.1, "utter_red_flag_emergency"),
        bot(t + 9.1, "utter_crisis"),
        user(t + 20, "wat is een hernia eigenlijk", faq=0.4),
        bot(t + 20.2, "utter_faq/hernia"),
        user(t + 30, "matras?", intent="not_covered", confidence=0.8),
        bot(t + 30.1, "utter_not_covered"),
        user(t + 31, "goeie matras?", intent="not_covered", confidence=0.8),
        bot(t + 31.1, "utter_not_covered"),
    ]


def finished_form(t):
    return [
        user(t, "oefeningen", intent="exercise_recommendation"),
        loop(t, "exercise_recommendation_form"),
        requested(t, "klachtduur"),
        bot(t, "utter_ask_exercise_recommendation_form_klachtduur"),
        user(t + 1, "nee", intent="deny"),
        requested(t + 1, None),
        loop(t + 1, None),
        action(t + 1, "action_exercise_recommendation"),
        bot(t + 1.5, "utter_exercise_recommendation_intro"),
    ]


def test_turns_follow_the_topic_contract_and_the_questionnaire():
    turns, runs = conversation_turns("a", conversation_a(START + 100))
    assert [t.topic for t in turns] == ["recovery_time", "bed_rest", "fallback", "exercise_recommendation"] + [
        "exercise_recommendation"
    ]
    assert turns[0].offered == [("/faq/bed_rest", "Bedrust?"), ("/exercise_recommendation", "Oefeningen")]
    assert turns[1].chosen == "/faq/bed_rest" and turns[2].chosen is None
    assert turns[0].latency == pytest.approx(0.2) and turns[1].latency == pytest.approx(0.2)
    assert [t.answered for t in turns] == [True, True, False, False, False]
    assert [t.in_form for t in turns] == [False, False, False, False, True]
    assert [(r.finished, r.ended, r.at_question) for r in runs] == [(False, LEFT_OPEN, "uitstraling")]

    turns, runs = conversation_turns("b", conversation_b(START + 100))
    assert [(t.tier, t.crisis) for t in turns][:3] == [(None, False), ("today", False), ("emergency", True)]
    assert [(r.finished, r.ended, r.at_question) for r in runs] == [(False, ENDED_BY_ALARM, "klachtduur")]
    _, runs = conversation_turns("c", finished_form(START))
    assert [(r.finished, r.ended) for r in runs] == [(True, None)]


def test_the_numbers_of_a_period():
    window = Window(START, START + 2 * DAY)
    events = {
        "a": conversation_a(START + 100),
        "b": conversation_b(START + DAY + 100),
        "c": finished_form(START + DAY + 500),
        "old": conversation_b(START - 3 * DAY),  # before the period: not counted
    }
    turns, runs = [], []
    for sender, stored in events.items():
        t, r = conversation_turns(sender, stored)
        turns += t
        runs += r
    report = summarise(turns, runs, window)
    conv = report["conversations"]
    assert (conv["total"], conv["messages"]) == (3, 13)
    assert [(d["conversations"], d["messages"]) for d in conv["per_day"]] == [(1, 5), (2, 8)]
    assert conv["reached_answer"] == {"conversations": 3, "share": 1.0}
    assert conv["length"]["histogram"]["2"] == 1 and conv["length"]["histogram"]["5"] == 1
    assert report["misses"]["counts"] == {"fallback": 1, "not_covered": 2, "out_of_scope": 0}
    assert report["misses"]["questions"]["fallback"] == [{"text": "mail me: <e-mail>", "count": 1, "variants": []}]
    assert report["misses"]["questions"]["not_covered"] == [
        {"text": "goeie matras?", "count": 2, "variants": ["matras?"]}
    ]
    assert report["misses"]["per_day"][1]["not_covered_rate"] == pytest.approx(2 / 8)
    assert report["safety"]["tiers"] == {"emergency": 1, "today": 1, "soon": 0, "ask": 0}
    assert report["safety"]["crisis"] == 1
    quest = report["questionnaire"]
    assert (quest["started"], quest["finished"], quest["abandoned"]) == (3, 1, 2)
    assert quest["abandoned_at"] == {"klachtduur": 1, "uitstraling": 1}
    assert quest["abandoned_because"] == {"alarm sign": 1, "stopped": 0, "left": 1}
    topics = {row["topic"]: row["count"] for row in report["topics"]}
    assert topics["exercise_recommendation"] == 3  # the answer to a questionnaire question is not a topic asked
    buttons = {row["payload"]: (row["offered"], row["chosen"]) for row in report["buttons"]}
    assert buttons == {"/faq/bed_rest": (1, 1), "/exercise_recommendation": (1, 0)}
    assert report["low_confidence"]["answers"] == 1
    assert report["low_confidence"]["questions"][0]["text"] == "wat is een hernia eigenlijk"
    assert report["latency"]["answers"] == 13 and report["latency"]["with_receive_time"] == 1
    assert "conversation" not in str(report["misses"]["questions"])  # texts only: no ids


def test_trend_against_the_period_before():
    now = START + 20 * DAY
    turns = []
    for day, count in ((1, 1), (2, 1), (15, 3)):
        for i in range(count):
            t, _ = conversation_turns(
                f"x{day}{i}", [user(START + day * DAY, "q"), bot(START + day * DAY, "utter_faq/hernia")]
            )
            turns += t
    window, recent, before = periods.choose(now, retention=30, days=10)
    report = summarise(turns, [], window, recent, before)
    assert report["topics"] == [
        {"topic": "hernia", "answer": True, "count": 3, "share": 1.0, "recent": 3, "before": 2, "trend": 0.5}
    ]


@pytest.mark.parametrize(
    "days, since, retention, error",
    [
        (30, None, 30, None),
        (31, None, 30, "before the retention window of 30 days"),
        (None, "2020-01-01", 30, "before the retention window"),
        (7, None, 30, None),
        (None, "not a date", 30, "must be a date"),
    ],
)
def test_periods_must_lie_inside_the_retention_window(days, since, retention, error):
    now = START + 40 * DAY
    if error:
        with pytest.raises(periods.PeriodError, match=error):
            periods.choose(now, retention, days=days, since=since)
        return
    window, recent, before = periods.choose(now, retention, days=days, since=since)
    assert window.end == now and before.start >= now - retention * DAY - 1
    if days == 30:  # no room for the period before: the second half against the first
        assert (recent.start, before.end) == (window.start + 15 * DAY, window.start + 15 * DAY)
    else:
        assert (recent, before.end) == (window, window.start)


def test_retention_days_from_the_environment():
    assert periods.retention_days({}) == 30 and periods.retention_days({"RETENTION_DAYS": "14"}) == 14
    with pytest.raises(periods.PeriodError):
        periods.retention_days({"RETENTION_DAYS": "0"})


def test_percentile():
    assert percentile([], 50) is None and percentile([3, 1, 2], 50) == 2 and percentile([0, 10], 95) == 9.5


# ---- review: what is asked and what is appended ------------------------------------------------------------------


def test_review_piles_hold_missed_and_unsure_messages_not_yet_reviewed():
    turns, _ = conversation_turns("b", conversation_b(START))
    more, _ = conversation_turns("a", conversation_a(START))
    result = piles(turns + more, reviewed=set(), threshold=0.6)
    assert [(p.texts, p.why) for p in result] == [
        ([("goeie matras?", 1), ("matras?", 1)], {"not_covered": 2}),
        ([("mail me: <e-mail>", 1)], {"fallback": 1}),
        ([("wat is een hernia eigenlijk", 1)], {"low confidence": 1}),
    ]
    assert result[1].originals == {"mail me: a@b.nl"}
    from insights.review import text_key

    assert len(piles(turns + more, reviewed={text_key("matras?"), text_key("goeie matras?")}, threshold=0.6)) == 2


@pytest.mark.parametrize(
    "text, problem",
    [
        ("Wat is een hernia eigenlijk?", "visitor's own text"),
        ("mail me op <e-mail>", "e-mail address"),
        ("bel 0612345678", "phone number"),
        ("wat houdt een hernia in", None),
    ],
)
def test_an_edited_text_must_differ_from_the_visitors_and_hold_no_personal_data(text, problem):
    result = check_text(text, ["wat is een hernia eigenlijk"])
    assert (result is None) if problem is None else (problem in result)


@pytest.mark.parametrize(
    "typed, intent",
    [("1", "faq/a"), ("2", "greet"), ("3", None), ("o", "out_of_scope"), ("N", "not_covered"), ("s", "skip")]
    + [("q", "quit"), ("greet", "greet"), ("faq/zzz", None), ("", None)],
)
def test_resolve_what_the_maintainer_typed(typed, intent):
    assert resolve(typed, ["faq/a", "greet"]) == intent


def test_review_block_is_rasa_list_form_with_metadata():
    assert block("faq/hernia", ['wat is een "hernia" # echt'], "2026-12-01") == (
        "- intent: faq/hernia\n"
        "  examples:\n"
        '  - text: "wat is een \\"hernia\\" # echt"\n'
        "    metadata:\n"
        "      source: review\n"
        "      reviewed: '2026-12-01'\n"
    )


def test_comments_inside_examples_blocks_are_problems():
    text = (
        "nlu:\n- intent: greet\n  examples: |\n    - hallo\n    # van de review\n    - hoi # ook\n"
        '# a real YAML comment\n- intent: faq/hernia\n  examples:\n  - text: "wat # is dat"\n'
    )
    problems = comment_problems(text, "review.yml")
    assert [p.split(":")[1] for p in problems] == ["5", "6"]
    assert comment_problems("nlu:\n- intent: greet\n  examples: |\n    - hallo\n", "x") == []
