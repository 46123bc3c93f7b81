#!/usr/bin/env node
// Airlock `base-image.updated` webhook → one GitLab pipeline per dependent image, through GitLab's
// pipeline trigger API (which cannot check an HMAC itself). Node >= 20, no dependencies; see
// docs/recipes/rebuild-on-base-update.md. Environment:
//   WEBHOOK_SECRET   the subscription's secret (whsec_…)
//   GITLAB_URL       https://gitlab.example.com
//   GITLAB_PROJECTS  {"team/app": {"project": "42", "ref": "main", "token": "glptt-…"}, …}:
//                    Airlock repository → GitLab project (id or path), branch, trigger token
//   PORT (8787), HOST (0.0.0.0)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const { WEBHOOK_SECRET, GITLAB_URL, GITLAB_PROJECTS, PORT, HOST } = process.env;
if (!WEBHOOK_SECRET || !GITLAB_URL || !GITLAB_PROJECTS) {
  console.error('set WEBHOOK_SECRET, GITLAB_URL and GITLAB_PROJECTS');
  process.exit(2);
}
const projects = JSON.parse(GITLAB_PROJECTS);
// `<event id> <image id>` already triggered: Airlock retries a whole event, we repeat only failures.
const triggered = new Set();

/** docs/webhooks.md: t within 300 s of now, and one v1 = hex HMAC-SHA256("<t>.<raw body>"). */
function verify(header, body, now = Math.floor(Date.now() / 1000)) {
  const parts = String(header ?? '')
    .split(',')
    .map((part) => part.trim().split('='));
  const t = parts.find(([key, value]) => key === 't' && /^\d{1,12}$/.test(value))?.[1];
  if (t === undefined || Math.abs(now - Number(t)) > 300) return false;
  const expected = createHmac('sha256', WEBHOOK_SECRET).update(`${t}.`).update(body).digest();
  return parts.some(
    ([key, value]) =>
      key === 'v1' &&
      /^[0-9a-f]{64}$/.test(value) &&
      timingSafeEqual(expected, Buffer.from(value, 'hex')), // constant time
  );
}

async function trigger(event, dependent) {
  const target = projects[dependent.repository];
  if (!target) return console.log(`${event.id}: no GitLab project for ${dependent.repository}`);
  const form = new URLSearchParams({ token: target.token, ref: target.ref ?? 'main' });
  const variables = {
    AIRLOCK_EVENT_ID: event.id,
    AIRLOCK_BASE_NAME: dependent.baseName, // as this image declared it
    AIRLOCK_BASE_DIGEST: event.data.base.digest,
    AIRLOCK_REPOSITORY: dependent.repository,
    AIRLOCK_IMAGE_DIGEST: dependent.digest,
    AIRLOCK_STAGES: dependent.stages.join(','),
    AIRLOCK_BUILD_COMMIT: dependent.build?.commit ?? '',
  };
  for (const [name, value] of Object.entries(variables)) form.append(`variables[${name}]`, value);
  const url = `${GITLAB_URL}/api/v4/projects/${encodeURIComponent(target.project)}/trigger/pipeline`;
  const res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(8000) });
  if (!res.ok) throw new Error(`${dependent.repository}: GitLab answered ${res.status}`);
  triggered.add(`${event.id} ${dependent.imageId}`);
  if (triggered.size > 100_000) triggered.delete(triggered.values().next().value); // the oldest
  console.log(`${event.id}: ${dependent.repository} → ${(await res.json()).web_url}`);
}

/** The status to answer: 401/400 make Airlock give up at once, 502 makes it retry with backoff. */
async function handle(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    if ((size += chunk.length) > 10_000_000) return 413; // a large event is ~0.5 MB
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks); // the raw bytes: the signature covers them, not parsed JSON
  if (!verify(req.headers['airlock-signature'], body)) return 401;
  const event = JSON.parse(body);
  if (event.type !== 'base-image.updated') return 204; // subscribed to more types: not ours
  const todo = event.data.dependents.filter((d) => !triggered.has(`${event.id} ${d.imageId}`));
  const results = await Promise.allSettled(todo.map((dependent) => trigger(event, dependent)));
  const failed = results.filter((result) => result.status === 'rejected');
  for (const { reason } of failed) console.error(`${event.id}: ${reason.message ?? reason}`);
  return failed.length > 0 ? 502 : 204;
}

createServer((req, res) => {
  handle(req).then(
    (status) => res.writeHead(status).end(),
    (error) => (console.error(error), res.writeHead(400).end()), // signed, but not an event we know
  );
}).listen(Number(PORT ?? 8787), HOST ?? '0.0.0.0', function () {
  console.log(`airlock-gitlab-relay listening on port ${this.address().port}`);
});
