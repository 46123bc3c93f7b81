import type { AppConfig } from '@airlock/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, documentAuth } from './auth/openapi-auth';
import { jsonBody } from './http/json-body.middleware';
import { requestIdMiddleware } from './http/request-id.middleware';

/**
 * Everything about the HTTP edge that is not a module: request ids first (so even a body that
 * fails to parse has one), the JSON body limit, OpenAPI. Shared by every entry point and by the
 * e2e tests, so they test what production runs.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): void {
  app.use(requestIdMiddleware);
  app.use(jsonBody(config.httpBodyLimit));
  app.disable('x-powered-by');
  // No automatic ETags: Express would hash every response body (a POST's included) for a
  // conditional GET no Airlock client makes.
  app.set('etag', false);
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
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
