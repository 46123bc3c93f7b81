import { Link, useParams } from 'react-router-dom';
import { useRelease, useReleaseAction, type Release } from '../api/releases';
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

/** One release, followed live until it ends: each item's status and progress; cancel, retry. */
export function ReleaseView() {
  const { id = '' } = useParams();
  const release = useRelease(id);
  return (
    <>
      <h1>Release{release.data?.name ? ` ${release.data.name}` : ''}</h1>
      <QueryState query={release}>{(r) => <ReleaseDetail release={r} />}</QueryState>
    </>
  );
}

function ReleaseDetail({ release: r }: { release: Release }) {
  return (
    <>
      <LiveStatus
        status={r.status}
        testId="release-status"
        progress={r.progress}
        progressLabel="Bytes copied, every item"
        error={r.error}
      />
      <Facts
        items={[
          ['From → to', `${r.source.stage} → ${r.target.stage}`],
          ['Landed', `${r.staged.done} of ${r.staged.total} targets (item × registry)`],
          ['Run', String(r.run)],
          ['Requested', <Time key="c" at={r.createdAt} />],
          ['By', r.requestedBy.name ?? 'unknown'],
          ['Finished', <Time key="f" at={r.finishedAt} />],
          [
            'Tags written',
            r.tagsLanded.map((t) => `${t.registry}/${t.repository}:${t.tag}`).join(', ') ||
              'none yet',
          ],
        ]}
      />
      <Items release={r} />
      <Actions release={r} />
    </>
  );
}

function Items({ release: r }: { release: Release }) {
  return (
    <Table
      caption="Items, in request order"
      head={['Item', 'Digest', 'Status', 'Progress', 'Targets']}
    >
      {r.items.map((item) => (
        <tr key={item.id}>
          <td>
            <Link to={`/promotions/${item.id}`}>{item.target.repository}</Link>
            {item.tags.length > 0 && (
              <span className="muted small"> as {item.tags.join(', ')}</span>
            )}
          </td>
          <td>
            <Digest digest={item.digest} link />
          </td>
          <td>
            <Status value={item.status} />
          </td>
          <td>
            <Progress progress={item.progress} label={`Bytes copied, ${item.target.repository}`} />
          </td>
          <td>
            {item.targets
              .map(
                (t) =>
                  `${t.registry}: ${t.status}${t.stagedAt ? ' (landed)' : ''}${t.error ? ` — ${t.error.code}` : ''}`,
              )
              .join('; ')}
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Actions({ release: r }: { release: Release }) {
  const act = useReleaseAction(r.id);
  return (
    <>
      <div className="actions">
        <RoleButton
          action="cancel"
          busy={act.isPending}
          blocked={
            r.status === 'running'
              ? null
              : r.status === 'committing'
                ? 'Its tags are being written: it can no longer be cancelled'
                : `Already ${r.status}`
          }
          onClick={() => act.mutate('cancel')}
        >
          Cancel
        </RoleButton>
        <RoleButton
          action="retry"
          busy={act.isPending}
          blocked={
            r.status === 'failed' || r.status === 'cancelled'
              ? null
              : 'Only a failed or cancelled release can be retried'
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
