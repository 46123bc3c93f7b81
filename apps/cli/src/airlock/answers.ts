import type { ApiAnswer } from './api-client';
import type { CommandContext } from './commands';
import { ExitCode, exitCodeForStatus, type ExitCode as Code } from './exit-codes';
import { writeJson, writeLines } from './output';
import { describeProblem } from './problem';

/** A 2xx with a JSON body; a 2xx without one is not Airlock (a captive proxy), so not success. */
export function isSuccess(answer: ApiAnswer): boolean {
  return exitCodeForStatus(answer.status) === ExitCode.ok && answer.body !== undefined;
}

/** A non-2xx answer: the problem+json on stdout for --json, the explanation on stderr always. */
export function refuse(ctx: CommandContext, action: string, answer: ApiAnswer): Code {
  if (ctx.json && answer.body !== undefined) writeJson(ctx.io.stdout, answer.body);
  writeLines(ctx.io.stderr, describeProblem(action, answer));
  return exitCodeForStatus(answer.status);
}

/** The 200 of a `dryRun: true` request (a promotion's or a release's) rather than a 202. */
export function isDryRunAnswer(body: unknown): boolean {
  return (body as { dryRun?: unknown } | undefined)?.dryRun === true;
}

/** Says so on stderr when Airlock answered an earlier request with the same Idempotency-Key. */
export function noteReplay(
  ctx: CommandContext,
  answer: ApiAnswer,
  key: string | undefined,
  noun: string,
): void {
  if (answer.headers.get('idempotency-replayed') === 'true') {
    ctx.io.stderr.write(`note: Idempotency-Key "${key}" was used before: this is that ${noun}\n`);
  }
}
