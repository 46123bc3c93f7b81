import type { CliIo, Output } from '../src/airlock/output';
import { runCli } from '../src/airlock/program';

// The CLI's unit specs (apps/cli/src/airlock/*-commands.spec.ts, program.spec.ts) run it
// in-process against canned answers.
export const DIGEST = `sha256:${'c'.repeat(64)}`;
export const TOKEN = 'alk_unit-test-token-that-must-never-be-printed';
export const ID = '0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b';

class Buffer implements Output {
  text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): void {
    this.text += text;
  }
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A CLI run against canned answers, in-process: what it sent, printed and exited with. */
export async function run(
  args: string[],
  answers: Array<Response | Error> = [],
  env: Record<string, string> = { AIRLOCK_URL: 'http://airlock.test/', AIRLOCK_TOKEN: TOKEN },
) {
  const sent: Sent[] = [];
  const stdout = new Buffer();
  const stderr = new Buffer();
  let clock = 0;
  const io: CliIo = {
    stdout,
    stderr,
    env,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    fetch: (async (url: string, init: RequestInit) => {
      sent.push({
        url,
        method: init.method!,
        headers: init.headers as Record<string, string>,
        body: init.body === undefined ? undefined : JSON.parse(init.body as string),
      });
      const next = answers.shift();
      if (next === undefined) throw new Error(`unexpected request ${init.method} ${url}`);
      if (next instanceof Error) throw next;
      return next;
    }) as typeof fetch,
  };
  const code = await runCli(args, io);
  expect(stdout.text + stderr.text).not.toContain(TOKEN);
  return { code, sent, stdout: stdout.text, stderr: stderr.text };
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': type, ...headers },
  });
}

/** A `text/event-stream` answer of these events, each data the JSON of its body. */
export function events(list: Array<[string, unknown]>): Response {
  const text = list
    .map(([event, body], i) => `id: ${i + 1}\nevent: ${event}\ndata: ${JSON.stringify(body)}\n\n`)
    .join(': keep-alive\n\n');
  return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

export function promotion(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: ID,
    status,
    digest: DIGEST,
    target: { stage: 'prod', repository: 'team/app' },
    tags: ['1.0.0'],
    progress: { bytesDone: 0, bytesTotal: 2048, blobsDone: 0, blobsTotal: 2 },
    targets: [
      {
        registry: 'prod-eu',
        status,
        progress: { bytesDone: 0, bytesTotal: 2048, blobsDone: 0, blobsTotal: 2 },
        error: null,
      },
    ],
    error: null,
    ...extra,
  };
}
