import { Link, useParams } from 'react-router-dom';
import { TERMINAL, usePromotion, usePromotionAction, type Promotion } from '../api/promotions';
import { isRecord } from '../api/problem';
import { Digest } from '../components/Digest';
import { Facts } from '../components/Facts';
import { LiveStatus } from '../components/LiveStatus';
import { Progress } from '../components/Progress';
import { ProblemView } from '../components/ProblemView';
import { QueryState } from '../components/QueryState';
import { RoleButton } from '../components/RoleGate';
import { Status } from '../components/Status';
import { Table } from '../components/Table';
import { Time } from '../components/Time';

/** One promotion, followed live (its event stream, else polled every second) until it ends, with cancel and retry. */
export function PromotionView() {
  const { id = '' } = useParams();
  const promotion = usePromotion(id);
  return (
    <>
      <h1>Promotion</h1>
      <QueryState query={promotion}>{(p) => <PromotionDetail promotion={p} />}</QueryState>
    </>
  );
}

function PromotionDetail({ promotion: p }: { promotion: Promotion }) {
  return (
    <>
      <LiveStatus
        status={p.status}
        testId="promotion-status"
        progress={p.progress}
        progressLabel="Bytes copied, every target registry"
        error={p.error}
      />
      <Facts
        items={[
          ['Digest', <Digest key="d" digest={p.digest} link />],
          [
            'From',
            `${p.source.stage ?? 'no stage'} (${p.source.registry}/${p.source.repository}${p.source.tag ? `:${p.source.tag}` : ''})`,
          ],
          ['To', `${p.target.stage} (${p.target.repository})`],
          ['Tags', p.tags.join(', ') || 'none'],
          ['Requested', <Requested key="r" promotion={p} />],
          ['Finished', <Time key="f" at={p.finishedAt} />],
          ...(p.releaseId
            ? [
                [
                  'Release',
                  <Link key="l" to={`/releases/${p.releaseId}`}>
                    its release
                  </Link>,
                ] as const,
              ]
            : []),
        ]}
      />
      <Targets promotion={p} />
      <Actions promotion={p} />
      <EvidenceList evidence={p.evidence} />
    </>
  );
}

function Requested({ promotion: p }: { promotion: Promotion }) {
  return (
    <>
      <Time at={p.createdAt} /> by {p.requestedBy.name ?? 'unknown'}
    </>
  );
}

function Targets({ promotion: p }: { promotion: Promotion }) {
  return (
    <Table
      caption="Per target registry"
      head={['Registry', 'Status', 'Progress', 'Attempts', 'Error']}
    >
      {p.targets.map((t) => (
        <tr key={t.id}>
          <td>
            {t.registry}
            <br />
            <span className="muted small">{t.repository}</span>
          </td>
          <td>
            <Status value={t.status} />
            {t.stagedAt && <span className="small"> (landed, tags wait for the release)</span>}
          </td>
          <td>
            <Progress progress={t.progress} label={`Bytes copied into ${t.registry}`} />
          </td>
          <td>
            {t.attempts} (run {t.run})
          </td>
          <td>{t.error ? `${t.error.code}: ${t.error.message}` : '—'}</td>
        </tr>
      ))}
    </Table>
  );
}

function Actions({ promotion: p }: { promotion: Promotion }) {
  const act = usePromotionAction(p.id);
  const inRelease = p.releaseId ? 'Part of a release: cancel or retry the release' : null;
  return (
    <>
      <div className="actions">
        <RoleButton
          action="cancel"
          busy={act.isPending}
          blocked={inRelease ?? (TERMINAL.has(p.status) ? `Already ${p.status}` : null)}
          onClick={() => act.mutate('cancel')}
        >
          Cancel
        </RoleButton>
        <RoleButton
          action="retry"
          busy={act.isPending}
          blocked={
            inRelease ??
            (p.status === 'failed' || p.status === 'cancelled'
              ? null
              : 'Only a failed or cancelled promotion can be retried')
          }
          onClick={() => act.mutate('retry')}
        >
          Retry
        </RoleButton>
      </div>
      {act.error && <ProblemView problem={act.error} />}
    </>
  );
}

/** The gate results and approvals that satisfied the policy when it was requested. */
function EvidenceList({ evidence }: { evidence: Promotion['evidence'] }) {
  // A passed approval gate comes both as a gate result and as an approver: say it once.
  const seen = new Set<string>();
  const items = evidence.filter(isRecord).filter((e) => {
    const key = JSON.stringify([e.gate, e.status, e.approval, e.recordedBy ?? e.approver]);
    return !seen.has(key) && seen.add(key);
  });
  if (items.length === 0) return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return (
    <section aria-labelledby="evidence">
      <h2 id="evidence">Evidence</h2>
      <ul>
        {items.map((e, i) => {
          const by = text(e.recordedBy) || text(e.approver);
          return (
            <li key={i}>
              {text(e.gate) || 'gate'} {text(e.status)}
              {e.approval === true ? ' (approval)' : ''}
              {by && ` by ${by}`}
              {text(e.url) && (
                <>
                  {' '}
                  <a href={text(e.url)} rel="noreferrer">
                    evidence<span className="visually-hidden"> for {text(e.gate)}</span>
                  </a>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
