import type { ParsedManifest, Platform } from '@airlock/registry-client';

export const BASE_NAME_ANNOTATION = 'org.opencontainers.image.base.name';
export const BASE_DIGEST_ANNOTATION = 'org.opencontainers.image.base.digest';

/**
 * Bytes an image occupies in a registry: its manifest, config and layers. Shared layers count
 * once per image, as a pull of that image would fetch them.
 */
export function imageManifestSize(
  parsed: Extract<ParsedManifest, { kind: 'image' }>,
  manifestBytes: number,
): number {
  return (
    manifestBytes + parsed.config.size + parsed.layers.reduce((sum, layer) => sum + layer.size, 0)
  );
}

/** An index's own bytes plus the totals of its children (each computed like a manifest). */
export function indexSize(manifestBytes: number, childTotals: number[]): number {
  return childTotals.reduce((sum, size) => sum + size, manifestBytes);
}

/**
 * The platforms an index lists, in index order, without duplicates. Entries without a platform
 * (attestations, artifacts) are skipped. A single image's platform lives in its config blob
 * (see `platformOfConfig`), so this returns [] for it.
 */
export function platformsOf(parsed: ParsedManifest): Platform[] {
  if (parsed.kind !== 'index') return [];
  const seen = new Set<string>();
  const platforms: Platform[] = [];
  for (const entry of parsed.manifests) {
    if (!entry.platform || entry.platform.os === 'unknown') continue;
    const key = JSON.stringify([
      entry.platform.os,
      entry.platform.architecture,
      entry.platform.variant ?? null,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    platforms.push(entry.platform);
  }
  return platforms;
}

/**
 * The base image an image declares: the OCI annotations of its manifest, else the same keys as
 * labels of its image config (what `LABEL` or `docker build --label` leave), else nulls.
 */
export function baseOf(
  annotations: Record<string, string> | undefined,
  labels: Record<string, string> = {},
): { baseName: string | null; baseDigest: string | null } {
  const fromAnnotations = annotations?.[BASE_NAME_ANNOTATION] !== undefined;
  const source = fromAnnotations ? annotations! : labels;
  return {
    baseName: source[BASE_NAME_ANNOTATION] ?? null,
    baseDigest: source[BASE_DIGEST_ANNOTATION] ?? null,
  };
}

/** `config.Labels` of an image config, string values only. */
export function labelsOfConfig(config: unknown): Record<string, string> {
  const labels = (config as { config?: { Labels?: unknown } } | null)?.config?.Labels;
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The platform an image config declares (`os`, `architecture`, `variant`, `os.version`), if any. */
export function platformOfConfig(config: unknown): Platform | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const fields = config as Record<string, unknown>;
  const { os, architecture, variant } = fields;
  if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture)
    return undefined;
  const platform: Platform = { architecture, os };
  if (typeof variant === 'string' && variant) platform.variant = variant;
  if (typeof fields['os.version'] === 'string') platform['os.version'] = fields['os.version'];
  return platform;
}
