import type { CopyProgress } from '@airlock/copy';
import type { PromotionStatus, TargetProgress } from './promotion.repository';
import { ProgressWriter, type ProgressClock, type ProgressSink } from './progress-writer';

const INTERVAL = 1000;

/** Time that moves only when told; the timer ticks only when the test says so. */
class ManualClock implements ProgressClock {
  time = 0;
  private ticks: Array<() => void> = [];
  stopped = 0;

  now(): number {
    return this.time;
  }

  every(ms: number, tick: () => void): () => void {
    expect(ms).toBe(INTERVAL);
    this.ticks.push(tick);
    return () => {
      this.ticks = this.ticks.filter((t) => t !== tick);
      this.stopped++;
    };
  }

  /** Moves time on by one interval and fires the timer, as setInterval would. */
  tick(): void {
    this.time += INTERVAL;
    for (const tick of this.ticks) tick();
  }
}

/** The target's heartbeat: each write recorded, answering the status the test sets. */
class FakeSink implements ProgressSink {
  readonly writes: Array<TargetProgress | undefined> = [];
  status: PromotionStatus | null = 'running';
  failing = false;

  async recordProgress(_id: string, progress?: TargetProgress): Promise<PromotionStatus | null> {
    this.writes.push(progress);
    if (this.failing) throw new Error('database unavailable');
    return this.status;
  }
}

function progress(blobsDone: number): CopyProgress {
  return {
    bytesDone: blobsDone * 10,
    bytesTotal: 40,
    blobsDone,
    blobsTotal: 4,
    copied: blobsDone,
    mounted: 0,
    skipped: 0,
  };
}

function setup() {
  const clock = new ManualClock();
  const sink = new FakeSink();
  const cancel = new AbortController();
  const writer = new ProgressWriter(sink, 'target-1', cancel, clock, INTERVAL);
  return { clock, sink, cancel, writer };
}

/** Lets the writes under way reach the sink. */
const writesDone = () => new Promise((resolve) => setImmediate(resolve));

describe('ProgressWriter', () => {
  it('writes nothing in the first interval, then at most once per interval', async () => {
    const { clock, sink, writer } = setup();
    writer.update(progress(1));
    clock.time += INTERVAL - 1;
    writer.update(progress(2));
    await writesDone();
    // A copy that ends here has written no progress: its landing records it complete.
    expect(sink.writes).toEqual([]);
    clock.time += 1;
    writer.update(progress(3));
    writer.update(progress(4));
    await writesDone();
    expect(sink.writes.map((w) => w?.blobsDone)).toEqual([3]);
    clock.time += INTERVAL;
    writer.update(progress(5));
    await writesDone();
    expect(sink.writes.map((w) => w?.blobsDone)).toEqual([3, 5]);
  });

  it('is a heartbeat: the timer writes even when the copy reported nothing new', async () => {
    const { clock, sink } = setup();
    clock.tick();
    await writesDone();
    expect(sink.writes).toEqual([undefined]);
    clock.tick();
    await writesDone();
    expect(sink.writes).toHaveLength(2);
  });

  it('writes the latest progress when its interval is up, and waits for the write before', async () => {
    const { clock, sink, writer } = setup();
    clock.time += INTERVAL;
    writer.update(progress(1));
    writer.update(progress(2));
    clock.tick();
    await writesDone();
    expect(sink.writes.map((w) => w?.blobsDone)).toEqual([1, 2]);
  });

  it('a write that finds the target cancelled aborts the copy, once', async () => {
    const { clock, sink, cancel } = setup();
    sink.status = 'cancelled';
    clock.tick();
    clock.tick();
    await writesDone();
    expect(cancel.signal.aborted).toBe(true);
    expect((cancel.signal.reason as { code: string }).code).toBe('CANCELLED');
  });

  it('a target gone (null) aborts too; a failed write does not', async () => {
    const gone = setup();
    gone.sink.status = null;
    gone.clock.tick();
    await writesDone();
    expect(gone.cancel.signal.aborted).toBe(true);

    const failing = setup();
    failing.sink.failing = true;
    failing.clock.tick();
    failing.clock.tick();
    await writesDone();
    expect(failing.sink.writes).toHaveLength(2);
    expect(failing.cancel.signal.aborted).toBe(false);
  });

  it('stop ends the heartbeat', async () => {
    const { clock, sink, writer } = setup();
    writer.stop();
    clock.tick();
    await writesDone();
    expect(clock.stopped).toBe(1);
    expect(sink.writes).toEqual([]);
  });
});
