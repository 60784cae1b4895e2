#!/usr/bin/env bash
# Serve the assistant: the action server and the Rasa server with its channels and the HTTP API.
# Rasa is started through `python -m assistant.serve` (assistant/serve.py): it installs and checks the patches
# and hands Rasa the HTTP API token from the environment, so the token never appears on a command line.
#   scripts/run.sh         serve until Ctrl-C
#   scripts/run.sh shell   chat in the terminal (action server started too)
# What is served (on RASA_PORT):
#   /demo/                       the shop's demo page with the chat widget (socket.io channel at /socket.io/)
#   /webhooks/rest/webhook       the REST channel
#   /webhooks/telegram/webhook   the Telegram channel, only when the four TELEGRAM_* variables below are set
#   /                            Rasa's HTTP API, token required (e.g. /conversations/<id>/tracker?token=...)
# Settings come from the environment (defaults in brackets):
#   RASA_PORT [5005], ACTION_PORT [5055],
#   WORKERS [the number of cores, at most 4]: Rasa workers behind the gateway on RASA_PORT (gateway/: each widget
#     session stays on its worker, all share the conversation and lock stores); 1 = one Rasa server, no gateway, TRACKER_DB [build/conversations.db], ACTIONS_LOG [logs/actions.log],
#   ENDPOINTS [endpoints.yml] (endpoints.production.yml: PostgreSQL, Redis, RabbitMQ; see README),
#   ACTION_TIMEOUT_SECONDS [5]: how long to wait for the action server before apologising,
#   TRACKER_STORE_STARTUP_TIMEOUT [15]: how long to wait for the database at start-up before giving up,
#   RASA_AUTH_TOKEN (HTTP API token; when unset a random one is made and stored in build/rasa_token),
#   WEBCHAT_SESSION_KEY (signs the widget's session ids; when unset a random one is kept in build/webchat_session_key),
#   WEBCHAT_ALLOWED_ORIGINS [http://127.0.0.1:$RASA_PORT http://localhost:$RASA_PORT]: the pages (origins,
#     separated by spaces) allowed to open the widget's socket; never "*",
#   TELEGRAM_TOKEN, TELEGRAM_BOT_NAME, TELEGRAM_WEBHOOK_URL, TELEGRAM_SECRET_TOKEN: all four switch Telegram on,
#   TELEGRAM_API_URL [https://api.telegram.org]: the Bot API server (tests point it at a local stand-in),
#   SHOP_EMAIL, SHOP_PHONE, SHOP_HOURS: the shop's contact details for the handoff; a warning at start when unset.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore::DeprecationWarning
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
MODEL=${MODEL:-models/rugpijn.tar.gz}
ENDPOINTS=${ENDPOINTS:-endpoints.yml}
# Rasa workers: one per core, at most 4 (each holds the model in memory); WORKERS=1 is one Rasa server, no gateway.
WORKERS=${WORKERS:-$(( $(nproc) < 4 ? $(nproc) : 4 ))}
if [[ ! "$WORKERS" =~ ^[1-9][0-9]?$ ]]; then
  echo "WORKERS must be a number from 1 to 99 (got '$WORKERS')" >&2
  exit 2
fi
ACTIONS_LOG=${ACTIONS_LOG:-logs/actions.log}
export TRACKER_DB=${TRACKER_DB:-build/conversations.db}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}
export WEBCHAT_ALLOWED_ORIGINS=${WEBCHAT_ALLOWED_ORIGINS:-http://127.0.0.1:${RASA_PORT} http://localhost:${RASA_PORT}}
mkdir -p build logs

CREDENTIALS=credentials.yml
CLEANUP=()
if [[ "${1:-}" != "shell" ]]; then
  # Telegram: all four variables, or none (then the channel is off and nothing calls Telegram).
  telegram_vars=(TELEGRAM_TOKEN TELEGRAM_BOT_NAME TELEGRAM_WEBHOOK_URL TELEGRAM_SECRET_TOKEN)
  telegram_set=() telegram_missing=()
  for name in "${telegram_vars[@]}"; do
    if [[ -n "${!name:-}" ]]; then telegram_set+=("$name"); else telegram_missing+=("$name"); fi
  done
  if (( ${#telegram_set[@]} > 0 && ${#telegram_missing[@]} > 0 )); then
    echo "Telegram is half configured: ${telegram_set[*]} set, ${telegram_missing[*]} missing." >&2
    echo "Set all four to switch the Telegram channel on, or none to leave it off." >&2
    exit 2
  fi
  if (( ${#telegram_set[@]} == 4 )); then
    export TELEGRAM_API_URL=${TELEGRAM_API_URL:-https://api.telegram.org}
    # A runtime copy of credentials.yml with the Telegram channel added. It holds ${...} references only:
    # Rasa fills them from the environment, the token and secret never land on disk.
    CREDENTIALS=$(mktemp build/credentials.XXXXXX.yml)
    CLEANUP+=("$CREDENTIALS")
    {
      cat credentials.yml
      echo
      echo "# Added by scripts/run.sh because TELEGRAM_TOKEN etc. are set."
      echo "channels.telegram.TelegramInput:"
      echo "  access_token: \${TELEGRAM_TOKEN}"
      echo "  verify: \${TELEGRAM_BOT_NAME}"
      echo "  webhook_url: \${TELEGRAM_WEBHOOK_URL}"
      echo "  secret_token: \${TELEGRAM_SECRET_TOKEN}"
      echo "  api_url: \${TELEGRAM_API_URL}"
    } > "$CREDENTIALS"
  fi
  if [[ ! -f web/node_modules/rasa-webchat/lib/index.js ]]; then
    echo "warning: the chat widget is not installed (web/node_modules): run 'make setup' for the demo page" >&2
  fi
fi

if [[ -z "${RASA_AUTH_TOKEN:-}" ]]; then
  if [[ ! -s build/rasa_token ]]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' > build/rasa_token)
  fi
  echo "RASA_AUTH_TOKEN is not set: the HTTP API uses the token stored in build/rasa_token"
fi
if [[ -z "${WEBCHAT_SESSION_KEY:-}" && ! -s build/webchat_session_key ]]; then
  # The key that signs the widget's session ids (channels/sessions.py reads this file when the variable is unset).
  (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > build/webchat_session_key)
fi
# The shop's contact details (actions/contact.py): without them the handoff cannot name the shop's customer service.
missing_contact=$(.venv/bin/python -m actions.contact | paste -sd, -) || true
if [[ -n "$missing_contact" ]]; then
  echo "warning: the shop's contact details are not configured (${missing_contact//,/, } not set):" \
    "visitors who ask for a person are told so and pointed to a physiotherapist or huisarts" >&2
fi
SERVE=(.venv/bin/python -m assistant.serve)

"${SERVE[@]}" run actions --actions actions --port "$ACTION_PORT" > "$ACTIONS_LOG" 2>&1 &
ACTIONS_PID=$!
CHILDREN=("$ACTIONS_PID")
trap 'kill "${CHILDREN[@]}" 2>/dev/null || true; rm -f "${CLEANUP[@]}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:${ACTION_PORT}/health" > /dev/null && break
  kill -0 $ACTIONS_PID 2>/dev/null || { echo "the action server did not start: see $ACTIONS_LOG" >&2; exit 1; }
  sleep 1
done
echo "action server: http://127.0.0.1:${ACTION_PORT}/webhook (log: $ACTIONS_LOG)"

if [[ "${1:-}" == "shell" ]]; then
  "${SERVE[@]}" shell --model "$MODEL" --endpoints "$ENDPOINTS"
  exit
fi

echo "demo page:     http://127.0.0.1:${RASA_PORT}/demo/ (the shop's article page with the chat widget)"
echo "assistant:     http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook (REST channel)"
if [[ "$CREDENTIALS" != credentials.yml ]]; then
  echo "telegram:      http://127.0.0.1:${RASA_PORT}/webhooks/telegram/webhook (public: ${TELEGRAM_WEBHOOK_URL})"
else
  echo "telegram:      off (set TELEGRAM_TOKEN, TELEGRAM_BOT_NAME, TELEGRAM_WEBHOOK_URL, TELEGRAM_SECRET_TOKEN)"
fi
echo "HTTP API:      http://127.0.0.1:${RASA_PORT}/ (token required, e.g. /conversations/<id>/tracker?token=...)"
# The token (RASA_AUTH_TOKEN or build/rasa_token) is added by assistant/serve.py inside the process.
RASA_RUN=(run --model "$MODEL" --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" --enable-api)
if (( WORKERS == 1 )); then
  echo "workers:       1 Rasa server on port ${RASA_PORT} (WORKERS=1)"
  "${SERVE[@]}" "${RASA_RUN[@]}" --port "$RASA_PORT"
  exit
fi

# Several Rasa workers on loopback ports, the gateway (gateway/) on RASA_PORT in front of them. They share the
# conversation store and the lock store of $ENDPOINTS; the gateway keeps each widget session on its worker.
mapfile -t WORKER_PORTS < <(.venv/bin/python -m gateway.ports "$WORKERS")
(( ${#WORKER_PORTS[@]} == WORKERS )) || { echo "could not find $WORKERS free ports for the Rasa workers" >&2; exit 1; }
WORKER_PIDS=()
for index in "${!WORKER_PORTS[@]}"; do
  worker_run=("${RASA_RUN[@]}")
  if (( index > 0 )) && [[ "$CREDENTIALS" != credentials.yml ]]; then
    # Telegram: only the first worker checks the token and sets the webhook at start.
    worker_credentials=$(mktemp build/credentials.XXXXXX.yml)
    CLEANUP+=("$worker_credentials")
    { cat "$CREDENTIALS"; echo "  register_webhook: false"; } > "$worker_credentials"
    worker_run=(run --model "$MODEL" --endpoints "$ENDPOINTS" --credentials "$worker_credentials" --enable-api)
  fi
  "${SERVE[@]}" "${worker_run[@]}" --port "${WORKER_PORTS[$index]}" --interface 127.0.0.1 &
  WORKER_PIDS+=($!)
done
CHILDREN+=("${WORKER_PIDS[@]}")
for index in "${!WORKER_PORTS[@]}"; do
  port=${WORKER_PORTS[$index]}
  until curl -fs "http://127.0.0.1:${port}/" > /dev/null; do
    kill -0 "${WORKER_PIDS[$index]}" 2>/dev/null || { echo "Rasa worker on port $port did not start" >&2; exit 1; }
    sleep 1
  done
done
GATEWAY_ARGS=()
for port in "${WORKER_PORTS[@]}"; do GATEWAY_ARGS+=(--worker "127.0.0.1:${port}"); done
echo "workers:       ${WORKERS} Rasa servers (ports ${WORKER_PORTS[*]}) behind the gateway on port ${RASA_PORT}"
.venv/bin/python -m gateway --port "$RASA_PORT" "${GATEWAY_ARGS[@]}" &
CHILDREN+=($!)
# When any of them stops, stop all (the EXIT trap): a half-running assistant would answer some visitors only.
status=0
wait -n "${CHILDREN[@]}" || status=$?
echo "a process of the assistant stopped (exit status $status): stopping the others" >&2
exit "$status"
