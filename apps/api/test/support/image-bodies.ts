import type { TestImage } from '@airlock/testing';

/** Response bodies of the images API, as the e2e tests read them. */
export type Problem = Record<string, unknown> & {
  code?: string;
  detail?: string;
  errors?: Array<Record<string, string>>;
};
export interface ImageBody {
  id: string;
  repository: string;
  digest: string;
  mediaType: string;
  size: number;
  platforms: Array<{ os: string; architecture: string; variant?: string }>;
  annotations: Record<string, string>;
  base: { name: string | null; digest: string | null };
  build: Record<string, string>;
  registeredBy: string | null;
}
export interface PageBody {
  items: ImageBody[];
  nextCursor: string | null;
}
export interface LookupBody {
  digest: string;
  items: Array<
    ImageBody & {
      locations: Array<{ registry: string; repository: string }>;
      tags: Array<{ registry: string; repository: string; tag: string }>;
    }
  >;
}

/** Expected total size: manifest bytes + config + layers; an index adds its children's totals. */
export function totalOf(image: TestImage): number {
  const own = image.manifestBytes.length + image.blobs.reduce((sum, blob) => sum + blob.size, 0);
  return image.children.reduce((sum, child) => sum + totalOf(child), own);
}
