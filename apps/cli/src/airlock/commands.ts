import type { ApiClient } from './api-client';
import { isDryRunAnswer, isSuccess, noteReplay, refuse } from './answers';
import type { DryRunAnswer, GateResultAnswer, ImageAnswer, ReadinessAnswer } from './api-schemas';
import { ExitCode, exitCodeForPromotion, isTerminal, type ExitCode as Code } from './exit-codes';
import { follow } from './follow';
import { writeJson, writeLines, type CliIo } from './output';
import { describeGaps } from './problem';
import { describeFailure, formatBytes, formatProgress, type Promotion } from './progress';
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
  if (isDryRunAnswer(answer.body)) return reportDryRun(ctx, answer.body as DryRunAnswer);
  const promotion = answer.body as Promotion;
  noteReplay(ctx, answer, flags.idempotencyKey, 'promotion');
  if (!flags.wait) {
    if (ctx.json) writeJson(ctx.io.stdout, promotion);
    else ctx.io.stdout.write(`${promotion.id}\n`);
    return ExitCode.ok;
  }
  if (!ctx.json) writeLines(ctx.io.stdout, [headline(promotion)]);
  return waitForPromotion(ctx, promotion, flags.timeoutSeconds);
}

/**
 * Follows the promotion to its end. Exit 0 only for `succeeded`; failed or cancelled is 1; the
 * deadline or Airlock staying unreachable is 3 (the promotion may still finish: `airlock status`).
 */
async function waitForPromotion(
  ctx: CommandContext,
  accepted: Promotion,
  timeoutSeconds: number,
): Promise<Code> {
  const outcome = await follow<Promotion>(ctx, accepted, timeoutSeconds, {
    noun: 'promotion',
    statusCommand: 'airlock status',
    request: statusRequest,
    events: (id) => `/api/v1/promotions/${encodeURIComponent(id)}/events`,
    progressLine: formatProgress,
  });
  if ('stopped' in outcome) return outcome.stopped;
  const promotion = outcome.finished;
  if (ctx.json) writeJson(ctx.io.stdout, promotion);
  else if (promotion.status === 'succeeded') writeLines(ctx.io.stdout, [succeeded(promotion)]);
  if (promotion.status !== 'succeeded') writeLines(ctx.io.stderr, describeFailure(promotion));
  return exitCodeForPromotion(promotion.status);
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

/** One target registry of a dry run: what would be copied, mounted or skipped. */
export function describePlan(target: DryRunAnswer['targets'][number]): string {
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
