/** Where a command writes. The real process passes its streams; tests pass buffers. */
export interface Output {
  write(text: string): void;
  isTTY: boolean;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function writeLines(output: Output, lines: string[]): void {
  if (lines.length > 0) output.write(`${lines.join('\n')}\n`);
}

/** `--json`: the API's answer exactly as parsed, pretty-printed, and nothing else on stdout. */
export function writeJson(output: Output, body: unknown): void {
  output.write(`${JSON.stringify(body, null, 2)}\n`);
}
