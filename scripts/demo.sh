#!/usr/bin/env bash
# Airlock's main job on this machine, end to end. For now (Foundation) it builds and starts
# Airlock — API and worker in one process — against the local Postgres and Redis, shows that it
# is ready, and stops it cleanly. `--keep` leaves it running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

keep=false
[ "${1:-}" = "--keep" ] && keep=true

echo "demo: building"
npm run --silent build

port=${AIRLOCK_HTTP_PORT:-8080}
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
fi
export AIRLOCK_HTTP_PORT=$port
log=$(mktemp -t airlock-demo.XXXXXX.log)

echo "demo: starting Airlock (npm start) on port $port; log: $log"
node dist/apps/standalone/src/main.js >"$log" 2>&1 &
pid=$!
stop() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    echo "demo: Airlock stopped"
  fi
}
trap stop EXIT INT TERM

for _ in $(seq 1 120); do
  grep -q "listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "demo: Airlock exited early" >&2; exit 1; }
  sleep 0.25
done
grep -q "listening on" "$log" || { cat "$log"; echo "demo: Airlock did not start" >&2; exit 1; }
grep "listening on" "$log" | sed 's/^/  /'
# A first start on a new database prints the generated admin token once: pass it on, it is
# not shown again.
if grep -q "AIRLOCK BOOTSTRAP ADMIN TOKEN" "$log"; then
  sed -n '/AIRLOCK BOOTSTRAP ADMIN TOKEN/,/^=\{10,\}$/p' "$log" | sed 's/^/  /'
fi

base="http://127.0.0.1:$port"
echo "demo: GET $base/healthz"
echo "  $(curl -fsS "$base/healthz")"
echo "demo: GET $base/readyz"
status=$(curl -sS -o /tmp/airlock-readyz.json -w '%{http_code}' "$base/readyz")
echo "  HTTP $status $(cat /tmp/airlock-readyz.json)"
echo "demo: API docs at $base/api/docs (OpenAPI JSON at $base/api/docs-json)"

if $keep; then
  echo "demo: Airlock keeps running (pid $pid). Press Ctrl-C to stop it."
  wait "$pid"
fi
[ "$status" = 200 ]
