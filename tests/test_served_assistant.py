"""End to end: the assistant served as `make run` serves it, over the REST channel and the HTTP API."""

import json
import re

import pytest
import requests

pytestmark = pytest.mark.model


def _texts(replies):
    return [reply.get("text", "") for reply in replies]


def _answered_by(tracker, turn=-1):
    """Names (utter_action or action) of what answered the given user turn, per the topic contract."""
    events = tracker["events"]
    user_indices = [i for i, e in enumerate(events) if e["event"] == "user"]
    start = user_indices[turn]
    end = user_indices[turn + 1] if turn != -1 and turn + 1 < len(user_indices) else len(events)
    names = []
    for event in events[start + 1 : end]:
        if event["event"] == "bot":
            names.append(event.get("metadata", {}).get("utter_action") or "")
        elif event["event"] == "action" and event["name"] != "action_listen":
            names.append(event["name"])
    return names


def _responses(tracker):
    """Names of the responses the bot sent after the last user message (bot events' utter_action)."""
    events = tracker["events"]
    start = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [e.get("metadata", {}).get("utter_action") for e in events[start:] if e["event"] == "bot"]


def test_a_question_gets_its_answer_with_source_and_related_topics(assistant):
    sender = assistant.new_sender()
    replies = assistant.say(sender, "Hoe lang duurt het meestal voordat lage rugpijn weer over is?")
    assert "Bron:" in replies[0]["text"]
    assert 2 <= len(replies[0]["buttons"]) <= 3
    assert "utter_faq/recovery_time" in _answered_by(assistant.tracker(sender))


def test_a_related_topic_button_reaches_that_topic(assistant):
    sender = assistant.new_sender()
    replies = assistant.say(sender, "moet ik in bed blijven met rugpijn?")
    related = [button["payload"] for button in replies[0]["buttons"] if button["payload"].startswith("/faq/")]
    assert related, f"no related topic buttons under the answer: {replies[0]}"
    for payload in related:
        topic = payload.split("/")[-1]
        assert assistant.say(sender, payload), f"no reply to the button {payload}"
        assert f"utter_faq/{topic}" in _answered_by(assistant.tracker(sender))


def test_greeting_introduces_the_assistant_as_not_a_doctor(assistant):
    replies = assistant.say(assistant.new_sender(), "goedemiddag")
    assert re.search(r"geen arts", replies[0]["text"])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "rug " * 1500,
        "What are the opening hours of the zoo?",
        "<script>alert('hallo')</script>",
        "x" * 6000,
    ],
)
def test_bad_input_gets_a_dutch_reply_never_an_error_or_an_echo(assistant, text):
    replies = assistant.say(assistant.new_sender(), text)
    texts = _texts(replies)
    assert texts and all(texts), f"no reply to {text[:40]!r}"
    for reply in texts:
        assert "Traceback" not in reply
        if text.strip():
            assert text.strip()[:30] not in reply


def test_alarm_sign_in_the_middle_of_the_exercise_questions_wins(assistant):
    sender = assistant.new_sender()
    first = assistant.say(sender, "welke oefeningen kan ik doen voor mijn onderrug?")
    assert first, "the questionnaire did not start"
    replies = assistant.say(sender, "sinds vanochtend kan ik mijn plas niet meer ophouden")
    assert "112" in replies[0]["text"]
    tracker = assistant.tracker(sender)
    assert _answered_by(tracker)[0] == "utter_red_flag_emergency"
    assert not (tracker.get("active_loop") or {}).get("name")
    later = assistant.say(sender, "welke oefeningen kan ik doen?")
    assert _answered_by(assistant.tracker(sender))[0] == "utter_red_flag_reminder"
    assert later and "oefeningen" in later[0]["text"]


def test_an_alarm_sign_in_words_the_lexicon_does_not_know_gets_its_tier_from_the_second_opinion(assistant):
    from assistant.alarm_signs import assess

    text = "mijn onderbroek blijft nat zonder dat ik het merk sinds die rugpijn begon"
    assert assess(text).tier is None, "the lexicon now knows this wording: pick one only the second opinion knows"
    sender = assistant.new_sender()
    replies = assistant.say(sender, text)
    assert "112" in replies[0]["text"]
    tracker = assistant.tracker(sender)
    assert _answered_by(tracker)[0] == "utter_red_flag_emergency"
    assert tracker["latest_message"]["alarm_opinion"]["best_alarm"] == "emergency"


def test_crisis_gets_the_crisis_lines(assistant):
    replies = assistant.say(assistant.new_sender(), "ik zie het echt niet meer zitten door die pijn")
    assert "113" in replies[0]["text"] and "1813" in replies[0]["text"]


def test_human_handoff_without_contact_details_is_honest_and_names_the_way_to_care(assistant):
    # make run without SHOP_EMAIL, SHOP_PHONE, SHOP_HOURS (the tests set none): no placeholder reaches the visitor.
    sender = assistant.new_sender()
    text = " ".join(_texts(assistant.say(sender, "kan ik iemand van de klantenservice spreken?")))
    assert _responses(assistant.tracker(sender)) == ["utter_human_handoff_unconfigured", "utter_human_handoff_care"]
    assert "fysiotherapeut" in text and "huisarts" in text
    assert "@" not in text and "voorbeeld" not in text and "invalid" not in text


def test_the_http_api_needs_the_token(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "hallo")
    response = requests.get(f"{assistant.url}/conversations/{sender}/tracker", timeout=10)
    assert response.status_code == 401
    assert assistant.tracker(sender)["sender_id"] == sender


def test_exercise_questionnaire_in_own_words_gives_safe_exercises_and_no_ebook_below_the_knee(assistant):
    sender = assistant.new_sender()
    for answer in ["welke oefeningen kan ik doen?", "een week of drie", "ja tot in mijn kuit", "zeven"]:
        assert assistant.say(sender, answer), f"no reply to {answer!r}"
    assert _responses(assistant.tracker(sender)) == ["utter_ask_exercise_recommendation_form_contra_indicaties"]
    assistant.say(sender, "nee, geen daarvan")
    replies = assistant.say(sender, "nee, niks van dat")
    names = _responses(assistant.tracker(sender))
    assert names[0] == "utter_exercise_recommendation_intro"
    items = [n for n in names if n == "utter_exercise_recommendation_item"]
    assert 3 <= len(items) <= 4
    assert "utter_exercise_recommendation_stop_rules" in names
    assert names[-1] == "utter_exercise_recommendation_radiating"  # below the knee: a physiotherapist, no e-book
    texts = _texts(replies)
    assert any("1. " in t and "Hoeveel:" in t for t in texts)
    assert not any("oefenboek" in t for t in texts)


def test_a_pregnancy_named_in_own_words_leaves_out_lying_on_the_back_and_says_why(assistant):
    sender = assistant.new_sender()
    for answer in [
        "welke oefeningen kan ik doen?",
        "al maanden",
        "nee, alleen in mijn rug",
        "4",
        "ik ben 20 weken zwanger",
    ]:
        assert assistant.say(sender, answer), f"no reply to {answer!r}"
    replies = assistant.say(sender, "nee")
    names = _responses(assistant.tracker(sender))
    assert names[:2] == ["utter_exercise_recommendation_intro", "utter_exercise_recommendation_left_out_zwangerschap"]
    texts = " ".join(_texts(replies))
    assert "Bruggetje" not in texts and "Dode kever" not in texts and "Wandelen" in texts
    assert "Deense kronen (DKK)" in _texts(replies)[-1]  # the e-book, its price with the currency spelled out


def test_an_unclear_answer_is_asked_again_and_stop_ends_the_questions(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "geef me oefeningen voor mijn rug")
    assistant.say(sender, "al maanden")
    assistant.say(sender, "nee")
    assistant.say(sender, "veel")
    assert _responses(assistant.tracker(sender)) == [
        "utter_exercise_recommendation_retry_pijnscore",
        "utter_ask_exercise_recommendation_form_pijnscore",
    ]
    assistant.say(sender, "laat maar")
    tracker = assistant.tracker(sender)
    assert _responses(tracker) == ["utter_exercise_recommendation_stopped"]
    assert not (tracker.get("active_loop") or {}).get("name")


def test_severe_pain_gets_no_exercises_but_the_huisarts(assistant):
    sender = assistant.new_sender()
    for answer in ["welke oefeningen kan ik doen?", "2 weken", "nee, alleen in mijn rug", "9"]:
        assistant.say(sender, answer)
    assistant.say(sender, "nee")
    assert _responses(assistant.tracker(sender)) == ["utter_exercise_recommendation_severe_pain"]


def test_an_unknown_slash_command_gets_one_answer_and_the_conversation_goes_on(assistant):
    sender = assistant.new_sender()
    replies = assistant.say(sender, "/@zadel")
    assert 1 <= len(replies) <= 2, f"{len(replies)} replies"
    assert "Bron:" in " ".join(_texts(assistant.say(sender, "hoe lang duurt rugpijn meestal?")))


def test_the_warm_up_at_start_stores_no_conversation(assistant):
    tracker = assistant.tracker("warm-up")
    assert [e for e in tracker["events"] if e["event"] in ("user", "bot")] == []


# ---- issue 11: the channel's budget and rules, as a visitor or a caller notices them --------------------------------


def _post(assistant, body, stream=False):
    url = assistant.webhook + ("?stream=true" if stream else "")
    return requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=60)


def test_a_one_megabyte_message_is_refused_with_413_before_any_work(assistant):
    response = _post(assistant, json.dumps({"sender": assistant.new_sender(), "message": "ik heb rugpijn " * 70000}))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large" and "te lang" in response.json()["message"]


@pytest.mark.parametrize("body", ['{"message": "ik heb koorts"}', '{"sender": null, "message": "ik heb koorts"}'])
def test_without_a_sender_nobody_shares_the_default_conversation(assistant, body):
    for _ in range(2):
        response = _post(assistant, body)
        assert response.status_code == 400 and response.json()["error"] == "invalid_sender"
    assert [e for e in assistant.tracker("default")["events"] if e["event"] == "user"] == []


@pytest.mark.parametrize("command", ["/restart", "/session_start", "/faq", '/faq{"x":1}'])
def test_a_command_the_assistant_does_not_offer_gets_an_answer(assistant, command):
    sender = assistant.new_sender()
    texts = _texts(assistant.say(sender, command))
    assert texts and all(texts), f"no answer to {command}"
    user = [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert not user["text"].startswith("/") and user["parse_data"]["intent"]["name"] not in ("restart", "session_start")


def test_restart_typed_by_a_visitor_keeps_the_alarm_sign_lock(assistant):
    sender = assistant.new_sender()
    assert "112" in assistant.say(sender, "sinds vanochtend kan ik mijn plas niet meer ophouden")[0]["text"]
    for command in ("/restart", "/session_start"):
        assistant.say(sender, command)
    assistant.say(sender, "welke oefeningen kan ik doen?")
    assert _answered_by(assistant.tracker(sender))[0] == "utter_red_flag_reminder"
    assert not [e for e in assistant.tracker(sender)["events"] if e["event"] in ("restart", "session_started")][1:]


@pytest.mark.parametrize("message", [[1], 17, None, {"text": "hallo"}])
def test_a_stream_always_ends(assistant, message):
    response = _post(assistant, json.dumps({"sender": assistant.new_sender(), "message": message}), stream=True)
    assert response.status_code == 400 and response.json()["error"] == "invalid_message"
    streamed = _post(assistant, json.dumps({"sender": assistant.new_sender(), "message": "hallo"}), stream=True)
    lines = [json.loads(line) for line in streamed.text.splitlines() if line.strip()]
    assert streamed.status_code == 200 and lines and lines[0]["text"]


def test_the_caller_cannot_choose_the_channel_or_store_metadata(assistant):
    sender = assistant.new_sender()
    body = {"sender": sender, "message": "hallo", "input_channel": "telegram", "metadata": {"admin": True}}
    assert _post(assistant, json.dumps(body)).status_code == 200
    user = [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert user["input_channel"] == "rest" and "admin" not in (user.get("metadata") or {})  # Rasa adds model_id


def test_a_404_under_the_demo_page_has_the_security_headers(assistant):
    response = requests.get(f"{assistant.url}/demo/x", timeout=10)
    assert response.status_code == 404
    assert response.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in response.headers
