import { Option, type Command } from 'commander';
import { withConnectionOptions, type RunCommand } from './command-options';
import * as commands from './commands';
import {
  GATE_STATUSES,
  type ApproveOptions,
  type GateOptions,
  type RegisterOptions,
} from './requests';

/** What a CI pipeline records about a digest: its registration, its gate results, approvals. */
export function addEvidenceCommands(program: Command, run: RunCommand): void {
  addRegister(program, run);
  addGate(program, run);
  addApprove(program, run);
}

function addRegister(program: Command, run: RunCommand): void {
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
}

function addGate(program: Command, run: RunCommand): void {
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
}

function addApprove(program: Command, run: RunCommand): void {
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
}
