#!/usr/bin/env bash
# Starts the whole product locally: all four workers in one `wrangler dev` (api first, so the
# public entry is on $PORT), with D1, R2, Durable Objects and Queues on disk in .wrangler/state
# (they survive restarts), and a small scheduler that runs the cron schedules on time through
# the api's "run now" endpoint (wrangler dev never fires cron triggers). Ctrl-C stops everything.
set -euo pipefail
set -m # each background job gets its own process group, so one signal stops wrangler and workerd
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false

PORT=${PORT:-8787}
STATE=${STATE_DIR:-.wrangler/state}
WRANGLER="$root/node_modules/.bin/wrangler"

# Local secrets: generated once, never committed (.gitignore), shared by every worker.
if [ ! -f .dev.vars ]; then
  secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')
  cat > .dev.vars <<VARS
# Local settings and secrets for wrangler dev (git-ignored). Restart \`make dev\` after editing.
JWT_SECRET=$secret
# Makes a signed-in user a platform admin: POST /api/admin/bootstrap {"token": "<this>"}.
ADMIN_BOOTSTRAP_TOKEN=$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')
# The local scheduler's credential for POST /api/admin/cron/run.
CRON_TRIGGER_TOKEN=$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')
# Where the model runs (Ollama). Default: http://127.0.0.1:11434
# OLLAMA_BASE_URL=http://127.0.0.1:11434
# Optional remote fallback:
# OPENROUTER_API_KEY=
VARS
  echo "==> wrote .dev.vars with a fresh JWT_SECRET"
fi
if ! grep -qE '^CRON_TRIGGER_TOKEN=.{32,}' .dev.vars; then
  printf 'CRON_TRIGGER_TOKEN=%s\n' "$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')" >> .dev.vars
fi
# Added once to a .dev.vars written before admins were provisioned by secret (ADMIN_EMAILS is
# no longer read: an email address proves nothing about who signed up with it).
if ! grep -qE '^ADMIN_BOOTSTRAP_TOKEN=.{32,}' .dev.vars; then
  printf 'ADMIN_BOOTSTRAP_TOKEN=%s\n' "$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')" >> .dev.vars
fi
cron_token=$(grep -E '^CRON_TRIGGER_TOKEN=' .dev.vars | tail -n 1 | cut -d= -f2-)
for worker in api stream cron queue-consumer; do
  cp .dev.vars "workers/$worker/.dev.vars"
done

bash scripts/build-web.sh
for worker in api stream cron queue-consumer; do
  bash scripts/build-worker.sh "$worker"
done
"$WRANGLER" d1 migrations apply DB --local --persist-to "$STATE" -c workers/api/wrangler.toml >/dev/null
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

"$WRANGLER" dev -c workers/api/wrangler.toml -c workers/stream/wrangler.toml -c workers/queue-consumer/wrangler.toml \
  -c workers/cron/wrangler.toml --ip 127.0.0.1 --port "$PORT" --inspector-port "${INSPECTOR_PORT:-9229}" \
  --persist-to "$STATE" --show-interactive-dev-session=false &
pids+=($!)

run_schedule() {
  curl -fsS -X POST "http://127.0.0.1:$PORT/api/admin/cron/run" -H "authorization: Bearer $cron_token" \
    -H 'content-type: application/json' -d "{\"cron\":\"$1\"}" >/dev/null 2>&1 || echo "==> cron run of '$1' failed"
}

for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.5 &
  wait $! || true
done

setting() { # the effective value: .dev.vars wins over the api's wrangler.toml [vars]
  local from_vars
  from_vars=$(grep -E "^$1=" .dev.vars | tail -n 1 | cut -d= -f2- || true)
  if [ -n "$from_vars" ]; then echo "$from_vars"; else grep -E "^$1 = " workers/api/wrangler.toml | head -n 1 | sed -E 's/^[^=]+= "(.*)"/\1/'; fi
}
openrouter="not configured (set OPENROUTER_API_KEY in .dev.vars to enable the fallback)"
grep -qE '^OPENROUTER_API_KEY=.+' .dev.vars && openrouter="$(setting OPENROUTER_BASE_URL) (key set)"
cat <<BANNER

  Blueprint Studio is running:   http://127.0.0.1:$PORT
  API health:                    http://127.0.0.1:$PORT/api/health
  LLM (Ollama):                  $(setting OLLAMA_BASE_URL)  model $(setting OLLAMA_MODEL), fallback $(setting OLLAMA_FALLBACK_MODEL)
  LLM (OpenRouter fallback):     $openrouter
  Change them in .dev.vars (OLLAMA_BASE_URL=..., OPENROUTER_API_KEY=...) and restart.
  Cron schedules:                run on time by this script; now, as an admin: POST /api/admin/cron/run {"cron":"*/5 * * * *"}
  Become an admin:               sign up in the UI, then (with your email and password):
    curl -sc /tmp/bp-admin.jar -H 'origin: http://127.0.0.1:$PORT' -H 'content-type: application/json' -d '{"email":"you@example.com","password":"your password"}' http://127.0.0.1:$PORT/api/auth/login >/dev/null && curl -sb /tmp/bp-admin.jar -H 'origin: http://127.0.0.1:$PORT' -H 'content-type: application/json' -d "{\"token\":\"\$(sed -n 's/^ADMIN_BOOTSTRAP_TOKEN=//p' .dev.vars | tail -n 1)\"}" http://127.0.0.1:$PORT/api/admin/bootstrap
  Local data (D1, R2, Durable Objects, Queues): $STATE
  Ctrl-C stops everything.

BANNER

# wrangler dev never fires cron triggers: do it on the minute, as Cloudflare would.
while true; do
  # In the background and waited for, so Ctrl-C interrupts the wait at once.
  sleep $(( 60 - $(date +%s) % 60 )) &
  wait $! || true
  minute=$(date -u +%M); hour=$(date -u +%H)
  if [ $((10#$minute % 5)) -eq 0 ]; then run_schedule '*/5 * * * *'; fi
  if [ "$hour:$minute" = "03:17" ]; then run_schedule '17 3 * * *'; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "==> a wrangler process exited; stopping"; stop; }
  done
done
