#!/usr/bin/env bash
# Airlock's main job on this machine, end to end, with the REST calls a CI server makes:
#   five local registries (sandbox, ci, prod, archive, and one playing Docker Hub) and Airlock
#   (API + worker in one process); a base image mirrored into the Archive; a sample image built
#   on it pushed into the CI registry with skopeo; registered; gates recorded; a promotion into
#   Prod refused before approval; approved by a second principal; promoted; the source and target
#   digests printed side by side; then upstream moves the base tag: the Archive keeps both
#   digests and Airlock names the image to rebuild.
# Everything it starts is stopped when it ends (or on Ctrl-C); `--keep` leaves it all running
# until Ctrl-C. State lives in the database `airlock_demo` and the Redis prefix `airlock-demo`,
# both reset at the start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

keep=false
[ "${1:-}" = "--keep" ] && keep=true
for tool in docker-registry skopeo curl; do
  command -v "$tool" >/dev/null || { echo "demo: needs $tool (apt-get install docker-registry skopeo curl)" >&2; exit 1; }
done

say() { printf '\n\033[1mdemo: %s\033[0m\n' "$*"; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
# field <json> <path> — one value out of a JSON document (a.b.0.c)
field() { node -e 'let v=JSON.parse(process.argv[1]);for(const k of process.argv[2].split(".").filter(Boolean))v=v?.[k];console.log(typeof v==="object"?JSON.stringify(v):v)' "$1" "$2"; }

work=$(mktemp -d -t airlock-demo.XXXXXX)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ ${#pids[@]} -gt 0 ] && echo "demo: stopped Airlock and the registries (logs were in $work)"
  pids=()
}
trap stop_all EXIT INT TERM

say "building"
npm run --silent build

say "starting five registries (CNCF distribution): sandbox, ci, prod, archive, and upstream (Docker Hub's part)"
declare -A url
for name in sandbox ci prod archive upstream; do
  port=$(free_port)
  mkdir -p "$work/$name"
  cat >"$work/$name.yml" <<EOF
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $work/$name }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port }
EOF
  docker-registry serve "$work/$name.yml" >"$work/$name.log" 2>&1 &
  pids+=($!)
  url[$name]="http://127.0.0.1:$port"
  printf '  %-8s %s\n' "$name" "${url[$name]}"
done
for name in sandbox ci prod archive upstream; do
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "${url[$name]}/v2/" 2>/dev/null && break; sleep 0.1; done
done

say "starting Airlock (API + worker) on a fresh database airlock_demo"
node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  c.connect().then(() => c.query("DROP DATABASE IF EXISTS airlock_demo WITH (FORCE)")).then(() => c.end());'
node -e '
  const Redis = require("ioredis"); const r = new Redis("redis://127.0.0.1:6379");
  r.keys("airlock-demo:*").then((k) => (k.length ? r.del(...k) : 0)).then(() => r.quit());'
admin=$(node -e "console.log('alk_'+require('crypto').randomBytes(32).toString('base64url'))")
api_port=$(free_port)
# node's flags as `npm start` passes them (the heap floor and growth bounds, docs/operations.md).
read -ra node_flags <<<"$(node -p "require('./package.json').scripts.start.split(/\s+/).filter((w) => w.startsWith('--')).join(' ')")"
AIRLOCK_HTTP_PORT=$api_port \
AIRLOCK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/airlock_demo \
AIRLOCK_REDIS_PREFIX=airlock-demo \
AIRLOCK_ADMIN_TOKEN=$admin \
  node "${node_flags[@]}" dist/apps/standalone/src/main.js >"$work/airlock.log" 2>&1 &
pids+=($!)
airlock_pid=$!
for _ in $(seq 1 120); do
  grep -q "listening on" "$work/airlock.log" && break
  kill -0 "$airlock_pid" 2>/dev/null || { cat "$work/airlock.log"; echo "demo: Airlock exited early" >&2; exit 1; }
  sleep 0.25
done
base="http://127.0.0.1:$api_port"
echo "  API $base (docs: $base/api/docs), log $work/airlock.log"
echo "  /readyz: $(curl -sS "$base/readyz")"

# call <token> <method> <path> [json] — prints the request and the status, keeps the body in $body
call() {
  local token=$1 method=$2 path=$3 data=${4:-}
  echo "  > $method $path ${data:+$data}"
  local args=(-sS -o "$work/body.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data "$data")
  code=$(curl "${args[@]}" "$base$path")
  body=$(cat "$work/body.json")
  echo "  < HTTP $code"
}
expect() { [ "$code" = "$1" ] || { echo "demo: expected HTTP $1, got $code: $body" >&2; exit 1; }; }

say "admin: registries by role, stages, and the Prod policy"
for name in sandbox ci prod archive upstream; do
  call "$admin" POST /api/v1/registries "{\"name\":\"$name\",\"url\":\"${url[$name]}\",\"role\":\"$name\"}"; expect 201
done
call "$admin" POST /api/v1/stages '{"name":"ci","position":1,"registries":["ci"]}'; expect 201
call "$admin" POST /api/v1/stages '{"name":"prod","position":2,"registries":["prod"]}'; expect 201
policy='{"allowedSourceStages":["ci"],"requiredGates":["unit-tests","image-scan"],"approvalsRequired":1,"immutableTags":true,"tagPattern":"\\d+\\.\\d+\\.\\d+","forbidLatest":true}'
call "$admin" PUT /api/v1/stages/prod/policy "$policy"; expect 200
call "$admin" POST /api/v1/tokens '{"name":"jenkins","role":"ci"}'; expect 201
jenkins=$(field "$body" token)
call "$admin" POST /api/v1/tokens '{"name":"alice","role":"approver"}'; expect 201
alice=$(field "$body" token)
echo "  tokens: jenkins (ci), alice (approver) — each shown once, stored hashed"

# oci_image <layout dir> <text> <ref name> [annotations json] — a one-layer image in an OCI layout;
# prints its manifest digest
oci_image() {
  local layout=$1 text=$2 ref=$3 annotations=${4:-'{}'} rootfs
  rootfs=$(mktemp -d -p "$work")
  mkdir -p "$layout/blobs/sha256"
  echo "$text" >"$rootfs/hello.txt"
  tar -C "$rootfs" -cf - hello.txt | gzip -n >"$rootfs/layer.tar.gz"
  local layer diff_id config manifest
  layer=$(sha256sum "$rootfs/layer.tar.gz" | cut -d' ' -f1)
  diff_id=$(tar -C "$rootfs" -cf - hello.txt | sha256sum | cut -d' ' -f1)
  cp "$rootfs/layer.tar.gz" "$layout/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["cat","/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff_id" >"$rootfs/config.json"
  config=$(sha256sum "$rootfs/config.json" | cut -d' ' -f1)
  cp "$rootfs/config.json" "$layout/blobs/sha256/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}],"annotations":%s}' \
    "$config" "$(stat -c%s "$rootfs/config.json")" "$layer" "$(stat -c%s "$rootfs/layer.tar.gz")" "$annotations" >"$rootfs/manifest.json"
  manifest=$(sha256sum "$rootfs/manifest.json" | cut -d' ' -f1)
  cp "$rootfs/manifest.json" "$layout/blobs/sha256/$manifest"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest" "$(stat -c%s "$rootfs/manifest.json")" "$ref" >"$layout/index.json"
  echo "sha256:$manifest"
}
upstream_host=${url[upstream]#http://}
archive_host=${url[archive]#http://}

say "upstream publishes library/alpine:3.20; admin mirrors it into the Archive"
base_v1=$(oci_image "$work/alpine-1" "alpine 3.20, first build" 3.20)
skopeo copy --quiet --dest-tls-verify=false "oci:$work/alpine-1:3.20" "docker://$upstream_host/library/alpine:3.20"
echo "  upstream $upstream_host/library/alpine:3.20 → $base_v1"
mirror_rule='{"name":"alpine","upstream":{"registry":"upstream","repository":"library/alpine"},"tags":{"semver":">=3.20 <4"},"archive":{"registry":"archive","repository":"mirror/library/alpine"},"schedule":"0 */6 * * *"}'
call "$admin" POST /api/v1/mirror-rules "$mirror_rule"; expect 201
# sync_now <rule> — "sync now", then wait for its run; prints the run's summary
sync_now() {
  call "$admin" GET "/api/v1/mirror-rules/$1/runs" >/dev/null
  local before
  before=$(field "$body" items.length)
  call "$admin" POST "/api/v1/mirror-rules/$1/sync"; expect 202
  for _ in $(seq 1 120); do
    call "$admin" GET "/api/v1/mirror-rules/$1/runs" >/dev/null
    if [ "$(field "$body" items.length)" -gt "$before" ] && [ "$(field "$body" items.0.status)" != running ]; then break; fi
    sleep 0.25
  done
  echo "  run: $(field "$body" items.0.status), $(field "$body" items.0.tagsChecked) tag(s) checked, $(field "$body" items.0.newDigests) new digest(s), $(field "$body" items.0.bytesCopied) bytes copied"
  [ "$(field "$body" items.0.status)" = succeeded ] || { echo "demo: mirror run failed: $body" >&2; exit 1; }
}
sync_now alpine

say "CI builds demo/app FROM alpine:3.20 and pushes it into the CI registry (skopeo, from an OCI layout)"
app_annotations="{\"org.opencontainers.image.revision\":\"9f2c1e7\",\"org.opencontainers.image.base.name\":\"$upstream_host/library/alpine:3.20\",\"org.opencontainers.image.base.digest\":\"$base_v1\"}"
oci_image "$work/layout" "hello from Airlock's demo, built $(date -u +%FT%TZ)" build-1 "$app_annotations" >/dev/null
ci_ref="${url[ci]#http://}/demo/app:build-1"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:build-1" "docker://$ci_ref"
echo "  pushed $ci_ref"

say "Jenkins registers the image (the tag is resolved to its digest once)"
call "$jenkins" POST /api/v1/images '{"registry":"ci","repository":"demo/app","tag":"build-1","build":{"commit":"9f2c1e7","pipelineId":"42"}}'; expect 201
digest=$(field "$body" digest)
echo "  digest $digest, $(field "$body" size) bytes, base $(field "$body" base.name)"

say "Jenkins records the quality gates against the digest"
call "$jenkins" POST "/api/v1/gates/$digest/results" '{"gate":"unit-tests","status":"passed","url":"https://jenkins.example.com/job/app/42/"}'; expect 201
call "$jenkins" POST "/api/v1/gates/$digest/results" '{"gate":"image-scan","status":"passed","details":{"critical":0}}'; expect 201

promotion="{\"repository\":\"demo/app\",\"digest\":\"$digest\",\"source\":\"ci\",\"target\":\"prod\",\"tags\":[\"1.0.0\"]}"
say "Jenkins asks to promote into Prod before anyone approved: refused"
call "$jenkins" POST /api/v1/promotions "$promotion"; expect 409
echo "  $(field "$body" detail)"

say "Alice (approver, a second principal) approves the digest"
call "$alice" POST "/api/v1/gates/$digest/approvals" '{"comment":"release notes reviewed"}'; expect 201

say "Jenkins promotes again: accepted, copied by digest by the worker"
call "$jenkins" POST /api/v1/promotions "$promotion"; expect 202
id=$(field "$body" id)
echo "  promotion $id: $(field "$body" status); plan: $(field "$body" plan.0.blobs)"
for _ in $(seq 1 120); do
  call "$jenkins" GET "/api/v1/promotions/$id" >/dev/null
  status=$(field "$body" status)
  echo "  status $status, $(field "$body" progress.bytesDone)/$(field "$body" progress.bytesTotal) bytes"
  case $status in succeeded|failed|cancelled) break ;; esac
  sleep 0.5
done
[ "$status" = succeeded ] || { echo "demo: promotion ended $status: $body" >&2; exit 1; }

say "the same bytes in both registries (read back by skopeo, an independent client)"
prod_ref="${url[prod]#http://}/demo/app:1.0.0"
source_digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$ci_ref")
target_digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$prod_ref")
printf '  %-40s %s\n' "source  $ci_ref" "$source_digest" "target  $prod_ref" "$target_digest"
[ "$source_digest" = "$target_digest" ] && [ "$source_digest" = "$digest" ] || { echo "demo: digests differ" >&2; exit 1; }
echo "  identical: the image tested in CI is the image in Prod"

say "upstream moves alpine:3.20 to a new build; the next sync archives it"
base_v2=$(oci_image "$work/alpine-2" "alpine 3.20, security rebuild" 3.20)
skopeo copy --quiet --dest-tls-verify=false "oci:$work/alpine-2:3.20" "docker://$upstream_host/library/alpine:3.20"
echo "  upstream $upstream_host/library/alpine:3.20 → $base_v2"
sync_now alpine
call "$admin" GET /api/v1/mirror-rules/alpine/archive >/dev/null
node -e 'for (const a of JSON.parse(process.argv[1]).items) console.log(`  archive ${a.tag} ${a.digest} ${a.current ? "current " : "previous"} first seen ${a.firstSeenAt}`)' "$body"
old_in_archive=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$archive_host/mirror/library/alpine@$base_v1")
echo "  the previous build is still pullable: $archive_host/mirror/library/alpine@$old_in_archive"

say "Jenkins asks which images to rebuild (base-image.updated announces the same to webhooks)"
call "$jenkins" GET /api/v1/drift
node -e 'for (const i of JSON.parse(process.argv[1]).items) for (const d of i.dependents) console.log(`  rebuild ${d.repository}@${d.digest.slice(0, 19)}… (stages ${d.stages.join(", ")}, commit ${d.build.commit}): built on ${d.baseDigest.slice(0, 19)}…, ${i.base.name} is now ${i.base.digest.slice(0, 19)}…`)' "$body"
[ "$(field "$body" items.0.dependents.0.digest)" = "$digest" ] || { echo "demo: drift did not name demo/app: $body" >&2; exit 1; }

if $keep; then
  say "everything keeps running; admin token: $admin — press Ctrl-C to stop it all"
  echo "  web UI: $base/ (sign in with the admin token above, or alice's approver token)"
  wait "$airlock_pid"
else
  say "done; stopping everything (run 'npm run demo -- --keep' to keep it running)"
fi
