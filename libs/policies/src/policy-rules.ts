import { GATE_NAME_PATTERN } from '@airlock/gates';
import {
  fieldProblem,
  readInput,
  readQuery,
  type ListOptions,
  type ObjectReader,
  type StringOptions,
} from '@airlock/validation';
import type { PolicyRuleSet } from './policy-evaluation';
import { compileTagPattern } from './policy-evaluator';

export const STAGE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** RFC 6838 type/subtype, as OCI artifact types are written. */
export const ARTIFACT_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
/** OCI distribution's tag grammar. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const MAX_APPROVALS = 20;
export const MAX_LIST_ITEMS = 50;
export const MAX_TAG_PATTERN_LENGTH = 256;

/** What the readiness route is asked. */
export interface ReadinessQuery {
  /** The target stage, whose policy applies. */
  stage: string;
  /** The stage the image would come from. */
  source?: string;
  tags?: readonly string[];
}

const STAGE_NAME: StringOptions = {
  pattern: {
    regex: STAGE_NAME_PATTERN,
    describe: 'a stage name (1-63 characters of a-z, 0-9, ".", "_", "-")',
  },
};
const LIST: ListOptions = { maxItems: MAX_LIST_ITEMS, unique: true };
const GATE_NAME: StringOptions = {
  pattern: {
    regex: GATE_NAME_PATTERN,
    describe: 'a gate name (1-63 characters of a-z, 0-9, ".", "_", "-")',
  },
};
const ARTIFACT_TYPE: StringOptions = {
  pattern: { regex: ARTIFACT_TYPE_PATTERN, describe: 'a media type (type/subtype)' },
};
const TAG: StringOptions = {
  pattern: { regex: TAG_PATTERN, describe: 'an OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})' },
};

/** A stage's name as the path gives it. */
export function checkStageName(name: unknown): string {
  return readQuery(name === undefined ? {} : { name }, (r) =>
    r.string('name', { required: true, ...STAGE_NAME })!,
  );
}

/** A PUT body: the whole policy, every field left out taking its default. */
export function readPolicy(input: unknown): PolicyRuleSet {
  return readInput(input, (r) => ({
    allowedSourceStages: r.strings('allowedSourceStages', LIST, STAGE_NAME) ?? [],
    requiredGates: r.strings('requiredGates', LIST, GATE_NAME) ?? [],
    approvalsRequired: r.integer('approvalsRequired', { min: 0, max: MAX_APPROVALS }) ?? 0,
    immutableTags: r.boolean('immutableTags') ?? true,
    tagPattern: readTagPattern(r),
    forbidLatest: r.boolean('forbidLatest') ?? false,
    requiredReferrers: r.strings('requiredReferrers', LIST, ARTIFACT_TYPE) ?? [],
    requiredPlatformReferrers: r.strings('requiredPlatformReferrers', LIST, ARTIFACT_TYPE) ?? [],
  }));
}

/** `?stage=prod&source=ci&tags=1.2.3,stable` */
export function readReadinessQuery(query: unknown): ReadinessQuery {
  return readQuery(query, (r) => ({
    stage: r.string('stage', { required: true, ...STAGE_NAME })!,
    source: r.string('source', STAGE_NAME),
    tags: r.strings('tags', { maxItems: MAX_LIST_ITEMS }, TAG),
  }));
}

/** null (any tag) or a regular expression every tag must match whole. */
function readTagPattern(r: ObjectReader): string | null {
  return (
    r.string('tagPattern', {
      nullable: true,
      minLength: 1,
      maxLength: MAX_TAG_PATTERN_LENGTH,
      check: (value, field) =>
        compileTagPattern(value) === null
          ? fieldProblem(field, 'regex', `${field} must be a valid regular expression`)
          : undefined,
    }) ?? null
  );
}
