/** Thrown at boot when the environment does not describe a usable configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; rule: string }>) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  - ${p.variable}: ${p.rule}`).join('\n') +
        '\nFix these environment variables (see README.md, "Configuration") and start again.',
    );
    this.name = 'ConfigError';
  }
}
