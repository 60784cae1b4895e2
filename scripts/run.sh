#!/usr/bin/env bash
# Serve the assistant: the action server and the Rasa server (REST channel + HTTP API).
#   scripts/run.sh         serve until Ctrl-C
#   scripts/run.sh shell   chat in the terminal (action server started too)
# Settings come from the environment (defaults in brackets):
#   RASA_PORT [5005], ACTION_PORT [5055], TRACKER_DB [build/conversations.db],
#   RASA_AUTH_TOKEN (HTTP API token; when unset a random one is made and stored in build/rasa_token).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore::DeprecationWarning
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
MODEL=${MODEL:-models/rugpijn.tar.gz}
export TRACKER_DB=${TRACKER_DB:-build/conversations.db}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}
mkdir -p build logs

if [[ -z "${RASA_AUTH_TOKEN:-}" ]]; then
  if [[ ! -s build/rasa_token ]]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' > build/rasa_token)
  fi
  RASA_AUTH_TOKEN=$(cat build/rasa_token)
  echo "RASA_AUTH_TOKEN is not set: the HTTP API uses the token stored in build/rasa_token"
fi

.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" > logs/actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:${ACTION_PORT}/health" > /dev/null && break
  kill -0 $ACTIONS_PID 2>/dev/null || { echo "the action server did not start: see logs/actions.log" >&2; exit 1; }
  sleep 1
done
echo "action server: http://127.0.0.1:${ACTION_PORT}/webhook (log: logs/actions.log)"

if [[ "${1:-}" == "shell" ]]; then
  .venv/bin/rasa shell --model "$MODEL" --endpoints endpoints.yml
  exit
fi

echo "assistant:     http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook (REST channel)"
echo "HTTP API:      http://127.0.0.1:${RASA_PORT}/ (token required, e.g. /conversations/<id>/tracker?token=...)"
.venv/bin/rasa run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
  --port "$RASA_PORT" --enable-api --auth-token "$RASA_AUTH_TOKEN"
