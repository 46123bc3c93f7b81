import { Command, CommanderError } from 'commander';
import { ApiClient, UnreachableError } from './api-client';
import type { RunCommand, UrlSource } from './command-options';
import { resolveConnection, UsageError, type Connection } from './connection';
import { addEvidenceCommands } from './evidence-commands';
import { EXIT_CODES_HELP, ExitCode, type ExitCode as Code } from './exit-codes';
import type { CliIo } from './output';
import { addPromotionCommands } from './promotion-commands';
import { addVerifyCommand } from './verify-command';

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

  const run: RunCommand = (command, action, urlSource = 'command') => {
    const global = program.opts<GlobalFlags>();
    const local = command.opts<GlobalFlags>();
    const ctx = {
      client: new ApiClient(commandConnection(global, local, urlSource, io.env), io.fetch),
      json: Boolean(local.json ?? global.json),
      io,
    };
    return action(ctx).then(done);
  };
  // Help lists the commands in the order they are added.
  addEvidenceCommands(program, run);
  addPromotionCommands(program, run);
  addVerifyCommand(program, io, done);

  return program;
}

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
