import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { static as serveStatic, type NextFunction, type Request, type Response } from 'express';

/**
 * The web UI's policy: its own origin for everything, nothing inline, never framed. The UI is
 * built to need nothing more (apps/web: no inline scripts or styles, the API on the same origin).
 */
export const WEB_UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Paths that are the API's, never the UI's: a miss there stays the API's 404 problem. */
const API_PATHS = /^\/(api|admin|healthz|readyz|metrics)(\/|$)/;
/** Built files named by their content hash: they never change under their name. */
const HASHED_ASSET = /^\/assets\//;

const logger = new Logger('WebUi');

/**
 * Serves the built web UI (`npm run build:web` → dist/web) at `/`: hashed assets cached for a
 * year, index.html never cached and answered for every other browser path (deep links reload),
 * every file with the strict CSP. Without a build, `/` says how to make one.
 */
export function serveWebUi(app: NestExpressApplication, dir = defaultWebDir()): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    logger.warn(`no web UI build at ${dir}: "npm run build:web" makes one`);
    app.use('/', (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'GET' || request.path !== '/') return next();
      response
        .status(404)
        .type('text/plain')
        .send('The web UI is not built. Run "npm run build" (or "npm run build:web").\n');
    });
    return;
  }
  const html = readFileSync(index);
  app.use(
    serveStatic(dir, {
      index: false,
      fallthrough: true,
      setHeaders: (response, path) => {
        secure(response);
        const asset = HASHED_ASSET.test(`/${path.slice(dir.length + 1).replace(/\\/g, '/')}`);
        response.setHeader(
          'Cache-Control',
          asset ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (API_PATHS.test(request.path) || HASHED_ASSET.test(request.path)) return next();
    // A browser navigating asks for HTML first; a client sending */* gets the API's 404 problem.
    if (request.accepts(['json', 'html']) !== 'html') return next();
    secure(response);
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(html);
  });
}

function secure(response: Response): void {
  response.setHeader('Content-Security-Policy', WEB_UI_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
}

/** dist/web of the checkout this code runs from (built or run by ts-jest from the sources). */
function defaultWebDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, 'dist', 'web');
}
