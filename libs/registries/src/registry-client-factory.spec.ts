import { SecretBox } from '@airlock/crypto';
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
  const factory = new RegistryClientFactory(box);

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
});
