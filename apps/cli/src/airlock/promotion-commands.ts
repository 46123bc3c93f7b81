import { InvalidArgumentError, Option, type Command } from 'commander';
import { withConnectionOptions, type RunCommand } from './command-options';
import * as commands from './commands';
import { readReleaseFile, releaseRequest } from './release-requests';
import * as releases from './releases';
import { collectList, type PromoteOptions, type ReadinessOptions } from './requests';

/** `--wait` gives up (exit 3) after this long unless `--timeout` says otherwise. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600;

/** The single-image flags, which a release file replaces (each item says them for itself). */
const SINGLE_IMAGE_OPTIONS = [
  'repository',
  'digest',
  'tag',
  'sourceRegistry',
  'targetRepository',
  'tagAs',
];

/**
 * Moving a digest (or a release of several) to a stage, following it, and asking beforehand
 * whether the stage admits it.
 */
export function addPromotionCommands(program: Command, run: RunCommand): void {
  addPromote(program, run);
  addStatus(program, run);
  addReleaseStatus(program, run);
  addReadiness(program, run);
}

type PromoteCliOptions = Partial<PromoteOptions> & {
  release?: string;
  wait?: boolean;
  timeout: number;
};

function addPromote(program: Command, run: RunCommand): void {
  withConnectionOptions(program.command('promote'))
    .description(
      'Request a promotion (POST /api/v1/promotions), or with --release several images as one ' +
        'release (POST /api/v1/releases); prints its id, or with --wait follows it to the end.',
    )
    .option('--repository <repository>', 'repository in the source registry (not with --release)')
    .option('--digest <digest>', 'the digest to promote (exactly one of --digest and --tag)')
    .option('--tag <tag>', 'a source tag, resolved to its digest once')
    .option('--from <stage>', 'source stage (with --release: instead of the file\'s "source")')
    .option('--source-registry <name>', 'registry of the source stage (when it has several)')
    .option('--to <stage>', 'target stage (with --release: instead of the file\'s "target")')
    .option('--target-repository <repository>', 'repository in the target (default: --repository)')
    .option(
      '--tag-as <tag>',
      'tag to write in the target (repeatable, or comma-separated)',
      collectList,
    )
    .addOption(
      new Option(
        '--release <file>',
        'promote several images as one release: a JSON file, the body of POST /api/v1/releases ' +
          '({name?, source, target, items: [{repository, digest|tag, tags?, …}]})',
      ).conflicts(SINGLE_IMAGE_OPTIONS),
    )
    .option('--dry-run', 'show the plan and the verdict; change nothing (exit 1 when not ready)')
    .option(
      '--idempotency-key <key>',
      'e.g. the CI build id: a re-run step gets the same promotion (or release)',
    )
    .option('--wait', 'follow the promotion (or release) until it succeeds, fails or is cancelled')
    .option(
      '--timeout <seconds>',
      '--wait gives up after this long (exit 3)',
      positiveInteger,
      DEFAULT_WAIT_TIMEOUT_SECONDS,
    )
    .action((options: PromoteCliOptions, command: Command) => promote(run, options, command));
}

/** One image unless --release names a file; a bad file is a usage error (exit 2), sent nothing. */
function promote(run: RunCommand, options: PromoteCliOptions, command: Command): Promise<void> {
  const timeoutSeconds = options.timeout;
  if (options.release !== undefined) {
    const request = releaseRequest(readReleaseFile(options.release), options);
    const flags = { wait: options.wait, timeoutSeconds, idempotencyKey: options.idempotencyKey };
    return run(command, (ctx) => releases.promoteRelease(ctx, request, flags));
  }
  requireOptions(command, ['repository', 'from', 'to']);
  const flags = { ...(options as PromoteOptions), wait: options.wait, timeoutSeconds };
  return run(command, (ctx) => commands.promote(ctx, flags));
}

/** What `.requiredOption` would say, for options required only without --release. */
function requireOptions(command: Command, names: string[]): void {
  for (const name of names) {
    if (command.getOptionValue(name) !== undefined) continue;
    const flags = command.options.find((option) => option.attributeName() === name)?.flags;
    command.error(`error: required option '${flags ?? `--${name}`}' not specified`, {
      code: 'commander.missingMandatoryOptionValue',
    });
  }
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

function addReleaseStatus(program: Command, run: RunCommand): void {
  withConnectionOptions(program.command('release-status'))
    .description(
      'Show a release (GET /api/v1/releases/{id}); exit 1 if it failed or was cancelled.',
    )
    .argument('<id>', 'release id')
    .action((id: string, _options: unknown, command: Command) =>
      run(command, (ctx) => releases.releaseStatus(ctx, id)),
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
