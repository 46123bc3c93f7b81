import 'reflect-metadata';
import { boundShutdown, loadConfigOrExit, prepareDatabase, runMain } from '@airlock/runtime';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from '../../api/src/http-app';
import { StandaloneModule } from './standalone.module';

// `npm start`: API and worker in one process, the single-machine default.
runMain(async () => {
  const config = loadConfigOrExit();
  await prepareDatabase(config);
  const app = await NestFactory.create<NestExpressApplication>(StandaloneModule.forRoot(config), {
    bodyParser: false,
  });
  configureHttpApp(app, config);
  boundShutdown(app, config);
  await app.listen(config.httpPort, config.httpHost);
  const url = await app.getUrl();
  new Logger('Airlock').log(
    `Airlock (API + worker) listening on ${url} — docs ${url}/api/docs, readiness ${url}/readyz`,
  );
});
