import { AirlockError } from '@airlock/errors';

/** A requested tag that points at, or is being promoted onto, another digest. */
export interface TagConflict {
  registry: string;
  repository: string;
  tag: string;
  /** The digest the tag points at now, or that another active promotion is putting on it. */
  digest: string;
  /** The digest the request wanted the tag on. */
  requestedDigest: string;
  /** The active promotion holding the tag, when the clash is with a promotion in flight. */
  promotionId?: string;
}

/**
 * The one error for "this tag already points at another digest": the policy check (immutable
 * tags), the tag claim and the copy's last look before writing tags all throw it, so a script
 * matches one code whichever layer saw the clash first (docs/api-errors.md).
 */
export function tagConflictError(
  conflicts: TagConflict[],
  extra: Record<string, unknown> = {},
): AirlockError {
  const list = conflicts
    .map((c) =>
      c.promotionId
        ? `${c.registry}/${c.repository}:${c.tag} is being promoted onto ${c.digest} by promotion ${c.promotionId}`
        : `${c.registry}/${c.repository}:${c.tag} already points at ${c.digest}`,
    )
    .join('; ');
  const requested = [...new Set(conflicts.map((c) => c.requestedDigest))].join(', ');
  return new AirlockError(
    'TAG_CONFLICT',
    `${list}; requested ${requested}, and tags here are never moved to another digest`,
    { details: { ...extra, conflicts } },
  );
}
