import { AirlockError } from '@airlock/errors';
import type { Descriptor, OciRegistry, PushOutcome } from '@airlock/registry-client';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { BlobFlights } from './blob-flights';
import type { BlobLocation, BlobLocations } from './blob-locations';
import type { BlobAction } from './copy-types';
import type { ProgressTracker } from './progress-tracker';
import type { RegistryLimiter } from './registry-limiter';

/** Remembered repositories tried per blob before streaming it: a stale memory costs little. */
const REMEMBERED_TRIES = 3;

export interface BlobRoute {
  source: { registry: OciRegistry; repository: string };
  target: { registry: OciRegistry; repository: string };
  /** Other repositories of the target registry that may hold the blob. */
  mountFrom: string[];
  /** Repositories of the target registry remembered to hold each blob (BlobLocations.find). */
  remembered: Map<string, string[]>;
  /** What this copy learned: the target repository holds these blobs now. */
  learned: BlobLocation[];
  locations: BlobLocations;
  flights: BlobFlights;
  limiter: RegistryLimiter;
  progress: ProgressTracker;
  signal?: AbortSignal;
}

/**
 * What the target holds already decides the action; nothing is written here. A blob another
 * repository of the target registry holds is planned as a mount without asking the target
 * first (copyBlob mounts it without asking either: a mount answers 201 where the blob is present
 * too), unless the target repository itself is remembered to hold it. Without `ask` the memory
 * alone decides (PlanOptions `expect`).
 */
export async function planBlob(
  route: BlobRoute,
  blob: Descriptor,
  ask: boolean,
): Promise<BlobAction> {
  const candidates = mountSources(route).length + rememberedSources(route, blob).length;
  const here = heldHere(route, blob);
  if (candidates > 0 && !here) return 'mount';
  if (!ask) return here ? 'skip' : 'copy';
  if (await isPresent(route, blob)) return 'skip';
  return candidates > 0 ? 'mount' : 'copy';
}

/**
 * One blob. A repository of the target registry that may hold it (the source's own in the same
 * registry, `mountFrom`, where this process just landed it, then remembered locations) → mount.
 * Otherwise the upload: its first request asks the target repository for the blob and opens the
 * session at once (BlobUploader: a mount from the repository itself) → skip when it holds it,
 * else stream GET → verify → PUT. No HEAD first: a mount answers 201 where the blob is present
 * as well. Only when the target repository is remembered to hold the blob and other repositories
 * are candidates too is it asked first (a HEAD): most likely it skips, and if not the mounts are
 * tried before an upload. Another copy of this process uploading it into the same registry, or
 * having just landed it there → wait for it, then mount or find it. A digest mismatch is tried
 * once more (a flaky proxy or disk), then it is permanent.
 */
export async function copyBlob(route: BlobRoute, blob: Descriptor): Promise<BlobAction> {
  const { target, limiter } = route;
  const origins = [route.source.registry.origin, target.registry.origin];
  // An upload of this blob already under way: wait for it without holding a registry slot.
  await route.flights.current(target.registry.origin, blob.digest)?.landed.catch(() => undefined);
  return limiter.run(origins, async () => {
    route.signal?.throwIfAborted();
    const sources = mountSources(route);
    const remembered = [
      ...new Set([...landedSources(route, blob, sources), ...rememberedSources(route, blob)]),
    ];
    const candidates = sources.length + remembered.length;
    if (candidates > 0 && heldHere(route, blob) && (await isPresent(route, blob)))
      return done(route, 'skip', blob);
    for (const from of sources) {
      if (await target.registry.mountBlob(target.repository, blob.digest, from))
        return done(route, 'mount', blob);
    }
    if (await mountRemembered(route, blob, remembered)) return done(route, 'mount', blob);
    return uploadOnce(route, blob, new Set(remembered));
  });
}

/**
 * Uploads the blob (which skips it if the target repository holds it) unless another copy of
 * this process is uploading it into the same registry (wait, then mount it where it landed) or
 * has just landed it there (mount it). The last look at the flights and the start of the upload
 * happen in one turn of the event loop, so two copies cannot both start streaming one blob into
 * one registry.
 */
async function uploadOnce(
  route: BlobRoute,
  blob: Descriptor,
  tried: Set<string>,
): Promise<BlobAction> {
  const { flights, target } = route;
  const origin = target.registry.origin;
  for (;;) {
    const flight = flights.current(origin, blob.digest);
    if (flight) {
      await flight.landed.catch(() => undefined);
      continue; // it landed (see landedAt) or failed: look again
    }
    const landed = flights.landedAt(origin, blob.digest);
    // Landed in the target repository itself: the upload's first request finds it there.
    if (landed === undefined || landed === target.repository || tried.has(landed)) break;
    tried.add(landed);
    if (await mountRemembered(route, blob, [landed])) return done(route, 'mount', blob);
  }
  const outcome = await flights.fly(origin, blob.digest, target.repository, () =>
    streamWithOneRetry(route, blob),
  );
  return done(route, outcome === 'present' ? 'skip' : 'copy', blob);
}

async function isPresent(route: BlobRoute, blob: Descriptor): Promise<boolean> {
  return (await route.target.registry.headBlob(route.target.repository, blob.digest)) !== undefined;
}

function mountSources(route: BlobRoute): string[] {
  const sameRegistry = route.source.registry.origin === route.target.registry.origin;
  const candidates = sameRegistry ? [route.source.repository, ...route.mountFrom] : route.mountFrom;
  return [...new Set(candidates)].filter((repo) => repo !== route.target.repository);
}

/** Remembered repositories not already tried as mount sources, newest first, a few at most. */
function rememberedSources(route: BlobRoute, blob: Descriptor): string[] {
  const tried = new Set([...mountSources(route), route.target.repository]);
  return (route.remembered.get(blob.digest) ?? [])
    .filter((repo) => !tried.has(repo))
    .slice(0, REMEMBERED_TRIES);
}

/** Where this process last landed the blob in the target registry, if not tried otherwise. */
function landedSources(route: BlobRoute, blob: Descriptor, sources: string[]): string[] {
  const landed = route.flights.landedAt(route.target.registry.origin, blob.digest);
  return landed === undefined || landed === route.target.repository || sources.includes(landed)
    ? []
    : [landed];
}

/** Remembered (BlobLocations) to be in the target repository itself. */
function heldHere(route: BlobRoute, blob: Descriptor): boolean {
  return route.remembered.get(blob.digest)?.includes(route.target.repository) ?? false;
}

/**
 * Mounts from the first of `candidates` that holds the blob. They are hints: a declined mount
 * (202: the repository no longer holds it) forgets the location, a failed one (the token may not
 * pull that repository) only moves on, and at the end the blob is streamed as if nothing had been
 * remembered.
 */
async function mountRemembered(
  route: BlobRoute,
  blob: Descriptor,
  candidates: string[],
): Promise<boolean> {
  const { target } = route;
  for (const from of candidates) {
    if (from === target.repository) continue;
    route.signal?.throwIfAborted();
    // A failure to ask (refused scope, network) is no news about the blob: keep the location.
    const mounted = await target.registry
      .mountBlob(target.repository, blob.digest, from)
      .catch(() => undefined);
    if (mounted) return true;
    if (mounted === false)
      await route.locations.forget(target.registry.origin, {
        digest: blob.digest,
        repository: from,
      });
  }
  return false;
}

function done(route: BlobRoute, action: BlobAction, blob: Descriptor): BlobAction {
  route.learned.push({ digest: blob.digest, repository: route.target.repository });
  route.progress.blobDone(action, blob.size);
  return action;
}

async function streamWithOneRetry(route: BlobRoute, blob: Descriptor): Promise<PushOutcome> {
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
      return await route.target.registry.pushBlob(
        route.target.repository,
        blob,
        open,
        route.signal,
      );
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
