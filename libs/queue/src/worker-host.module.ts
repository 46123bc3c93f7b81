import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerHost } from './worker-host';

/** Consumer side: import it in a process that should run jobs. */
@Module({ imports: [DiscoveryModule], providers: [WorkerHost], exports: [WorkerHost] })
export class WorkerHostModule {}
