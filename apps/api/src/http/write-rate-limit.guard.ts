import { AppConfig } from '@airlock/config';
import { AirlockError } from '@airlock/errors';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from '../auth/request-principal';
import { TokenBuckets } from './token-buckets';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Per-token rate limit on state-changing routes: a token bucket per API token holding
 * AIRLOCK_RATE_LIMIT_BURST writes, refilled at AIRLOCK_RATE_LIMIT_PER_SECOND. Over it → 429
 * RATE_LIMITED with Retry-After. Reads are not limited. Runs after authentication, so it counts
 * per principal (one runaway pipeline cannot starve the others). Per API process: with N
 * replicas the cluster admits N times the rate.
 */
@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(private readonly config: AppConfig) {
    this.buckets = new TokenBuckets(config.rateLimitPerSecond, config.rateLimitBurst);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.config.rateLimitPerSecond === 0) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (READS.has(request.method)) return true;
    const principal = principalOf(request);
    if (!principal) return true; // public routes: nothing to count against
    const wait = this.buckets.take(principal.tokenId);
    if (wait === 0) return true;
    const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
    throw new AirlockError(
      'RATE_LIMITED',
      `Too many changes with the token "${principal.name}": at most ${this.config.rateLimitPerSecond} per second ` +
        `(bursts of ${this.config.rateLimitBurst}); retry in ${retryAfterSeconds} s`,
      { details: { retryAfterSeconds } },
    );
  }
}
