"""The Telegram channel (channels/telegram.py), end to end against a local stand-in of the Telegram Bot API.

The stand-in listens on 127.0.0.1, answers getMe, setWebhook and answerCallbackQuery, and records every call
(sendMessage above all). The assistant is started by scripts/run.sh with the four TELEGRAM_* variables and
TELEGRAM_API_URL pointing at the stand-in; real Telegram update JSON is posted to its webhook.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qsl

import pytest
import requests
import yaml

from channels.telegram import (
    CALLBACK_DATA_LIMIT,
    MESSAGE_LIMIT,
    CallbackPayloads,
    TelegramConfigurationError,
    TelegramInput,
    TelegramOutput,
    split_message,
    telegram_length,
)
from tests.support.paths import ROOT
from tests.support.processes import free_port as _free_port
from tests.support.processes import served_by_run_sh

TOKEN = "123456789:AAF-stand-in-token_for_tests"
BOT_NAME = "rugpijn_test_bot"
SECRET = "s3cr3t-" + uuid.uuid4().hex
WEBHOOK_URL = "https://bot.example.test/webhooks/telegram/webhook"


# ---- a stand-in of the Telegram Bot API -----------------------------------------------------------------------------


class BotApiStandIn:
    """Answers like api.telegram.org/bot<token>/<method> for the methods the channel uses; records every call."""

    def __init__(self, token: str = TOKEN, username: str = BOT_NAME):
        self.token, self.username = token, username
        self.calls: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.next_message_id = 1000
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = dict(parse_qsl(body, keep_blank_values=True))
                status, answer = stand_in.answer(self.path, params)
                payload = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, params: Dict[str, Any]):
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        with self.lock:
            self.calls.append({"method": method, "params": params, "time": time.time()})
            if method == "getMe":
                return 200, {
                    "ok": True,
                    "result": {
                        "id": int(self.token.split(":")[0]),
                        "is_bot": True,
                        "first_name": "Rugpijn-assistent",
                        "username": self.username,
                    },
                }
            if method in ("setWebhook", "answerCallbackQuery"):
                return 200, {"ok": True, "result": True}
            if method == "sendMessage":
                self.next_message_id += 1
                return 200, {
                    "ok": True,
                    "result": {
                        "message_id": self.next_message_id,
                        "date": int(time.time()),
                        "text": params.get("text", ""),
                        "from": {
                            "id": int(self.token.split(":")[0]),
                            "is_bot": True,
                            "first_name": "Rugpijn-assistent",
                            "username": self.username,
                        },
                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                    },
                }
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def sent(self, chat_id: int) -> List[Dict[str, Any]]:
        """The sendMessage calls for a chat, with reply_markup decoded."""
        with self.lock:
            calls = [
                dict(call["params"])
                for call in self.calls
                if call["method"] == "sendMessage" and str(call["params"].get("chat_id")) == str(chat_id)
            ]
        for call in calls:
            if isinstance(call.get("reply_markup"), str):
                call["reply_markup"] = json.loads(call["reply_markup"])
        return calls

    def methods(self) -> List[str]:
        with self.lock:
            return [call["method"] for call in self.calls]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---- real Telegram updates -------------------------------------------------------------------------------------------

_update_ids = iter(range(700_000_000, 800_000_000))


def _user(chat_id: int) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Sanne", "language_code": "nl"}


def message_update(chat_id: int, **content: Any) -> Dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids) % 100_000,
            "from": _user(chat_id),
            "chat": {"id": chat_id, "first_name": "Sanne", "type": "private"},
            "date": int(time.time()),
            **content,
        },
    }


def text_update(chat_id: int, text: str) -> Dict[str, Any]:
    content: Dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return message_update(chat_id, **content)


def callback_update(chat_id: int, sent: Dict[str, Any], data: str) -> Dict[str, Any]:
    """The update Telegram sends when the button with `data` under the message `sent` is pressed."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": _user(chat_id),
            "chat_instance": "-4471846352011425795",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "text": sent["text"],
                "from": {"id": 123456789, "is_bot": True, "first_name": "Rugpijn-assistent", "username": BOT_NAME},
                "chat": {"id": chat_id, "first_name": "Sanne", "type": "private"},
                "reply_markup": sent["reply_markup"],
            },
        },
    }


MEDIA = {
    "photo": {
        "photo": [
            {
                "file_id": "AgACAgQAAxkBAAIBZ2V",
                "file_unique_id": "AQADq7ExG",
                "file_size": 1622,
                "width": 90,
                "height": 67,
            },
            {
                "file_id": "AgACAgQAAxkBAAIBZ2W",
                "file_unique_id": "AQADq7ExH",
                "file_size": 61234,
                "width": 800,
                "height": 600,
            },
        ]
    },
    "sticker": {
        "sticker": {
            "file_id": "CAACAgIAAxkBAAIBaGV",
            "file_unique_id": "AgADWQADwDZPEw",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
            "set_name": "HotCherry",
            "file_size": 23814,
        }
    },
    "voice": {
        "voice": {
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_id": "AwACAgQAAxkBAAIBaWV",
            "file_unique_id": "AgADZBMAAm",
            "file_size": 8423,
        }
    },
}


# ---- the served assistant with Telegram on ---------------------------------------------------------------------------


class TelegramAssistant:
    def __init__(self, url: str, token: str, bot_api: BotApiStandIn):
        self.url, self.token, self.bot_api = url, token, bot_api
        self.webhook = f"{url}/webhooks/telegram/webhook"

    def post(self, update: Dict[str, Any], secret: Any = SECRET) -> requests.Response:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        return requests.post(self.webhook, json=update, headers=headers, timeout=60)

    def tracker(self, sender: Any) -> Dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def bot_api():
    stand_in = BotApiStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def telegram_assistant(tmp_path_factory, bot_api):
    """scripts/run.sh with Telegram configured, talking to the stand-in instead of api.telegram.org."""
    env = dict(
        TELEGRAM_TOKEN=TOKEN,
        TELEGRAM_BOT_NAME=BOT_NAME,
        TELEGRAM_WEBHOOK_URL=WEBHOOK_URL,
        TELEGRAM_SECRET_TOKEN=SECRET,
        TELEGRAM_API_URL=bot_api.url,
    )
    with served_by_run_sh(tmp_path_factory.mktemp("telegram"), env) as served:
        yield TelegramAssistant(served.url, served.token, bot_api)


def _new_chat() -> int:
    return 100_000_000 + uuid.uuid4().int % 800_000_000


def _user_turns(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [event for event in tracker["events"] if event["event"] == "user"]


def _bot_names(tracker: Dict[str, Any]) -> List[str]:
    return [
        (event.get("metadata") or {}).get("utter_action", "") for event in tracker["events"] if event["event"] == "bot"
    ]


def _assert_keyboard_fits(markup: Dict[str, Any]) -> List[Dict[str, Any]]:
    buttons = [button for row in markup["inline_keyboard"] for button in row]
    for button in buttons:
        assert button["text"]
        assert 1 <= len(button["callback_data"].encode("utf-8")) <= CALLBACK_DATA_LIMIT, button
    return buttons


# ---- integration: the served assistant ------------------------------------------------------------------------------


@pytest.mark.model
def test_the_webhook_is_set_at_start_with_its_secret(telegram_assistant, bot_api):
    set_webhook = [call for call in bot_api.calls if call["method"] == "setWebhook"]
    assert len(set_webhook) == 1
    params = set_webhook[0]["params"]
    assert params["url"] == WEBHOOK_URL and params["secret_token"] == SECRET
    assert json.loads(params["allowed_updates"]) == ["message", "edited_message", "callback_query"]
    assert bot_api.methods().count("getMe") == 1  # the token is checked once at start, not on every update


@pytest.mark.model
def test_a_question_gets_the_dutch_answer_with_an_inline_keyboard(telegram_assistant, bot_api):
    chat = _new_chat()
    response = telegram_assistant.post(text_update(chat, "hoe lang duurt rugpijn meestal?"))
    assert response.status_code == 200
    sent = bot_api.sent(chat)
    assert sent, "no sendMessage for the question"
    text = "\n\n".join(message["text"] for message in sent)
    assert "Bron:" in text and "weken" in text
    buttons = _assert_keyboard_fits(sent[-1]["reply_markup"])
    assert 2 <= len(buttons) <= 3
    assert all(len(row) == 1 for row in sent[-1]["reply_markup"]["inline_keyboard"]), "one button per row"
    tracker = telegram_assistant.tracker(chat)
    assert _user_turns(tracker)[-1]["input_channel"] == "telegram"
    assert "utter_faq/recovery_time" in _bot_names(tracker)
    # Not cut: every answer of the turn arrived whole.
    bot_texts = [event["text"].strip() for event in tracker["events"] if event["event"] == "bot"]
    assert bot_texts and all(any(message["text"] == bot_text for message in sent) for bot_text in bot_texts)

    # Press the first button: its payload reaches the assistant, which answers that topic.
    button = buttons[0]
    before = len(sent)
    response = telegram_assistant.post(callback_update(chat, sent[-1], button["callback_data"]))
    assert response.status_code == 200
    after = bot_api.sent(chat)[before:]
    assert after and after[0]["text"] != sent[0]["text"]
    tracker = telegram_assistant.tracker(chat)
    payload = _user_turns(tracker)[-1]["text"]
    assert payload == button["callback_data"] and payload.startswith("/faq/")
    assert f"utter_faq/{payload.split('/')[-1]}" in _bot_names(tracker)
    assert "answerCallbackQuery" in bot_api.methods()


@pytest.mark.model
@pytest.mark.parametrize(
    "secret", ["wrong-secret", None, SECRET[:-1], SECRET + "x"], ids=["wrong", "missing", "truncated", "extended"]
)
def test_an_update_without_the_right_secret_is_refused(telegram_assistant, bot_api, secret):
    chat = _new_chat()
    calls_before = len(bot_api.calls)
    response = telegram_assistant.post(text_update(chat, "hallo"), secret=secret)
    assert response.status_code == 403
    time.sleep(1)
    assert len(bot_api.calls) == calls_before, "a refused update made the assistant call Telegram"
    assert _user_turns(telegram_assistant.tracker(chat)) == [], "a refused update reached the assistant"


@pytest.mark.model
@pytest.mark.parametrize("command", ["/start", "/start@" + BOT_NAME, "/start reclame-campagne"])
def test_start_gets_the_introduction(telegram_assistant, bot_api, command):
    chat = _new_chat()
    assert telegram_assistant.post(text_update(chat, command)).status_code == 200
    sent = bot_api.sent(chat)
    assert sent and "geen arts" in sent[0]["text"]
    assert _assert_keyboard_fits(sent[-1]["reply_markup"])
    turn = _user_turns(telegram_assistant.tracker(chat))[-1]
    assert turn["text"] == "/greet" and turn["parse_data"]["intent"]["name"] == "greet"


@pytest.mark.model
@pytest.mark.parametrize("kind", sorted(MEDIA))
def test_photos_stickers_and_voice_get_the_only_text_reply(telegram_assistant, bot_api, kind):
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")).get("responses") or {}
    if "utter_only_text" not in responses:
        pytest.fail("domain.yml has no response utter_only_text (the Dutch 'I can only read text' message)")
    expected = {variation["text"].strip() for variation in responses["utter_only_text"]}
    chat = _new_chat()
    assert telegram_assistant.post(message_update(chat, **MEDIA[kind])).status_code == 200
    sent = bot_api.sent(chat)
    assert [message["text"] for message in sent if message["text"] in expected], sent
    assert _bot_names(telegram_assistant.tracker(chat)) == ["utter_only_text"]
    # The conversation goes on as usual afterwards (the tracker is back to listening).
    telegram_assistant.post(text_update(chat, "hoe lang duurt rugpijn meestal?"))
    assert _bot_names(telegram_assistant.tracker(chat))[1:2] == ["utter_faq/recovery_time"]


@pytest.mark.model
def test_service_updates_are_acknowledged_silently(telegram_assistant, bot_api):
    chat = _new_chat()
    calls_before = len(bot_api.calls)
    update = message_update(chat, new_chat_members=[_user(chat + 1)])
    assert telegram_assistant.post(update).status_code == 200
    assert telegram_assistant.post({"update_id": next(_update_ids), "my_chat_member": {}}).status_code == 200
    assert telegram_assistant.post("not an update").status_code == 400
    not_json = requests.post(
        telegram_assistant.webhook, data=b"{not json", timeout=10, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert not_json.status_code == 400
    assert len(bot_api.calls) == calls_before


@pytest.mark.model
def test_the_same_update_delivered_twice_is_answered_once(telegram_assistant, bot_api):
    chat = _new_chat()
    update = text_update(chat, "goedemorgen")
    telegram_assistant.post(update)
    answered = len(bot_api.sent(chat))
    assert answered
    assert telegram_assistant.post(update).status_code == 200
    assert len(bot_api.sent(chat)) == answered


@pytest.mark.model
def test_telegram_is_off_without_its_variables(assistant):
    if os.environ.get("TELEGRAM_TOKEN"):
        pytest.skip("TELEGRAM_TOKEN is set in this environment")
    assert requests.post(f"{assistant.url}/webhooks/telegram/webhook", json={}, timeout=10).status_code == 404


def test_run_sh_refuses_half_a_telegram_configuration():
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env.update(
        TELEGRAM_TOKEN=TOKEN, TELEGRAM_BOT_NAME=BOT_NAME, RASA_PORT=str(_free_port()), ACTION_PORT=str(_free_port())
    )
    result = subprocess.run(
        [str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_URL TELEGRAM_SECRET_TOKEN missing" in result.stderr


# ---- the channel's parts against the stand-in (no assistant) ---------------------------------------------------------


def _paragraphs(n: int) -> str:
    sentence = "Blijf in beweging en bouw je activiteiten rustig op, ook als het in het begin wat pijn doet. "
    return "\n\n".join(f"Alinea {i}. " + sentence * 7 for i in range(n))


@pytest.mark.parametrize(
    "text",
    [
        _paragraphs(20),  # paragraphs
        ("Een zin die niet ophoudt. " * 400).strip(),  # one paragraph: sentences
        "😀" * 5000,  # one word longer than a message: characters (UTF-16)
        "kort",
    ],
)
def test_long_text_is_split_not_cut(text):
    parts = split_message(text)
    assert all(1 <= telegram_length(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    if telegram_length(text) <= MESSAGE_LIMIT:
        assert parts == [text]
    if "\n\n" in text:
        assert all(part.startswith("Alinea") for part in parts), "split at paragraph boundaries"


def test_long_payloads_become_keys_that_map_back():
    payloads = CallbackPayloads()
    short = "/faq/recovery_time"
    long = '/inform{"klachtduur": "langer dan twaalf weken, en het wordt eigenlijk steeds erger"}'
    assert payloads.data_for(short) == short
    key = payloads.data_for(long)
    assert len(key.encode("utf-8")) <= CALLBACK_DATA_LIMIT and key != long
    assert payloads.payload_for(key) == long
    assert payloads.payload_for(short) == short
    # Forgotten (e.g. after a restart): found again among the domain's payloads, otherwise unknown.
    fresh = CallbackPayloads()
    assert fresh.payload_for(key, known_payloads=[short, long]) == long
    assert fresh.payload_for(key) == long
    assert CallbackPayloads().payload_for(key) is None
    # A payload that looks like a key is mapped too, so it cannot be mistaken for one.
    assert payloads.data_for("cb:x") != "cb:x"
    assert len(payloads.data_for("ë" * 40).encode("utf-8")) <= CALLBACK_DATA_LIMIT


async def test_output_splits_long_answers_and_keeps_the_keyboard_last(bot_api):
    output = TelegramOutput(TOKEN, bot_api.url)
    chat = _new_chat()
    text = _paragraphs(25)
    long_payload = "/faq/recovery_time?" + "x" * 80
    try:
        await output.send_text_with_buttons(
            str(chat),
            text,
            [
                {"title": "Hoe snel gaat rugpijn over?", "payload": "/faq/recovery_time"},
                {"title": "Een knop met een lange payload", "payload": long_payload},
            ],
        )
        await output.send_text_message(str(chat), text)
    finally:
        await output.session.close()
    sent = bot_api.sent(chat)
    parts = split_message(text)
    assert len(parts) > 1 and [message["text"] for message in sent] == parts + parts
    assert [bool(message.get("reply_markup")) for message in sent[: len(parts)]] == [False] * (len(parts) - 1) + [True]
    buttons = _assert_keyboard_fits(sent[len(parts) - 1]["reply_markup"])
    assert buttons[0]["callback_data"] == "/faq/recovery_time"
    assert output.callbacks.payload_for(buttons[1]["callback_data"]) == long_payload


def test_the_channel_needs_all_its_credentials_and_a_valid_secret():
    complete = {"access_token": TOKEN, "verify": BOT_NAME, "webhook_url": WEBHOOK_URL, "secret_token": SECRET}
    assert isinstance(TelegramInput.from_credentials(complete), TelegramInput)
    for key in complete:
        with pytest.raises(TelegramConfigurationError):
            TelegramInput.from_credentials({**complete, key: ""})
    with pytest.raises(TelegramConfigurationError):
        TelegramInput.from_credentials({**complete, "secret_token": "met spaties en ümlauts"})


async def test_a_token_of_another_bot_stops_the_start():
    stand_in = BotApiStandIn()
    try:
        channel = TelegramInput(TOKEN, "another_bot", WEBHOOK_URL, secret_token=SECRET, api_url=stand_in.url)
        with pytest.raises(TelegramConfigurationError, match="another_bot"):
            await channel.register_webhook()
        assert stand_in.methods() == ["getMe"], "no webhook is set for a token of another bot"
        channel = TelegramInput(TOKEN, "@" + BOT_NAME, WEBHOOK_URL, secret_token=SECRET, api_url=stand_in.url)
        await channel.register_webhook()
        assert stand_in.methods() == ["getMe", "getMe", "setWebhook"]
    finally:
        stand_in.close()
