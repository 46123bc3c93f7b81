import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Env } from './env.decorator';
import { API_TOKEN_PATTERN, IsSecretKey } from './value-formats';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `true`/`false`/`1`/`0`/`yes`/`no` → boolean; anything else stays as is and fails validation. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
}

/**
 * Every environment variable Airlock reads, with its default. This class is the only place that
 * knows variable names; `loadConfig` validates it at boot and nothing else reads `process.env`.
 * Keep README.md's configuration table in step with it.
 */
export class AppConfig {
  /** Interface the HTTP API binds to. */
  @Env('AIRLOCK_HTTP_HOST')
  @IsString()
  @IsNotEmpty()
  httpHost = '127.0.0.1';

  /** TCP port of the HTTP API (0 picks a free port). */
  @Env('AIRLOCK_HTTP_PORT')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  httpPort = 8080;

  /** Largest accepted request body, in the `bytes` notation (`1mb`, `512kb`). */
  @Env('AIRLOCK_HTTP_BODY_LIMIT')
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must look like 512kb or 1mb' })
  httpBodyLimit = '1mb';

  /** Postgres connection URL. The database is created by the migrate step when missing. */
  @Env('AIRLOCK_DATABASE_URL')
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[A-Za-z0-9_-]+(\?.*)?$/, {
    message: 'must be postgres://user[:password]@host[:port]/database',
  })
  databaseUrl = 'postgres://postgres@127.0.0.1:5432/airlock';

  /** Run pending migrations at startup (under a Postgres advisory lock). */
  @Env('AIRLOCK_MIGRATE_ON_START')
  @Transform(toBoolean)
  @IsBoolean()
  migrateOnStart = true;

  /** Redis URL for the BullMQ queues. */
  @Env('AIRLOCK_REDIS_URL')
  @Matches(/^rediss?:\/\/[^/]+(\/\d+)?$/, {
    message: 'must be redis://[user:password@]host[:port][/db]',
  })
  redisUrl = 'redis://127.0.0.1:6379';

  /** Key prefix of every queue in Redis; lets several Airlock installs share one Redis. */
  @Env('AIRLOCK_REDIS_PREFIX')
  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'may hold only letters, digits, ":", "_" and "-"' })
  redisPrefix = 'airlock';

  /** Jobs one worker process runs at once, per queue. */
  @Env('AIRLOCK_WORKER_CONCURRENCY')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  workerConcurrency = 4;

  /** How long SIGTERM waits for running jobs / open requests before the process exits. */
  @Env('AIRLOCK_SHUTDOWN_TIMEOUT_MS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600000)
  shutdownTimeoutMs = 30000;

  /**
   * A running job's lock: a worker that dies mid-copy (killed, lost) has its job handed to another
   * worker after about this long. Also how often workers look for such stalled jobs.
   */
  @Env('AIRLOCK_JOB_LOCK_MS')
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600000)
  jobLockMs = 30000;

  /**
   * Attempts of a promotion target's copy job, the first included: a transient failure or a lost
   * worker (killed, out of memory) uses one, and the queue tries again with backoff until they are
   * used up.
   */
  @Env('AIRLOCK_PROMOTION_ATTEMPTS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  promotionAttempts = 5;

  /**
   * How often a worker compares Postgres with the queue and re-enqueues promotions whose job
   * vanished (Redis restarted empty, flushed) or has not moved for a while.
   */
  @Env('AIRLOCK_RECONCILE_INTERVAL_MS')
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  reconcileIntervalMs = 30000;

  /**
   * First retry delay of a webhook delivery; each further retry waits twice as long (with
   * jitter), over 8 attempts. Tests shorten it.
   */
  @Env('AIRLOCK_WEBHOOK_BACKOFF_MS')
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3600000)
  webhookBackoffMs = 5000;

  /**
   * Port of a worker-only process's Prometheus endpoint (`/metrics`), on AIRLOCK_HTTP_HOST. Unset:
   * none. The API (and `npm start`) serve /metrics on the API port anyway.
   */
  @Env('AIRLOCK_METRICS_PORT')
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  metricsPort?: number;

  /**
   * Changes (POST, PUT, PATCH, DELETE) one API token may make per second, per API process;
   * 0 turns the limit off. Over it: 429 RATE_LIMITED with Retry-After.
   */
  @Env('AIRLOCK_RATE_LIMIT_PER_SECOND')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100000)
  rateLimitPerSecond = 50;

  /** How many changes a token may make at once before the per-second rate applies. */
  @Env('AIRLOCK_RATE_LIMIT_BURST')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000000)
  rateLimitBurst = 200;

  /**
   * Blob transfers (uploads, downloads, mounts) at once per registry, across every copy a process
   * runs: ten promotions into one registry share these slots instead of opening sixty uploads.
   */
  @Env('AIRLOCK_REGISTRY_CONCURRENCY')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  registryConcurrency = 8;

  /**
   * The longest a mirror sync waits when an upstream registry asked it to back off (429 with
   * Retry-After, shared by every mirror job through Redis). A longer wait fails the tag instead,
   * recorded in the run; the next tick tries again.
   */
  @Env('AIRLOCK_UPSTREAM_MAX_WAIT_MS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600000)
  upstreamMaxWaitMs = 300000;

  /**
   * How long a manual mirror sync ("sync now") waits for a running sync of the same rule before
   * its job gives up with RESOURCE_BUSY and the queue tries it again with backoff.
   */
  @Env('AIRLOCK_MIRROR_MANUAL_WAIT_MS')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600000)
  mirrorManualWaitMs = 900000;

  /**
   * How often the integrity audit holds every registry of role `prod` against the ledger: one run
   * per registry per tick, however many workers run (docs/integrity.md).
   */
  @Env('AIRLOCK_INTEGRITY_INTERVAL_MS')
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(7 * 24 * 3600000)
  integrityIntervalMs = 900000;

  /** The most repositories one integrity run lists; a registry with more gives a partial run. */
  @Env('AIRLOCK_INTEGRITY_MAX_REPOSITORIES')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000000)
  integrityMaxRepositories = 1000;

  /** The most tags one integrity run resolves (HEAD) over all repositories; more gives a partial run. */
  @Env('AIRLOCK_INTEGRITY_MAX_TAGS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  integrityMaxTags = 20000;

  /** Log level. */
  @Env('AIRLOCK_LOG_LEVEL')
  @IsIn(LOG_LEVELS)
  logLevel: LogLevel = 'info';

  /**
   * Key that seals stored secrets (registry passwords, webhook secrets) with AES-256-GCM. Optional
   * until a feature stores a secret; without it those features answer NOT_CONFIGURED.
   */
  @Env('AIRLOCK_SECRET_KEY')
  @IsOptional()
  @IsSecretKey()
  secretKey?: string;

  /**
   * The private key (PEM; ECDSA P-256 or Ed25519) Airlock signs promotion attestations with.
   * Unset (and no AIRLOCK_SIGNING_KEY_FILE): promotions land without an attestation.
   */
  @Env('AIRLOCK_SIGNING_KEY')
  @IsOptional()
  @IsString()
  signingKey?: string;

  /** A file holding the signing key's PEM (instead of AIRLOCK_SIGNING_KEY). */
  @Env('AIRLOCK_SIGNING_KEY_FILE')
  @IsOptional()
  @IsString()
  signingKeyFile?: string;

  /**
   * Earlier signing keys' public keys (PEM blocks in one file): still published by
   * `GET /api/v1/signing-keys`, so attestations signed before a rotation stay verifiable.
   */
  @Env('AIRLOCK_SIGNING_PREVIOUS_KEYS_FILE')
  @IsOptional()
  @IsString()
  signingPreviousKeysFile?: string;

  /**
   * The bootstrap admin token (`bootstrap-admin`). When unset and no admin token is active, the
   * API generates one at startup and prints it once.
   */
  @Env('AIRLOCK_ADMIN_TOKEN')
  @IsOptional()
  @Matches(API_TOKEN_PATTERN, {
    message:
      'must look like an Airlock token: alk_ followed by at least 32 characters of A-Z, a-z, 0-9, "_" or "-"',
  })
  adminToken?: string;
}
