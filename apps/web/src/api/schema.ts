/*
 * The API's types, generated from docs/openapi.json by `npm run openapi` into the CLI's tree
 * (apps/cli/src/airlock/api-types.ts): one generated file for both clients, so an API change
 * breaks the CLI's and the UI's typecheck alike. Types only: nothing of the CLI is bundled.
 */
export type { components, paths } from '../../../cli/src/airlock/api-types';
