#!/usr/bin/env bash
# Makes this machine ready to build, test and run Airlock: the Debian packages the test tiers use,
# Postgres and Redis answering, node_modules in step with package-lock.json. Idempotent and quick
# when everything is there. `npm test` and `npm run demo` call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=false
[ "${1:-}" = "--quiet" ] && quiet=true
say() { $quiet || echo "bootstrap: $*"; }
warn() { echo "bootstrap: $*" >&2; }

# Debian package → a binary it installs.
declare -A PACKAGES=([docker-registry]=docker-registry [skopeo]=skopeo [redis-server]=redis-server [openssl]=openssl [curl]=curl [chromium]=chromium)
missing=()
for pkg in "${!PACKAGES[@]}"; do
  command -v "${PACKAGES[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    warn "installing missing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    warn "missing: ${missing[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    warn "Postgres is down; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  port_open 5432 || { warn "Postgres is not answering on 127.0.0.1:5432 (see README.md, Prerequisites)"; exit 1; }
fi
if ! port_open 6379; then
  warn "Redis is down; starting it"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do port_open 6379 && break; sleep 0.1; done
  port_open 6379 || { warn "Redis is not answering on 127.0.0.1:6379"; exit 1; }
fi

# npm records the installed tree in node_modules/.package-lock.json; reinstall when the lock file changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  bash scripts/npm-install.sh
fi
say "ready"
