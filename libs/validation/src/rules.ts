/**
 * Every rule a 400's `errors[].rule` may name: the one vocabulary of the API, listed with its
 * meaning in docs/api-errors.md (rules.spec.ts holds the page to this list, and the e2e tiers
 * hold every answer to it). A feature that needs a new rule adds it here first.
 */
export const FIELD_RULES = {
  // The request as a whole.
  json: 'the body is not valid JSON',
  mediaType: 'the body is not JSON (Content-Type application/json or application/…+json)',
  maxSize:
    'the body is larger than AIRLOCK_HTTP_BODY_LIMIT, or a JSON field than its limit in bytes',
  maxDepth: 'the body nests deeper than 32 levels',
  percentEncoding: 'the path is not percent-encoded UTF-8',
  malformed: 'the request could not be read at all',
  // Any field.
  required: 'the field (or the body) is missing',
  type: 'the value has the wrong JSON type (the message says which it must be)',
  notNull: 'null where the field is not nullable',
  unknownField: 'a field the route does not take',
  noNul: 'a string holds the NUL character (U+0000)',
  unicode: 'a string holds a lone UTF-16 surrogate',
  // Values.
  matches: 'a string does not have the form the message describes',
  minLength: 'a string is shorter than allowed',
  maxLength: 'a string is longer than allowed',
  min: 'a number is below the minimum',
  max: 'a number is above the maximum',
  integer: 'a number is not a whole number',
  oneOf: 'a value is not one of those the message lists',
  minItems: 'a list has fewer items than allowed',
  maxItems: 'a list has more items than allowed',
  uniqueItems: 'a list names the same value twice',
  // Formats.
  uuid: 'not a UUID',
  digest: 'not a digest (sha256:<64 lowercase hex>)',
  repository: 'not an OCI repository name',
  tag: 'not an OCI tag',
  url: 'not an http(s) URL of the form the field takes (the message says which: a scheme, no credentials, no path)',
  regex: 'not a valid regular expression',
  cron: 'not a cron expression',
  semverRange: 'not a semver range',
  cursor: 'not the nextCursor of a previous page',
  dateTime: 'not an ISO 8601 date-time (or date)',
  idempotencyKey: 'an Idempotency-Key that is too long or holds other characters',
  pem: 'not a PEM certificate (or a private key where a certificate belongs)',
  // Between fields, or against what exists.
  exactlyOneOf: 'exactly one of the fields the message names must be given',
  atLeastOneOf: 'at least one of the fields the message names must be given',
  requires: 'the field needs another field the message names',
  exists: 'the value names something that does not exist',
  role: 'the value names a registry whose role the field does not take (the message says which it must have)',
  memberOfSource:
    'the value names a registry that does not serve the source stage (the message lists those that do)',
  reserved: 'the value is kept for Airlock itself (the message says what for)',
} as const;

export type FieldRule = keyof typeof FIELD_RULES;

export const FIELD_RULE_NAMES = Object.keys(FIELD_RULES) as FieldRule[];
