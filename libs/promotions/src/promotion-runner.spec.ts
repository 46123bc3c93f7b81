import { freshPlanFacts } from './promotion-runner';

describe('PromotionRunner freshPlanFacts: what a fresh plan found in the target', () => {
  const createdAt = new Date('2026-12-02T12:00:00Z');
  const plan = [
    { registry: 'prod-eu', digest: 'sha256:root', alreadyPresent: false, tagCollisions: [] },
    {
      registry: 'prod-us',
      digest: 'sha256:root',
      alreadyPresent: true,
      tagCollisions: [{ tag: '1.0', currentDigest: 'sha256:other' }],
    },
  ];
  const first = { registry: 'prod-eu', attempts: 1, run: 1 };
  const at = (ms: number) => createdAt.getTime() + ms;

  it("is the plan's word for this target while the plan is fresh, on the first attempt", () => {
    expect(freshPlanFacts({ plan, createdAt }, first, at(5_000)).rootAbsent).toBe(true);
    expect(freshPlanFacts({ plan, createdAt }, first, at(60_000)).rootAbsent).toBe(true);
    expect(
      freshPlanFacts({ plan, createdAt }, { ...first, registry: 'prod-us' }, at(0)).rootAbsent,
    ).toBe(false);
  });

  it('is false for a stale plan, a later attempt or run, or a target the plan does not name', () => {
    expect(freshPlanFacts({ plan, createdAt }, first, at(60_001)).rootAbsent).toBe(false);
    expect(freshPlanFacts({ plan, createdAt }, { ...first, attempts: 2 }, at(0)).rootAbsent).toBe(
      false,
    );
    expect(freshPlanFacts({ plan, createdAt }, { ...first, run: 2 }, at(0)).rootAbsent).toBe(false);
    expect(freshPlanFacts({ plan, createdAt }, { ...first, registry: 'elsewhere' }, at(0))).toEqual(
      { rootAbsent: false, tagsFree: false },
    );
    expect(freshPlanFacts({ plan: [], createdAt }, first, at(0)).rootAbsent).toBe(false);
  });

  it('says the tags are free only when the fresh plan found none of them taken', () => {
    expect(freshPlanFacts({ plan, createdAt }, first, at(0)).tagsFree).toBe(true);
    expect(freshPlanFacts({ plan, createdAt }, { ...first, registry: 'prod-us' }, at(0))).toEqual({
      rootAbsent: false,
      tagsFree: false,
    });
    expect(freshPlanFacts({ plan, createdAt }, first, at(60_001)).tagsFree).toBe(false);
    expect(freshPlanFacts({ plan, createdAt }, { ...first, attempts: 2 }, at(0)).tagsFree).toBe(
      false,
    );
    // A plan stored before plans carried their tag collisions says nothing about the tags.
    const older = [{ registry: 'prod-eu', digest: 'sha256:root', alreadyPresent: false }];
    expect(freshPlanFacts({ plan: older, createdAt }, first, at(0))).toEqual({
      rootAbsent: true,
      tagsFree: false,
    });
  });
});
