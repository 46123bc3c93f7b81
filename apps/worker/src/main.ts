import 'reflect-metadata';
import {
  boundShutdown,
  loadConfigOrExit,
  prepareDatabase,
  runMain,
  serveWorkerMetrics,
} from '@airlock/runtime';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerRootModule } from './worker-root.module';

runMain(async () => {
  const config = loadConfigOrExit();
  await prepareDatabase(config);
  const app = await NestFactory.createApplicationContext(WorkerRootModule.forRoot(config));
  await serveWorkerMetrics(app, config);
  boundShutdown(app, config);
  new Logger('Airlock').log('worker started (no API listener)');
});
