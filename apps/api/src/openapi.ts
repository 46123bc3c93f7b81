import 'reflect-metadata';
import { loadConfig } from '@airlock/config';
import { NestFactory } from '@nestjs/core';
import { ApiRootModule } from './api-root.module';
import { createOpenApiDocument } from './openapi-document';

/**
 * Prints the OpenAPI document without starting anything: Nest's preview mode reads the modules'
 * metadata and creates no provider, so no database or Redis is needed.
 */
async function main(): Promise<void> {
  const config = loadConfig({});
  const app = await NestFactory.create(ApiRootModule.forRoot(config), {
    preview: true,
    logger: false,
    bodyParser: false,
  });
  const document = createOpenApiDocument(app);
  await app.close();
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
