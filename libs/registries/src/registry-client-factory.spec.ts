import { SecretBox } from '@airlock/crypto';
import { Metrics } from '@airlock/observability';
import { Logger } from '@nestjs/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry as MetricsRegistry } from 'prom-client';
import type { Registry } from './registry.repository';
import { RegistryClientFactory } from './registry-client-factory';
import { sealCredentials } from './registry-credentials';

const box = SecretBox.fromConfig({ secretKey: 'cd'.repeat(32) });
const ID = '00000000-0000-4000-8000-00000000000a';

function row(updatedAt: Date, overrides: Partial<Registry> = {}): Registry {
  return {
    id: ID,
    name: 'ci',
    url: 'https://ci.example.com',
    role: 'ci',
    credentialsUsername: 'robot',
    credentialsCiphertext: sealCredentials(box, ID, { username: 'robot', password: 'pw' }),
    tlsCaPem: null,
    tlsInsecure: false,
    createdAt: new Date(0),
    updatedAt,
    ...overrides,
  };
}

describe('RegistryClientFactory', () => {
  const factory = new RegistryClientFactory(box, new Metrics(new MetricsRegistry()));

  it('builds the endpoint with the decrypted credentials and no TLS block by default', () => {
    expect(factory.endpointOf(row(new Date(1)))).toEqual({
      name: 'ci',
      url: 'https://ci.example.com',
      credentials: { username: 'robot', password: 'pw' },
      tls: undefined,
    });
    expect(
      factory.endpointOf(
        row(new Date(1), {
          credentialsUsername: null,
          credentialsCiphertext: null,
          tlsCaPem: 'PEM',
        }),
      ),
    ).toMatchObject({ credentials: undefined, tls: { caPem: 'PEM', insecure: false } });
  });

  it('keeps one client per registry until the row changes', () => {
    const first = factory.clientFor(row(new Date(1000)));
    expect(factory.clientFor(row(new Date(1000)))).toBe(first);
    const changed = factory.clientFor(row(new Date(2000)));
    expect(changed).not.toBe(first);
    expect(factory.clientFor(row(new Date(2000)))).toBe(changed);
  });

  it('counts every request by registry, method and status, "error" when no answer came', async () => {
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const metrics = new Metrics(new MetricsRegistry());
    const counting = new RegistryClientFactory(box, metrics);
    const server = createServer((_request, response) => response.writeHead(200).end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const seen: Array<number | undefined> = [];
    const options = {
      retry: { maxAttempts: 1 },
      onRequest: (e: { status?: number }) => seen.push(e.status),
    };
    await counting.create(row(new Date(1), { url }), options).ping();
    await new Promise((resolve) => server.close(resolve));
    await expect(counting.create(row(new Date(1), { url }), options).ping()).rejects.toThrow();

    const samples = (await metrics.registryRequests.get()).values;
    expect(samples.map(({ labels, value }) => ({ labels, value }))).toEqual([
      { labels: { registry: 'ci', method: 'GET', status: '200' }, value: 1 },
      { labels: { registry: 'ci', method: 'GET', status: 'error' }, value: 1 },
    ]);
    // The caller's own observer still sees every exchange.
    expect(seen).toEqual([200, undefined]);
    jest.restoreAllMocks();
  });
});
