import { Client, type ClientConfig } from 'pg';

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
 */
export class PipelinedClient extends Client {
  private corked = false;
  private sealedBecause: string | null = null;

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true });
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
