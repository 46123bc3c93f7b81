import { TERMINAL } from '../api/promotions';
import { Progress } from './Progress';
import { Status } from './Status';

/**
 * The head of a page followed live (a promotion, a release): its status word, that it updates
 * until it ends, its bytes, and its error when it failed.
 */
export function LiveStatus({
  status,
  testId,
  progress,
  progressLabel,
  error,
}: {
  status: string;
  testId: string;
  progress: Parameters<typeof Progress>[0]['progress'];
  progressLabel: string;
  error: { code: string; message: string } | null;
}) {
  return (
    <>
      <p className="lead">
        Status: <Status value={status} testId={testId} />
        {!TERMINAL.has(status) && <span className="muted"> (updating every second)</span>}
      </p>
      <Progress progress={progress} label={progressLabel} />
      {error && (
        <div role="alert" className="problem">
          <p className="problem-title">{error.code}</p>
          <p>{error.message}</p>
        </div>
      )}
    </>
  );
}
