import { InitialSchema1795324354942 } from './1795324354942-initial-schema';
import { AdmittedPolicy1796700000000 } from './1796700000000-admitted-policy';
import { AuditChain1796600000000 } from './1796600000000-audit-chain';
import { AuthAndAuditIndexes1795410000000 } from './1795410000000-auth-and-audit-indexes';
import { GateLedger1795500000000 } from './1795500000000-gate-ledger';
import { RegistryCredentialsUsername1795510000000 } from './1795510000000-registry-credentials-username';
import { PromotionRuns1795600000000 } from './1795600000000-promotion-runs';
import { ImageListByRepository1795700000000 } from './1795700000000-image-list-by-repository';
import { WebhookDeliveries1795800000000 } from './1795800000000-webhook-deliveries';
import { MirrorAndDrift1795900000000 } from './1795900000000-mirror-and-drift';
import { GateLedgerOneDigestIndex1796000000000 } from './1796000000000-gate-ledger-one-digest-index';
import { ImageChildManifests1796100000000 } from './1796100000000-image-child-manifests';
import { PolicyPlatformReferrers1796200000000 } from './1796200000000-policy-platform-referrers';
import { DigestPrincipals1796300000000 } from './1796300000000-digest-principals';
import { TagClaimsOfActivePromotions1796310000000 } from './1796310000000-tag-claims-of-active-promotions';
import { BlobLocations1796400000000 } from './1796400000000-blob-locations';
import { Releases1796500000000 } from './1796500000000-releases';
import { IntegrityAudit1796800000000 } from './1796800000000-integrity-audit';
import { IntegrityPlatformFindings1796900000000 } from './1796900000000-integrity-platform-findings';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [
  InitialSchema1795324354942,
  AuthAndAuditIndexes1795410000000,
  GateLedger1795500000000,
  RegistryCredentialsUsername1795510000000,
  PromotionRuns1795600000000,
  ImageListByRepository1795700000000,
  WebhookDeliveries1795800000000,
  MirrorAndDrift1795900000000,
  GateLedgerOneDigestIndex1796000000000,
  ImageChildManifests1796100000000,
  PolicyPlatformReferrers1796200000000,
  DigestPrincipals1796300000000,
  TagClaimsOfActivePromotions1796310000000,
  BlobLocations1796400000000,
  Releases1796500000000,
  AuditChain1796600000000,
  AdmittedPolicy1796700000000,
  IntegrityAudit1796800000000,
  IntegrityPlatformFindings1796900000000,
];
