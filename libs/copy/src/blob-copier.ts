import { AirlockError } from '@airlock/errors';
import type { Descriptor, OciRegistry } from '@airlock/registry-client';
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
  /** Blobs the target repository was just seen to lack (CopyOptions.lacking): no HEAD first. */
  lacking: ReadonlySet<string>;
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
 * too), unless the target repository itself is remembered to hold it.
 */
export async function planBlob(route: BlobRoute, blob: Descriptor): Promise<BlobAction> {
  const candidates = mountSources(route).length + rememberedSources(route, blob).length;
  if (mountsFirst(route, blob, candidates)) return 'mount';
  const present = await route.target.registry.headBlob(route.target.repository, blob.digest);
  if (present !== undefined) return 'skip';
  return candidates > 0 ? 'mount' : 'copy';
}

/**
 * One blob. A repository of the target registry that may hold it (the source's own in the same
 * registry, `mountFrom`, where this process just landed it, then remembered locations) → mount,
 * without a HEAD first: a mount answers 201 where the blob is present as well, so asking first
 * would only add a request. Otherwise HEAD target → skip (not asked when the plan just saw it
 * lacking, nor before a mount). Another copy of this process uploading it into the same
 * registry, or having just landed it there → wait for it, then skip or mount; else stream GET →
 * verify → PUT. A digest mismatch is tried once more (a flaky proxy or disk), then it is
 * permanent.
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
    const mountFirst = mountsFirst(route, blob, sources.length + remembered.length);
    const ask = !route.lacking.has(blob.digest);
    if (!mountFirst && ask && (await isPresent(route, blob))) return done(route, 'skip', blob);
    for (const from of sources) {
      if (await target.registry.mountBlob(target.repository, blob.digest, from))
        return done(route, 'mount', blob);
    }
    if (await mountRemembered(route, blob, remembered)) return done(route, 'mount', blob);
    // Every mount declined: the target repository may still hold it.
    if (mountFirst && ask && (await isPresent(route, blob))) return done(route, 'skip', blob);
    return uploadOnce(route, blob, new Set(remembered));
  });
}

/**
 * Streams the blob unless another copy of this process is uploading it into the same registry
 * (wait, then find or mount it) or has just landed it there (mount it). The last look at the
 * flights and the start of the upload happen in one turn of the event loop, so two copies cannot
 * both start streaming one blob into one registry.
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
      if (await isPresent(route, blob)) return done(route, 'skip', blob);
      continue; // it landed (see landedAt) or failed: look again
    }
    const landed = flights.landedAt(origin, blob.digest);
    if (landed === undefined || tried.has(landed)) break;
    tried.add(landed);
    if (await mountRemembered(route, blob, [landed])) return done(route, 'mount', blob);
  }
  await flights.fly(origin, blob.digest, target.repository, () => streamWithOneRetry(route, blob));
  return done(route, 'copy', blob);
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

/**
 * Mount before asking the target: some repository of its registry may hold the blob (one of
 * `candidates`), and the target repository itself is not remembered to — then a HEAD would most
 * likely skip it, one request instead of a mount.
 */
function mountsFirst(route: BlobRoute, blob: Descriptor, candidates: number): boolean {
  const heldHere = route.remembered.get(blob.digest)?.includes(route.target.repository) ?? false;
  return candidates > 0 && !heldHere;
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
