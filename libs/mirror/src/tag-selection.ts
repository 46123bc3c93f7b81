import { TAG_PATTERN, type FieldProblem } from '@airlock/images';
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
const MAX_EXPLICIT_TAGS = 100;
const MAX_PATTERN_LENGTH = 256;
const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

/** Problems with a selection, each naming its field under `prefix` (e.g. `tags.include`). */
export function checkTagSelection(value: unknown, prefix = 'tags'): FieldProblem[] {
  const at = (name: string) => `${prefix}.${name}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [{ field: prefix, rule: 'object', message: `${prefix} must be an object` }];
  const selection = value as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const known = ['tags', 'include', 'exclude', 'semver', 'newest'];
  for (const key of Object.keys(selection).filter((k) => !known.includes(k)))
    problems.push({
      field: at(key),
      rule: 'unknown',
      message: `${at(key)} is not a selection field`,
    });
  const { tags, include, exclude, newest } = selection;
  if (tags !== undefined) {
    if (
      !Array.isArray(tags) ||
      tags.length === 0 ||
      tags.length > MAX_EXPLICIT_TAGS ||
      tags.some((t) => typeof t !== 'string' || !TAG_PATTERN.test(t))
    )
      problems.push({
        field: at('tags'),
        rule: 'tags',
        message: `${at('tags')} must be 1-${MAX_EXPLICIT_TAGS} valid tags`,
      });
  }
  for (const [name, pattern] of [
    ['include', include],
    ['exclude', exclude],
  ] as const) {
    if (pattern === undefined) continue;
    if (
      typeof pattern !== 'string' ||
      pattern.length === 0 ||
      pattern.length > MAX_PATTERN_LENGTH
    ) {
      problems.push({
        field: at(name),
        rule: 'regex',
        message: `${at(name)} must be a regular expression of 1-${MAX_PATTERN_LENGTH} characters`,
      });
      continue;
    }
    try {
      new RegExp(pattern);
    } catch (error) {
      problems.push({
        field: at(name),
        rule: 'regex',
        message: `${at(name)} is not a valid regular expression: ${(error as Error).message}`,
      });
    }
  }
  if (
    selection.semver !== undefined &&
    (typeof selection.semver !== 'string' || semver.validRange(selection.semver) === null)
  )
    problems.push({
      field: at('semver'),
      rule: 'semverRange',
      message: `${at('semver')} must be a semantic-version range, e.g. ">=3.18 <4"`,
    });
  if (
    newest !== undefined &&
    (typeof newest !== 'number' ||
      !Number.isInteger(newest) ||
      newest < 1 ||
      newest > MAX_SELECTED_TAGS)
  )
    problems.push({
      field: at('newest'),
      rule: 'range',
      message: `${at('newest')} must be an integer from 1 to ${MAX_SELECTED_TAGS}`,
    });
  if (problems.length === 0 && !known.some((key) => selection[key] !== undefined))
    problems.push({
      field: prefix,
      rule: 'nonEmpty',
      message: `${prefix} must name tags or filter them (tags, include, exclude, semver, newest)`,
    });
  return problems;
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
