import { useVerifyChain } from '../api/audit';
import { ProblemView } from '../components/ProblemView';

/** Verify the log's hash chain: what a superuser changed past the trigger is named here. */
export function AuditChainCheck() {
  const verify = useVerifyChain();
  const report = verify.data;
  return (
    <section aria-labelledby="audit-chain">
      <h2 id="audit-chain">Integrity</h2>
      <p className="muted">
        Every entry holds the hash of the one before it; a change made past Airlock breaks the chain
        at that entry.
      </p>
      <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? 'Verifying…' : 'Verify the chain'}
      </button>
      {verify.error ? <ProblemView problem={verify.error} /> : null}
      {report && (
        <p role="status" className={report.ok ? undefined : 'notice'}>
          {report.ok
            ? `The chain holds: ${report.checked} entries checked.`
            : `The chain breaks at entry #${report.broken!.seq} (${report.broken!.reason}): ${report.broken!.message}. ${report.checked} entries before it hold.`}{' '}
          Head: <code>{`${report.head.seq}:${report.head.hash}`}</code> — keep it elsewhere to catch
          a rewrite later.
        </p>
      )}
    </section>
  );
}
