import { useId } from 'react';
import { useParams } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { useArchive, useMirrorRule, useMirrorRuns } from '../api/mirror';
import { Digest } from '../components/Digest';
import { Facts } from '../components/Facts';
import { Pager, usePager } from '../components/Pager';
import { QueryState } from '../components/QueryState';
import { Status } from '../components/Status';
import { Table } from '../components/Table';
import { Time } from '../components/Time';
import { formatBytes, formatDuration } from '../format';
import { tagSelection } from './Archive';

type Archived = Schemas['ArchivedDigestView'];

/** One mirror rule: what it archives, every digest per tag, its runs. */
export function MirrorRuleView() {
  const { rule = '' } = useParams();
  const found = useMirrorRule(rule);
  return (
    <>
      <h1>Mirror rule {rule}</h1>
      <QueryState query={found}>
        {(r) => (
          <Facts
            items={[
              ['Upstream', `${r.upstream.registry}/${r.upstream.repository}`],
              ['Archive', `${r.archive.registry}/${r.archive.repository}`],
              ['Tags', tagSelection(r.tags)],
              ['Schedule (UTC)', <code key="s">{r.schedule}</code>],
              ['Enabled', r.enabled ? 'yes' : 'no (paused)'],
            ]}
          />
        )}
      </QueryState>
      <ArchivedDigests rule={rule} />
      <Runs rule={rule} />
    </>
  );
}

function ArchivedDigests({ rule }: { rule: string }) {
  const archive = useArchive(rule);
  return (
    <section aria-labelledby="archived">
      <h2 id="archived">Archived digests per tag</h2>
      <QueryState
        query={archive}
        empty="Nothing archived yet."
        isEmpty={(a) => a.items.length === 0}
      >
        {(a) =>
          [...byTag(a.items)].map(([tag, digests]) => (
            <TagHistory key={tag} tag={tag} digests={digests} />
          ))
        }
      </QueryState>
    </section>
  );
}

function byTag(items: Archived[]): Map<string, Archived[]> {
  const tags = new Map<string, Archived[]>();
  for (const item of items) tags.set(item.tag, [...(tags.get(item.tag) ?? []), item]);
  return tags;
}

function TagHistory({ tag, digests }: { tag: string; digests: Archived[] }) {
  return (
    <Table
      caption={`Tag ${tag}`}
      head={['Digest', 'Now', 'Pull from the Archive as', 'First seen', 'Last seen']}
    >
      {digests.map((d) => (
        <tr key={d.digest}>
          <td>
            <Digest digest={d.digest} />
          </td>
          <td>{d.current ? 'current' : 'earlier'}</td>
          <td>
            {d.historyTag ? <code>{d.historyTag}</code> : d.current ? <code>{tag}</code> : '—'}
          </td>
          <td>
            <Time at={d.firstSeenAt} />
          </td>
          <td>
            <Time at={d.lastSeenAt} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Runs({ rule }: { rule: string }) {
  const pager = usePager();
  const runs = useMirrorRuns(rule, pager.cursor);
  return (
    <section aria-labelledby="runs">
      <h2 id="runs">Runs</h2>
      <QueryState query={runs} empty="No runs yet." isEmpty={(r) => r.items.length === 0}>
        {(r) => r.items.map((run) => <Run key={run.id} run={run} />)}
      </QueryState>
      <Pager pager={pager} nextCursor={runs.data?.nextCursor} label="Run pages" />
    </section>
  );
}

function Run({ run }: { run: Schemas['MirrorRunView'] }) {
  const heading = useId();
  return (
    <article className="run" aria-labelledby={heading}>
      <h3 id={heading}>
        <Time at={run.startedAt} /> · <Status value={run.status} /> · {run.trigger}
      </h3>
      <p>
        {run.tagsChecked} tags checked, {run.newDigests} new digests, {formatBytes(run.bytesCopied)}{' '}
        copied
        {run.tagsFailed > 0 && `, ${run.tagsFailed} failed`}
        {run.durationMs !== null && ` in ${formatDuration(run.durationMs)}`}
      </p>
      {run.errors.length > 0 && (
        <ul>
          {run.errors.map((e, i) => (
            <li key={i}>
              {e.tag ? `${e.tag}: ` : ''}
              {e.code} — {e.message}
            </li>
          ))}
        </ul>
      )}
      {run.tags.length > 0 && (
        <p className="small">
          {run.tags
            .map((t) => `${t.tag}: ${t.outcome}${t.error ? ` (${t.error.code})` : ''}`)
            .join(' · ')}
        </p>
      )}
    </article>
  );
}
