import { lackingOf } from './promotion-runner';

describe('PromotionRunner lackingOf: what a fresh plan found missing in a target', () => {
  const createdAt = new Date('2026-12-02T12:00:00Z');
  const plan = [
    {
      registry: 'prod-eu',
      digest: 'sha256:root',
      alreadyPresent: false,
      blobActions: [
        { digest: 'sha256:a', size: 1, action: 'copy' },
        { digest: 'sha256:b', size: 1, action: 'mount' },
        { digest: 'sha256:c', size: 1, action: 'skip' },
        { digest: 'sha256:d', size: 1, action: 'copy' },
      ],
    },
    {
      registry: 'prod-us',
      digest: 'sha256:root',
      alreadyPresent: true,
      blobActions: [{ digest: 'sha256:e', size: 1, action: 'copy' }],
    },
  ];
  const first = { registry: 'prod-eu', attempts: 1, run: 1 };
  const at = (ms: number) => createdAt.getTime() + ms;

  it("is the plan's copy blobs of this target, and its root if absent, while the plan is fresh, on the first attempt", () => {
    expect([...lackingOf({ plan, createdAt }, first, at(5_000))]).toEqual([
      'sha256:a',
      'sha256:d',
      'sha256:root',
    ]);
    expect([...lackingOf({ plan, createdAt }, { ...first, registry: 'prod-us' }, at(0))]).toEqual([
      'sha256:e',
    ]);
  });

  it('is empty for a stale plan, a later attempt or run, or a target the plan does not name', () => {
    expect(lackingOf({ plan, createdAt }, first, at(60_001)).size).toBe(0);
    expect(lackingOf({ plan, createdAt }, { ...first, attempts: 2 }, at(0)).size).toBe(0);
    expect(lackingOf({ plan, createdAt }, { ...first, run: 2 }, at(0)).size).toBe(0);
    expect(lackingOf({ plan, createdAt }, { ...first, registry: 'elsewhere' }, at(0)).size).toBe(0);
    expect(lackingOf({ plan: [], createdAt }, first, at(0)).size).toBe(0);
  });
});
