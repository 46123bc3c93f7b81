import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { AppConfig } from './app-config';
import { ConfigError } from './config.errors';
import { envVariables } from './env.decorator';

const PREFIX = 'AIRLOCK_';

/** Every variable AppConfig reads, in declaration order. */
export function configVariables(): string[] {
  return [...envVariables(AppConfig).values()];
}

/**
 * Reads and validates the configuration. Unset or empty variables take their defaults; an
 * unknown `AIRLOCK_*` variable is refused too, because a typo silently falling back to a default
 * is worse than a failed start.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const variables = envVariables(AppConfig);
  const plain: Record<string, string> = {};
  for (const [property, variable] of variables) {
    const value = env[variable];
    if (value !== undefined && value.trim() !== '') plain[property] = value.trim();
  }
  const config = plainToInstance(AppConfig, plain, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((error) =>
    describe(error, variables),
  );
  const known = new Set(variables.values());
  for (const name of Object.keys(env)) {
    if (name.startsWith(PREFIX) && !known.has(name)) {
      problems.push({ variable: name, rule: 'is not a known Airlock variable' });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function describe(error: ValidationError, variables: Map<string, string>) {
  const variable = variables.get(error.property) ?? error.property;
  return Object.values(error.constraints ?? {}).map((message) => ({
    variable,
    // class-validator words its messages after the property; name the variable instead.
    rule: message.replace(new RegExp(`^${error.property}\\s*`), ''),
  }));
}
