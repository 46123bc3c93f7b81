import {
  fieldProblem,
  readInput,
  readQuery,
  throwIfInvalid,
  type StringOptions,
} from '@airlock/validation';

export const STAGE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MAX_STAGE_POSITION = 10_000;
export const MAX_STAGE_REGISTRIES = 100;

const STAGE_NAME: StringOptions = {
  pattern: {
    regex: STAGE_NAME_PATTERN,
    describe: '1-63 lowercase letters, digits or "-", starting with a letter or digit',
  },
};

export interface NewStageRequest {
  name: string;
  position?: number;
  registries?: string[];
}

/** Fields left out stay as they are; `registries` replaces the whole membership. */
export interface StageUpdateRequest {
  position?: number;
  registries?: string[];
}

/** A stage's name as the path or query gives it: a 400 naming `field` when it is none. */
export function checkStageName(name: unknown, field = 'name'): string {
  return readQuery({ [field]: name }, (r) => r.string(field, { required: true, ...STAGE_NAME })!);
}

export function readNewStage(input: unknown): NewStageRequest {
  return readInput(input, (r) => ({
    name: r.string('name', { required: true, ...STAGE_NAME })!,
    position: r.integer('position', { min: 0, max: MAX_STAGE_POSITION }),
    registries: r.strings('registries', { maxItems: MAX_STAGE_REGISTRIES, unique: true }),
  }));
}

export function readStageUpdate(input: unknown): StageUpdateRequest {
  return readInput(input, (r) => ({
    position: r.integer('position', { min: 0, max: MAX_STAGE_POSITION }),
    registries: r.strings('registries', { maxItems: MAX_STAGE_REGISTRIES, unique: true }),
  }));
}

/** `registries[i]` names no registry. */
export function throwUnknownRegistries(names: string[], known: Set<string>): void {
  throwIfInvalid(
    names.flatMap((name, index) =>
      known.has(name)
        ? []
        : [
            fieldProblem(
              `registries[${index}]`,
              'exists',
              `registries[${index}]: no registry named "${name}"`,
            ),
          ],
    ),
  );
}
