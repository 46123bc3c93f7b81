import { useId, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { useDrift, type DriftFilters } from '../api/drift';
import { useStages } from '../api/stages';
import { Digest } from '../components/Digest';
import { QueryState } from '../components/QueryState';
import { Table } from '../components/Table';
import { Time } from '../components/Time';

/** Bases that moved since images were built on them, and the images to rebuild. */
export function DriftView() {
  const [search, setSearch] = useSearchParams();
  const filters: DriftFilters = {
    ...(search.get('stage') ? { stage: search.get('stage') ?? undefined } : {}),
    ...(search.get('base') ? { base: search.get('base') ?? undefined } : {}),
  };
  const drift = useDrift(filters);
  return (
    <>
      <h1>Base-image drift</h1>
      <DriftFilterForm filters={filters} onApply={(next) => setSearch(clean(next))} />
      <QueryState query={drift}>
        {(d) => {
          // With a stage filter the API keeps a base whose dependents are all elsewhere.
          const moved = d.items.filter((item) => item.dependents.length > 0);
          return (
            <>
              {moved.length === 0 && (
                <p className="empty">No image is built on a base that has moved since.</p>
              )}
              {moved.map((item) => (
                <DriftItem key={`${item.base.name}@${item.base.digest}`} item={item} />
              ))}
              <Untracked bases={d.untracked} />
            </>
          );
        }}
      </QueryState>
    </>
  );
}

const clean = (filters: DriftFilters): Record<string, string> =>
  Object.fromEntries(Object.entries(filters).filter(([, v]) => typeof v === 'string' && v !== ''));

function DriftFilterForm({
  filters,
  onApply,
}: {
  filters: DriftFilters;
  onApply: (f: DriftFilters) => void;
}) {
  const stages = useStages();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    onApply({
      stage: String(data.get('stage') ?? ''),
      base: String(data.get('base') ?? '').trim(),
    });
  }
  return (
    <form className="filters" onSubmit={submit} key={JSON.stringify(filters)}>
      <div className="field">
        <label htmlFor="drift-stage">Stage</label>
        <select id="drift-stage" name="stage" defaultValue={filters.stage ?? ''}>
          <option value="">Any stage</option>
          {(stages.data?.items ?? []).map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="drift-base">Base image</label>
        <input
          id="drift-base"
          name="base"
          defaultValue={filters.base ?? ''}
          placeholder="alpine:3.20"
        />
      </div>
      <button type="submit">Filter</button>
    </form>
  );
}

function DriftItem({ item }: { item: Schemas['DriftItemView'] }) {
  const heading = useId();
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{item.base.name}</h2>
      <p>
        Now points at <Digest digest={item.base.digest} /> ({item.base.registry}/
        {item.base.repository}:{item.base.tag}), seen <Time at={item.base.updatedAt} ago />.
      </p>
      <Table
        caption={`Images to rebuild on ${item.base.name}`}
        head={['Image', 'Digest', 'Built on', 'Stages', 'Build']}
      >
        {item.dependents.map((dep) => (
          <tr key={dep.imageId}>
            <td>
              <Link to={`/images/${dep.digest}`}>{dep.repository}</Link>
            </td>
            <td>
              <Digest digest={dep.digest} />
            </td>
            <td>{dep.baseDigest ? <Digest digest={dep.baseDigest} /> : 'an unknown digest'}</td>
            <td>{dep.stages.join(', ') || 'none'}</td>
            <td>
              <BuildLink build={dep.build} />
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

function BuildLink({ build }: { build: Record<string, unknown> }) {
  const url = typeof build.url === 'string' ? build.url : null;
  const commit = typeof build.commit === 'string' ? build.commit.slice(0, 12) : null;
  if (url)
    return (
      <a href={url} rel="noreferrer">
        {commit ? `commit ${commit}` : 'build'}
      </a>
    );
  return <>{commit ?? '—'}</>;
}

function Untracked({ bases }: { bases: Schemas['UntrackedBaseView'][] }) {
  if (bases.length === 0) return null;
  return (
    <section aria-labelledby="untracked">
      <h2 id="untracked">Bases Airlock cannot follow</h2>
      <p className="muted">
        No registry with that host, or the tag was never seen: add a mirror rule.
      </p>
      <ul>
        {bases.map((b) => (
          <li key={b.name}>
            {b.name}: {b.images} image{b.images === 1 ? '' : 's'}
          </li>
        ))}
      </ul>
    </section>
  );
}
