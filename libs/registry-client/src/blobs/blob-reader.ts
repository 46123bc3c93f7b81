import type { Readable } from 'node:stream';
import { Scopes } from '../auth/scope';
import type { Descriptor } from '../descriptor';
import { describeNetworkError } from '../errors/network-failure';
import { errorForResponse } from '../errors/response-error';
import { onAbort } from '../http/abort-links';
import type { HttpResponse } from '../http/http-types';
import { checkDigest, checkRepository } from '../references';
import { RegistryError } from '../registry-error';
import { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from '../registry-logger';
import type { RegistryRequester } from '../request/registry-requester';
import { BlobCheck } from './blob-check';
import { ResumingBlobSource, type BlobSegment } from './resuming-blob-source';

const HIGH_WATER_MARK = 128 * 1024;
/** Four of the 64 KiB reads a socket delivers: one writev for the consumer instead of four writes. */
const BURST_BYTES = 256 * 1024;

/** HEAD and verified, resumable GET of blobs. */
export class BlobReader {
  constructor(
    private readonly registry: string,
    private readonly requester: RegistryRequester,
    private readonly maxResumes: number,
    private readonly logger: RegistryLogger = DEFAULT_REGISTRY_LOGGER,
  ) {}

  async size(repository: string, digest: string): Promise<number | undefined> {
    checkRepository(this.registry, repository);
    checkDigest(this.registry, digest);
    const path = blobPath(repository, digest);
    const response = await this.requester.send({
      method: 'HEAD',
      target: path,
      scope: Scopes.pull(repository),
    });
    if (response.status === 404) return undefined;
    const size = Number(response.headers['content-length']);
    if (response.status === 200 && Number.isSafeInteger(size)) return size;
    throw this.unexpected(
      response,
      'HEAD',
      path,
      response.status === 200 ? 'without a Content-Length' : undefined,
    );
  }

  async open(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    signal?: AbortSignal,
  ): Promise<Readable> {
    checkRepository(this.registry, repository);
    const digest = checkDigest(this.registry, descriptor.digest);
    const { size } = descriptor;
    const path = blobPath(repository, descriptor.digest);
    if (!Number.isSafeInteger(size) || size < 0)
      throw this.invalid(`GET ${path}`, `blob size ${size} is not a non-negative integer`);
    const fetch = (offset: number): Promise<BlobSegment> =>
      this.fetch(repository, path, size, offset, signal);
    const source = new ResumingBlobSource(await fetch(0), {
      size,
      maxResumes: this.maxResumes,
      open: fetch,
      broken: (cause, received) => this.broken(path, cause, received, size),
      highWaterMark: HIGH_WATER_MARK,
      check: new BlobCheck({
        digest,
        size,
        mismatch: (reason) => this.mismatch(path, descriptor.digest, reason),
      }),
      burstBytes: BURST_BYTES,
    });
    if (signal) {
      const stop = onAbort(signal, () =>
        source.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted')),
      );
      source.once('close', stop);
    }
    return source;
  }

  /** One GET from `offset`: a 206 starting there, or a 200 whose first `offset` bytes we skip. */
  private async fetch(
    repository: string,
    path: string,
    size: number,
    offset: number,
    signal?: AbortSignal,
  ): Promise<BlobSegment> {
    const range: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    if (offset > 0)
      this.logger.debug(
        `registry "${this.registry}": GET ${path} broke off; resuming at byte ${offset} of ${size}`,
      );
    const response = await this.requester.send({
      method: 'GET',
      target: path,
      scope: Scopes.pull(repository),
      headers: { Accept: '*/*', ...range },
      response: { kind: 'stream' },
      signal,
    });
    const body = response.stream;
    const problem = this.problem(response, size, offset);
    if (problem || !body) {
      body?.destroy();
      throw problem ?? this.unexpected(response, 'GET', path);
    }
    return { body, skip: response.status === 200 ? offset : 0 };
  }

  /** Why this answer cannot continue the blob at `offset`, if it cannot. */
  private problem(response: HttpResponse, size: number, offset: number): RegistryError | undefined {
    const operation = `GET ${response.url.pathname}`;
    if (response.status === 206 && offset > 0) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
      const total = range?.[3] === '*' ? size : Number(range?.[3]);
      if (range && Number(range[1]) === offset && total === size) return undefined;
      return this.invalid(
        operation,
        `asked for bytes ${offset}- and got Content-Range "${response.headers['content-range'] ?? ''}"`,
      );
    }
    if (response.status !== 200) return this.unexpected(response, 'GET', response.url.pathname);
    const length = response.headers['content-length'];
    if (length !== undefined && Number(length) !== size) {
      return new RegistryError(
        'DIGEST_MISMATCH',
        `registry "${this.registry}": ${operation} serves ${length} bytes, the descriptor says ${size}`,
        {
          registry: this.registry,
          operation,
          retryable: false,
        },
      );
    }
    return undefined;
  }

  private broken(path: string, cause: unknown, received: number, size: number): RegistryError {
    const failure = describeNetworkError(cause);
    const operation = `GET ${path}`;
    const message = `registry "${this.registry}": ${operation} broke off after ${received} of ${size} bytes (${failure.reason}); resumed ${this.maxResumes} times`;
    return new RegistryError('REGISTRY_UNREACHABLE', message, {
      registry: this.registry,
      operation,
      retryable: true,
      cause: failure.cause,
    });
  }

  private mismatch(path: string, digest: string, reason: string): RegistryError {
    const operation = `GET ${path}`;
    const message = `registry "${this.registry}": ${operation}: blob does not match ${digest}: ${reason}`;
    return new RegistryError('DIGEST_MISMATCH', message, {
      registry: this.registry,
      operation,
      retryable: false,
    });
  }

  private unexpected(
    response: HttpResponse,
    method: string,
    path: string,
    note?: string,
  ): RegistryError {
    return errorForResponse(
      {
        registry: this.registry,
        operation: `${method} ${path}`,
        status: response.status,
        body: response.body,
      },
      note,
    );
  }

  private invalid(operation: string, reason: string): RegistryError {
    return new RegistryError(
      'REGISTRY_ERROR',
      `registry "${this.registry}": ${operation}: ${reason}`,
      { registry: this.registry, operation, retryable: false },
    );
  }
}

export function blobPath(repository: string, digest: string): string {
  return `/v2/${repository}/blobs/${digest}`;
}
