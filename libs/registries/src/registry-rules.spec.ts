import { createTlsCertificates } from '@airlock/testing';
import { AirlockError } from '@airlock/errors';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRegistryName, readNewRegistry, readRegistryUpdate } from './registry-rules';

interface Problem {
  field: string;
  rule: string;
  message: string;
}

function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return (error as AirlockError).details.errors as Problem[];
  }
  throw new Error('expected an INVALID_INPUT error');
}

const problemOf = (fn: () => unknown): Problem => problemsOf(fn)[0]!;
const valid = { name: 'ci', url: 'https://registry.example.com', role: 'ci' };
const urlOf = (url: string) => readNewRegistry({ ...valid, url }).url;
const urlProblem = (url: string) => problemOf(() => readRegistryUpdate({ url }));

describe('registry names', () => {
  it('accepts slugs up to 63 characters', () => {
    for (const name of ['a', 'prod-eu', '0ci', 'a'.repeat(63)])
      expect(checkRegistryName(name)).toBe(name);
  });

  it('refuses upper case, a leading dash, other characters and 64 characters, naming the field', () => {
    for (const name of ['Prod', '-prod', 'prod_eu', 'prod.eu', '', 'a'.repeat(64)]) {
      expect(problemOf(() => checkRegistryName(name))).toMatchObject({
        field: 'name',
        rule: 'matches',
      });
    }
    expect(problemOf(() => checkRegistryName(7, 'registry'))).toMatchObject({
      field: 'registry',
      rule: 'type',
    });
  });

  it('accepts the five roles only', () => {
    expect(readNewRegistry({ ...valid, role: 'archive' }).role).toBe('archive');
    const problem = problemOf(() => readRegistryUpdate({ role: 'staging' }));
    expect(problem).toMatchObject({ field: 'role', rule: 'oneOf' });
    expect(problem.message).toMatch(/sandbox, ci, prod, archive, upstream/);
  });

  it('needs name, url and role, and reports every problem and unknown field at once', () => {
    expect(problemsOf(() => readNewRegistry({ colour: 'red' })).map((p) => p.field)).toEqual([
      'name',
      'url',
      'role',
      'colour',
    ]);
  });
});

describe('registry URLs', () => {
  it('keeps the origin and drops a trailing slash', () => {
    expect(urlOf('https://registry.example.com/')).toBe('https://registry.example.com');
    expect(urlOf('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(urlOf('HTTPS://Registry.Example.com:443')).toBe('https://registry.example.com');
    expect(readRegistryUpdate({ url: 'http://r.example.com/' }).url).toBe('http://r.example.com');
    expect(readRegistryUpdate({}).url).toBeUndefined();
  });

  it('refuses credentials in the URL without echoing them', () => {
    const problem = urlProblem('https://bob:hunter2@registry.example.com');
    expect(problem).toMatchObject({ field: 'url', rule: 'url' });
    expect(problem.message).toMatch(/credentials/);
    expect(problem.message).not.toContain('hunter2');
  });

  it('refuses paths, queries, fragments, other schemes, non-URLs and 2049 characters', () => {
    for (const [url, says] of [
      ['https://r.example.com/v2/', /origin only/],
      ['https://r.example.com/?a=1', /origin only/],
      ['https://r.example.com#x', /origin only/],
      ['ftp://r.example.com', /http or https/],
      ['registry.example.com', /absolute/],
    ] as const) {
      const problem = urlProblem(url);
      expect(problem).toMatchObject({ field: 'url', rule: 'url' });
      expect(problem.message).toMatch(says);
    }
    expect(urlProblem(`https://r.example.com/${'a'.repeat(2040)}`).rule).toBe('maxLength');
  });
});

describe('CA PEM bundles', () => {
  let dir: string;
  let caPem: string;
  let keyPem: string;
  const pemProblem = (pem: unknown) => problemOf(() => readRegistryUpdate({ tls: { caPem: pem } }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-pem-'));
    const certificates = await createTlsCertificates(dir);
    caPem = certificates.ca.pem;
    keyPem = certificates.key.pem;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts one certificate, a bundle of two, null and an empty string', () => {
    expect(readRegistryUpdate({ tls: { caPem } }).tls).toEqual({ caPem, insecure: undefined });
    expect(readRegistryUpdate({ tls: { caPem: `${caPem}\n${caPem}` } }).tls?.caPem).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(readRegistryUpdate({ tls: { caPem: null, insecure: true } }).tls).toEqual({
      caPem: null,
      insecure: true,
    });
    expect(readRegistryUpdate({ tls: { caPem: '' } }).tls?.caPem).toBe('');
    expect(readRegistryUpdate({ tls: null }).tls).toBeNull();
  });

  it('refuses a private key without echoing it, garbage, a broken certificate and stray text', () => {
    const key = pemProblem(keyPem);
    expect(key).toMatchObject({ field: 'tls.caPem', rule: 'pem' });
    expect(key.message).toMatch(/private key/);
    expect(key.message).not.toContain(keyPem.split('\n')[1]);
    expect(pemProblem('not a pem').rule).toBe('pem');
    expect(
      pemProblem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----').message,
    ).toMatch(/not a valid X.509/);
    expect(pemProblem(`${caPem}\nhello`).message).toMatch(/outside/);
    expect(pemProblem('x'.repeat(64 * 1024 + 1)).rule).toBe('maxLength');
  });

  it('holds tls to its two fields and their types', () => {
    expect(problemsOf(() => readRegistryUpdate({ tls: { insecure: 'yes', x: 1 } }))).toEqual([
      expect.objectContaining({ field: 'tls.insecure', rule: 'type' }),
      expect.objectContaining({ field: 'tls.x', rule: 'unknownField' }),
    ]);
  });
});

describe('credentials', () => {
  const credentialsProblem = (credentials: unknown) =>
    problemOf(() => readNewRegistry({ ...valid, credentials }));

  it('refuses an empty or missing password and a username that is empty or holds ":"', () => {
    expect(credentialsProblem({ username: 'a', password: '' })).toMatchObject({
      field: 'credentials.password',
      rule: 'minLength',
    });
    expect(credentialsProblem({ username: 'a' })).toMatchObject({
      field: 'credentials.password',
      rule: 'required',
    });
    expect(credentialsProblem({ username: 'a:b', password: 'x' })).toMatchObject({
      field: 'credentials.username',
      rule: 'matches',
    });
    expect(credentialsProblem({ username: '', password: 'x' })).toMatchObject({
      field: 'credentials.username',
      rule: 'minLength',
    });
  });

  it('never puts the password in a message', () => {
    const password = 'hunter2'.repeat(700);
    const problem = credentialsProblem({ username: 'robot', password });
    expect(problem.rule).toBe('maxLength');
    expect(problem.message).not.toContain('hunter2');
  });

  it('takes a username and password, or null to remove them', () => {
    const credentials = { username: 'robot', password: 'x' };
    expect(readNewRegistry({ ...valid, credentials }).credentials).toEqual(credentials);
    expect(readRegistryUpdate({ credentials: null }).credentials).toBeNull();
  });
});
