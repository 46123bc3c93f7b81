import { AirlockError } from '@airlock/errors';
import type { Descriptor, OciRegistry } from '@airlock/registry-client';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { BlobAction } from './copy-types';
import type { ProgressTracker } from './progress-tracker';
import type { RegistryLimiter } from './registry-limiter';

export interface BlobRoute {
  source: { registry: OciRegistry; repository: string };
  target: { registry: OciRegistry; repository: string };
  /** Other repositories of the target registry that may hold the blob. */
  mountFrom: string[];
  limiter: RegistryLimiter;
  progress: ProgressTracker;
  signal?: AbortSignal;
}

/** What the target holds already decides the action; nothing is written here. */
export async function planBlob(route: BlobRoute, blob: Descriptor): Promise<BlobAction> {
  const present = await route.target.registry.headBlob(route.target.repository, blob.digest);
  if (present !== undefined) return 'skip';
  return mountSources(route).length > 0 ? 'mount' : 'copy';
}

/**
 * One blob: HEAD target → skip; same registry → mount; else stream GET → verify → PUT.
 * A digest mismatch is tried once more (a flaky proxy or disk), then it is permanent.
 */
export async function copyBlob(route: BlobRoute, blob: Descriptor): Promise<BlobAction> {
  const { target, limiter } = route;
  const origins = [route.source.registry.origin, target.registry.origin];
  return limiter.run(origins, async () => {
    route.signal?.throwIfAborted();
    if ((await target.registry.headBlob(target.repository, blob.digest)) !== undefined)
      return done(route, 'skip', blob);
    for (const from of mountSources(route)) {
      if (await target.registry.mountBlob(target.repository, blob.digest, from))
        return done(route, 'mount', blob);
    }
    await streamWithOneRetry(route, blob);
    return done(route, 'copy', blob);
  });
}

function mountSources(route: BlobRoute): string[] {
  const sameRegistry = route.source.registry.origin === route.target.registry.origin;
  const candidates = sameRegistry ? [route.source.repository, ...route.mountFrom] : route.mountFrom;
  return [...new Set(candidates)].filter((repo) => repo !== route.target.repository);
}

function done(route: BlobRoute, action: BlobAction, blob: Descriptor): BlobAction {
  route.progress.blobDone(action, blob.size);
  return action;
}

async function streamWithOneRetry(route: BlobRoute, blob: Descriptor): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let streamed = 0;
    const open = async (): Promise<Readable> => {
      route.progress.streamed(-streamed); // a re-opened body starts again from byte 0
      streamed = 0;
      const source = await route.source.registry.openBlob(
        route.source.repository,
        blob,
        route.signal,
      );
      return counted(source, (n) => {
        streamed += n;
        route.progress.streamed(n);
      });
    };
    try {
      await route.target.registry.pushBlob(route.target.repository, blob, open, route.signal);
      return;
    } catch (error) {
      route.progress.streamed(-streamed);
      if (!(error instanceof AirlockError) || error.code !== 'DIGEST_MISMATCH' || attempt >= 2)
        throw permanentIfMismatch(error);
    }
  }
}

function permanentIfMismatch(error: unknown): unknown {
  if (error instanceof AirlockError && error.code === 'DIGEST_MISMATCH' && error.retryable) {
    return new AirlockError('DIGEST_MISMATCH', error.message, {
      retryable: false,
      details: error.details,
      cause: error,
    });
  }
  return error;
}

/**
 * More than one network-sized (64 KiB) chunk: with Node's default 16 KiB, every chunk would pause
 * the blob source and split its bursts (see ResumingBlobSource) into one socket write per chunk.
 */
const COUNTER_BUFFER = 128 * 1024;

function counted(source: Readable, onBytes: (n: number) => void): Readable {
  const counter = new Transform({
    writableHighWaterMark: COUNTER_BUFFER,
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  // pipeline forwards a source failure (e.g. DIGEST_MISMATCH) to the counter, so the upload sees it.
  pipeline(source, counter, () => undefined);
  return counter;
}
