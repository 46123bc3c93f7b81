import { Scopes } from '../auth/scope';
import type { Descriptor, RawManifest } from '../descriptor';
import { digestOf, parseDigest } from '../digest';
import { errorForResponse } from '../errors/response-error';
import type { HttpResponse } from '../http/http-types';
import { MANIFEST_ACCEPT } from '../media-types';
import { checkReference, checkRepository } from '../references';
import { RegistryError } from '../registry-error';
import type { RegistryRequester } from '../request/registry-requester';

/** distribution's own limit for a manifest body; nothing legitimate comes near it. */
export const MANIFEST_SIZE_LIMIT = 4 * 1024 * 1024;
const ACCEPT = MANIFEST_ACCEPT.join(', ');

/** GET, HEAD and PUT of manifests, bytes untouched and verified. */
export class ManifestOperations {
  constructor(
    private readonly registry: string,
    private readonly requester: RegistryRequester,
  ) {}

  async head(repository: string, reference: string): Promise<Descriptor | undefined> {
    const kind = this.check(repository, reference);
    const path = manifestPath(repository, reference);
    const response = await this.requester.send({
      method: 'HEAD',
      target: path,
      scope: Scopes.pull(repository),
      headers: { Accept: ACCEPT },
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.unexpected(response, 'HEAD', path);
    const digest = response.headers['docker-content-digest'];
    const size = Number(response.headers['content-length']);
    const mediaType = mediaTypeOf(response);
    // Not every registry sends Docker-Content-Digest on HEAD: then only the bytes can tell.
    if (!digest || !parseDigest(digest) || !Number.isSafeInteger(size) || !mediaType) {
      const raw = await this.get(repository, reference);
      return { mediaType: raw.mediaType, digest: raw.digest, size: raw.bytes.length };
    }
    if (kind === 'digest' && digest !== reference && sameAlgorithm(digest, reference)) {
      throw this.mismatch(`HEAD ${path}`, `the registry reports ${digest}`);
    }
    return { mediaType, digest: kind === 'digest' ? reference : digest, size };
  }

  async get(repository: string, reference: string): Promise<RawManifest> {
    const raw = await this.find(repository, reference);
    if (!raw) {
      const message = `registry "${this.registry}": manifest ${repository}:${reference} not found`;
      const operation = `GET ${manifestPath(repository, reference)}`;
      throw new RegistryError('REGISTRY_NOT_FOUND', message, {
        registry: this.registry,
        status: 404,
        operation,
        retryable: false,
      });
    }
    return raw;
  }

  /** Like `get`, but undefined when the registry answers 404. */
  async find(repository: string, reference: string): Promise<RawManifest | undefined> {
    const kind = this.check(repository, reference);
    const path = manifestPath(repository, reference);
    const response = await this.requester.send({
      method: 'GET',
      target: path,
      scope: Scopes.pull(repository),
      headers: { Accept: ACCEPT },
      response: {
        kind: 'buffer',
        limit: MANIFEST_SIZE_LIMIT,
        tooLarge: (size) => this.tooLarge(path, size),
      },
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.unexpected(response, 'GET', path);
    return this.verified(response, kind === 'digest' ? reference : undefined, `GET ${path}`);
  }

  /** PUTs the exact bytes; returns the digest the registry reports, after checking it. */
  async put(
    repository: string,
    reference: string,
    manifest: Pick<RawManifest, 'mediaType' | 'bytes'>,
  ): Promise<string> {
    const kind = this.check(repository, reference);
    const path = manifestPath(repository, reference);
    const computed = digestOf(manifest.bytes);
    if (kind === 'digest' && !matches(manifest.bytes, reference)) {
      throw this.mismatch(`PUT ${path}`, `the bytes to push hash to ${computed}`);
    }
    const response = await this.requester.send({
      method: 'PUT',
      target: path,
      scope: Scopes.push(repository),
      headers: {
        'Content-Type': manifest.mediaType,
        'Content-Length': String(manifest.bytes.length),
      },
      body: manifest.bytes,
    });
    if (response.status !== 201) throw this.unexpected(response, 'PUT', path);
    const reported = response.headers['docker-content-digest'];
    if (reported && parseDigest(reported)?.algorithm === 'sha256' && reported !== computed) {
      throw this.mismatch(
        `PUT ${path}`,
        `the registry stored ${reported} for bytes that hash to ${computed}`,
      );
    }
    return reported || computed;
  }

  private verified(
    response: HttpResponse,
    expected: string | undefined,
    operation: string,
  ): RawManifest {
    const bytes = response.body;
    const digest = digestOf(bytes);
    if (expected && !matches(bytes, expected))
      throw this.mismatch(
        operation,
        `the bytes served hash to ${digestOf(bytes, parseDigest(expected)?.algorithm)}`,
      );
    const reported = response.headers['docker-content-digest'];
    if (reported && parseDigest(reported)?.algorithm === 'sha256' && reported !== digest) {
      throw this.mismatch(
        operation,
        `the registry reports ${reported} for bytes that hash to ${digest}`,
      );
    }
    const mediaType = mediaTypeOf(response) ?? bodyMediaType(bytes);
    if (!mediaType) {
      const message = `registry "${this.registry}": ${operation} served a manifest without a media type`;
      throw new RegistryError('REGISTRY_ERROR', message, {
        registry: this.registry,
        operation,
        retryable: false,
      });
    }
    return { mediaType, digest: expected ?? digest, bytes };
  }

  private check(repository: string, reference: string): 'tag' | 'digest' {
    checkRepository(this.registry, repository);
    return checkReference(this.registry, reference);
  }

  private unexpected(response: HttpResponse, method: string, path: string): RegistryError {
    return errorForResponse({
      registry: this.registry,
      operation: `${method} ${path}`,
      status: response.status,
      body: response.body,
    });
  }

  private mismatch(operation: string, what: string): RegistryError {
    const message = `registry "${this.registry}": ${operation}: digest mismatch — ${what}`;
    return new RegistryError('DIGEST_MISMATCH', message, {
      registry: this.registry,
      operation,
      retryable: false,
    });
  }

  private tooLarge(path: string, size: number): RegistryError {
    const operation = `GET ${path}`;
    const message = `registry "${this.registry}": ${operation} serves a manifest of ${size} bytes or more; the limit is ${MANIFEST_SIZE_LIMIT}`;
    return new RegistryError('MANIFEST_TOO_LARGE', message, {
      registry: this.registry,
      operation,
      retryable: false,
    });
  }
}

export function manifestPath(repository: string, reference: string): string {
  return `/v2/${repository}/manifests/${reference}`;
}

function matches(bytes: Buffer, digest: string): boolean {
  const parsed = parseDigest(digest);
  return parsed !== undefined && digestOf(bytes, parsed.algorithm) === digest;
}

function sameAlgorithm(a: string, b: string): boolean {
  return a.split(':')[0] === b.split(':')[0];
}

/** The served Content-Type without parameters, unless it is a generic JSON type that says nothing. */
function mediaTypeOf(response: HttpResponse): string | undefined {
  const type = response.headers['content-type']?.split(';')[0].trim();
  return type &&
    type !== 'application/json' &&
    type !== 'text/plain' &&
    type !== 'application/octet-stream'
    ? type
    : undefined;
}

function bodyMediaType(bytes: Buffer): string | undefined {
  try {
    const value = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}
