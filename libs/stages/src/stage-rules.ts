import { AirlockError } from '@airlock/errors';

export const STAGE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MAX_STAGE_POSITION = 10_000;

export function invalidField(field: string, rule: string, message: string): AirlockError {
  return new AirlockError('INVALID_INPUT', message, {
    details: { errors: [{ field, rule, message }] },
  });
}

export function checkStageName(name: string): string {
  if (!STAGE_NAME_PATTERN.test(name)) {
    throw invalidField(
      'name',
      'matches',
      'name must be 1-63 lowercase letters, digits or "-", starting with a letter or digit',
    );
  }
  return name;
}

export function checkPosition(position: number): number {
  if (!Number.isInteger(position) || position < 0 || position > MAX_STAGE_POSITION) {
    throw invalidField(
      'position',
      'position',
      `position must be an integer from 0 to ${MAX_STAGE_POSITION}`,
    );
  }
  return position;
}

/** The same registry twice is a mistake in the request, not something to silently merge. */
export function checkMemberNames(names: string[]): string[] {
  const seen = new Set<string>();
  for (const [index, name] of names.entries()) {
    if (seen.has(name))
      throw invalidField(`registries[${index}]`, 'unique', `registries lists "${name}" twice`);
    seen.add(name);
  }
  return names;
}
