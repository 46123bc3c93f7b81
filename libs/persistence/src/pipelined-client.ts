import { Client, type ClientConfig } from 'pg';

// pg's own package.json: the version named when its internals are not what this class needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PG_VERSION = (require('pg/package.json') as { version: string }).version;

/** What a pg client looks like from here: documented API plus the internals this class uses. */
interface ClientInternals {
  pipeline?: unknown;
  query?: unknown;
  connection?: { stream?: { cork?: unknown; uncork?: unknown } };
}

/**
 * The pool's pg client: pipeline mode, and every statement issued in one turn of the event loop
 * leaves in one socket write.
 *
 * Each write to Postgres's socket wakes its backend, and that write is the single largest CPU cost
 * of a request in the API (docs/performance.md): more than building, sending and parsing the
 * statement. In pipeline mode a statement goes out without waiting for the answer to the one
 * before (Postgres still runs them one after another, in order, each with its own Sync, so an
 * error fails that statement — and, inside a transaction, the rest of it — as before); the socket
 * is corked until the event loop's check phase, so statements issued together (`Promise.all`, a
 * transaction's BEGIN and its first statements) share one write and one wake-up. Code that awaits
 * each statement behaves exactly as without pipelining.
 *
 * Two things here are pg's internals, not its API: the `pipeline` option taking effect, and the
 * socket under `connection.stream`. `assertInternals` checks both (createPool calls it at boot and
 * for every new connection), so an upgrade of pg that changes them fails loudly, at once.
 */
export class PipelinedClient extends Client {
  private corked = false;
  private sealedBecause: string | null = null;

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true });
  }

  /**
   * Throws, naming pg's version and what is missing, unless `client` (by default a fresh,
   * unconnected one) has what this class relies on: pg's Client#query to call through to,
   * pipeline mode switched on by the `pipeline` option, and a socket at `connection.stream`
   * that can be corked and uncorked.
   */
  static assertInternals(client: object = new PipelinedClient()): void {
    const missing = missingInternals(client as ClientInternals);
    if (missing.length === 0) return;
    throw new Error(
      `pg ${PG_VERSION} lacks what PipelinedClient relies on: ${missing.join('; ')}. ` +
        'Pin pg to a version that has them or adapt libs/persistence/src/pipelined-client.ts.',
    );
  }

  /**
   * Refuses every statement until `unseal()`: set once a transaction's COMMIT has been sent ahead
   * of its answers (TransactionRunner.runAsOneWrite), so nothing can slip in behind the COMMIT
   * and run outside the transaction — whatever path it took to this connection.
   */
  seal(reason: string): void {
    this.sealedBecause = reason;
  }

  unseal(): void {
    this.sealedBecause = null;
  }

  override query(...args: unknown[]): never {
    if (this.sealedBecause !== null) throw new Error(this.sealedBecause);
    this.corkUntilNextTurn();
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  private corkUntilNextTurn(): void {
    if (this.corked) return;
    const stream = this.connection.stream;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}

function missingInternals(client: ClientInternals): string[] {
  const missing: string[] = [];
  if (typeof (Client.prototype as ClientInternals).query !== 'function')
    missing.push('Client.prototype.query is not a function');
  if (typeof client.query !== 'function') missing.push('the client has no query()');
  if (client.pipeline !== true)
    missing.push('the `pipeline: true` option does not put the client in pipeline mode');
  const stream = client.connection?.stream;
  if (!stream) missing.push('the client has no socket at connection.stream');
  else if (typeof stream.cork !== 'function' || typeof stream.uncork !== 'function')
    missing.push('connection.stream has no cork()/uncork()');
  return missing;
}
