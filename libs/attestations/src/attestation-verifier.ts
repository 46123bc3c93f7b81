import type { KeyObject } from 'node:crypto';
import type { Descriptor, OciRegistry } from '@airlock/registry-client';
import { cosignAttestationTag, DSSE_MEDIA_TYPE } from './attestation-names';
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, verifyEnvelope } from './dsse';
import {
  IN_TOTO_STATEMENT_TYPE,
  stageLevel,
  VSA_PREDICATE_TYPE,
  type InTotoStatement,
} from './promotion-statement';

/** Where an envelope was found: an OCI 1.1 referrer, or a layer of cosign's `.att` image. */
export type EnvelopeSource = 'referrer' | 'cosign';

export interface CheckedAttestation {
  source: EnvelopeSource;
  /** The envelope blob. */
  digest: string;
  /** Signed by one of the keys, about this digest, a VSA that passed (and for the stage, if asked). */
  verified: boolean;
  /** Why not, when not verified. */
  problem: string | null;
  keyId: string | null;
  statement: InTotoStatement | null;
}

/** Envelopes read at most: a digest has one attestation per stage it was promoted through. */
const MAX_ENVELOPES = 64;
const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

/**
 * Finds the attestations of `digest` in `repository` (both layouts Airlock writes) and checks
 * each with `keys` alone — nothing of Airlock's database: the signature over DSSE's
 * pre-authentication encoding, the statement's type, its subject's digest, a passed VSA, and
 * with `stage` that its verified levels name the stage.
 */
export async function checkAttestations(
  registry: OciRegistry,
  repository: string,
  digest: string,
  keys: readonly KeyObject[],
  stage?: string,
): Promise<CheckedAttestation[]> {
  const found = new Map<string, { source: EnvelopeSource; layer: Descriptor }>();
  for (const referrer of await registry.referrers(repository, digest, DSSE_MEDIA_TYPE))
    for (const layer of await dsseLayers(registry, repository, referrer.digest))
      if (!found.has(layer.digest)) found.set(layer.digest, { source: 'referrer', layer });
  const cosign = await registry.headManifest(repository, cosignAttestationTag(digest));
  if (cosign)
    for (const layer of await dsseLayers(registry, repository, cosignAttestationTag(digest)))
      if (!found.has(layer.digest)) found.set(layer.digest, { source: 'cosign', layer });
  const checked: CheckedAttestation[] = [];
  for (const { source, layer } of [...found.values()].slice(0, MAX_ENVELOPES)) {
    const bytes = await readBlob(registry, repository, layer);
    checked.push({ source, digest: layer.digest, ...judge(bytes, digest, keys, stage) });
  }
  return checked;
}

function judge(
  bytes: Buffer,
  digest: string,
  keys: readonly KeyObject[],
  stage: string | undefined,
): Omit<CheckedAttestation, 'source' | 'digest'> {
  const no = (
    problem: string,
    keyId: string | null = null,
    statement: InTotoStatement | null = null,
  ) => ({
    verified: false,
    problem,
    keyId,
    statement,
  });
  const envelope = parseEnvelope(bytes);
  if (!envelope) return no('not a DSSE envelope');
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return no(`payload type ${envelope.payloadType}, not an in-toto statement`);
  const signed = verifyEnvelope(envelope, keys);
  if (!signed) return no('no signature verifies with the given key(s)');
  let statement: InTotoStatement;
  try {
    statement = JSON.parse(signed.payload.toString('utf8')) as InTotoStatement;
  } catch {
    return no('the signed payload is not JSON', signed.keyId);
  }
  if (statement._type !== IN_TOTO_STATEMENT_TYPE)
    return no(`statement type ${statement._type}`, signed.keyId, statement);
  const [algorithm, hex] = digest.split(':') as [string, string];
  if (!statement.subject?.some((s) => s.digest?.[algorithm] === hex))
    return no(`its subject is not ${digest}`, signed.keyId, statement);
  if (statement.predicateType !== VSA_PREDICATE_TYPE)
    return no(`predicate ${statement.predicateType}, not a VSA`, signed.keyId, statement);
  const predicate = statement.predicate as {
    verificationResult?: string;
    verifiedLevels?: string[];
  };
  if (predicate.verificationResult !== 'PASSED')
    return no(`verification result ${predicate.verificationResult}`, signed.keyId, statement);
  if (stage !== undefined && !predicate.verifiedLevels?.includes(stageLevel(stage)))
    return no(`it does not attest stage ${stage} (${stageLevel(stage)})`, signed.keyId, statement);
  return { verified: true, problem: null, keyId: signed.keyId, statement };
}

async function dsseLayers(
  registry: OciRegistry,
  repository: string,
  reference: string,
): Promise<Descriptor[]> {
  const raw = await registry.getManifest(repository, reference);
  const manifest = JSON.parse(raw.bytes.toString('utf8')) as { layers?: Descriptor[] };
  return (manifest.layers ?? []).filter(
    (l) => l.mediaType === DSSE_MEDIA_TYPE && l.size <= MAX_ENVELOPE_BYTES,
  );
}

async function readBlob(
  registry: OciRegistry,
  repository: string,
  layer: Descriptor,
): Promise<Buffer> {
  const stream = await registry.openBlob(repository, layer);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
