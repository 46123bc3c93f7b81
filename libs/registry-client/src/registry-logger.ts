/**
 * Where the client says what it does. `debug`: every request, retry and authentication decision,
 * for an operator chasing a failing copy. `warn`: what an operator must hear about. Messages are
 * plain text and never carry a secret: no header value, no query (upload state, signed URLs), no
 * token. A Nest Logger has this shape; the library itself depends on no logging framework.
 */
export interface RegistryLogger {
  debug(message: string): void;
  warn(message: string): void;
}

/** Silent at debug; a warning still gets out, as a Node process warning on stderr. */
export const DEFAULT_REGISTRY_LOGGER: RegistryLogger = {
  debug: () => undefined,
  warn: (message) => process.emitWarning(message, 'RegistryClientWarning'),
};
