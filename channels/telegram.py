"""Rasa's Telegram connector, extended (not forked) for the assistant.

What it adds to `rasa.core.channels.telegram`:

- The webhook secret. Telegram sends the `secret_token` given to setWebhook in the header
  `X-Telegram-Bot-Api-Secret-Token` of every update. An update without the right secret gets 403 and never
  reaches the assistant (Rasa's connector only compares the bot's own username, which anybody can send).
- Quick replies as inline keyboards, one button per row so Dutch titles are not cut off. Telegram allows at most
  64 bytes of `callback_data`: a longer payload is sent as a key (`cb:` + 40 hex digits of its SHA-256) and
  looked up when the button is pressed (in memory, then among the domain's buttons; if both fail, e.g. after a
  restart for a button an action built, the pressed button's title is sent as text).
- Long answers are split at paragraph, line, sentence or word boundaries into messages within Telegram's limit
  of 4096 characters instead of being refused; the keyboard goes with the last part.
- `/start` (and `/help`) become the greeting (`/greet`), so a new chat starts with the introduction.
- A photo, sticker, voice message (or other media) gets the domain response `utter_only_text` instead of
  silence. Service messages and other update types are ignored.
- The webhook is set once at start-up, with the secret and the update types used; a token of another bot than
  `verify` stops the start. Rasa sets it again whenever an output channel is made (e.g. by the HTTP API); this
  connector does not. Nothing is called when the channel is not configured (it is then not in the credentials).
- `api_url` points the connector at another Bot API server (a local Bot API server, or a stand-in in tests).
- An update that fails is logged and acknowledged (200), so Telegram does not deliver it again and again; an
  update delivered twice (same update_id) is handled once.

What is Rasa's and what is overridden (a subclass through Rasa's public channel interface, no patch):

- Reused: `TelegramInput.__init__`, `name()`, `get_metadata()`; `TelegramOutput.__init__` (aiogram's `Bot`),
  `send_image_url`, `send_custom_json` and the reply keyboard of `send_text_with_buttons`.
- `from_credentials`: the secret and `api_url` are needed, and missing values are a clear error;
  `register_webhook: false` leaves the token check and setWebhook at start to another worker (scripts/run.sh
  gives it to the first of several; the gateway sends one chat's updates, duplicates included, to one worker).
- `get_output_channel`: Rasa's sets the webhook each time with `asyncio.run`, which fails inside the running
  server and would set it without the secret.
- `blueprint`: Rasa's registers `/set_webhook` for anybody (it would reset the webhook without the secret, after
  which every update is refused), calls getMe for every update, answers nothing to media and button presses
  with long payloads, and lets an error reach Telegram, which then delivers the update again and again.
- `send_text_message` / `send_text_with_buttons`: Rasa's sends every paragraph as a message, fails above 4096
  characters and puts payloads into `callback_data` whatever their length (Telegram refuses more than 64 bytes).

credentials (scripts/run.sh adds them only when TELEGRAM_TOKEN etc. are set):

    channels.telegram.TelegramInput:
      access_token: "123456789:AA..."       # from BotFather
      verify: "my_bot"                      # the bot's username
      webhook_url: "https://example.org/webhooks/telegram/webhook"
      secret_token: "..."                   # 1-256 characters A-Z a-z 0-9 _ -
      api_url: "https://api.telegram.org"   # optional
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
from collections import OrderedDict, deque
from typing import Any, Awaitable, Callable, Deque, Dict, Iterable, List, Optional

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import is_valid_unicode, offered_commands, visitor_text

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MESSAGE_LIMIT = 4096  # characters (UTF-16 code units) per message
CALLBACK_DATA_LIMIT = 64  # bytes
ONLY_TEXT_RESPONSE = "utter_only_text"
GREETING_PAYLOAD = "/greet"
COMMAND_AS_GREETING = re.compile(r"^/(start|help)(@\w+)?(\s.*)?$", re.DOTALL)
# Message fields of content the assistant cannot read. Service messages (members joining, pins...) get no reply.
NON_TEXT_FIELDS = (
    "photo",
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "story",
)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


class TelegramConfigurationError(RasaException):
    """The Telegram credentials are incomplete or refused by Telegram."""


# ---- long answers ------------------------------------------------------------------------------------------------


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# (how to split, how the pieces were joined): paragraphs, lines, sentences, words.
_SPLITS = [
    (re.compile(r"\n\s*\n"), "\n\n"),
    (re.compile(r"\n"), "\n"),
    (re.compile(r"(?<=[.!?:;])\s+"), " "),
    (re.compile(r"\s+"), " "),
]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> List[str]:
    """`text` in parts of at most `limit` characters, split at the largest boundary that makes them fit.

    Nothing is dropped but the whitespace at the boundaries; only a single word longer than `limit` is cut.
    """
    text = text.strip()
    return [part for part in _split(text, limit, 0) if part] if text else []


def _split(text: str, limit: int, level: int) -> List[str]:
    if telegram_length(text) <= limit:
        return [text]
    if level == len(_SPLITS):
        return _hard_cut(text, limit)
    pattern, joiner = _SPLITS[level]
    parts: List[str] = []
    current = ""
    for piece in (piece.strip() for piece in pattern.split(text)):
        if not piece:
            continue
        candidate = f"{current}{joiner}{piece}" if current else piece
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if telegram_length(piece) <= limit:
            current = piece
        else:
            pieces = _split(piece, limit, level + 1)
            parts.extend(pieces[:-1])
            current = pieces[-1]
    if current:
        parts.append(current)
    return parts


def _hard_cut(text: str, limit: int) -> List[str]:
    parts: List[str] = []
    current: List[str] = []
    size = 0
    for char in text:
        width = telegram_length(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return parts


# ---- button payloads -----------------------------------------------------------------------------------------------


class CallbackPayloads:
    """Button payloads as Telegram callback_data (1-64 bytes), and back.

    A payload that fits is sent as it is. A longer one (or one that starts with the key prefix) is sent as a key
    derived from its SHA-256 and remembered (the newest `capacity` keys). A key that is not remembered is looked
    up among the payloads of the domain's buttons.
    """

    PREFIX = "cb:"

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def key(cls, payload: str) -> str:
        return cls.PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]

    def data_for(self, payload: str) -> str:
        size = len(payload.encode("utf-8"))
        if 0 < size <= CALLBACK_DATA_LIMIT and not payload.startswith(self.PREFIX):
            return payload
        key = self.key(payload)
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return key

    def payload_for(self, data: str, known_payloads: Iterable[str] = ()) -> Optional[str]:
        """The payload behind callback data; None when the key is unknown."""
        if not data.startswith(self.PREFIX):
            return data
        if data in self._payloads:
            return self._payloads[data]
        for payload in known_payloads:
            if self.key(payload) == data:
                self._payloads[data] = payload
                return payload
        return None


def domain_button_payloads(domain: Any) -> List[str]:
    """Every button payload in the domain's responses."""
    payloads = []
    for variations in (getattr(domain, "responses", None) or {}).values():
        for variation in variations or []:
            for button in variation.get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    payloads.append(button["payload"])
    return payloads


# ---- output --------------------------------------------------------------------------------------------------------


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output with split long answers and inline keyboards within Telegram's limits."""

    def __init__(
        self, access_token: Optional[str], api_url: Optional[str] = None, callbacks: Optional[CallbackPayloads] = None
    ) -> None:
        super().__init__(access_token)  # Rasa's TelegramOutput, i.e. aiogram's Bot for this token
        if api_url:  # aiogram's Bot sends every request to its `server` (a public attribute)
            self.server = TelegramAPIServer.from_base(api_url)
        self.callbacks = callbacks if callbacks is not None else CallbackPayloads()

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_message(text):
            await self.send_message(recipient_id, part)

    def keyboard(self, buttons: List[Dict[str, Any]], button_type: Optional[str] = "vertical") -> InlineKeyboardMarkup:
        """An inline keyboard: one button per row (`vertical`, the default) or all in one row (`inline`)."""
        markup = InlineKeyboardMarkup()
        row = []
        for button in buttons:
            title = str(button.get("title") or button.get("payload") or "")
            if button.get("url"):
                row.append(InlineKeyboardButton(title, url=button["url"]))
            else:
                row.append(
                    InlineKeyboardButton(
                        title, callback_data=self.callbacks.data_for(str(button.get("payload") or title))
                    )
                )
        if button_type == "inline":
            markup.row(*row)
        else:
            for item in row:
                markup.row(item)
        return markup

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        button_type: Optional[str] = "vertical",
        **kwargs: Any,
    ) -> None:
        parts = split_message(text) or ["…"]
        for part in parts[:-1]:
            await self.send_message(recipient_id, part)
        if button_type == "reply":  # Rasa's reply keyboard (sends the titles as text)
            await super().send_text_with_buttons(recipient_id, parts[-1], buttons, button_type="reply")
            return
        await self.send_message(recipient_id, parts[-1], reply_markup=self.keyboard(buttons, button_type))


# ---- input ---------------------------------------------------------------------------------------------------------


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram input channel with the webhook secret checked and the additions listed above."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
            return None  # (raise_missing_credentials_exception always raises)
        missing = [
            key
            for key in ("access_token", "verify", "webhook_url", "secret_token")
            if not str(credentials.get(key) or "").strip()
        ]
        if missing:
            raise TelegramConfigurationError(f"telegram: missing credentials: {', '.join(missing)}")
        return cls(
            str(credentials["access_token"]).strip(),
            str(credentials["verify"]).strip(),
            str(credentials["webhook_url"]).strip(),
            secret_token=str(credentials["secret_token"]).strip(),
            api_url=(str(credentials.get("api_url") or "").strip() or None),
            register_webhook=str(credentials.get("register_webhook", True)).strip().lower() not in ("false", "0", "no"),
        )

    def __init__(
        self,
        access_token: Optional[str],
        verify: Optional[str],
        webhook_url: Optional[str],
        debug_mode: bool = False,
        secret_token: Optional[str] = None,
        api_url: Optional[str] = None,
        register_webhook: bool = True,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        # Only one of several Rasa workers (scripts/run.sh) checks the token and sets the webhook at start.
        self.register_webhook_at_start = register_webhook
        if not secret_token or not SECRET_FORMAT.match(secret_token):
            raise TelegramConfigurationError(
                "telegram: secret_token must be 1-256 characters from A-Z, a-z, 0-9, _ and -"
            )
        self.secret_token = secret_token
        self.api_url = api_url
        self.verify = (verify or "").lstrip("@")
        self.callbacks = CallbackPayloads()
        self._seen_updates: Deque[int] = deque(maxlen=1000)

    def get_output_channel(self) -> TelegramOutput:
        """An output channel; unlike Rasa's it does not set the webhook again each time."""
        return TelegramOutput(self.access_token, self.api_url, self.callbacks)

    # -- start-up -----------------------------------------------------------------------------------------------

    async def register_webhook(self) -> None:
        """Check that the token is the configured bot's, and set the webhook with its secret."""
        bot = TelegramOutput(self.access_token, self.api_url)
        try:
            me = await bot.get_me()
            if (me.username or "").lower() != self.verify.lower():
                raise TelegramConfigurationError(
                    f"telegram: the token belongs to @{me.username}, not to @{self.verify} (TELEGRAM_BOT_NAME)"
                )
            await bot.request(
                "setWebhook",
                {
                    "url": self.webhook_url,
                    "secret_token": self.secret_token,
                    "allowed_updates": json.dumps(ALLOWED_UPDATES),
                },
            )
        except TelegramAPIError as error:
            raise TelegramConfigurationError(f"telegram: setting the webhook failed: {error}") from error
        finally:
            await bot.session.close()  # (Bot.close() becomes the Bot API method "close" in aiogram 3)
        logger.info("telegram: webhook set to %s", self.webhook_url)

    # -- updates ------------------------------------------------------------------------------------------------

    def secret_matches(self, given: Optional[str]) -> bool:
        return given is not None and hmac.compare_digest(given.encode("utf-8"), self.secret_token.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        if self.register_webhook_at_start:  # `register_webhook: false`: another worker does it
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # `rasa run` builds the app before its loop runs: set the webhook now, fail loudly
                asyncio.run(self.register_webhook())
            else:
                telegram_webhook.after_server_start(lambda app, loop: self.register_webhook())

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.secret_matches(request.headers.get(SECRET_HEADER)):
                logger.warning("telegram: update without the right secret refused")
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body or b"null")
            except ValueError:
                return response.text("not json", status=400)
            if not isinstance(update, dict):
                return response.text("not an update", status=400)
            update_id = update.get("update_id")
            if isinstance(update_id, int):
                if update_id in self._seen_updates:
                    return response.text("success")
                self._seen_updates.append(update_id)
            try:
                await self.handle_update(update, request, out_channel, on_new_message)
            except Exception as error:  # acknowledged anyway: Telegram would otherwise resend it
                logger.error(f"telegram: handling update {update_id} failed: {error}")
                logger.debug(error, exc_info=True)
                if self.debug_mode:
                    raise
            return response.text("success")

        return telegram_webhook

    async def handle_update(
        self,
        update: Dict[str, Any],
        request: Request,
        out_channel: TelegramOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        agent = getattr(request.app.ctx, "agent", None)
        callback = update.get("callback_query")
        if isinstance(callback, dict):
            text = await self.callback_text(callback, agent, out_channel)
            msg = callback.get("message") or {}
        else:
            msg = update.get("message") or update.get("edited_message")
            if not isinstance(msg, dict):
                return  # other update types
            text = msg.get("text")
            if not isinstance(text, str):
                if any(field in msg for field in NON_TEXT_FIELDS):
                    await self.reply_only_text(agent, msg, out_channel)
                return
            if COMMAND_AS_GREETING.match(text.strip()):
                text = GREETING_PAYLOAD
            elif not is_valid_unicode(text):
                return
            text = visitor_text(text, offered_commands(getattr(agent, "domain", None)))
        chat_id = (msg.get("chat") or {}).get("id")
        if chat_id is None or text is None:
            return
        await on_new_message(
            UserMessage(text, out_channel, str(chat_id), input_channel=self.name(), metadata=self.get_metadata(request))
        )

    async def callback_text(self, callback: Dict[str, Any], agent: Any, out_channel: TelegramOutput) -> Optional[str]:
        """The payload of a pressed inline button (and stop the button's spinner in the client)."""
        if callback.get("id"):
            try:
                await out_channel.answer_callback_query(callback["id"])
            except TelegramAPIError as error:
                logger.debug(f"telegram: answerCallbackQuery failed: {error}")
        data = callback.get("data")
        if not isinstance(data, str):
            return None
        payload = self.callbacks.payload_for(data, domain_button_payloads(getattr(agent, "domain", None)))
        if payload is not None:
            return payload
        # An unknown key: send the title of the pressed button as text.
        keyboard = ((callback.get("message") or {}).get("reply_markup") or {}).get("inline_keyboard") or []
        for row in keyboard:
            for button in row:
                if button.get("callback_data") == data and button.get("text"):
                    return button["text"]
        logger.warning("telegram: a button with an unknown payload key was pressed")
        return None

    async def reply_only_text(self, agent: Any, msg: Dict[str, Any], out_channel: TelegramOutput) -> None:
        """Answer media with the domain's `utter_only_text`, through the tracker like any other response."""
        chat_id = (msg.get("chat") or {}).get("id")
        if chat_id is None or agent is None:
            return
        if ONLY_TEXT_RESPONSE not in (getattr(agent.domain, "responses", None) or {}):
            logger.error(
                f"telegram: the domain has no response {ONLY_TEXT_RESPONSE}: a photo, sticker or voice "
                "message goes unanswered"
            )
            return
        sender_id = str(chat_id)
        async with agent.lock_store.lock(sender_id):
            await agent.execute_action(sender_id, ONLY_TEXT_RESPONSE, out_channel, None, 1.0)
            # Back to listening, as after any bot turn: rules like "intent X after action_listen" keep matching
            # the visitor's next message.
            await agent.execute_action(sender_id, ACTION_LISTEN_NAME, out_channel, None, 1.0)
