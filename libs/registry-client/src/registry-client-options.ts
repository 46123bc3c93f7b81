import { systemClock, type Clock } from './clock';
import { DEFAULT_TIMEOUTS, type RegistryRequestEvent, type Timeouts } from './http/http-types';
import { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from './registry-logger';
import type { RequestGate } from './request/registry-requester';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry/retry-policy';

export interface RegistryClientOptions {
  /** Defaults: connect 10 s, response headers 30 s, idle body 60 s. No total timeout: big blobs take long. */
  timeouts?: Partial<Timeouts>;
  /** Defaults: 5 attempts, backoff from 200 ms capped at 10 s (full jitter), 60 s budget. */
  retry?: Partial<RetryPolicy>;
  upload?: {
    /** Bytes per PATCH when uploading in chunks (default 16 MiB). */
    chunkSize?: number;
    /** `fallback` (default): chunked only when a monolithic PUT is refused with 413. `always`: chunked. */
    chunked?: 'fallback' | 'always';
  };
  /** `n` of a tag-list page (default 1000). */
  tagPageSize?: number;
  /** How often a broken blob read is resumed with a Range request (default 3). */
  blobResumes?: number;
  /** Observer called after every HTTP exchange (metrics). It must not throw; if it does, that is ignored. */
  onRequest?: (event: RegistryRequestEvent) => void;
  /** Time and sleep; tests inject a fake so backoff and token expiry need no waiting. */
  clock?: Clock;
  /** [0, 1) source for backoff jitter. */
  random?: () => number;
  /** Consulted around every request to the registry: an upstream budget shared with other clients. */
  gate?: RequestGate;
  /** Debug lines for every request, retry and authentication decision; warnings. Default: debug silent, warnings as Node process warnings. */
  logger?: RegistryLogger;
}

export interface ResolvedOptions {
  timeouts: Timeouts;
  retry: RetryPolicy;
  upload: { chunkSize: number; chunked: 'fallback' | 'always' };
  tagPageSize: number;
  blobResumes: number;
  onRequest?: (event: RegistryRequestEvent) => void;
  clock: Clock;
  random: () => number;
  gate?: RequestGate;
  logger: RegistryLogger;
}

export function resolveOptions(options: RegistryClientOptions): ResolvedOptions {
  return {
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    upload: {
      chunkSize: options.upload?.chunkSize ?? 16 * 1024 * 1024,
      chunked: options.upload?.chunked ?? 'fallback',
    },
    tagPageSize: options.tagPageSize ?? 1000,
    blobResumes: options.blobResumes ?? 3,
    onRequest: options.onRequest,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    gate: options.gate,
    logger: options.logger ?? DEFAULT_REGISTRY_LOGGER,
  };
}
