#!/usr/bin/env bash
# Starts the whole product locally: api + stream + queue-consumer in one `wrangler dev`
# (the public entry on $PORT), cron in a second one on $PORT+1 sharing the same on-disk state
# (.wrangler/state: D1, R2, Durable Objects, Queues survive restarts), and a small scheduler
# that fires the cron triggers on time (wrangler dev never does). Ctrl-C stops everything.
set -euo pipefail
set -m # each background job gets its own process group, so one signal stops wrangler and workerd
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false

PORT=${PORT:-8787}
CRON_PORT=$((PORT + 1))
STATE=${STATE_DIR:-.wrangler/state}
WRANGLER="$root/node_modules/.bin/wrangler"

# Local secrets: generated once, never committed (.gitignore), shared by every worker.
if [ ! -f .dev.vars ]; then
  secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')
  cat > .dev.vars <<VARS
# Local settings and secrets for wrangler dev (git-ignored). Restart \`make dev\` after editing.
JWT_SECRET=$secret
# Sign-ups with these emails become admins (comma-separated).
ADMIN_EMAILS=
# Where the model runs (Ollama). Default: http://127.0.0.1:11434
# OLLAMA_BASE_URL=http://127.0.0.1:11434
# Optional remote fallback:
# OPENROUTER_API_KEY=
VARS
  echo "==> wrote .dev.vars with a fresh JWT_SECRET"
fi
for worker in stream cron queue-consumer; do
  cp .dev.vars "workers/$worker/.dev.vars"
done

bash scripts/build-web.sh
for worker in api stream cron queue-consumer; do
  bash scripts/build-worker.sh "$worker"
done
"$WRANGLER" d1 migrations apply DB --local --persist-to "$STATE" -c wrangler.toml >/dev/null
echo "==> D1 migrations applied to $STATE"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  exit 0
}
trap stop INT TERM EXIT

common=(--ip 127.0.0.1 --persist-to "$STATE" --show-interactive-dev-session=false)
"$WRANGLER" dev -c wrangler.toml -c workers/stream/wrangler.toml -c workers/queue-consumer/wrangler.toml \
  --port "$PORT" --inspector-port "${INSPECTOR_PORT:-9229}" "${common[@]}" &
pids+=($!)
"$WRANGLER" dev -c workers/cron/wrangler.toml --port "$CRON_PORT" --inspector-port "$(( ${INSPECTOR_PORT:-9229} + 1 ))" \
  --test-scheduled "${common[@]}" > "$STATE/cron.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.5 &
  wait $! || true
done

setting() { # the effective value: .dev.vars wins over wrangler.toml's [vars]
  local from_vars
  from_vars=$(grep -E "^$1=" .dev.vars | tail -n 1 | cut -d= -f2- || true)
  if [ -n "$from_vars" ]; then echo "$from_vars"; else grep -E "^$1 = " wrangler.toml | head -n 1 | sed -E 's/^[^=]+= "(.*)"/\1/'; fi
}
openrouter="not configured (set OPENROUTER_API_KEY in .dev.vars to enable the fallback)"
grep -qE '^OPENROUTER_API_KEY=.+' .dev.vars && openrouter="$(setting OPENROUTER_BASE_URL) (key set)"
cat <<BANNER

  Blueprint Studio is running:   http://127.0.0.1:$PORT
  API health:                    http://127.0.0.1:$PORT/api/health
  LLM (Ollama):                  $(setting OLLAMA_BASE_URL)  model $(setting OLLAMA_MODEL), fallback $(setting OLLAMA_FALLBACK_MODEL)
  LLM (OpenRouter fallback):     $openrouter
  Change them in .dev.vars (OLLAMA_BASE_URL=..., OPENROUTER_API_KEY=...) and restart.
  Cron worker:                   http://127.0.0.1:$CRON_PORT (log: $STATE/cron.log), fired on schedule by this script;
                                 by hand: curl 'http://127.0.0.1:$CRON_PORT/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*'
  Local data (D1, R2, Durable Objects, Queues): $STATE
  Ctrl-C stops everything.

BANNER

# wrangler dev never fires cron triggers: do it on the minute, as Cloudflare would.
while true; do
  # In the background and waited for, so Ctrl-C interrupts the wait at once.
  sleep $(( 60 - $(date +%s) % 60 )) &
  wait $! || true
  minute=$(date -u +%M); hour=$(date -u +%H)
  if [ $((10#$minute % 5)) -eq 0 ]; then
    curl -fsS "http://127.0.0.1:$CRON_PORT/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*" >/dev/null 2>&1 || true
  fi
  if [ "$hour:$minute" = "03:17" ]; then
    curl -fsS "http://127.0.0.1:$CRON_PORT/cdn-cgi/handler/scheduled?cron=17+3+*+*+*" >/dev/null 2>&1 || true
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "==> a wrangler process exited; stopping"; stop; }
  done
done
