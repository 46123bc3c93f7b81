import { ApiClient, UnreachableError, type ApiAnswer } from './api-client';
import type { DryRunAnswer, GateResultAnswer, ImageAnswer, ReadinessAnswer } from './api-schemas';
import {
  ExitCode,
  exitCodeForPromotion,
  exitCodeForStatus,
  isTerminal,
  type ExitCode as Code,
} from './exit-codes';
import { writeJson, writeLines, type CliIo } from './output';
import { describeGaps, describeProblem } from './problem';
import {
  describeFailure,
  formatBytes,
  formatProgress,
  ProgressPrinter,
  type Promotion,
} from './progress';
import {
  approveRequest,
  gateRequest,
  promoteRequest,
  readinessRequest,
  registerRequest,
  statusRequest,
  type ApiRequest,
  type ApproveOptions,
  type GateOptions,
  type PromoteOptions,
  type ReadinessOptions,
  type RegisterOptions,
} from './requests';

/** What every command needs: the client, whether `--json` was asked for, and where to write. */
export interface CommandContext {
  client: ApiClient;
  json: boolean;
  io: CliIo;
}

/** `--wait` asks for the promotion about as often as the worker writes progress (once a second). */
export const POLL_INTERVAL_MS = 1_000;
/** Polls that may fail in a row (Airlock restarting, a blip) before `--wait` gives up with 3. */
export const MAX_POLL_FAILURES = 5;

export async function register(ctx: CommandContext, options: RegisterOptions): Promise<Code> {
  return simpleCall<ImageAnswer>(ctx, 'registration', registerRequest(options), (image) => [
    image.digest,
  ]);
}

export async function gate(
  ctx: CommandContext,
  digest: string,
  options: GateOptions,
): Promise<Code> {
  return simpleCall<GateResultAnswer>(ctx, 'gate result', gateRequest(digest, options), (r) => [
    `recorded ${r.gate} ${r.status} for ${r.digest}`,
  ]);
}

export async function approve(
  ctx: CommandContext,
  digest: string,
  options: ApproveOptions,
): Promise<Code> {
  return simpleCall<GateResultAnswer>(ctx, 'approval', approveRequest(digest, options), (r) => [
    `approved ${r.digest} (gate ${r.gate})${r.recordedByName ? ` as ${r.recordedByName}` : ''}`,
  ]);
}

export async function status(ctx: CommandContext, id: string): Promise<Code> {
  const answer = await ctx.client.send<Promotion>(statusRequest(id));
  if (!isSuccess(answer)) return refuse(ctx, 'status', answer);
  const promotion = answer.body!;
  if (ctx.json) writeJson(ctx.io.stdout, promotion);
  else writeLines(ctx.io.stdout, describePromotion(promotion));
  return isTerminal(promotion.status) ? exitCodeForPromotion(promotion.status) : ExitCode.ok;
}

export async function readiness(
  ctx: CommandContext,
  digest: string,
  options: ReadinessOptions,
): Promise<Code> {
  const answer = await ctx.client.send<ReadinessAnswer>(readinessRequest(digest, options));
  if (!isSuccess(answer)) return refuse(ctx, 'readiness', answer);
  const verdict = answer.body!;
  if (ctx.json) writeJson(ctx.io.stdout, verdict);
  else writeLines(ctx.io.stdout, describeReadiness(digest, options.stage, verdict));
  return verdict.ready ? ExitCode.ok : ExitCode.refused;
}

export interface PromoteFlags extends PromoteOptions {
  wait?: boolean;
  timeoutSeconds: number;
}

export async function promote(ctx: CommandContext, flags: PromoteFlags): Promise<Code> {
  const answer = await ctx.client.send<Promotion | DryRunAnswer>(promoteRequest(flags));
  if (!isSuccess(answer)) return refuse(ctx, 'promotion', answer);
  if (isDryRun(answer.body)) return reportDryRun(ctx, answer.body);
  const promotion = answer.body as Promotion;
  if (answer.headers.get('idempotency-replayed') === 'true') {
    ctx.io.stderr.write(
      `note: Idempotency-Key "${flags.idempotencyKey}" was used before: this is that promotion\n`,
    );
  }
  if (!flags.wait) {
    if (ctx.json) writeJson(ctx.io.stdout, promotion);
    else ctx.io.stdout.write(`${promotion.id}\n`);
    return ExitCode.ok;
  }
  if (!ctx.json) writeLines(ctx.io.stdout, [headline(promotion)]);
  return waitForPromotion(ctx, promotion, flags.timeoutSeconds);
}

/**
 * Polls until the promotion finishes. Exit 0 only for `succeeded`; failed or cancelled is 1; the
 * deadline or Airlock staying unreachable is 3 (the promotion may still finish: `airlock status`).
 */
async function waitForPromotion(
  ctx: CommandContext,
  accepted: Promotion,
  timeoutSeconds: number,
): Promise<Code> {
  const now = ctx.io.now ?? Date.now;
  const sleep = ctx.io.sleep ?? defaultSleep;
  const deadline = now() + timeoutSeconds * 1000;
  // With --json stdout holds the final answer only, so progress goes to stderr.
  const printer = new ProgressPrinter(ctx.json ? ctx.io.stderr : ctx.io.stdout, now);
  let promotion = accepted;
  let failures = 0;
  for (;;) {
    printer.update(promotion);
    if (isTerminal(promotion.status)) break;
    if (now() >= deadline) {
      printer.finish();
      if (ctx.json) writeJson(ctx.io.stdout, promotion);
      ctx.io.stderr.write(
        `error: promotion ${promotion.id} is still ${promotion.status} after ${timeoutSeconds} s ` +
          `(it goes on; follow it with: airlock status ${promotion.id})\n`,
      );
      return ExitCode.unavailable;
    }
    await sleep(POLL_INTERVAL_MS);
    const polled = await poll(ctx, promotion.id);
    if (polled.kind === 'promotion') {
      promotion = polled.promotion;
      failures = 0;
      continue;
    }
    if (polled.kind === 'refused') {
      printer.finish();
      return refuse(ctx, 'status', polled.answer);
    }
    failures += 1;
    if (failures >= MAX_POLL_FAILURES) {
      printer.finish();
      ctx.io.stderr.write(
        `error: ${polled.message} (${failures} times in a row; promotion ${promotion.id} goes on)\n`,
      );
      return ExitCode.unavailable;
    }
  }
  printer.finish();
  if (ctx.json) writeJson(ctx.io.stdout, promotion);
  else if (promotion.status === 'succeeded') writeLines(ctx.io.stdout, [succeeded(promotion)]);
  if (promotion.status !== 'succeeded') writeLines(ctx.io.stderr, describeFailure(promotion));
  return exitCodeForPromotion(promotion.status);
}

type Polled =
  | { kind: 'promotion'; promotion: Promotion }
  | { kind: 'refused'; answer: ApiAnswer }
  | { kind: 'transient'; message: string };

/** One poll; a 5xx or no answer is transient (the copy runs in the worker regardless). */
async function poll(ctx: CommandContext, id: string): Promise<Polled> {
  let answer: ApiAnswer<Promotion>;
  try {
    answer = await ctx.client.send<Promotion>(statusRequest(id));
  } catch (error) {
    if (error instanceof UnreachableError) return { kind: 'transient', message: error.message };
    throw error;
  }
  if (isSuccess(answer)) return { kind: 'promotion', promotion: answer.body! };
  if (exitCodeForStatus(answer.status) === ExitCode.refused) return { kind: 'refused', answer };
  return { kind: 'transient', message: `Airlock answered ${answer.status}` };
}

/** Register, gate and approve all do the same: send, print a line or the JSON, or refuse. */
async function simpleCall<T>(
  ctx: CommandContext,
  action: string,
  request: ApiRequest,
  describe: (body: T) => string[],
): Promise<Code> {
  const answer = await ctx.client.send<T>(request);
  if (!isSuccess(answer)) return refuse(ctx, action, answer);
  if (ctx.json) writeJson(ctx.io.stdout, answer.body);
  else writeLines(ctx.io.stdout, describe(answer.body!));
  return ExitCode.ok;
}

/** A non-2xx answer: the problem+json on stdout for --json, the explanation on stderr always. */
function refuse(ctx: CommandContext, action: string, answer: ApiAnswer): Code {
  if (ctx.json && answer.body !== undefined) writeJson(ctx.io.stdout, answer.body);
  writeLines(ctx.io.stderr, describeProblem(action, answer));
  return exitCodeForStatus(answer.status);
}

/** A 2xx with a JSON body; a 2xx without one is not Airlock (a captive proxy), so not success. */
function isSuccess(answer: ApiAnswer): boolean {
  return exitCodeForStatus(answer.status) === ExitCode.ok && answer.body !== undefined;
}

function isDryRun(body: unknown): body is DryRunAnswer {
  return (body as { dryRun?: unknown } | undefined)?.dryRun === true;
}

function reportDryRun(ctx: CommandContext, dryRun: DryRunAnswer): Code {
  if (ctx.json) {
    writeJson(ctx.io.stdout, dryRun);
  } else {
    const lines = [
      `dry run: ${dryRun.digest} ${dryRun.ready ? 'would be promoted' : 'would be refused'}`,
    ];
    for (const target of dryRun.targets) lines.push(describePlan(target));
    writeLines(ctx.io.stdout, lines);
    if (!dryRun.ready)
      writeLines(ctx.io.stderr, ['not ready:', ...describeGaps(dryRun.evaluation)]);
  }
  return dryRun.ready ? ExitCode.ok : ExitCode.refused;
}

function describePlan(target: DryRunAnswer['targets'][number]): string {
  if (target.alreadyPresent) return `  ${target.registry}: already present, only tags to write`;
  const { copy, mount, skip } = target.blobs;
  const collisions = target.tagCollisions.map((c) => `${c.tag} is on ${c.currentDigest}`);
  return (
    `  ${target.registry}: copy ${copy} blob(s) (${formatBytes(target.bytesToCopy)}), ` +
    `mount ${mount}, skip ${skip}` +
    (collisions.length > 0 ? `; tag collisions: ${collisions.join(', ')}` : '')
  );
}

function describeReadiness(digest: string, stage: string, verdict: ReadinessAnswer): string[] {
  const lines = [`${digest} is ${verdict.ready ? '' : 'not '}ready for ${stage}`];
  if (verdict.satisfied.length > 0) lines.push(`  satisfied: ${verdict.satisfied.join(', ')}`);
  return [...lines, ...describeGaps(verdict)];
}

function describePromotion(promotion: Promotion): string[] {
  const lines = [
    `promotion ${promotion.id}: ${promotion.status}`,
    `  digest:   ${promotion.digest}`,
    `  target:   ${promotion.target.stage} (${promotion.target.repository})` +
      (promotion.tags.length > 0 ? ` as ${promotion.tags.join(', ')}` : ''),
    `  progress: ${formatProgress(promotion)}`,
  ];
  for (const target of promotion.targets) {
    lines.push(
      `  - ${target.registry}: ${target.status}` +
        (target.error ? ` (${target.error.code}: ${target.error.message})` : ''),
    );
  }
  if (promotion.error)
    lines.push(`  error:    ${promotion.error.code}: ${promotion.error.message}`);
  return lines;
}

function headline(promotion: Promotion): string {
  const registries = promotion.targets.map((t) => t.registry).join(', ');
  return `promotion ${promotion.id}: ${promotion.digest} → ${promotion.target.stage} (${registries})`;
}

function succeeded(promotion: Promotion): string {
  const where = `${promotion.target.repository} in ${promotion.targets.map((t) => t.registry).join(', ')}`;
  const tags = promotion.tags.length > 0 ? ` as ${promotion.tags.join(', ')}` : '';
  return `promotion ${promotion.id} succeeded: ${promotion.digest} is in ${where}${tags}`;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
