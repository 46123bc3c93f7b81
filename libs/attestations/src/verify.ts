/**
 * What a verifier needs and nothing more — no Nest, no configuration — for the CLI's
 * `airlock verify` (`@airlock/attestations/verify`).
 */
export {
  checkAttestations,
  type CheckedAttestation,
  type EnvelopeSource,
} from './attestation-verifier';
export { cosignAttestationTag, DSSE_MEDIA_TYPE } from './attestation-names';
export { keyIdOf, parseEnvelope, preAuthEncoding, verifyEnvelope, type DsseEnvelope } from './dsse';
export { stageLevel, VSA_PREDICATE_TYPE, type InTotoStatement } from './promotion-statement';
