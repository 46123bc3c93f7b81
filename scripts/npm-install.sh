#!/usr/bin/env bash
# Installs node_modules exactly as package-lock.json says. `npm ci` first; if it refuses because
# the lock file lacks other platforms' optional packages (a registry mirror that only serves this
# platform's binaries leaves them out), `npm install`, which honours the same lock file.
set -uo pipefail
cd "$(dirname "$0")/.."
if npm ci --no-audit --no-fund --loglevel=error 2>/tmp/airlock-npm-ci.log; then exit 0; fi
if grep -q 'Missing: .* from lock file' /tmp/airlock-npm-ci.log; then
  echo "npm ci refused the lock file (optional packages of other platforms missing); using npm install" >&2
  exec npm install --no-audit --no-fund --loglevel=error
fi
cat /tmp/airlock-npm-ci.log >&2
exit 1
