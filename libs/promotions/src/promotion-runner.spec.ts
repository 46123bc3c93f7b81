import { rootAbsentIn } from './promotion-runner';

describe('PromotionRunner rootAbsentIn: a fresh plan found the target without the root', () => {
  const createdAt = new Date('2026-12-02T12:00:00Z');
  const plan = [
    { registry: 'prod-eu', digest: 'sha256:root', alreadyPresent: false },
    { registry: 'prod-us', digest: 'sha256:root', alreadyPresent: true },
  ];
  const first = { registry: 'prod-eu', attempts: 1, run: 1 };
  const at = (ms: number) => createdAt.getTime() + ms;

  it("is the plan's word for this target while the plan is fresh, on the first attempt", () => {
    expect(rootAbsentIn({ plan, createdAt }, first, at(5_000))).toBe(true);
    expect(rootAbsentIn({ plan, createdAt }, first, at(60_000))).toBe(true);
    expect(rootAbsentIn({ plan, createdAt }, { ...first, registry: 'prod-us' }, at(0))).toBe(false);
  });

  it('is false for a stale plan, a later attempt or run, or a target the plan does not name', () => {
    expect(rootAbsentIn({ plan, createdAt }, first, at(60_001))).toBe(false);
    expect(rootAbsentIn({ plan, createdAt }, { ...first, attempts: 2 }, at(0))).toBe(false);
    expect(rootAbsentIn({ plan, createdAt }, { ...first, run: 2 }, at(0))).toBe(false);
    expect(rootAbsentIn({ plan, createdAt }, { ...first, registry: 'elsewhere' }, at(0))).toBe(
      false,
    );
    expect(rootAbsentIn({ plan: [], createdAt }, first, at(0))).toBe(false);
  });
});
