import { PipelinedClient } from './pipelined-client';

const version = (require('pg/package.json') as { version: string }).version; // eslint-disable-line @typescript-eslint/no-require-imports

/** A client as pg builds one, with `change` applied: what a pg upgrade could leave behind. */
function clientWith(change: (client: Record<string, unknown>) => void): object {
  const client = new PipelinedClient() as unknown as Record<string, unknown>;
  change(client);
  return client;
}

describe('PipelinedClient.assertInternals', () => {
  it('passes for the pg installed: pipeline mode and a corkable socket', () => {
    expect(() => PipelinedClient.assertInternals()).not.toThrow();
    const client = new PipelinedClient();
    expect(client.pipeline).toBe(true);
  });

  it('names pg’s version and the missing socket when connection.stream is gone', () => {
    const noStream = clientWith((c) => (c.connection = {}));
    expect(() => PipelinedClient.assertInternals(noStream)).toThrow(
      new RegExp(`^pg ${version.replace(/\./g, '\\.')} lacks .*connection\\.stream`),
    );
  });

  it('refuses a socket that cannot be corked', () => {
    const plain = clientWith((c) => (c.connection = { stream: { write: () => true } }));
    expect(() => PipelinedClient.assertInternals(plain)).toThrow(/cork\(\)\/uncork\(\)/);
  });

  it('refuses a pg that ignores the pipeline option', () => {
    const unpipelined = clientWith((c) => (c.pipeline = undefined));
    expect(() => PipelinedClient.assertInternals(unpipelined)).toThrow(/pipeline mode/);
  });

  it('lists everything missing at once', () => {
    expect(() => PipelinedClient.assertInternals({})).toThrow(
      /no query\(\); .*pipeline mode; .*connection\.stream/,
    );
  });
});
