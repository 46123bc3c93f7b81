import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME, documentAuth } from './auth/openapi-auth';

/**
 * The OpenAPI document of the API, from the controllers' and DTOs' metadata: served at
 * /api/docs-json, written to docs/openapi.json by `npm run openapi`, and the source of the
 * types the CLI is built on (apps/cli/src/airlock/api-types.ts).
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Airlock')
      .setDescription(
        'Promote container images between registries by digest, through quality gates.',
      )
      .setVersion('0.1.0')
      .addBearerAuth(
        {
          type: 'http',
          bearerFormat: 'alk_…',
          description: 'An Airlock API token: Authorization: Bearer alk_…',
        },
        BEARER_SCHEME,
      )
      .build(),
  );
  documentAuth(document);
  return document;
}
