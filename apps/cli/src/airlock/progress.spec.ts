import {
  describeFailure,
  formatBytes,
  formatProgress,
  ProgressPrinter,
  type PromotionProgress,
} from './progress';

function promotion(overrides: Partial<PromotionProgress> = {}): PromotionProgress {
  return {
    id: 'p-1',
    status: 'running',
    digest: `sha256:${'b'.repeat(64)}`,
    target: { stage: 'prod', repository: 'team/app' },
    tags: ['1.0.0'],
    progress: { bytesDone: 1536, bytesTotal: 3 * 1024 * 1024, blobsDone: 1, blobsTotal: 4 },
    targets: [
      {
        registry: 'prod-eu',
        status: 'running',
        progress: { bytesDone: 1536, bytesTotal: 3 * 1024 * 1024, blobsDone: 1, blobsTotal: 4 },
        error: null,
      },
    ],
    error: null,
    ...overrides,
  };
}

class Sink {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(text: string): void {
    this.text += text;
  }
}

describe('progress formatting', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });

  it('shows status, bytes, percent and blobs; each target when there are several', () => {
    expect(formatProgress(promotion())).toBe('running  1.5 KiB / 3.0 MiB (0%)  blobs 1/4');
    const two = promotion({
      status: 'queued',
      progress: { bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0 },
      targets: [
        { ...promotion().targets[0]!, status: 'succeeded' },
        { ...promotion().targets[0]!, registry: 'prod-us', status: 'queued' },
      ],
    });
    expect(formatProgress(two)).toBe(
      'queued  0 B / 0 B  blobs 0/0  [prod-eu succeeded, prod-us queued]',
    );
  });

  it('explains a failure with the promotion error and each failed target', () => {
    const failed = promotion({
      status: 'failed',
      error: { code: 'REGISTRY_AUTH_FAILED', message: 'bad credentials' },
      targets: [
        {
          ...promotion().targets[0]!,
          status: 'failed',
          error: { code: 'REGISTRY_AUTH_FAILED', message: 'bad credentials for locked' },
        },
      ],
    });
    expect(describeFailure(failed)).toEqual([
      'error: promotion p-1 failed: REGISTRY_AUTH_FAILED: bad credentials',
      '  - prod-eu: REGISTRY_AUTH_FAILED: bad credentials for locked',
    ]);
    const quoting = {
      ...failed,
      error: { code: 'X', message: 'prod-eu: bad credentials for locked' },
    };
    expect(describeFailure(quoting)).toEqual([
      'error: promotion p-1 failed: X: prod-eu: bad credentials for locked',
    ]);
  });
});

describe('ProgressPrinter', () => {
  it('on a TTY rewrites one line in place and ends it once', () => {
    const sink = new Sink(true);
    const printer = new ProgressPrinter(sink);
    printer.update(promotion({ status: 'queued' }));
    printer.update(promotion({ status: 'queued' }));
    printer.update(promotion());
    printer.finish();
    expect(sink.text).toBe(
      '\rqueued  1.5 KiB / 3.0 MiB (0%)  blobs 1/4\x1b[K' +
        '\rrunning  1.5 KiB / 3.0 MiB (0%)  blobs 1/4\x1b[K\n',
    );
  });

  it('without a TTY prints status changes at once and other changes at most every 5 s', () => {
    const sink = new Sink(false);
    let now = 0;
    const printer = new ProgressPrinter(sink, () => now);
    const at = (bytesDone: number, status: PromotionProgress['status'] = 'running') =>
      promotion({ status, progress: { bytesDone, bytesTotal: 4096, blobsDone: 0, blobsTotal: 2 } });
    printer.update(at(0, 'queued')); // printed: first
    now = 1000;
    printer.update(at(0)); // printed: status changed
    now = 2000;
    printer.update(at(1024)); // too soon
    now = 6000;
    printer.update(at(1024)); // unchanged since 2 s, but differs from the printed line: due now
    now = 7000;
    printer.update(at(2048)); // too soon
    now = 7500;
    printer.update(at(4096, 'succeeded')); // printed: status changed
    printer.finish(); // nothing to end
    expect(sink.text.split('\n').filter(Boolean)).toEqual([
      'queued  0 B / 4.0 KiB (0%)  blobs 0/2',
      'running  0 B / 4.0 KiB (0%)  blobs 0/2',
      'running  1.0 KiB / 4.0 KiB (25%)  blobs 0/2',
      'succeeded  4.0 KiB / 4.0 KiB (100%)  blobs 0/2',
    ]);
  });
});
