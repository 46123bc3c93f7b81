import type { Platform } from '@airlock/registry-client';

/** True when `candidate` is one of `wanted` (os + architecture, and variant when given). */
export function platformWanted(candidate: Platform | undefined, wanted: Platform[]): boolean {
  if (!candidate) return false;
  return wanted.some(
    (w) =>
      w.os === candidate.os &&
      w.architecture === candidate.architecture &&
      (!w.variant || w.variant === candidate.variant),
  );
}
