import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * react-router's package exports point at its development build (dev warnings on) for every
 * condition; a production bundle takes its production build, which sits beside it.
 */
function reactRouterProduction(): Record<string, string> {
  const development = dirname(createRequire(import.meta.url).resolve('react-router'));
  const production = join(development, '..', 'production');
  return {
    'react-router/dom': join(production, 'dom-export.mjs'),
    'react-router': join(production, 'index.mjs'),
  };
}

/**
 * The web UI: built into dist/web, which the API serves at / (apps/api/src/http/web-ui.ts) with
 * a strict Content-Security-Policy, so the build has nothing inline: every script and style is
 * a hashed file under assets/.
 */
export default defineConfig(({ command }) => ({
  root: here,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    alias:
      command === 'build'
        ? Object.entries(reactRouterProduction()).map(([name, path]) => ({
            find: new RegExp(`^${name}$`),
            replacement: path,
          }))
        : [],
  },
  build: {
    outDir: resolve(here, '../../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    // One chunk of ~110 KB gzip is the whole app (budget 250 KB gzip, `npm run bench:ui`).
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      // "use client" in react-router's and TanStack Query's files means nothing without a server.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
  // `npx vite --config apps/web/vite.config.ts` against an Airlock on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
}));
