export { attach, ownAttestations, type Attached } from './attestation-layout';
export {
  cosignAttestationTag,
  DSSE_MEDIA_TYPE,
  PROMOTION_ANNOTATION,
  STAGE_ANNOTATION,
} from './attestation-names';
export {
  checkAttestations,
  type CheckedAttestation,
  type EnvelopeSource,
} from './attestation-verifier';
export { AttestationsModule } from './attestations.module';
export {
  IN_TOTO_PAYLOAD_TYPE,
  keyIdOf,
  parseEnvelope,
  preAuthEncoding,
  signEnvelope,
  verifyEnvelope,
  type DsseEnvelope,
} from './dsse';
export { PromotionAttestations } from './promotion-attestations';
export {
  AIRLOCK_VERIFIER_ID,
  canonicalJson,
  IN_TOTO_STATEMENT_TYPE,
  promotionStatement,
  stageLevel,
  VSA_PREDICATE_TYPE,
  type InTotoStatement,
  type PromotionFacts,
} from './promotion-statement';
export {
  algorithmOf,
  SigningKeys,
  type PublishedKey,
  type SigningKeySettings,
} from './signing-keys';
