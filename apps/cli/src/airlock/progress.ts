import type { ProgressAnswer, PromotionAnswer, PromotionTargetAnswer } from './api-schemas';

/** The progress fields of a promotion (and of each of its targets) as the API reports them. */
export type Progress = ProgressAnswer;

/** What progress lines are made of: the parts of a target the CLI shows. */
export type PromotionTarget = Pick<
  PromotionTargetAnswer,
  'registry' | 'status' | 'progress' | 'error'
> &
  Partial<Pick<PromotionTargetAnswer, 'attempts'>>;

/** What progress lines are made of: the parts of a promotion the CLI shows. */
export type PromotionProgress = Pick<
  PromotionAnswer,
  'id' | 'status' | 'digest' | 'target' | 'tags' | 'progress' | 'error'
> & { targets: PromotionTarget[] };

/** A promotion as the API answers it. */
export type Promotion = PromotionAnswer;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB": binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** "running  1.5 MiB / 3.0 MiB (50%)  blobs 2/4", plus each target's status when there are several. */
export function formatProgress(promotion: PromotionProgress): string {
  let line = `${promotion.status}  ${formatTransfer(promotion.progress)}`;
  if (promotion.targets.length > 1) {
    line += `  [${promotion.targets.map((t) => `${t.registry} ${t.status}`).join(', ')}]`;
  }
  return line;
}

/** "1.5 MiB / 3.0 MiB (50%)  blobs 2/4": a promotion's, a target's or a release's progress. */
export function formatTransfer(progress: Progress): string {
  const { bytesDone, bytesTotal, blobsDone, blobsTotal } = progress;
  const percent = bytesTotal > 0 ? ` (${Math.floor((bytesDone / bytesTotal) * 100)}%)` : '';
  return (
    `${formatBytes(bytesDone)} / ${formatBytes(bytesTotal)}${percent}` +
    `  blobs ${blobsDone}/${blobsTotal}`
  );
}

/** The lines that say why a promotion failed: its error, then every target's own error. */
export function describeFailure(promotion: PromotionProgress): string[] {
  const lines = [
    `error: promotion ${promotion.id} ${promotion.status}` +
      (promotion.error ? `: ${promotion.error.code}: ${promotion.error.message}` : ''),
  ];
  for (const target of promotion.targets) {
    // With one target the promotion's error usually quotes the target's: say it once.
    const quoted = target.error && promotion.error?.message.includes(target.error.message);
    if (target.status !== 'succeeded' && target.error && !quoted) {
      lines.push(`  - ${target.registry}: ${target.error.code}: ${target.error.message}`);
    }
  }
  return lines;
}

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

/** How often plain (non-TTY) output may repeat a line with unchanged status: CI logs stay short. */
export const PLAIN_INTERVAL_MS = 5_000;

/**
 * Shows a promotion's (or a release's) progress while `--wait` polls. On a terminal it rewrites
 * one line in place; in a CI log (no TTY) it prints a line when the status changes and otherwise
 * at most every PLAIN_INTERVAL_MS, so a long copy does not flood the log.
 */
export class ProgressPrinter {
  private lastLine: string | undefined;
  private lastPrinted: { line: string; status: string; at: number } | undefined;

  constructor(
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = PLAIN_INTERVAL_MS,
  ) {}

  update(promotion: PromotionProgress): void {
    this.show(promotion.status, formatProgress(promotion));
  }

  /** Shows any progress line (a release's, say); `status` is what counts as a change. */
  show(status: string, line: string): void {
    if (this.sink.isTTY) {
      if (line !== this.lastLine) this.sink.write(`\r${line}\x1b[K`);
    } else if (this.shouldPrintPlain(status, line)) {
      this.sink.write(`${line}\n`);
      this.lastPrinted = { line, status, at: this.now() };
    }
    this.lastLine = line;
  }

  /** Ends the updating line, so what follows starts on a line of its own. */
  finish(): void {
    if (this.sink.isTTY && this.lastLine !== undefined) this.sink.write('\n');
  }

  private shouldPrintPlain(status: string, line: string): boolean {
    const last = this.lastPrinted;
    if (last === undefined || status !== last.status) return true;
    return line !== last.line && this.now() - last.at >= this.intervalMs;
  }
}
