import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Value formats that the configuration validates and the libraries using those values share, so
 * a rule is written once. (Config is the bottom of the dependency graph; it imports nothing.)
 */

/** An Airlock API token: `alk_` then at least 32 base64url characters (≥ 192 bits). */
export const API_TOKEN_PATTERN = /^alk_[A-Za-z0-9_-]{32,256}$/;

export const SECRET_KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A 32-byte key written as 64 hex characters or base64 / base64url; undefined when it is neither. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (HEX_KEY.test(value)) return Buffer.from(value, 'hex');
  if (!BASE64_KEY.test(value)) return undefined;
  const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === SECRET_KEY_BYTES ? key : undefined;
}

/** Config rule for AIRLOCK_SECRET_KEY. The message never repeats the value. */
export function IsSecretKey(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSecretKey',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && decodeSecretKey(value) !== undefined,
        defaultMessage: () =>
          `must be ${SECRET_KEY_BYTES} bytes written as 64 hex characters or base64 (generate one: openssl rand -hex 32)`,
      },
    },
    options,
  );
}
