#!/usr/bin/env node
// The `airlock` command (package.json "bin"). It imports neither NestJS nor the server libs, so it
// starts in well under a second on a CI agent.
import { runCli } from './program';

runCli(process.argv.slice(2), {
  stdout: { write: (text) => process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
  stderr: { write: (text) => process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
  env: process.env,
}).then((code) => {
  // exitCode rather than exit(): stdout is flushed before the process ends, even into a pipe.
  process.exitCode = code;
});
