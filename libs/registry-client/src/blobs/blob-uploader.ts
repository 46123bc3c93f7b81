import { pipeline, type Readable } from 'node:stream';
import { Scopes } from '../auth/scope';
import type { Descriptor } from '../descriptor';
import { errorForResponse } from '../errors/response-error';
import type { HttpResponse } from '../http/http-types';
import { checkDigest, checkRepository } from '../references';
import { RegistryError } from '../registry-error';
import { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from '../registry-logger';
import type { RegistryRequester } from '../request/registry-requester';
import type { Retrier } from '../retry/retrier';
import { ChunkReader } from './chunk-reader';
import { ExactSizeGuard } from './exact-size-guard';
import { resolveLocation, withDigest } from './upload-location';

export interface UploadOptions {
  /** Bytes per PATCH of a chunked upload (raised to the registry's OCI-Chunk-Min-Length). */
  chunkSize: number;
  /** `fallback`: monolithic PUT, chunked only when the registry refuses it (413). `always`: chunked. */
  chunked: 'fallback' | 'always';
}

type Blob = Pick<Descriptor, 'digest' | 'size'>;
type Open = () => Promise<Readable>;

/** An open upload session: where to send the next request. */
interface Session {
  repository: string;
  location: URL;
  chunkMinLength?: number;
}

interface Attempt {
  number: number;
  signal?: AbortSignal;
}

/** What an upload found: `present` when the repository held the blob already (nothing streamed). */
export type PushOutcome = 'uploaded' | 'present';

/**
 * Blob uploads (distribution spec "pushing blobs"). The session's POST asks the repository for
 * the blob first — a cross-repository mount from the repository itself (`?mount=<digest>&from=`
 * the same name): 201 means it holds the blob and nothing is streamed; 202 opens the session
 * the bytes go into, so asking costs no request of its own (a HEAD, then a POST). Then one
 * streamed PUT ?digest= with Content-Length, or PATCH chunks and a closing PUT. A registry that
 * ignores mount requests answers 202 as well: the blob is uploaded. A failed attempt deletes its
 * session and the retry starts over in a new one (which asks again, so a PUT that landed
 * although its answer was lost is not streamed twice): after a broken PUT the registry may hold
 * part of the body, and resuming into it would risk a blob that is not what we sent.
 */
export class BlobUploader {
  constructor(
    private readonly registry: string,
    private readonly requester: RegistryRequester,
    private readonly retrier: Retrier,
    private readonly options: UploadOptions,
    private readonly logger: RegistryLogger = DEFAULT_REGISTRY_LOGGER,
  ) {}

  async push(
    repository: string,
    blob: Blob,
    open: Open,
    signal?: AbortSignal,
  ): Promise<PushOutcome> {
    checkRepository(this.registry, repository);
    checkDigest(this.registry, blob.digest);
    if (!Number.isSafeInteger(blob.size) || blob.size < 0)
      throw this.error('REGISTRY_ERROR', `blob size ${blob.size} is not a non-negative integer`);
    return this.retrier.run(
      (number) => this.attempt(repository, blob, open, { number, signal }),
      signal,
    );
  }

  /** true when the registry mounted the blob from `from`; false when it opened a session instead. */
  async mount(repository: string, digest: string, from: string): Promise<boolean> {
    checkRepository(this.registry, repository);
    checkRepository(this.registry, from);
    checkDigest(this.registry, digest);
    const response = await this.requester.send({
      method: 'POST',
      target: mountPath(repository, digest, from),
      scope: Scopes.mount(repository, from),
      headers: { 'Content-Length': '0' },
    });
    if (response.status === 201) return true;
    if (response.status !== 202) throw this.unexpected(response, 'POST');
    this.logger.debug(
      `registry "${this.registry}": ${repository} did not mount ${digest} from ${from} (202): it has to be copied`,
    );
    // Declined (the source lacks the blob, or we may not pull it): don't leave the session behind.
    const location = resolveLocation(response.headers.location, response.url);
    if (location) await this.cancel({ repository, location });
    return false;
  }

  private async attempt(
    repository: string,
    blob: Blob,
    open: Open,
    attempt: Attempt,
  ): Promise<PushOutcome> {
    const opened = await this.start(repository, attempt, blob);
    if (opened === 'present') return 'present';
    let session = opened;
    try {
      if (this.options.chunked === 'always') {
        await this.chunked(session, blob, open, attempt);
        return 'uploaded';
      }
      const response = await this.monolithic(session, blob, open, attempt);
      // 413: a proxy or the registry will not take the body in one piece.
      if (response.status !== 413) {
        this.committed(response, blob);
        return 'uploaded';
      }
      this.logger.debug(
        `registry "${this.registry}": PUT ${session.location.pathname} refused ${blob.size} bytes in one piece (413): uploading ${blob.digest} in chunks`,
      );
      await this.cancel(session);
      const again = await this.start(repository, attempt, blob);
      if (again === 'present') return 'present';
      session = again;
      await this.chunked(session, blob, open, attempt);
      return 'uploaded';
    } catch (error) {
      await this.cancel(session);
      throw error;
    }
  }

  /**
   * A new session for `blob`, its POST asking first whether the repository holds it (a mount
   * from itself): `present` on 201.
   */
  private async start(
    repository: string,
    attempt: Attempt,
    blob: Blob,
  ): Promise<Session | 'present'> {
    const response = await this.requester.send({
      method: 'POST',
      target: mountPath(repository, blob.digest, repository),
      scope: Scopes.push(repository),
      headers: { 'Content-Length': '0' },
      retry: false,
      attempt: attempt.number,
      signal: attempt.signal,
    });
    if (response.status === 201) {
      this.checkReported(response, blob);
      return 'present';
    }
    const location = resolveLocation(response.headers.location, response.url);
    if (response.status !== 202 || !location)
      throw this.unexpected(response, 'POST', location ? undefined : 'without a usable Location');
    const minLength = Number(response.headers['oci-chunk-min-length']);
    return {
      repository,
      location,
      chunkMinLength: Number.isSafeInteger(minLength) && minLength > 0 ? minLength : undefined,
    };
  }

  private monolithic(
    session: Session,
    blob: Blob,
    open: Open,
    attempt: Attempt,
  ): Promise<HttpResponse> {
    return this.requester.send({
      method: 'PUT',
      target: withDigest(session.location, blob.digest),
      scope: Scopes.push(session.repository),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
      body: async () => this.exactly(await open(), blob.size),
      retry: false,
      attempt: attempt.number,
      signal: attempt.signal,
    });
  }

  private async chunked(session: Session, blob: Blob, open: Open, attempt: Attempt): Promise<void> {
    const chunkSize = Math.max(this.options.chunkSize, session.chunkMinLength ?? 0);
    const reader = new ChunkReader(await open());
    try {
      for (let offset = 0; offset < blob.size;) {
        const chunk = await reader.read(Math.min(chunkSize, blob.size - offset));
        if (chunk.length === 0)
          throw this.error(
            'REGISTRY_ERROR',
            `the blob source of ${blob.digest} ended after ${offset} of ${blob.size} bytes`,
          );
        await this.patch(session, chunk, offset, attempt);
        offset += chunk.length;
      }
      if ((await reader.read(1)).length > 0)
        throw this.error(
          'REGISTRY_ERROR',
          `the blob source of ${blob.digest} has more than ${blob.size} bytes`,
        );
    } finally {
      reader.close();
    }
    const response = await this.requester.send({
      method: 'PUT',
      target: withDigest(session.location, blob.digest),
      scope: Scopes.push(session.repository),
      headers: { 'Content-Length': '0' },
      retry: false,
      attempt: attempt.number,
      signal: attempt.signal,
    });
    this.committed(response, blob);
  }

  private async patch(
    session: Session,
    chunk: Buffer,
    offset: number,
    attempt: Attempt,
  ): Promise<void> {
    const response = await this.requester.send({
      method: 'PATCH',
      target: session.location,
      scope: Scopes.push(session.repository),
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${offset}-${offset + chunk.length - 1}`,
        'Content-Length': String(chunk.length),
      },
      body: chunk,
      retry: false,
      attempt: attempt.number,
      signal: attempt.signal,
    });
    if (response.status !== 202) throw this.unexpected(response, 'PATCH');
    // Each answer names where the next chunk goes (distribution re-signs its state every time).
    session.location = resolveLocation(response.headers.location, response.url) ?? session.location;
  }

  private committed(response: HttpResponse, blob: Blob): void {
    if (response.status !== 201) throw this.unexpected(response, 'PUT');
    this.checkReported(response, blob);
  }

  /** A 201's Docker-Content-Digest, when the registry sends one, names the blob we meant. */
  private checkReported(response: HttpResponse, blob: Blob): void {
    const reported = response.headers['docker-content-digest'];
    if (reported && reported !== blob.digest) {
      throw this.error(
        'DIGEST_MISMATCH',
        `${response.url.pathname} answered ${reported} for blob ${blob.digest}`,
      );
    }
  }

  /** Best effort: a session we leave behind only costs the registry some storage until it purges it. */
  private async cancel(session: Pick<Session, 'repository' | 'location'>): Promise<void> {
    await this.requester
      .send({
        method: 'DELETE',
        target: session.location,
        scope: Scopes.push(session.repository),
        retry: false,
      })
      .catch(() => undefined);
  }

  private exactly(source: Readable, size: number): Readable {
    const guard = new ExactSizeGuard(size, (received) =>
      this.error('REGISTRY_ERROR', `the blob source gave ${received} bytes for a blob of ${size}`),
    );
    return pipeline(source, guard, () => undefined);
  }

  private unexpected(response: HttpResponse, method: string, note?: string): RegistryError {
    const operation = `${method} ${response.url.pathname}`;
    return errorForResponse(
      { registry: this.registry, operation, status: response.status, body: response.body },
      note,
    );
  }

  private error(code: 'REGISTRY_ERROR' | 'DIGEST_MISMATCH', message: string): RegistryError {
    return new RegistryError(code, `registry "${this.registry}": ${message}`, {
      registry: this.registry,
      retryable: false,
    });
  }
}

/** A session's POST that mounts `digest` from `from` (the repository itself: does it hold it?). */
function mountPath(repository: string, digest: string, from: string): string {
  return `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
}
