import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// EC P-256 throughout: generating it takes milliseconds (RSA 2048 takes ~100 ms per key), TLS
// accepts it, and distribution verifies ES256 token signatures.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = ['-days', '2'];

/** A PEM file on disk and its content. */
export interface PemFile {
  path: string;
  pem: string;
}

export interface TlsCertificates {
  ca: PemFile;
  /** Server certificate for 127.0.0.1 and localhost (SAN), signed by `ca`. */
  cert: PemFile;
  key: PemFile;
}

export interface SigningCertificate {
  /** Self-signed: it is both the JWT `x5c` leaf and the registry's `rootcertbundle`. */
  cert: PemFile;
  key: PemFile;
  algorithm: 'ES256';
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${(error as Error).message}\n${stderr}`);
  }
}

async function pemFile(path: string): Promise<PemFile> {
  return { path, pem: await readFile(path, 'utf8') };
}

function serial(): string {
  return `0x${randomBytes(8).toString('hex')}`;
}

/** A throwaway CA and a server certificate it signed, written into `dir`. */
export async function createTlsCertificates(dir: string): Promise<TlsCertificates> {
  const [caKey, caCrt] = [join(dir, 'ca.key'), join(dir, 'ca.crt')];
  const [key, csr, crt, ext] = ['server.key', 'server.csr', 'server.crt', 'server.ext'].map((f) =>
    join(dir, f),
  );
  await openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    caKey,
    '-out',
    caCrt,
    ...DAYS,
    '-subj',
    '/CN=Airlock Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl(['req', '-new', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  await writeFile(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ].join('\n'),
  );
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCrt,
    '-CAkey',
    caKey,
    '-set_serial',
    serial(),
    ...DAYS,
    '-extfile',
    ext,
    '-out',
    crt,
  ]);
  return { ca: await pemFile(caCrt), cert: await pemFile(crt), key: await pemFile(key) };
}

/** A self-signed key pair for signing registry bearer tokens, written into `dir`. */
export async function createTokenSigningCertificate(dir: string): Promise<SigningCertificate> {
  const [key, crt] = [join(dir, 'token-signing.key'), join(dir, 'token-signing.crt')];
  await openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    key,
    '-out',
    crt,
    ...DAYS,
    '-subj',
    '/CN=Airlock Test Token Signer',
  ]);
  return { cert: await pemFile(crt), key: await pemFile(key), algorithm: 'ES256' };
}
