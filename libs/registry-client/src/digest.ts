import { createHash, type Hash } from 'node:crypto';

/** The digest algorithms the client can verify, with the length of their hex encoding. */
const ALGORITHMS = { sha256: 64, sha512: 128 } as const;

export type DigestAlgorithm = keyof typeof ALGORITHMS;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** OCI image-spec digest grammar (`algorithm ":" encoded`), any algorithm. */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** True for anything shaped like a digest; `parseDigest` says whether we can verify it. */
export function looksLikeDigest(reference: string): boolean {
  return DIGEST_GRAMMAR.test(reference);
}

/** A digest this client can verify, or undefined (unknown algorithm, wrong length, upper-case hex). */
export function parseDigest(digest: string): ParsedDigest | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!(algorithm in ALGORITHMS)) return undefined;
  const length = ALGORITHMS[algorithm as DigestAlgorithm];
  return hex.length === length && /^[a-f0-9]+$/.test(hex)
    ? { algorithm: algorithm as DigestAlgorithm, hex }
    : undefined;
}

export function createDigestHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(bytes: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
