import { createHash } from 'node:crypto';

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The referrers tag schema's tag for a subject: `sha256:<hex>` → `sha256-<hex>`. */
export function referrersFallbackTag(subjectDigest: string): string {
  return subjectDigest.replace(':', '-');
}
