import type { GateHistoryPage, GateRecord } from '@airlock/gates';
import type { Platform } from '@airlock/registry-client';
import type { ImageLocationRow, ImageRow } from './image.repository';
import type { RegistryTagRow } from './tag-ledger.repository';

export interface BuildInfo {
  commit?: string;
  url?: string;
  pipelineId?: string;
}

/** The base image an image declares it was built FROM (OCI annotations or labels). */
export interface ImageBase {
  name: string | null;
  digest: string | null;
}

/** An image as the API and the audit log show it. */
export interface ImageView {
  id: string;
  repository: string;
  digest: string;
  mediaType: string;
  size: number;
  platforms: Platform[];
  annotations: Record<string, string>;
  base: ImageBase;
  build: BuildInfo;
  registeredBy: string | null;
  createdAt: Date;
}

export interface ImageLocationView {
  registry: string;
  repository: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface ImageTagView {
  registry: string;
  repository: string;
  tag: string;
}

export interface ImageDetailView extends ImageView {
  locations: ImageLocationView[];
  /** Tags Airlock knows to point at this digest in this repository. */
  tags: ImageTagView[];
}

export interface ImagePage {
  items: ImageView[];
  nextCursor: string | null;
}

export function toImageView(row: ImageRow): ImageView {
  return {
    id: row.id,
    repository: row.repository,
    digest: row.digest,
    mediaType: row.mediaType,
    size: row.size,
    platforms: row.platforms as unknown as Platform[],
    annotations: row.annotations,
    base: { name: row.baseName, digest: row.baseDigest },
    build: row.build as BuildInfo,
    registeredBy: row.registeredBy,
    createdAt: row.createdAt,
  };
}

export function toImageDetail(
  row: ImageRow,
  locations: ImageLocationRow[],
  tags: RegistryTagRow[],
): ImageDetailView {
  return {
    ...toImageView(row),
    locations: locations
      .filter((l) => l.imageId === row.id)
      .map((l) => ({
        registry: l.registry,
        repository: l.repository,
        firstSeenAt: l.firstSeenAt,
        lastSeenAt: l.lastSeenAt,
      })),
    tags: tags
      .filter((t) => t.repository === row.repository)
      .map((t) => ({ registry: t.registry, repository: t.repository, tag: t.tag })),
  };
}

/** A digest's gate ledger as its lookup shows it. */
export interface ImageGates {
  /** The newest result of every gate. */
  latest: GateRecord[];
  /** The recent history, newest first. */
  history: GateHistoryPage;
}

/** What images know about a digest: the images (one per repository) and their gate ledger. */
export interface ImageLookup {
  digest: string;
  items: ImageDetailView[];
  gates: ImageGates;
}
