"""Outages: the database or the action server goes away or hangs. Real servers, real PostgreSQL, TCP proxies owned
by the tests (never the machine's PostgreSQL itself). The user always gets the Dutch apology (and in the
questionnaire the same question again), errors are logged, nothing is half-stored, and the conversation continues
when the service is back. How long the apology takes is measured by `make bench` (benchmark/experiments.py)."""

from __future__ import annotations

import pytest
import requests

from tests.support.guarded import GUARDED_ACTION_TIMEOUT
from tests.support.processes import RasaServer
from tests.support.proxy import TcpProxy

STORAGE = "utter_storage_unavailable"
ACTIONS = "utter_actions_unavailable"
FORM_START = "welke oefeningen kan ik doen?"


def _domain(server) -> dict:
    response = requests.get(
        f"{server.url}/domain", params={"token": server.token}, headers={"Accept": "application/json"}, timeout=30
    )
    response.raise_for_status()
    return response.json()


def _texts_of(server, response: str) -> set:
    """The texts the served model has for a response."""
    return {variant["text"] for variant in _domain(server)["responses"].get(response, [])}


def _apology(server, response: str) -> set:
    """The apology's text: the domain response once the model has it, until then the built-in text."""
    texts = _texts_of(server, response)
    assert texts, f"the served model has no response {response}"
    return texts


def _question(server, slot: str) -> set:
    return _texts_of(server, f"utter_ask_exercise_recommendation_form_{slot}")


def _say(server, sender: str, text: str):
    """The reply texts (Assistant.say waits at most 60 s: a server that hangs fails the test)."""
    return [reply.get("text", "") for reply in server.say(sender, text)]


def _user_texts(server, sender: str):
    return [event["text"] for event in server.tracker(sender)["events"] if event["event"] == "user"]


def _start_form(server, sender: str) -> None:
    texts = _say(server, sender, FORM_START)
    assert texts and texts[-1] in _question(server, "klachtduur"), texts
    texts = _say(server, sender, "al een week of drie")
    assert texts and texts[-1] in _question(server, "uitstraling"), texts


# ---- start-up ------------------------------------------------------------------------------------------------------


def test_the_store_refuses_to_start_without_its_database(tmp_path):
    """In-process: an unreachable PostgreSQL and a missing SQLite directory stop the start with a clear error."""
    from assistant.tracker_store import STARTUP_FAILURE_EXIT_CODE, StrictSQLTrackerStore, TrackerStoreStartupError

    proxy = TcpProxy("127.0.0.1", 9)
    proxy.cut()
    try:
        with pytest.raises(TrackerStoreStartupError, match="cannot reach the tracker store") as failure:
            StrictSQLTrackerStore(
                dialect="postgresql",
                host="127.0.0.1",
                port=proxy.port,
                db="rasa",
                username="postgres",
                startup_timeout=1,
            )
        assert failure.value.code == STARTUP_FAILURE_EXIT_CODE
    finally:
        proxy.close()
    with pytest.raises(TrackerStoreStartupError, match="does not exist"):
        StrictSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "missing" / "conversations.db"))


@pytest.mark.model
def test_rasa_exits_with_a_clear_error_when_the_database_is_unreachable(tmp_path):
    proxy = TcpProxy("127.0.0.1", 9)
    proxy.cut()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: assistant.tracker_store.StrictSQLTrackerStore\n"
        f"  dialect: postgresql\n  url: 127.0.0.1\n  port: {proxy.port}\n  db: rasa\n"
        "  username: postgres\n  startup_timeout: 2\n"
    )
    server = RasaServer(tmp_path, endpoints, name="no-database")
    try:
        code = server.launch().wait(timeout=240)
    finally:
        server.stop()
        proxy.close()
    assert code == 78, server.log()[-3000:]
    assert "Rasa cannot start: cannot reach the tracker store" in server.log()


# ---- the database goes away while serving ------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_database_cut_mid_form_gives_an_apology_and_the_form_continues_after(guarded_server):
    server = guarded_server.server
    sender = server.new_sender()
    _start_form(server, sender)
    guarded_server.db_proxy.cut()
    try:
        texts = _say(server, sender, "alleen in mijn onderrug")
        assert len(texts) == 1 and texts[0] in _apology(server, STORAGE), texts
        assert "failed during retrieve" in server.log()
        assert "the user got 'utter_storage_unavailable'" in server.log()
    finally:
        guarded_server.restore()
    texts = _say(server, sender, "alleen in mijn onderrug")
    assert texts and texts[-1] in _question(server, "pijnscore"), texts
    assert _user_texts(server, sender) == [FORM_START, "al een week of drie", "alleen in mijn onderrug"]


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_database_refusing_writes_withdraws_the_answer_and_apologises(guarded_server):
    """Reading works, storing fails (read-only database): the answer of a turn that was not stored is not sent."""
    server = guarded_server.server
    sender = server.new_sender()
    _start_form(server, sender)
    guarded_server.database.set_read_only(True)
    try:
        texts = _say(server, sender, "alleen in mijn onderrug")
        assert len(texts) == 1 and texts[0] in _apology(server, STORAGE), texts
        assert "failed during save" in server.log()
    finally:
        guarded_server.database.set_read_only(False)
    texts = _say(server, sender, "alleen in mijn onderrug")
    assert texts and texts[-1] in _question(server, "pijnscore"), texts
    assert _user_texts(server, sender) == [FORM_START, "al een week of drie", "alleen in mijn onderrug"]


# ---- the action server goes away or hangs ------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_action_server_down_mid_form_apologises_and_keeps_the_question_open(guarded_server):
    server = guarded_server.server
    sender = server.new_sender()
    guarded_server.action_proxy.cut()
    try:
        texts = _say(server, sender, FORM_START)  # activation needs nothing from the action server
        assert texts and texts[-1] in _question(server, "klachtduur") and not set(texts) & _apology(server, ACTIONS)
        texts = _say(server, sender, "al een week of drie")
        assert len(texts) == 2 and texts[0] in _apology(server, ACTIONS), texts
        assert texts[1] in _question(server, "klachtduur")  # the same question again
        assert "Custom action 'validate_exercise_recommendation_form' failed" in server.log()
    finally:
        guarded_server.restore()
    texts = _say(server, sender, "al een week of drie")
    assert texts and texts[-1] in _question(server, "uitstraling"), texts


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_action_server_down_for_a_custom_action_apologises_once_then_works_again(guarded_server):
    server = guarded_server.server
    sender = server.new_sender()
    guarded_server.action_proxy.cut()
    try:
        texts = _say(server, sender, "ik wil graag een medewerker spreken")
        assert texts and texts[0] in _apology(server, ACTIONS) and len(texts) == 1, texts
    finally:
        guarded_server.restore()
    texts = _say(server, sender, "ik wil graag een medewerker spreken")
    assert texts and not set(texts) & _apology(server, ACTIONS), texts
    actions = [e.get("name") for e in server.tracker(sender)["events"] if e["event"] == "action"]
    assert actions.count("action_human_handoff") == 2


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_a_hanging_action_server_gets_an_apology_and_the_same_question(guarded_server):
    server = guarded_server.server
    sender = server.new_sender()
    _start_form(server, sender)
    guarded_server.action_proxy.stall()
    try:
        texts = _say(server, sender, "alleen in mijn onderrug")
        assert len(texts) == 2 and texts[0] in _apology(server, ACTIONS), texts
        assert texts[1] in _question(server, "uitstraling")
        assert f"no answer within {GUARDED_ACTION_TIMEOUT:g} s" in server.log()
    finally:
        guarded_server.restore()
    texts = _say(server, sender, "alleen in mijn onderrug")
    assert texts and texts[-1] in _question(server, "pijnscore"), texts


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_the_alarm_sign_safety_net_works_with_the_action_server_down(guarded_server):
    server = guarded_server.server
    emergency = _texts_of(server, "utter_red_flag_emergency")
    guarded_server.action_proxy.cut()
    try:
        sender = server.new_sender()
        texts = _say(server, sender, FORM_START)
        assert texts and texts[-1] in _question(server, "klachtduur"), texts
        texts = _say(server, sender, "sinds vanochtend kan ik mijn plas niet meer ophouden")
        assert texts and texts[0] in emergency, texts
        assert not set(texts) & _apology(server, ACTIONS)
        assert not (server.tracker(sender).get("active_loop") or {}).get("name")

        texts = _say(server, server.new_sender(), "mijn been wordt steeds slapper en ik voel mijn zadelgebied niet")
        assert texts and texts[0] in emergency, texts

        # A fall without the fact that sets its tier: one question, then the tier the answer sets, then the lock;
        # all of it in the Rasa server, so it works with the action server down.
        sender = server.new_sender()
        texts = _say(server, sender, "gisteren viel ik hard op mijn stuit")
        assert texts and texts[0] in _texts_of(server, "utter_red_flag_ask_trauma"), texts
        texts = _say(server, sender, "ja, ik ben 67")
        assert texts and texts[0] in _texts_of(server, "utter_red_flag_today"), texts
        texts = _say(server, sender, "welke oefeningen kan ik doen?")
        assert texts and texts[0] in _texts_of(server, "utter_red_flag_reminder"), texts
        assert not set(texts) & _apology(server, ACTIONS)
    finally:
        guarded_server.restore()


# ---- the replacement answers, without servers ------------------------------------------------------------------------


def _domain_with_apologies():
    from rasa.shared.core.domain import Domain

    return Domain.from_dict(
        {
            "slots": {"klachtduur": {"type": "text", "mappings": [{"type": "custom"}]}},
            "forms": {"exercise_recommendation_form": {"required_slots": ["klachtduur"]}},
            "responses": {STORAGE: [{"text": "Opslag weg."}], ACTIONS: [{"text": "Acties weg."}]},
        }
    )


def test_the_apologies_come_from_the_domain_when_it_has_them():
    import asyncio

    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain

    from assistant.failures import render_response

    domain = _domain_with_apologies()
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    message = asyncio.run(render_response(nlg, domain, STORAGE, "s1", "rest"))
    assert message["text"] == "Opslag weg." and message["utter_action"] == STORAGE
    empty = Domain.empty()
    fallback = asyncio.run(render_response(TemplatedNaturalLanguageGenerator({}), empty, STORAGE, "s1", "rest"))
    assert fallback is None  # no Dutch copy in Python: without the domain response there is nothing to say


def test_what_a_failed_custom_action_returns():
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.events import ActiveLoop, BotUttered, FollowupAction, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.action_endpoint import events_for_unavailable_action
    from assistant.failures import turn

    domain = _domain_with_apologies()
    nlg, channel = TemplatedNaturalLanguageGenerator(domain.responses), CollectingOutputChannel()
    form = "exercise_recommendation_form"

    def run(action, events):
        tracker = DialogueStateTracker.from_events("s1", events, domain.slots)
        return asyncio.run(events_for_unavailable_action(action, channel, nlg, tracker, domain))

    handoff = run("action_human_handoff", [])
    assert isinstance(handoff[0], BotUttered) and handoff[0].text == "Acties weg."
    assert handoff[1] == FollowupAction("action_listen")
    # The form's validation while a question is open: the apology, and the question stays open.
    open_question = run(f"validate_{form}", [ActiveLoop(form), SlotSet("requested_slot", "klachtduur")])
    assert open_question[0] == SlotSet("klachtduur", None) and open_question[1].text == "Acties weg."
    # At activation nothing was asked yet: nothing to say.
    assert run(f"validate_{form}", [ActiveLoop(form)]) == []

    async def twice_in_one_turn():
        with turn():
            tracker = DialogueStateTracker.from_events("s1", [], domain.slots)
            first = await events_for_unavailable_action("action_a", channel, nlg, tracker, domain)
            second = await events_for_unavailable_action("action_b", channel, nlg, tracker, domain)
            return first, second

    first, second = asyncio.run(twice_in_one_turn())
    assert [type(e).__name__ for e in first] == ["BotUttered", "FollowupAction"]
    assert [type(e).__name__ for e in second] == ["FollowupAction"]  # one apology per message


@pytest.mark.services("postgresql")
def test_servers_starting_together_on_an_empty_database_all_start():
    """Several Rasa servers create the events table at the same moment (PostgreSQL): none of them may fail."""
    import threading
    import uuid

    from assistant.serve import prepare
    from assistant.tracker_store import StrictSQLTrackerStore
    from tests.support.postgres import PostgresDatabase
    from tests.support.services import address

    prepare()  # as `python -m assistant.serve` does: the store refuses to start without the patches
    host, port = address("postgresql")
    for _ in range(4):
        database = PostgresDatabase(host, port, f"rasa_race_{uuid.uuid4().hex[:10]}").create()
        barrier, failures, stores = threading.Barrier(3), [], []

        def start(database=database, barrier=barrier, failures=failures, stores=stores):
            barrier.wait()
            try:
                stores.append(
                    StrictSQLTrackerStore(
                        dialect="postgresql",
                        host=host,
                        port=port,
                        db=database.name,
                        username=database.user,
                        startup_timeout=5,
                    )
                )
            except BaseException as error:  # TrackerStoreStartupError is a SystemExit
                failures.append(error)

        threads = [threading.Thread(target=start) for _ in range(3)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not failures, failures
        finally:
            for store in stores:
                store.engine.dispose()
            database.drop()
