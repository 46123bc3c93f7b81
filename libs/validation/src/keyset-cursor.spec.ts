import { AirlockError } from '@airlock/errors';
import { decodeCursor, encodeCursor, isPossibleStamp } from './keyset-cursor';

const ID = '0b7c2a9e-6f0e-4d55-9d62-3b1f8f0a8c11';
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips what Postgres prints', () => {
    for (const key of [
      '2026-11-22 07:05:21.123456+00',
      '2026-11-22 07:05:21+00',
      '2024-02-29 23:59:59.5-05:30',
      '0001-01-01 00:00:00+00',
    ])
      expect(decodeCursor(encodeCursor(key, ID))).toEqual({ createdAtKey: key, id: ID });
  });

  it.each([
    ['garbage', 'garbage'],
    ['not a pair', cursorOf(['x', 'y'])],
    ['an object', cursorOf({})],
    ['month 13', cursorOf(['2026-13-01 00:00:00+00', ID])],
    ['month 0', cursorOf(['2026-00-10 00:00:00+00', ID])],
    ['30 February', cursorOf(['2026-02-30 00:00:00+00', ID])],
    ['29 February of a common year', cursorOf(['2025-02-29 00:00:00+00', ID])],
    ['31 April', cursorOf(['2026-04-31 00:00:00+00', ID])],
    ['year 0000', cursorOf(['0000-01-01 00:00:00+00', ID])],
    ['hour 24', cursorOf(['2026-01-01 24:00:00+00', ID])],
    ['minute 60', cursorOf(['2026-01-01 10:60:00+00', ID])],
    ['second 60', cursorOf(['2026-01-01 10:00:60+00', ID])],
    ['offset +16', cursorOf(['2026-01-01 10:00:00+16', ID])],
    ['not a uuid', cursorOf(['2026-01-01 10:00:00+00', 'x'])],
  ])('refuses %s with a 400 naming the cursor', (_, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AirlockError);
    expect((thrown as AirlockError).code).toBe('INVALID_INPUT');
    expect((thrown as AirlockError).details.errors).toEqual([
      {
        field: 'cursor',
        rule: 'cursor',
        message: 'cursor must be the nextCursor of a previous page',
      },
    ]);
  });

  it('knows leap years as the Gregorian calendar does', () => {
    expect(isPossibleStamp('2000-02-29 00:00:00+00')).toBe(true);
    expect(isPossibleStamp('1900-02-29 00:00:00+00')).toBe(false);
    expect(isPossibleStamp('0004-02-29 00:00:00+00')).toBe(true);
  });
});
