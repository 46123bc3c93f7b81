import type { Descriptor, ParsedManifest, Platform, RawManifest } from './descriptor';
import { looksLikeDigest } from './digest';
import { isImageManifestMediaType, isIndexMediaType } from './media-types';
import { RegistryError } from './registry-error';

type Json = Record<string, unknown>;

/** A field that failed validation; becomes the error message. */
class Invalid extends Error {}

/**
 * The parts of a manifest or index the copy engine walks, validated: schemaVersion 2, a config
 * and layers for an image, manifests for an index, well-formed descriptors throughout. The kind
 * comes from the media type (the body's field, else the served one), or from the shape when
 * neither is known — OCI allows a manifest without `mediaType`. Throws REGISTRY_ERROR on junk.
 */
export function parseManifest(raw: RawManifest, registry = ''): ParsedManifest {
  try {
    return parse(raw);
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const where = registry ? `registry "${registry}": ` : '';
    const message = `${where}manifest ${raw.digest} (${raw.mediaType || 'no media type'}) is invalid: ${error.message}`;
    throw new RegistryError('REGISTRY_ERROR', message, { registry, retryable: false });
  }
}

function parse(raw: RawManifest): ParsedManifest {
  const body = parseJson(raw.bytes);
  if (body.schemaVersion !== 2)
    throw new Invalid(
      `schemaVersion is ${JSON.stringify(body.schemaVersion)}, only 2 is supported`,
    );
  const mediaType = optionalString(body, 'mediaType') ?? raw.mediaType;
  const common: {
    mediaType: string;
    subject?: Descriptor;
    artifactType?: string;
    annotations?: Record<string, string>;
  } = { mediaType };
  if (body.subject !== undefined) common.subject = descriptor(body.subject, 'subject');
  const artifactType = optionalString(body, 'artifactType');
  if (artifactType !== undefined) common.artifactType = artifactType;
  const notes = annotations(body.annotations, 'annotations');
  if (notes) common.annotations = notes;
  if (
    isIndexMediaType(mediaType) ||
    (!isImageManifestMediaType(mediaType) && Array.isArray(body.manifests))
  ) {
    return { kind: 'index', ...common, manifests: descriptors(body.manifests, 'manifests') };
  }
  if (isImageManifestMediaType(mediaType) || body.config !== undefined) {
    return {
      kind: 'image',
      ...common,
      config: descriptor(body.config, 'config'),
      layers: descriptors(body.layers ?? [], 'layers'),
    };
  }
  throw new Invalid(`media type "${mediaType}" is neither an image manifest nor an index`);
}

function parseJson(bytes: Buffer): Json {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Invalid('not JSON');
  }
  if (!isObject(value)) throw new Invalid('not a JSON object');
  return value;
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw new Invalid(`${field} is not an array`);
  return value.map((entry, i) => descriptor(entry, `${field}[${i}]`));
}

function descriptor(value: unknown, field: string): Descriptor {
  if (!isObject(value)) throw new Invalid(`${field} is not an object`);
  const mediaType = optionalString(value, 'mediaType', field);
  if (!mediaType) throw new Invalid(`${field}.mediaType is missing`);
  const digest = optionalString(value, 'digest', field);
  if (!digest || !looksLikeDigest(digest)) throw new Invalid(`${field}.digest is not a digest`);
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new Invalid(`${field}.size is not a non-negative integer`);
  const result: Descriptor = { mediaType, digest, size };
  const artifactType = optionalString(value, 'artifactType', field);
  if (artifactType !== undefined) result.artifactType = artifactType;
  const notes = annotations(value.annotations, `${field}.annotations`);
  if (notes) result.annotations = notes;
  if (value.platform !== undefined) result.platform = platform(value.platform, `${field}.platform`);
  if (value.urls !== undefined) result.urls = strings(value.urls, `${field}.urls`);
  return result;
}

function platform(value: unknown, field: string): Platform {
  if (!isObject(value)) throw new Invalid(`${field} is not an object`);
  const architecture = optionalString(value, 'architecture', field);
  const os = optionalString(value, 'os', field);
  if (!architecture || !os) throw new Invalid(`${field} needs architecture and os`);
  const result: Platform = { architecture, os };
  const variant = optionalString(value, 'variant', field);
  if (variant !== undefined) result.variant = variant;
  const osVersion = optionalString(value, 'os.version', field);
  if (osVersion !== undefined) result['os.version'] = osVersion;
  if (value['os.features'] !== undefined)
    result['os.features'] = strings(value['os.features'], `${field}.os.features`);
  return result;
}

function annotations(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new Invalid(`${field} is not a map of strings`);
  }
  return { ...(value as Record<string, string>) };
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new Invalid(`${field} is not a list of strings`);
  return [...(value as string[])];
}

function optionalString(object: Json, key: string, field?: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new Invalid(`${field ? `${field}.` : ''}${key} is not a string`);
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
