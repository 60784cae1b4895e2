"""The assistant's channels, as small extensions of Rasa's own connectors (Rasa itself is not forked).

- `channels.webchat.SocketIOInput`: Rasa's socket.io channel for the website widget, with the allowed CORS origins
  from configuration and a room join that is awaited when python-socketio makes it a coroutine.
- `channels.demo_page.DemoPage`: serves the shop's demo page with the widget from the Rasa server itself.
- `channels.telegram.TelegramInput`: Rasa's Telegram connector with the webhook secret checked, inline keyboards
  within Telegram's limits, long answers split instead of cut, `/start` as a greeting and a reply to photos,
  stickers and voice messages.

They are named by module path in credentials.yml (`channels.webchat.SocketIOInput: ...`).
"""
