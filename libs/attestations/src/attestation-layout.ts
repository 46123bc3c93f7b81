import { linkReferrers, serializeTagUpdate, sha256Digest } from '@airlock/copy';
import { MediaType, type Descriptor, type OciRegistry } from '@airlock/registry-client';
import { Readable } from 'node:stream';
import {
  COSIGN_PREDICATE_ANNOTATION,
  cosignAttestationTag,
  DSSE_MEDIA_TYPE,
  OCI_PREDICATE_ANNOTATION,
  PROMOTION_ANNOTATION,
  STAGE_ANNOTATION,
} from './attestation-names';
import { VSA_PREDICATE_TYPE } from './promotion-statement';

const EMPTY = Buffer.from('{}');

interface ImageManifestJson {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface AttachRequest {
  registry: OciRegistry;
  repository: string;
  /** The attested manifest as the target serves it. */
  subject: Descriptor;
  /** The DSSE envelope's JSON bytes. */
  envelope: Buffer;
  promotionId: string;
  stage: string;
  createdAt: Date;
}

/** What was written: the OCI referrer's digest and whether the cosign tag changed. */
export interface Attached {
  referrer: string;
  /** False when the promotion's attestation was there already (a retry). */
  written: boolean;
}

/**
 * Attaches a signed attestation to `subject` in both layouts verifiers read:
 *
 * - **OCI 1.1**: an artifact manifest (`artifactType` DSSE, the envelope its one layer, empty
 *   config) whose `subject` is the digest, found through the referrers API or — on a registry
 *   without it — the `sha256-<hex>` fallback index, merged, never replaced. Copies carry it on
 *   like any referrer.
 * - **cosign classic**: the `sha256-<hex>.att` tag, an image whose layers are the DSSE envelopes
 *   of every attestation of the digest (annotated `predicateType`): what Kyverno and
 *   policy-controller verify most reliably today. Rewritten with every attestation of the digest
 *   the target lists (those carried from earlier stages included) plus this one.
 *
 * Idempotent per promotion: a retry finds its own referrer by annotation and writes nothing.
 */
export async function attach(request: AttachRequest): Promise<Attached> {
  const { registry, repository, subject } = request;
  const existing = await ownAttestations(registry, repository, subject.digest);
  const mine = existing.find((d) => d.annotations?.[PROMOTION_ANNOTATION] === request.promotionId);
  if (mine) return { referrer: mine.digest, written: false };

  const envelope = await pushBlob(registry, repository, DSSE_MEDIA_TYPE, request.envelope, {
    [OCI_PREDICATE_ANNOTATION]: VSA_PREDICATE_TYPE,
  });
  const config = await pushBlob(registry, repository, MediaType.OciEmpty, EMPTY);
  const annotations = {
    [PROMOTION_ANNOTATION]: request.promotionId,
    [STAGE_ANNOTATION]: request.stage,
    [OCI_PREDICATE_ANNOTATION]: VSA_PREDICATE_TYPE,
    'org.opencontainers.image.created': request.createdAt.toISOString(),
  };
  const manifest: ImageManifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: DSSE_MEDIA_TYPE,
    config,
    layers: [envelope],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const referrer = await putByDigest(registry, repository, manifest);
  await linkReferrers({ registry, repository }, subject.digest, [
    { ...referrer, artifactType: DSSE_MEDIA_TYPE, annotations },
  ]);
  // Written from what the target lists now (this attestation included), one update of the
  // tag at a time in this process: a concurrent attestation of the same digest is kept.
  await serializeTagUpdate(
    { origin: registry.origin, repository, tag: cosignAttestationTag(subject.digest) },
    async () => {
      const listed = await ownAttestations(registry, repository, subject.digest);
      await writeCosignTag(request, [...(await layersOf(registry, repository, listed)), envelope]);
    },
  );
  return { referrer: referrer.digest, written: true };
}

/** The DSSE referrers of `digest` the target lists (Airlock's and anyone's). */
export async function ownAttestations(
  registry: OciRegistry,
  repository: string,
  digest: string,
): Promise<Descriptor[]> {
  return registry.referrers(repository, digest, DSSE_MEDIA_TYPE);
}

async function layersOf(
  registry: OciRegistry,
  repository: string,
  referrers: Descriptor[],
): Promise<Descriptor[]> {
  const layers: Descriptor[] = [];
  for (const referrer of referrers) {
    const raw = await registry.getManifest(repository, referrer.digest);
    const manifest = JSON.parse(raw.bytes.toString('utf8')) as Partial<ImageManifestJson>;
    for (const layer of manifest.layers ?? [])
      if (layer.mediaType === DSSE_MEDIA_TYPE) layers.push(layer);
  }
  return layers;
}

/** cosign's layout: an image of DSSE layers under `sha256-<hex>.att`, each layer once. */
async function writeCosignTag(request: AttachRequest, envelopes: Descriptor[]): Promise<void> {
  const { registry, repository } = request;
  const layers = new Map<string, Descriptor>();
  for (const e of envelopes)
    layers.set(e.digest, {
      mediaType: DSSE_MEDIA_TYPE,
      digest: e.digest,
      size: e.size,
      annotations: { [COSIGN_PREDICATE_ANNOTATION]: VSA_PREDICATE_TYPE },
    });
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      os: '',
      config: {},
      rootfs: { type: 'layers', diff_ids: [...layers.keys()] },
    }),
  );
  const manifest: ImageManifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: await pushBlob(
      registry,
      repository,
      'application/vnd.oci.image.config.v1+json',
      config,
    ),
    layers: [...layers.values()],
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  await registry.putManifest(repository, cosignAttestationTag(request.subject.digest), {
    mediaType: MediaType.OciManifest,
    bytes,
  });
}

async function pushBlob(
  registry: OciRegistry,
  repository: string,
  mediaType: string,
  bytes: Buffer,
  annotations?: Record<string, string>,
): Promise<Descriptor> {
  const descriptor = { mediaType, digest: sha256Digest(bytes), size: bytes.length };
  // The upload's first request asks whether the repository holds it (the empty config, mostly).
  await registry.pushBlob(repository, descriptor, () => Promise.resolve(Readable.from([bytes])));
  return annotations ? { ...descriptor, annotations } : descriptor;
}

async function putByDigest(
  registry: OciRegistry,
  repository: string,
  manifest: ImageManifestJson,
): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256Digest(bytes);
  await registry.putManifest(repository, digest, { mediaType: manifest.mediaType, bytes });
  return { mediaType: manifest.mediaType, digest, size: bytes.length };
}
