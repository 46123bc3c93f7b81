#!/bin/sh
# Verifies the Airlock-Signature of a webhook delivery (docs/webhooks.md#verifying-the-signature).
#
# usage: verify-airlock-signature.sh <secret> <signature header value> <body file> [tolerance seconds]
#   <body file>  the raw request body exactly as received (before any JSON parsing)
#   tolerance    the replay window, default 300 (Airlock's)
# exit:  0 valid; 1 invalid, the reason on stderr; 2 usage error or openssl failure
#
# POSIX sh, openssl and `date +%s` (GNU, BusyBox and BSD date all have it). The secret is on the
# command lines of this script and of openssl while they run: on a shared machine other users can
# read it with ps. Run it where only the CI agent runs, or verify in Node instead.
set -eu

usage() {
  echo "usage: $0 <secret> <signature header value> <body file> [tolerance seconds]" >&2
  exit 2
}
invalid() {
  echo "invalid Airlock signature: $*" >&2
  exit 1
}

[ $# -ge 3 ] && [ $# -le 4 ] || usage
secret=$1 header=$2 body=$3 tolerance=${4:-300}
case $tolerance in '' | *[!0-9]*) usage ;; esac
[ -n "$secret" ] || usage
if [ ! -r "$body" ] || [ -d "$body" ]; then
  echo "cannot read the body file $body" >&2
  exit 2
fi

# t=<unix seconds>,v1=<hex>[,v1=<hex>...]; keys other than t and v1 are ignored, so a later
# scheme can be sent alongside. No globbing while the header is split on commas.
t='' signatures=''
set -f
old_ifs=$IFS
IFS=,
for part in $(printf '%s' "$header" | tr -d ' \t'); do
  case $part in
    t=*) t=${part#t=} ;;
    v1=*)
      v=${part#v1=}
      case $v in *[!0-9a-f]*) continue ;; esac
      if [ ${#v} -eq 64 ]; then signatures="$signatures $v"; fi
      ;;
  esac
done
IFS=$old_ifs
set +f

# Digits only, no leading zero (the shell would read it as octal), at most 12 digits.
case $t in '' | *[!0-9]* | 0?*) invalid "malformed header: no t=<unix seconds>" ;; esac
[ ${#t} -le 12 ] || invalid "malformed header: t=$t is not a unix time"
[ -n "$signatures" ] || invalid "malformed header: no v1=<64 hex digits>"

# t is signed too: an old delivery cannot be replayed under a fresh timestamp.
now=$(date +%s)
age=$((now - t))
if [ "$age" -lt 0 ]; then age=$((-age)); fi
if [ "$age" -gt "$tolerance" ]; then
  invalid "timestamp $t is ${age}s from now, outside the ${tolerance}s replay window"
fi

# hex(HMAC-SHA256(secret, "<t>.<raw body>")). OpenSSL 3 prints "HMAC-SHA2-256(stdin)= <hex>",
# 1.1 "(stdin)= <hex>", LibreSSL the bare hex: keep what follows the last "= ".
expected=$({ printf '%s.' "$t"; cat "$body"; } | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')
case $expected in
  *[!0-9a-f]* | '') echo "openssl did not compute an HMAC" >&2; exit 2 ;;
esac

# A plain string comparison, not a constant-time one: sh has none. That is acceptable here — the
# time [ takes to find the first differing character is nanoseconds against the milliseconds of
# noise that starting this script, openssl and the CI job add, so it cannot be measured from the
# network, and every guess costs the sender a fresh request within the replay window. A receiver
# running in one long-lived process (the Node relay) compares with timingSafeEqual.
for v in $signatures; do
  if [ "$v" = "$expected" ]; then exit 0; fi
done
invalid "no v1 signature matches: a wrong secret, or the body is not the one that was signed"
