import { scrubSecrets } from '@airlock/audit';
import { SecretBox } from '@airlock/crypto';
import type { Registry } from './registry.repository';
import { openCredentials, sealCredentials } from './registry-credentials';
import { toRegistryView } from './registry-view';

const box = SecretBox.fromConfig({ secretKey: 'ab'.repeat(32) });
const PASSWORD = 'correct-horse-battery-staple';

function row(overrides: Partial<Registry> = {}): Registry {
  const id = overrides.id ?? '00000000-0000-4000-8000-000000000001';
  return {
    id,
    name: 'prod-eu',
    url: 'https://registry.example.com',
    role: 'prod',
    credentialsUsername: 'robot',
    credentialsCiphertext: sealCredentials(box, id, { username: 'robot', password: PASSWORD }),
    tlsCaPem: null,
    tlsInsecure: false,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('registry view', () => {
  it('shows the username and that a password is set, never the password or its ciphertext', () => {
    const view = toRegistryView(row());
    expect(view.credentials).toEqual({ username: 'robot', passwordSet: true });
    const json = JSON.stringify(view);
    expect(json).not.toContain(PASSWORD);
    expect(json).not.toMatch(/ciphertext/i);
    expect(view.warnings).toEqual([]);
  });

  it('shows null credentials when there are none', () => {
    expect(
      toRegistryView(row({ credentialsUsername: null, credentialsCiphertext: null })).credentials,
    ).toBeNull();
  });

  it('warns about tls.insecure on https and about credentials over http', () => {
    expect(toRegistryView(row({ tlsInsecure: true })).warnings).toEqual([
      expect.stringMatching(/certificate verification is disabled/),
    ]);
    expect(toRegistryView(row({ url: 'http://127.0.0.1:5000' })).warnings).toEqual([
      expect.stringMatching(/plain http/),
    ]);
  });

  it('is scrubbed further by the audit log, which redacts the whole credentials object', () => {
    const audited = scrubSecrets({ ...toRegistryView(row()), password: PASSWORD }) as Record<
      string,
      unknown
    >;
    expect(audited.credentials).toBe('[redacted]');
    expect(JSON.stringify(audited)).not.toContain(PASSWORD);
  });
});

describe('sealed credentials', () => {
  it('open with the registry they were sealed for', () => {
    expect(openCredentials(box, row())).toEqual({ username: 'robot', password: PASSWORD });
  });

  it('do not open when copied into another registry row', () => {
    const other = row({
      id: '00000000-0000-4000-8000-000000000002',
      credentialsCiphertext: row().credentialsCiphertext,
    });
    expect(() => openCredentials(box, other)).toThrow(/cannot be decrypted/);
  });

  it('need AIRLOCK_SECRET_KEY to seal, naming the variable', () => {
    const unset = SecretBox.fromConfig({});
    expect(() => sealCredentials(unset, 'x', { username: 'a', password: 'b' })).toThrow(
      /AIRLOCK_SECRET_KEY/,
    );
  });
});
