import { mapLimit } from './map-limit';
import { RegistryLimiter } from './registry-limiter';
import { Semaphore } from './semaphore';

const tick = () => new Promise((r) => setImmediate(r));

/** Runs `n` tasks through `run`, each holding its slot until released; reports peak concurrency. */
async function peakOf(n: number, run: (task: () => Promise<void>) => Promise<void>) {
  let active = 0;
  let peak = 0;
  let done = 0;
  const releases: Array<() => void> = [];
  const all = Array.from({ length: n }, () =>
    run(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise<void>((release) => releases.push(release));
      active--;
      done++;
    }),
  );
  // Release one holder at a time, letting waiters take the freed slot in between.
  while (done < n) {
    await tick();
    releases.shift()?.();
  }
  await Promise.all(all);
  return peak;
}

describe('Semaphore', () => {
  it('never lets more than its limit run', async () => {
    const semaphore = new Semaphore(3);
    expect(await peakOf(10, (task) => semaphore.run(task))).toBe(3);
  });

  it('releases its slot when a task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('RegistryLimiter', () => {
  it('caps transfers per registry origin across independent copies', async () => {
    const limiter = new RegistryLimiter(2);
    const peak = await peakOf(8, (task) => limiter.run(['http://a', 'http://b'], task));
    expect(peak).toBe(2);
  });

  it('lets copies between different registries run side by side', async () => {
    const limiter = new RegistryLimiter(1);
    const started: string[] = [];
    let release!: () => void;
    const held = limiter.run(['http://a'], async () => {
      started.push('a');
      await new Promise<void>((r) => (release = r));
    });
    await limiter.run(['http://b'], async () => void started.push('b'));
    expect(started).toEqual(['a', 'b']);
    release();
    await held;
  });

  it('does not deadlock two copies in opposite directions', async () => {
    const limiter = new RegistryLimiter(1);
    const results = await Promise.all([
      limiter.run(['http://a', 'http://b'], async () => 'a→b'),
      limiter.run(['http://b', 'http://a'], async () => 'b→a'),
    ]);
    expect(results).toEqual(['a→b', 'b→a']);
  });
});

describe('mapLimit', () => {
  it('keeps result order and bounds concurrency', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('starts nothing new after a failure and waits for running items before rejecting', async () => {
    const started: number[] = [];
    let finishedAfterFailure = false;
    const running = mapLimit([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('first fails');
      await new Promise((r) => setTimeout(r, 20));
      finishedAfterFailure = true;
    });
    await expect(running).rejects.toThrow('first fails');
    expect(finishedAfterFailure).toBe(true);
    expect(started).toEqual([1, 2]);
  });
});
