/** The names Airlock's attestations are written and found under (no dependencies: the CLI reads them). */

export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** Annotations Airlock puts on what it writes, so a retry finds its own attestation. */
export const PROMOTION_ANNOTATION = 'dev.airlock.promotion.id';
export const STAGE_ANNOTATION = 'dev.airlock.stage';
/** The OCI 1.1 way (in-toto's annotation) and cosign's classic layer annotation. */
export const OCI_PREDICATE_ANNOTATION = 'in-toto.io/predicate-type';
export const COSIGN_PREDICATE_ANNOTATION = 'predicateType';

/** The cosign classic attestation tag of a digest: `sha256-<hex>.att`. */
export function cosignAttestationTag(digest: string): string {
  return `${digest.replace(':', '-')}.att`;
}
