import { TAG_FIELD } from '@airlock/images';
import {
  fieldProblem,
  type FieldProblem,
  type ObjectReader,
  type StringOptions,
} from '@airlock/validation';
import semver from 'semver';

/**
 * Which upstream tags a mirror rule archives. `tags` are always checked (no listing needed); the
 * filters pick from upstream's tag list: `include` and `exclude` (regular expressions matched
 * against the whole tag), `semver` (a range over tags that read as versions: `3.19` counts as
 * 3.19.0, a leading `v` is allowed) and `newest` (the N highest versions left). Both together:
 * the union.
 */
export interface TagSelection {
  tags?: string[];
  include?: string;
  exclude?: string;
  semver?: string;
  newest?: number;
}

/** A sync archives at most this many tags; more would hammer upstream on every tick. */
export const MAX_SELECTED_TAGS = 500;
export const MAX_EXPLICIT_TAGS = 100;
export const MAX_PATTERN_LENGTH = 256;
const SELECTION_FIELDS = 'tags, include, exclude, semver, newest';
const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

const PATTERN: StringOptions = { maxLength: MAX_PATTERN_LENGTH, check: regexProblem };

/**
 * The selection at `key` of a request body (`tags`): each field by its rules, unknown fields
 * refused, and an empty selection refused as naming nothing to archive.
 */
export function readTagSelectionField(
  r: ObjectReader,
  body: Record<string, unknown>,
  options: { required: boolean },
  key = 'tags',
): TagSelection | undefined {
  const selection = r.object(key, readTagSelection, options);
  const given = body[key];
  if (selection !== undefined && Object.keys(given as object).length === 0)
    r.problem(key, 'atLeastOneOf', `${key} must name tags or filter them (${SELECTION_FIELDS})`);
  return selection;
}

/** A selection's own fields; only those given are kept (the rule stores it as read). */
export function readTagSelection(r: ObjectReader): TagSelection {
  const selection: TagSelection = {
    tags: r.strings('tags', { minItems: 1, maxItems: MAX_EXPLICIT_TAGS }, TAG_FIELD),
    include: r.string('include', PATTERN),
    exclude: r.string('exclude', PATTERN),
    semver: r.string('semver', { maxLength: MAX_PATTERN_LENGTH, check: semverRangeProblem }),
    newest: r.integer('newest', { min: 1, max: MAX_SELECTED_TAGS }),
  };
  return Object.fromEntries(
    Object.entries(selection).filter(([, value]) => value !== undefined),
  ) as TagSelection;
}

/** Matched against the whole tag; an empty pattern would match no tag but the empty one. */
function regexProblem(pattern: string, field: string): FieldProblem | undefined {
  if (pattern.length === 0)
    return fieldProblem(
      field,
      'regex',
      `${field} must be a regular expression of 1-${MAX_PATTERN_LENGTH} characters`,
    );
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return fieldProblem(
      field,
      'regex',
      `${field} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

function semverRangeProblem(range: string, field: string): FieldProblem | undefined {
  return semver.validRange(range) === null
    ? fieldProblem(
        field,
        'semverRange',
        `${field} must be a semantic-version range, e.g. ">=3.18 <4"`,
      )
    : undefined;
}

/** Whether a sync must list upstream's tags (any filter), or only check the named ones. */
export function needsTagList(selection: TagSelection): boolean {
  return (
    selection.include !== undefined ||
    selection.exclude !== undefined ||
    selection.semver !== undefined ||
    selection.newest !== undefined
  );
}

/** The version a tag reads as (`v1.2` → 1.2.0), or null. */
export function versionOf(tag: string): semver.SemVer | null {
  const match = VERSION.exec(tag);
  if (!match) return null;
  const [, major, minor, patch, pre] = match;
  return semver.parse(`${major}.${minor ?? 0}.${patch ?? 0}${pre ? `-${pre}` : ''}`);
}

/**
 * The tags to archive from upstream's list: the explicit ones, plus the filtered ones; sorted by
 * version (highest first, then by name), at most `limit` (MAX_SELECTED_TAGS unless given).
 */
export function selectTags(
  selection: TagSelection,
  available: readonly string[],
  limit = MAX_SELECTED_TAGS,
): string[] {
  let picked: string[] = [];
  if (needsTagList(selection)) {
    const include = selection.include === undefined ? undefined : whole(selection.include);
    const exclude = selection.exclude === undefined ? undefined : whole(selection.exclude);
    picked = available.filter(
      (tag) => (!include || include.test(tag)) && !(exclude && exclude.test(tag)),
    );
    if (selection.semver !== undefined || selection.newest !== undefined) {
      picked = picked.filter((tag) => {
        const version = versionOf(tag);
        return (
          version !== null && (!selection.semver || semver.satisfies(version, selection.semver))
        );
      });
    }
    picked = byVersionDescending(picked);
    if (selection.newest !== undefined) picked = picked.slice(0, selection.newest);
  }
  const explicit = (selection.tags ?? []).filter((tag) => !picked.includes(tag));
  return [...explicit, ...picked].slice(0, limit);
}

function whole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function byVersionDescending(tags: string[]): string[] {
  return [...tags].sort((a, b) => {
    const va = versionOf(a);
    const vb = versionOf(b);
    if (va && vb) return semver.rcompare(va, vb) || a.localeCompare(b);
    if (va || vb) return va ? -1 : 1;
    return a.localeCompare(b);
  });
}
