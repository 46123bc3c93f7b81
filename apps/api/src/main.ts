import 'reflect-metadata';
import { boundShutdown, loadConfigOrExit, prepareDatabase, runMain } from '@airlock/runtime';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiRootModule } from './api-root.module';
import { configureHttpApp } from './http-app';

runMain(async () => {
  const config = loadConfigOrExit();
  await prepareDatabase(config);
  const app = await NestFactory.create<NestExpressApplication>(ApiRootModule.forRoot(config), {
    bodyParser: false,
  });
  configureHttpApp(app, config);
  boundShutdown(app, config);
  await app.listen(config.httpPort, config.httpHost);
  new Logger('Airlock').log(
    `API listening on ${await app.getUrl()} (docs: ${await app.getUrl()}/api/docs)`,
  );
});
