import { InvalidArgumentError, type Command } from 'commander';
import { withConnectionOptions, type RunCommand } from './command-options';
import * as commands from './commands';
import { collectList, type PromoteOptions, type ReadinessOptions } from './requests';

/** `--wait` gives up (exit 3) after this long unless `--timeout` says otherwise. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600;

/** Moving a digest to a stage, following it, and asking beforehand whether the stage admits it. */
export function addPromotionCommands(program: Command, run: RunCommand): void {
  addPromote(program, run);
  addStatus(program, run);
  addReadiness(program, run);
}

function addPromote(program: Command, run: RunCommand): void {
  withConnectionOptions(program.command('promote'))
    .description(
      'Request a promotion (POST /api/v1/promotions); prints its id, or with --wait follows it to the end.',
    )
    .requiredOption('--repository <repository>', 'repository in the source registry')
    .option('--digest <digest>', 'the digest to promote (exactly one of --digest and --tag)')
    .option('--tag <tag>', 'a source tag, resolved to its digest once')
    .requiredOption('--from <stage>', 'source stage')
    .option('--source-registry <name>', 'registry of the source stage (when it has several)')
    .requiredOption('--to <stage>', 'target stage')
    .option('--target-repository <repository>', 'repository in the target (default: --repository)')
    .option(
      '--tag-as <tag>',
      'tag to write in the target (repeatable, or comma-separated)',
      collectList,
    )
    .option('--dry-run', 'show the plan and the verdict; change nothing (exit 1 when not ready)')
    .option(
      '--idempotency-key <key>',
      'e.g. the CI build id: a re-run step gets the same promotion',
    )
    .option('--wait', 'follow the promotion until it succeeds, fails or is cancelled')
    .option(
      '--timeout <seconds>',
      '--wait gives up after this long (exit 3)',
      positiveInteger,
      DEFAULT_WAIT_TIMEOUT_SECONDS,
    )
    .action((options: PromoteOptions & { wait?: boolean; timeout: number }, command: Command) =>
      run(command, (ctx) => commands.promote(ctx, { ...options, timeoutSeconds: options.timeout })),
    );
}

function addStatus(program: Command, run: RunCommand): void {
  withConnectionOptions(program.command('status'))
    .description(
      'Show a promotion (GET /api/v1/promotions/{id}); exit 1 if it failed or was cancelled.',
    )
    .argument('<id>', 'promotion id')
    .action((id: string, _options: unknown, command: Command) =>
      run(command, (ctx) => commands.status(ctx, id)),
    );
}

function addReadiness(program: Command, run: RunCommand): void {
  withConnectionOptions(program.command('readiness'))
    .description(
      "Evaluate the stage's policy for a digest now (GET /api/v1/gates/{digest}/readiness); exit 1 if not ready.",
    )
    .argument('<digest>', 'sha256:… digest')
    .requiredOption('--stage <stage>', 'target stage')
    .option('--source <stage>', 'the stage the image would come from')
    .option('--tag <tag>', 'a tag the promotion would write (repeatable)', collectList)
    .action((digest: string, options: ReadinessOptions, command: Command) =>
      run(command, (ctx) => commands.readiness(ctx, digest, options)),
    );
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('must be a whole number of seconds, at least 1');
  }
  return parsed;
}
