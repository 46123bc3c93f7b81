import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ApiClient, UnreachableError } from './api-client';
import * as commands from './commands';
import { resolveConnection, UsageError, type Connection } from './connection';
import { EXIT_CODES_HELP, ExitCode, type ExitCode as Code } from './exit-codes';
import type { CliIo } from './output';
import {
  collectList,
  GATE_STATUSES,
  type ApproveOptions,
  type GateOptions,
  type PromoteOptions,
  type ReadinessOptions,
  type RegisterOptions,
} from './requests';

/** `--wait` gives up (exit 3) after this long unless `--timeout` says otherwise. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600;

const ENVIRONMENT_HELP = `Environment:
  AIRLOCK_URL    Airlock's base URL, e.g. https://airlock.example.com (--url wins)
  AIRLOCK_TOKEN  an API token, alk_… (--token wins; prefer the variable: flags show in ps)`;

interface GlobalFlags {
  url?: string;
  token?: string;
  json?: boolean;
}

/**
 * Runs one command line (without `node` and the script) and resolves to the exit code. Nothing
 * here calls process.exit, so tests run the whole CLI in-process with fake streams and fetch.
 */
export async function runCli(args: string[], io: CliIo): Promise<Code> {
  let exitCode: Code = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): Code {
  // Commander printed its own message (or the help) already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\nRun "airlock --help" for usage.\n`);
    return ExitCode.usage;
  }
  if (error instanceof UnreachableError) {
    io.stderr.write(`error: ${error.message}\n`);
    return ExitCode.unavailable;
  }
  // A bug in the CLI, not Airlock's answer: say so and count it as "nothing was decided".
  io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.unavailable;
}

type Done = (code: Code) => void;

export function buildProgram(io: CliIo, done: Done): Command {
  const program = new Command('airlock')
    .description(
      'Register images, record gates and approvals, and promote by digest through Airlock.',
    )
    .enablePositionalOptions()
    .option('--url <url>', "Airlock's base URL (default: $AIRLOCK_URL)")
    .option('--token <token>', 'API token (default: $AIRLOCK_TOKEN)')
    .option('--json', "print the API's JSON answer (or problem+json) on stdout, nothing else")
    .addHelpText('after', `\n${ENVIRONMENT_HELP}\n\n${EXIT_CODES_HELP}\n`)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .showSuggestionAfterError();

  const run = (
    command: Command,
    action: (ctx: commands.CommandContext) => Promise<Code>,
    urlSource: UrlSource = 'command',
  ) => {
    const global = program.opts<GlobalFlags>();
    const local = command.opts<GlobalFlags>();
    const ctx = {
      client: new ApiClient(commandConnection(global, local, urlSource, io.env), io.fetch),
      json: Boolean(local.json ?? global.json),
      io,
    };
    return action(ctx).then(done);
  };

  withConnectionOptions(program.command('register'))
    .description('Register an image (POST /api/v1/images) and print its digest.')
    .requiredOption('--registry <name>', 'registry the image is in (as named in Airlock)')
    .requiredOption('--repository <repository>', 'repository, e.g. team/app')
    .option('--tag <tag>', 'tag to resolve to a digest (exactly one of --tag and --digest)')
    .option('--digest <digest>', 'sha256:… digest')
    .option('--commit <sha>', 'build metadata: commit')
    .option('--build-url <url>', 'build metadata: URL of the build')
    .option('--pipeline-id <id>', 'build metadata: pipeline or build id')
    .action((options: RegisterOptions, command: Command) =>
      run(command, (ctx) => commands.register(ctx, options)),
    );

  withConnectionOptions(program.command('gate'), { url: false })
    .description('Record a gate result for a digest (POST /api/v1/gates/{digest}/results).')
    .argument('<digest>', 'sha256:… digest')
    .requiredOption('--gate <name>', 'gate name, e.g. unit-tests')
    .addOption(
      new Option('--status <status>', 'the result').choices(GATE_STATUSES).makeOptionMandatory(),
    )
    .option('--url <url>', 'evidence URL (the Airlock URL goes before the command here)')
    .option('--details <json>', 'a JSON object stored with the result')
    .action((digest: string, options: GateOptions, command: Command) =>
      run(command, (ctx) => commands.gate(ctx, digest, options), 'program'),
    );

  withConnectionOptions(program.command('approve'))
    .description(
      'Approve a digest (POST /api/v1/gates/{digest}/approvals); needs an approver token.',
    )
    .argument('<digest>', 'sha256:… digest')
    .option('--gate <name>', 'approval gate (default: approval)')
    .option('--comment <text>', 'why, stored with the approval')
    .action((digest: string, options: ApproveOptions, command: Command) =>
      run(command, (ctx) => commands.approve(ctx, digest, options)),
    );

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

  withConnectionOptions(program.command('status'))
    .description(
      'Show a promotion (GET /api/v1/promotions/{id}); exit 1 if it failed or was cancelled.',
    )
    .argument('<id>', 'promotion id')
    .action((id: string, _options: unknown, command: Command) =>
      run(command, (ctx) => commands.status(ctx, id)),
    );

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

  return program;
}

/**
 * Where a command's Airlock URL may come from. `airlock gate --url` is the gate's evidence URL,
 * so for `gate` only `airlock --url … gate` (or AIRLOCK_URL) counts.
 */
type UrlSource = 'command' | 'program';

function commandConnection(
  global: GlobalFlags,
  local: GlobalFlags,
  urlSource: UrlSource,
  env: CliIo['env'],
): Connection {
  const url = urlSource === 'command' ? (local.url ?? global.url) : global.url;
  try {
    return resolveConnection({ url, token: local.token ?? global.token }, env);
  } catch (error) {
    if (error instanceof UsageError && urlSource === 'program' && local.url) {
      throw new UsageError(
        `${error.message}; after "gate", --url is the evidence URL: ` +
          'put the Airlock URL before the command (airlock --url … gate …) or in AIRLOCK_URL',
      );
    }
    throw error;
  }
}

/**
 * Every command also takes --token and --json (and --url, except `gate`) after its name, where a
 * CI script naturally puts them; the program-level ones before the command work too.
 */
function withConnectionOptions(command: Command, { url = true } = {}): Command {
  if (url) command.option('--url <url>', "Airlock's base URL (default: $AIRLOCK_URL)");
  return command
    .option('--token <token>', 'API token (default: $AIRLOCK_TOKEN)')
    .option('--json', "print the API's JSON answer on stdout, nothing else");
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('must be a whole number of seconds, at least 1');
  }
  return parsed;
}
