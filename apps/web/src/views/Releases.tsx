import { Link } from 'react-router-dom';
import { useReleases } from '../api/releases';
import { Pager, usePager } from '../components/Pager';
import { Progress } from '../components/Progress';
import { QueryState } from '../components/QueryState';
import { Status } from '../components/Status';
import { Table } from '../components/Table';
import { Time } from '../components/Time';

/** Releases newest first: several images promoted as one unit. */
export function ReleasesView() {
  const pager = usePager();
  const page = useReleases(pager.cursor);
  return (
    <>
      <h1>Releases</h1>
      <p className="muted">
        A release promotes several images as one unit: no tag is written until every item landed in
        every target registry.
      </p>
      <QueryState query={page} empty="No releases yet." isEmpty={(p) => p.items.length === 0}>
        {(p) => (
          <Table
            caption="Releases, newest first"
            head={['Release', 'From → to', 'Items', 'Status', 'Progress', 'Requested']}
          >
            {p.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/releases/${r.id}`}>{r.name ?? `Release ${r.id.slice(0, 8)}`}</Link>
                </td>
                <td>
                  {r.source.stage} → {r.target.stage}
                </td>
                <td>
                  {r.items.length} ({r.staged.done}/{r.staged.total} landed)
                </td>
                <td>
                  <Status value={r.status} />
                </td>
                <td>
                  <Progress
                    progress={r.progress}
                    label={`Bytes copied, release ${r.name ?? r.id}`}
                  />
                </td>
                <td>
                  <Time at={r.createdAt} ago /> by {r.requestedBy.name ?? 'unknown'}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </QueryState>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
    </>
  );
}
