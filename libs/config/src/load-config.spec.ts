import { ConfigError } from './config.errors';
import { configVariables, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives defaults that work on a single machine', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/airlock');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.httpPort).toBe(8080);
    expect(config.migrateOnStart).toBe(true);
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ AIRLOCK_HTTP_PORT: '9000', AIRLOCK_MIGRATE_ON_START: 'false' });
    expect(config.httpPort).toBe(9000);
    expect(config.migrateOnStart).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ AIRLOCK_HTTP_PORT: ' ' }).httpPort).toBe(8080);
  });

  it('names the variable and the rule when a value is bad', () => {
    expect(() => loadConfig({ AIRLOCK_HTTP_PORT: 'eighty' })).toThrow(
      /AIRLOCK_HTTP_PORT: .*integer/,
    );
    expect(() => loadConfig({ AIRLOCK_MIGRATE_ON_START: 'maybe' })).toThrow(
      /AIRLOCK_MIGRATE_ON_START: .*boolean/,
    );
    expect(() => loadConfig({ AIRLOCK_DATABASE_URL: 'mysql://x/y' })).toThrow(
      /AIRLOCK_DATABASE_URL: must be postgres:\/\//,
    );
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ AIRLOCK_HTTP_PORT: '70000', AIRLOCK_LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
      expect(variables).toEqual(['AIRLOCK_HTTP_PORT', 'AIRLOCK_LOG_LEVEL']);
    }
  });

  it('refuses an unknown AIRLOCK_ variable (a typo must not fall back to a default)', () => {
    expect(() => loadConfig({ AIRLOCK_HTTP_PROT: '1' })).toThrow(
      /AIRLOCK_HTTP_PROT: is not a known/,
    );
  });

  it('lists every variable it reads', () => {
    expect(configVariables()).toEqual(
      expect.arrayContaining(['AIRLOCK_HTTP_PORT', 'AIRLOCK_DATABASE_URL', 'AIRLOCK_REDIS_URL']),
    );
  });

  it('accepts AIRLOCK_SECRET_KEY as 64 hex characters or base64 of 32 bytes', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ AIRLOCK_SECRET_KEY: key.toString('hex') }).secretKey).toBe(
      key.toString('hex'),
    );
    expect(loadConfig({ AIRLOCK_SECRET_KEY: key.toString('base64') }).secretKey).toBe(
      key.toString('base64'),
    );
    expect(loadConfig({}).secretKey).toBeUndefined();
  });

  it('refuses a secret key of the wrong length, saying the rule but not the value', () => {
    for (const value of [
      'abcd',
      'f'.repeat(62),
      Buffer.alloc(16).toString('base64'),
      Buffer.alloc(33).toString('base64'),
    ]) {
      try {
        loadConfig({ AIRLOCK_SECRET_KEY: value });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect((error as Error).message).toMatch(
          /AIRLOCK_SECRET_KEY: must be 32 bytes written as 64 hex characters or base64/,
        );
        expect((error as Error).message).not.toContain(value);
      }
    }
  });

  it('accepts an AIRLOCK_ADMIN_TOKEN that looks like a token and refuses a short or foreign one', () => {
    const token = `alk_${'A'.repeat(43)}`;
    expect(loadConfig({ AIRLOCK_ADMIN_TOKEN: token }).adminToken).toBe(token);
    expect(() => loadConfig({ AIRLOCK_ADMIN_TOKEN: 'alk_short' })).toThrow(
      /AIRLOCK_ADMIN_TOKEN: must look like an Airlock token/,
    );
    expect(() => loadConfig({ AIRLOCK_ADMIN_TOKEN: 'x'.repeat(50) })).toThrow(
      /AIRLOCK_ADMIN_TOKEN: must look like/,
    );
  });
});
