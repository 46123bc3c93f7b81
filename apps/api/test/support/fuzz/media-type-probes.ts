import fc from 'fast-check';
import { deflateSync, gzipSync } from 'node:zlib';
import type { Demands } from './answer-oracle';
import type { Expectation } from './body-mutations';
import type { FuzzWorld } from './fuzz-world';
import { toJsonText } from './json-text';
import type { WriteOperation } from './openapi-operations';
import { knownPath, validBody, type Probe } from './probes';
import type { Framing } from './raw-request';

const JSON_TYPE = 'application/json';
const unsupported: Expectation = {
  status: 415,
  code: 'UNSUPPORTED_MEDIA_TYPE',
  field: 'body',
  rule: 'mediaType',
};
const malformed: Expectation = { status: 400, code: 'INVALID_INPUT', field: 'body', rule: 'json' };
const noBody: Expectation = { status: 400, code: 'INVALID_INPUT', field: 'body', rule: 'required' };

const MEDIA_TYPES = [
  JSON_TYPE,
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/problem+json',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'text/plain',
  'text/json',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'application/+json',
  'application/json, text/plain',
  'json',
  '',
  '*/*',
  'application/*',
  undefined,
];

const PAYLOADS: Record<string, (valid: string) => Buffer> = {
  json: (valid) => Buffer.from(valid),
  form: () => Buffer.from('comment=ship+it&gate=approval&__proto__[admin]=1'),
  xml: () => Buffer.from('<?xml version="1.0"?><policy><requiredGates/></policy>'),
  multipart: () =>
    Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'),
  utf16: (valid) => Buffer.from(`\ufeff${valid}`, 'utf16le'),
  invalidUtf8: (valid) =>
    Buffer.concat([
      Buffer.from(valid.replace(/}$/, valid === '{}' ? '' : ',')),
      Buffer.from('"k":"\xff\xfe\xc0\xaf"}', 'latin1'),
    ]),
  malformed: (valid) => Buffer.from(valid.slice(0, -1)),
  empty: () => Buffer.alloc(0),
};

/** The documented rule: `application/json` or `application/…+json`, any case, any parameters. */
function isJsonType(type: string | undefined): boolean {
  const essence = type?.split(';')[0]!.trim().toLowerCase();
  return essence === JSON_TYPE || /^application\/[^/\s,]+\+json$/.test(essence ?? '');
}

/** Content-Encodings: the body as it is, compressed, claimed compressed, and a bomb. */
const ENCODINGS: Record<string, Encoding | undefined> = {
  none: undefined,
  gzip: { header: 'gzip', encode: (bytes) => gzipSync(bytes) },
  deflate: { header: 'deflate', encode: (bytes) => deflateSync(bytes) },
  notGzip: { header: 'gzip', encode: (bytes) => bytes, refuse: 'the body is not gzip' },
  unknown: { header: 'x-snappy', encode: (bytes) => bytes, refuse: 'an unknown Content-Encoding' },
  bomb: {
    header: 'gzip',
    encode: (bytes) => Buffer.concat([gzipSync(bytes), spaces()]),
    refuse: 'it inflates past the body limit',
  },
};

let spacesGzip: Buffer | undefined;

/**
 * A second gzip member of 32 MiB of spaces in 32 KiB (JSON may end in whitespace): what counts
 * against the body limit is what the body inflates to. Compressed once.
 */
function spaces(): Buffer {
  spacesGzip ??= gzipSync(Buffer.alloc(32 << 20, 0x20));
  return spacesGzip;
}

interface Encoding {
  header: string;
  encode: (bytes: Buffer) => Buffer;
  refuse?: string;
}

/** Every kind of body under every Content-Type and Content-Encoding, framed by length or chunked. */
export function mediaTypeProbes(op: WriteOperation, world: FuzzWorld): fc.Arbitrary<Probe> {
  return fc
    .record({
      body: validBody(op, world),
      payload: fc.constantFrom(...Object.keys(PAYLOADS)),
      type: fc.constantFrom(...MEDIA_TYPES),
      encoding: fc.oneof(
        { weight: 3, arbitrary: fc.constant('none') },
        fc.constantFrom(...Object.keys(ENCODINGS)),
      ),
      framing: fc.constantFrom<Framing>('length', 'chunked'),
      path: knownPath(op, world),
    })
    .map(({ body, payload, type, encoding, framing, path }) => {
      const plain = PAYLOADS[payload]!(toJsonText(body ?? {}));
      const coding = plain.length > 0 ? ENCODINGS[encoding] : undefined;
      const headers: Record<string, string> = { authorization: `Bearer ${world.tokens.admin}` };
      if (type !== undefined) headers['content-type'] = type;
      if (coding) headers['content-encoding'] = coding.header;
      const bytes = coding ? coding.encode(plain) : plain;
      const demands = mediaTypeDemands(op, payload, type, framing);
      return {
        note: `${payload} body as ${JSON.stringify(type ?? 'no Content-Type')}${coding ? `, ${encoding} (${coding.header})` : ''}, ${framing}`,
        request: { method: op.method, path, headers, body: bytes, framing },
        demands: coding?.refuse ? encodedDemands(demands, coding.refuse) : demands,
      };
    });
}

/**
 * A body that cannot be decoded is refused, but what for depends on which check comes first;
 * only the media type is known to be checked before any byte is read.
 */
function encodedDemands(demands: Demands, refuse: string): Demands {
  const mustRefuse = demands.mustRefuse ?? refuse;
  return demands.expect === unsupported ? { mustRefuse, expect: unsupported } : { mustRefuse };
}

function mediaTypeDemands(
  op: WriteOperation,
  payload: string,
  type: string | undefined,
  framing: Framing,
): Demands {
  const charset = /charset=([^;]+)/i
    .exec(type ?? '')?.[1]
    ?.trim()
    .toLowerCase();
  const foreignCharset = charset !== undefined && !charset.startsWith('utf');
  if (payload === 'empty') {
    if (!op.bodyRequired) return {};
    // Content-Length: 0 is no body (RFC 9110 §6.4.1); a chunked empty body is none either, though
    // what it is announced as (not JSON, another charset) may be refused first.
    if (framing === 'length' || (isJsonType(type) && !foreignCharset))
      return { mustRefuse: 'the route needs a body', expect: noBody };
    return { mustRefuse: 'the route needs a body' };
  }
  if (!isJsonType(type)) return { mustRefuse: 'only JSON bodies are read', expect: unsupported };
  if (foreignCharset) return { mustRefuse: `charset ${charset} is not JSON's` };
  if (['form', 'xml', 'multipart', 'malformed'].includes(payload) && charset !== 'utf-16')
    return { mustRefuse: 'the body is not JSON', expect: malformed };
  return {};
}
