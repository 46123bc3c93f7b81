import { createHash } from 'node:crypto';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** SLSA Verification Summary Attestation v1: what admission policy engines already read. */
export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const AIRLOCK_VERIFIER_ID = 'https://github.com/airlock-dev/airlock';

/** The level a promotion into a stage attests: `AIRLOCK_STAGE_<STAGE>`, upper case, `_` for `-`. */
export function stageLevel(stage: string): string {
  return `AIRLOCK_STAGE_${stage.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** What a promotion knows of itself when it lands in one registry. */
export interface PromotionFacts {
  promotionId: string;
  /** `sha256:<hex>` of the promoted manifest or index. */
  digest: string;
  source: { stage: string | null; registry: string; repository: string };
  target: {
    stage: string;
    registry: string;
    /** host[:port] of the registry, as image references name it. */
    host: string;
    repository: string;
  };
  tags: string[];
  /** The policy's rules as they admitted the promotion (null: not kept, older promotion). */
  policy: Record<string, unknown> | null;
  /** The gate results and approvals counted, as the promotion stored them at request time. */
  evidence: unknown[];
  requestedBy: { id: string | null; name: string | null };
  requestedAt: Date;
}

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: Record<string, unknown>;
}

/**
 * The in-toto Statement v1 of a promotion: its subject is the digest in the target repository,
 * its predicate a VSA v1 — verifier Airlock, `verifiedLevels` the stage, `policy` the stage's
 * policy with the sha256 of its rules — with Airlock's own record under `airlock` (consumers
 * ignore fields they do not know): stages, registries, tags, the rules, every gate result and
 * approval counted, who requested it and when. Deterministic for a promotion and registry: the
 * time is the request's, not the signing's.
 */
export function promotionStatement(facts: PromotionFacts): InTotoStatement {
  const [algorithm, hex] = facts.digest.split(':') as [string, string];
  const name = `${facts.target.host}/${facts.target.repository}`;
  const policy = facts.policy ?? {};
  // Evidence holds each gate's newest result and each approver's approval; an approval gate's
  // own result row is an approval, told by its approvers.
  const gates = facts.evidence.filter((e) => (e as { approval?: boolean }).approval !== true);
  const approvals = facts.evidence.filter((e) => (e as { approver?: string }).approver);
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name, digest: { [algorithm]: hex } }],
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: AIRLOCK_VERIFIER_ID },
      timeVerified: facts.requestedAt.toISOString(),
      resourceUri: `oci://${name}@${facts.digest}`,
      policy: {
        uri: `airlock:stage/${facts.target.stage}/policy`,
        digest: { sha256: sha256(canonicalJson(policy)) },
      },
      inputAttestations: [],
      verificationResult: 'PASSED',
      verifiedLevels: [stageLevel(facts.target.stage)],
      slsaVersion: '1.0',
      airlock: {
        promotionId: facts.promotionId,
        source: facts.source,
        target: {
          stage: facts.target.stage,
          registry: facts.target.registry,
          repository: facts.target.repository,
        },
        tags: facts.tags,
        policy: facts.policy,
        gates,
        approvals,
        requestedBy: facts.requestedBy,
        requestedAt: facts.requestedAt.toISOString(),
      },
    },
  };
}

/** JSON with object keys sorted, so the same rules hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
