import type { Command } from 'commander';
import type { CommandContext } from './commands';
import type { ExitCode as Code } from './exit-codes';

/**
 * Where a command's Airlock URL may come from. `airlock gate --url` is the gate's evidence URL,
 * so for `gate` only `airlock --url … gate` (or AIRLOCK_URL) counts.
 */
export type UrlSource = 'command' | 'program';

/** Runs a command's action against the Airlock its flags (or the environment) name. */
export type RunCommand = (
  command: Command,
  action: (ctx: CommandContext) => Promise<Code>,
  urlSource?: UrlSource,
) => Promise<void>;

/**
 * Every command also takes --token and --json (and --url, except `gate`) after its name, where a
 * CI script naturally puts them; the program-level ones before the command work too.
 */
export function withConnectionOptions(command: Command, { url = true } = {}): Command {
  if (url) command.option('--url <url>', "Airlock's base URL (default: $AIRLOCK_URL)");
  return command
    .option('--token <token>', 'API token (default: $AIRLOCK_TOKEN)')
    .option('--json', "print the API's JSON answer on stdout, nothing else");
}
