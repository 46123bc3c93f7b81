import { useSearchParams } from 'react-router-dom';
import { Link } from 'react-router-dom';
import { TERMINAL, usePromotions, type PromotionFilters } from '../api/promotions';
import { useStages } from '../api/stages';
import { Digest } from '../components/Digest';
import { Pager, usePager } from '../components/Pager';
import { QueryState } from '../components/QueryState';
import { Status } from '../components/Status';
import { Table } from '../components/Table';
import { Time } from '../components/Time';

const STATUSES = ['queued', 'running', ...TERMINAL] as const;

/** Promotions newest first, filtered by status and target stage (in the URL), paged by cursor. */
export function PromotionsView() {
  const [search, setSearch] = useSearchParams();
  const filters: PromotionFilters = {
    ...(search.get('status') ? { status: search.get('status') as PromotionFilters['status'] } : {}),
    ...(search.get('stage') ? { stage: search.get('stage') ?? undefined } : {}),
  };
  const pager = usePager();
  const page = usePromotions(filters, pager.cursor);
  const filter = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    pager.reset();
    setSearch(next);
  };
  return (
    <>
      <h1>Promotions</h1>
      <Filters status={filters.status ?? ''} stage={filters.stage ?? ''} onChange={filter} />
      <QueryState query={page} empty="No promotions match." isEmpty={(p) => p.items.length === 0}>
        {(p) => (
          <Table
            caption="Promotions, newest first"
            head={['Promotion', 'Digest', 'From → to', 'Tags', 'Status', 'Requested']}
          >
            {p.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <Link to={`/promotions/${item.id}`}>{item.target.repository}</Link>
                </td>
                <td>
                  <Digest digest={item.digest} link />
                </td>
                <td>
                  {item.source.stage ?? item.source.registry} → {item.target.stage}
                </td>
                <td>{item.tags.join(', ') || '—'}</td>
                <td>
                  <Status value={item.status} />
                </td>
                <td>
                  <Time at={item.createdAt} ago /> by {item.requestedBy.name ?? 'unknown'}
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

function Filters({
  status,
  stage,
  onChange,
}: {
  status: string;
  stage: string;
  onChange: (key: string, value: string) => void;
}) {
  const stages = useStages();
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="status">Status</label>
        <select id="status" value={status} onChange={(e) => onChange('status', e.target.value)}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="stage">Target stage</label>
        <select id="stage" value={stage} onChange={(e) => onChange('stage', e.target.value)}>
          <option value="">Any stage</option>
          {(stages.data?.items ?? []).map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
      </div>
    </form>
  );
}
