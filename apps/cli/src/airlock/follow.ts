import { readEventStream, UnreachableError, type ApiAnswer } from './api-client';
import { isSuccess, refuse } from './answers';
import type { CommandContext } from './commands';
import { ExitCode, exitCodeForStatus, isTerminal, type ExitCode as Code } from './exit-codes';
import { writeJson } from './output';
import { ProgressPrinter } from './progress';
import type { ApiRequest } from './requests';

/** `--wait` asks about as often as the worker writes progress (once a second). */
export const POLL_INTERVAL_MS = 1_000;
/** Polls that may fail in a row (Airlock restarting, a blip) before `--wait` gives up with 3. */
export const MAX_POLL_FAILURES = 5;

/** What `--wait` follows: a promotion or a release. */
export interface Followable {
  id: string;
  status: string;
}

/** How to follow one kind of thing: what to call it, how to ask for it, how to show progress. */
export interface FollowPlan<T extends Followable> {
  /** "promotion" or "release", in messages. */
  noun: string;
  /** The command that follows it later, e.g. "airlock status". */
  statusCommand: string;
  request(id: string): ApiRequest;
  /**
   * The same request asking the server to hold its answer up to `seconds` while the subject is
   * active (`?wait=`): the end is seen the moment it happens, not at the next poll.
   */
  waitingRequest?(id: string, seconds: number): ApiRequest;
  /** The path of its Server-Sent Events stream, when it has one: followed before polling. */
  events?(id: string): string;
  progressLine(subject: T): string;
}

/** It reached a terminal status (printed progress is ended), or `--wait` stopped with a code. */
export type FollowOutcome<T> = { finished: T } | { stopped: Code };

/**
 * Polls until a terminal status. The deadline or Airlock staying unreachable stops with 3 (the
 * promotion or release may still finish); a 4xx while polling stops with that refusal.
 */
export async function follow<T extends Followable>(
  ctx: CommandContext,
  accepted: T,
  timeoutSeconds: number,
  plan: FollowPlan<T>,
): Promise<FollowOutcome<T>> {
  const now = ctx.io.now ?? Date.now;
  const sleep = ctx.io.sleep ?? defaultSleep;
  const deadline = now() + timeoutSeconds * 1000;
  // With --json stdout holds the final answer only, so progress goes to stderr.
  const printer = new ProgressPrinter(ctx.json ? ctx.io.stderr : ctx.io.stdout, now);
  let subject = accepted;
  if (plan.events && !isTerminal(subject.status))
    subject = await streamed(ctx, plan, subject, deadline - now(), printer);
  let failures = 0;
  for (;;) {
    printer.show(subject.status, plan.progressLine(subject));
    if (isTerminal(subject.status)) break;
    if (now() >= deadline) {
      printer.finish();
      if (ctx.json) writeJson(ctx.io.stdout, subject);
      ctx.io.stderr.write(
        `error: ${plan.noun} ${subject.id} is still ${subject.status} after ${timeoutSeconds} s ` +
          `(it goes on; follow it with: ${plan.statusCommand} ${subject.id})\n`,
      );
      return { stopped: ExitCode.unavailable };
    }
    // A server that holds the answer paces the loop itself; one that answers at once (older,
    // or a failed poll) is asked again only after the interval.
    const waiting = failures === 0 ? plan.waitingRequest : undefined;
    const asked = now();
    if (!waiting) await sleep(POLL_INTERVAL_MS);
    const polled = await poll<T>(
      ctx,
      waiting ? waiting(subject.id, POLL_INTERVAL_MS / 1000) : plan.request(subject.id),
    );
    if (waiting && polled.kind === 'answer' && !isTerminal(polled.body.status))
      await sleep(Math.max(0, POLL_INTERVAL_MS - (now() - asked)));
    if (polled.kind === 'answer') {
      subject = polled.body;
      failures = 0;
      continue;
    }
    if (polled.kind === 'refused') {
      printer.finish();
      return { stopped: refuse(ctx, 'status', polled.answer) };
    }
    failures += 1;
    if (failures >= MAX_POLL_FAILURES) {
      printer.finish();
      ctx.io.stderr.write(
        `error: ${polled.message} (${failures} times in a row; ${plan.noun} ${subject.id} goes on)\n`,
      );
      return { stopped: ExitCode.unavailable };
    }
  }
  printer.finish();
  return { finished: subject };
}

/**
 * Follows the stream until its `end` event (or the deadline); answers the newest state seen.
 * Whatever stops it short — no stream, a drop — leaves the rest to polling.
 */
async function streamed<T extends Followable>(
  ctx: CommandContext,
  plan: FollowPlan<T>,
  subject: T,
  remainingMs: number,
  printer: ProgressPrinter,
): Promise<T> {
  let latest = subject;
  const deadline = AbortSignal.timeout(Math.max(remainingMs, 0));
  await readEventStream(
    ctx.client,
    plan.events!(subject.id),
    (event) => {
      if (event.event !== 'promotion' && event.event !== 'end') return true;
      latest = JSON.parse(event.data) as T;
      printer.show(latest.status, plan.progressLine(latest));
      return event.event !== 'end' && !isTerminal(latest.status);
    },
    deadline,
  );
  return latest;
}

type Polled<T> =
  | { kind: 'answer'; body: T }
  | { kind: 'refused'; answer: ApiAnswer }
  | { kind: 'transient'; message: string };

/** One poll; a 5xx or no answer is transient (the copy runs in the worker regardless). */
async function poll<T>(ctx: CommandContext, request: ApiRequest): Promise<Polled<T>> {
  let answer: ApiAnswer<T>;
  try {
    answer = await ctx.client.send<T>(request);
  } catch (error) {
    if (error instanceof UnreachableError) return { kind: 'transient', message: error.message };
    throw error;
  }
  if (isSuccess(answer)) return { kind: 'answer', body: answer.body! };
  if (exitCodeForStatus(answer.status) === ExitCode.refused) return { kind: 'refused', answer };
  return { kind: 'transient', message: `Airlock answered ${answer.status}` };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
