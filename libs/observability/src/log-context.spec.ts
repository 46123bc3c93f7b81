import { currentLogContext, withLogContext } from './log-context';

describe('log context', () => {
  it('nests, survives awaits, and ends with its scope', async () => {
    expect(currentLogContext()).toEqual({});
    await withLogContext({ requestId: 'r1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await withLogContext({ jobId: 'j1' }, async () => {
        await Promise.resolve();
        expect(currentLogContext()).toEqual({ requestId: 'r1', jobId: 'j1' });
      });
      expect(currentLogContext()).toEqual({ requestId: 'r1' });
    });
    expect(currentLogContext()).toEqual({});
  });
});
