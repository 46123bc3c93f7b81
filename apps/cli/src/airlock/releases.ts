import { isDryRunAnswer, isSuccess, noteReplay, refuse } from './answers';
import type { PromotionAnswer, ReleaseAnswer, ReleaseDryRunAnswer } from './api-schemas';
import { describePlan, type CommandContext } from './commands';
import { ExitCode, exitCodeForPromotion, isTerminal, type ExitCode as Code } from './exit-codes';
import { follow } from './follow';
import { writeJson, writeLines } from './output';
import { describeGaps } from './problem';
import { formatTransfer } from './progress';
import { releaseStatusRequest, releaseWaitRequest, type ReleaseRequest } from './release-requests';

/** A release as the API answers it: several promotions (its items) that land as one. */
export type Release = ReleaseAnswer;

export interface ReleaseFlags {
  wait?: boolean;
  timeoutSeconds: number;
  idempotencyKey?: string;
}

/** `promote --release FILE`: prints the release id, or with --wait follows it to the end. */
export async function promoteRelease(
  ctx: CommandContext,
  request: ReleaseRequest,
  flags: ReleaseFlags,
): Promise<Code> {
  const answer = await ctx.client.send<Release | ReleaseDryRunAnswer>(request);
  if (!isSuccess(answer)) return refuse(ctx, 'release', answer);
  if (isDryRunAnswer(answer.body)) {
    return reportReleaseDryRun(ctx, request, answer.body as ReleaseDryRunAnswer);
  }
  const release = answer.body as Release;
  noteReplay(ctx, answer, flags.idempotencyKey, 'release');
  if (!flags.wait) {
    if (ctx.json) writeJson(ctx.io.stdout, release);
    else ctx.io.stdout.write(`${release.id}\n`);
    return ExitCode.ok;
  }
  if (!ctx.json) writeLines(ctx.io.stdout, [headline(release)]);
  return waitForRelease(ctx, release, flags.timeoutSeconds);
}

/** `release-status ID`: exit 1 once it failed or was cancelled, as `status` for a promotion. */
export async function releaseStatus(ctx: CommandContext, id: string): Promise<Code> {
  const answer = await ctx.client.send<Release>(releaseStatusRequest(id));
  if (!isSuccess(answer)) return refuse(ctx, 'status', answer);
  const release = answer.body!;
  if (ctx.json) writeJson(ctx.io.stdout, release);
  else writeLines(ctx.io.stdout, describeRelease(release));
  return isTerminal(release.status) ? exitCodeForPromotion(release.status) : ExitCode.ok;
}

/** "running  staged 1/4  1.5 MiB / 3.0 MiB (50%)  blobs 2/4", and the tags once any landed. */
export function formatReleaseProgress(release: Release): string {
  const tags = release.tagsLanded.length > 0 ? `  tags ${release.tagsLanded.length}` : '';
  return (
    `${release.status}  staged ${release.staged.done}/${release.staged.total}` +
    `  ${formatTransfer(release.progress)}${tags}`
  );
}

/** Exit 0 only for `succeeded`; failed or cancelled is 1; the deadline or no Airlock is 3. */
async function waitForRelease(
  ctx: CommandContext,
  accepted: Release,
  timeoutSeconds: number,
): Promise<Code> {
  const outcome = await follow<Release>(ctx, accepted, timeoutSeconds, {
    noun: 'release',
    statusCommand: 'airlock release-status',
    request: releaseStatusRequest,
    waitingRequest: releaseWaitRequest,
    progressLine: formatReleaseProgress,
  });
  if ('stopped' in outcome) return outcome.stopped;
  const release = outcome.finished;
  if (ctx.json) writeJson(ctx.io.stdout, release);
  else if (release.status === 'succeeded') writeLines(ctx.io.stdout, succeeded(release));
  if (release.status !== 'succeeded') writeLines(ctx.io.stderr, describeReleaseFailure(release));
  return exitCodeForPromotion(release.status);
}

/** Each item's verdict and plan on stdout; what keeps the not-ready ones out on stderr. */
function reportReleaseDryRun(
  ctx: CommandContext,
  request: ReleaseRequest,
  dryRun: ReleaseDryRunAnswer,
): Code {
  if (ctx.json) {
    writeJson(ctx.io.stdout, dryRun);
    return dryRun.ready ? ExitCode.ok : ExitCode.refused;
  }
  const { source, target, items } = request.body;
  const verdict = dryRun.ready ? 'would be promoted' : 'would be refused';
  const lines = [
    `dry run: release of ${dryRun.items.length} item(s) ${source} → ${target} ${verdict}`,
  ];
  const gaps: string[] = [];
  dryRun.items.forEach((item, index) => {
    const label = `items[${index}] ${items[index]?.repository ?? '?'} ${item.digest}`;
    lines.push(`  ${label}: ${item.ready ? 'ready' : 'not ready'}`);
    for (const plan of item.targets) lines.push(`  ${describePlan(plan)}`);
    if (!item.ready)
      gaps.push(`  ${label}:`, ...describeGaps(item.evaluation).map((l) => `  ${l}`));
  });
  writeLines(ctx.io.stdout, lines);
  if (!dryRun.ready) writeLines(ctx.io.stderr, ['not ready:', ...gaps]);
  return dryRun.ready ? ExitCode.ok : ExitCode.refused;
}

function describeRelease(release: Release): string[] {
  const lines = [
    `release ${label(release)}: ${release.status}`,
    `  stages:   ${release.source.stage} → ${release.target.stage}`,
    `  progress: ${formatReleaseProgress(release)}`,
  ];
  release.items.forEach((item, index) => {
    const error = itemError(item);
    lines.push(
      `  - ${itemLabel(item, index)}: ${item.status}` +
        (item.tags.length > 0 ? ` as ${item.tags.join(', ')}` : '') +
        (error ? ` (${error.code}: ${error.message})` : ''),
    );
  });
  if (release.tagsLanded.length > 0) lines.push(`  tags landed: ${landedTags(release)}`);
  if (release.error) lines.push(`  error:    ${release.error.code}: ${release.error.message}`);
  return lines;
}

/** Why a release failed: its error, each failed item's, and any tags its commit wrote already. */
function describeReleaseFailure(release: Release): string[] {
  const lines = [
    `error: release ${release.id} ${release.status}` +
      (release.error ? `: ${release.error.code}: ${release.error.message}` : ''),
  ];
  release.items.forEach((item, index) => {
    const error = itemError(item);
    if (item.status === 'failed' && error) {
      lines.push(`  - ${itemLabel(item, index)}: ${error.code}: ${error.message}`);
    }
  });
  if (release.tagsLanded.length > 0) lines.push(`  tags written: ${landedTags(release)}`);
  return lines;
}

function headline(release: Release): string {
  return (
    `release ${label(release)}: ${release.items.length} item(s) ` +
    `${release.source.stage} → ${release.target.stage}`
  );
}

function succeeded(release: Release): string[] {
  return [
    `release ${label(release)} succeeded: ${release.items.length} item(s) in ` +
      `${release.target.stage}, ${release.tagsLanded.length} tag(s) written`,
    ...release.tagsLanded.map((t) => `  - ${t.registry}: ${t.repository}:${t.tag}`),
  ];
}

function label(release: Release): string {
  return release.name ? `${release.id} "${release.name}"` : release.id;
}

function itemLabel(item: PromotionAnswer, index: number): string {
  return `items[${index}] ${item.source.repository} ${item.digest}`;
}

/** An item's own error, or else the first of its targets' (with one target, usually the same). */
function itemError(item: PromotionAnswer): PromotionAnswer['error'] {
  return item.error ?? item.targets.find((target) => target.error)?.error ?? null;
}

function landedTags(release: Release): string {
  return release.tagsLanded.map((t) => `${t.registry} ${t.repository}:${t.tag}`).join(', ');
}
