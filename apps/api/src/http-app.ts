import type { AppConfig } from '@airlock/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { answerClientErrors } from './http/client-errors';
import { jsonBody } from './http/json-body.middleware';
import { RequestIdMiddleware } from './http/request-id.middleware';
import { serveWebUi } from './http/web-ui';
import { createOpenApiDocument } from './openapi-document';

/**
 * Everything about the HTTP edge that is not a module: request ids first (so even a body that
 * fails to parse has one), the JSON body limit, OpenAPI, the web UI. Shared by every entry point and by the
 * e2e tests, so they test what production runs.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): void {
  const requestIds = app.get(RequestIdMiddleware);
  app.use((request: Request, response: Response, next: NextFunction) =>
    requestIds.use(request, response, next),
  );
  app.use(jsonBody(config.httpBodyLimit));
  // Before Express: what Node's parser refuses is problem+json too.
  answerClientErrors(app.getHttpServer());
  app.disable('x-powered-by');
  // No automatic ETags: Express would hash every response body (a POST's included) for a
  // conditional GET no Airlock client makes.
  app.set('etag', false);
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  serveWebUi(app);
}
