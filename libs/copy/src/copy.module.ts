import { AppConfig } from '@airlock/config';
import { Module } from '@nestjs/common';
import { BlobLocationRepository } from './blob-location.repository';
import { CopyEngine } from './copy-engine';
import { CrossProcessTagLock } from './cross-process-tag-lock';
import { RegistryLimiter } from './registry-limiter';

/**
 * Imported as `@airlock/copy/nest`, so `@airlock/copy` itself stays free of Nest and config (the
 * benchmarks load it bare). One CopyEngine per process, shared by promotions and mirror syncs: its per-registry limiter
 * (AIRLOCK_REGISTRY_CONCURRENCY) then bounds every copy into or out of a registry together, its
 * single flight spans them all, and its blob locations live in Postgres (BlobLocationRepository);
 * updates of read-modify-write tags take turns across processes (CrossProcessTagLock).
 */
@Module({
  providers: [
    BlobLocationRepository,
    // Read-modify-write tags take turns across processes (serializeTagUpdate).
    CrossProcessTagLock,
    {
      provide: CopyEngine,
      inject: [AppConfig, BlobLocationRepository],
      useFactory: (config: AppConfig, locations: BlobLocationRepository) =>
        new CopyEngine(new RegistryLimiter(config.registryConcurrency), locations),
    },
  ],
  exports: [CopyEngine],
})
export class CopyModule {}
