import { createTlsCertificates } from '@airlock/testing';
import { AirlockError } from '@airlock/errors';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkCaPem,
  checkCredentials,
  checkRegistryName,
  checkRegistryRole,
  normalizeRegistryUrl,
} from './registry-rules';

function fieldError(fn: () => unknown): { field: string; rule: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return (
      (error as AirlockError).details.errors as Array<{
        field: string;
        rule: string;
        message: string;
      }>
    )[0]!;
  }
  throw new Error('expected an INVALID_INPUT error');
}

describe('registry names', () => {
  it('accepts slugs up to 63 characters', () => {
    for (const name of ['a', 'prod-eu', '0ci', 'a'.repeat(63)])
      expect(checkRegistryName(name)).toBe(name);
  });

  it('refuses upper case, a leading dash, other characters and 64 characters, naming the field', () => {
    for (const name of ['Prod', '-prod', 'prod_eu', 'prod.eu', '', 'a'.repeat(64)]) {
      expect(fieldError(() => checkRegistryName(name))).toMatchObject({
        field: 'name',
        rule: 'matches',
      });
    }
  });

  it('accepts the five roles only', () => {
    expect(checkRegistryRole('archive')).toBe('archive');
    expect(fieldError(() => checkRegistryRole('staging')).message).toMatch(
      /sandbox, ci, prod, archive, upstream/,
    );
  });
});

describe('registry URLs', () => {
  it('keeps the origin and drops a trailing slash', () => {
    expect(normalizeRegistryUrl('https://registry.example.com/')).toBe(
      'https://registry.example.com',
    );
    expect(normalizeRegistryUrl('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(normalizeRegistryUrl('HTTPS://Registry.Example.com:443')).toBe(
      'https://registry.example.com',
    );
  });

  it('refuses credentials in the URL without echoing them', () => {
    const problem = fieldError(() =>
      normalizeRegistryUrl('https://bob:hunter2@registry.example.com'),
    );
    expect(problem).toMatchObject({ field: 'url', rule: 'noCredentials' });
    expect(problem.message).not.toContain('hunter2');
  });

  it('refuses paths, queries, fragments, other schemes and non-URLs', () => {
    expect(fieldError(() => normalizeRegistryUrl('https://r.example.com/v2/')).rule).toBe('noPath');
    expect(fieldError(() => normalizeRegistryUrl('https://r.example.com/?a=1')).rule).toBe(
      'noPath',
    );
    expect(fieldError(() => normalizeRegistryUrl('https://r.example.com#x')).rule).toBe('noPath');
    expect(fieldError(() => normalizeRegistryUrl('ftp://r.example.com')).rule).toBe('protocol');
    expect(fieldError(() => normalizeRegistryUrl('registry.example.com')).rule).toBe('isUrl');
  });
});

describe('CA PEM bundles', () => {
  let dir: string;
  let caPem: string;
  let keyPem: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-pem-'));
    const certificates = await createTlsCertificates(dir);
    caPem = certificates.ca.pem;
    keyPem = certificates.key.pem;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts one certificate and a bundle of two', () => {
    expect(checkCaPem(caPem)).toBe(caPem);
    expect(checkCaPem(`${caPem}\n${caPem}`)).toContain('BEGIN CERTIFICATE');
  });

  it('refuses a private key without echoing it, garbage, a broken certificate and stray text', () => {
    const key = fieldError(() => checkCaPem(keyPem));
    expect(key).toMatchObject({ field: 'tls.caPem', rule: 'noPrivateKey' });
    expect(key.message).not.toContain(keyPem.split('\n')[1]);
    expect(fieldError(() => checkCaPem('not a pem')).rule).toBe('pem');
    expect(
      fieldError(() => checkCaPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'))
        .message,
    ).toMatch(/not a valid X.509/);
    expect(fieldError(() => checkCaPem(`${caPem}\nhello`)).message).toMatch(/outside/);
  });
});

describe('credentials', () => {
  it('refuses an empty password and a username with ":"', () => {
    expect(fieldError(() => checkCredentials({ username: 'a', password: '' })).field).toBe(
      'credentials.password',
    );
    expect(fieldError(() => checkCredentials({ username: 'a:b', password: 'x' })).field).toBe(
      'credentials.username',
    );
    expect(() => checkCredentials({ username: 'robot', password: 'x' })).not.toThrow();
  });
});
