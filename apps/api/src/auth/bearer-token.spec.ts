import { AirlockError } from '@airlock/errors';
import { bearerTokenOf } from './bearer-token';

function reasonOf(header: string | undefined): unknown {
  try {
    bearerTokenOf(header);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('UNAUTHENTICATED');
    return (error as AirlockError).details.reason;
  }
}

describe('bearerTokenOf', () => {
  it('takes the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerTokenOf('Bearer alk_abc')).toBe('alk_abc');
    expect(bearerTokenOf('bearer   alk_abc ')).toBe('alk_abc');
  });

  it('tells a missing header from a malformed one', () => {
    expect(reasonOf(undefined)).toBe('missingToken');
    expect(reasonOf('  ')).toBe('missingToken');
    expect(reasonOf('Basic dXNlcjpwdw==')).toBe('malformedHeader');
    expect(reasonOf('Bearer')).toBe('malformedHeader');
    expect(reasonOf('Bearer a b')).toBe('malformedHeader');
    expect(reasonOf('alk_abc')).toBe('malformedHeader');
  });
});
