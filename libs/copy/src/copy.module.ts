import { AppConfig } from '@airlock/config';
import { Module } from '@nestjs/common';
import { BlobLocationRepository } from './blob-location.repository';
import { CopyEngine } from './copy-engine';
import { RegistryLimiter } from './registry-limiter';

/**
 * Imported as `@airlock/copy/nest`, so `@airlock/copy` itself stays free of Nest and config (the
 * benchmarks load it bare). One CopyEngine per process, shared by promotions and mirror syncs: its per-registry limiter
 * (AIRLOCK_REGISTRY_CONCURRENCY) then bounds every copy into or out of a registry together, its
 * single flight spans them all, and its blob locations live in Postgres (BlobLocationRepository).
 */
@Module({
  providers: [
    BlobLocationRepository,
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
