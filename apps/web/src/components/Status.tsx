const TONE: Record<string, string> = {
  succeeded: 'ok',
  passed: 'ok',
  archived: 'ok',
  failed: 'bad',
  cancelled: 'bad',
  partial: 'bad',
  queued: 'busy',
  running: 'busy',
  committing: 'busy',
};

/** A status word as the API says it; the colour only repeats what the word says. */
export function Status({ value, testId }: { value: string; testId?: string }) {
  return (
    <strong className={`status ${TONE[value] ?? ''}`} data-testid={testId}>
      {value}
    </strong>
  );
}
