import { type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAudit, type AuditFilters } from '../api/audit';
import type { Schemas } from '../api/client';
import { Pager, usePager } from '../components/Pager';
import { QueryState } from '../components/QueryState';
import { useRefusal } from '../components/RoleGate';
import { Table } from '../components/Table';
import { Time } from '../components/Time';
import { AuditChainCheck } from './AuditChain';

const TEXT_FILTERS = [
  ['actor', 'Actor (token id)', 'a token’s UUID'],
  ['action', 'Action', 'promotion.requested'],
  ['subjectType', 'Subject type', 'promotion'],
  ['subjectId', 'Subject id', 'needs a subject type'],
] as const;
const TIME_FILTERS = [
  ['since', 'Since'],
  ['until', 'Until'],
] as const;

/** The audit log, newest first, with its filters (kept in the URL) and cursor paging. */
export function AuditView() {
  const refusal = useRefusal('readAudit');
  const [search, setSearch] = useSearchParams();
  const filters = filtersOf(search);
  const pager = usePager();
  const page = useAudit(filters, pager.cursor, refusal === null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const [key] of TEXT_FILTERS) setIf(next, key, String(data.get(key) ?? '').trim());
    for (const [key] of TIME_FILTERS) setIf(next, key, toInstant(String(data.get(key) ?? '')));
    pager.reset();
    setSearch(next);
  }
  return (
    <>
      <h1>Audit log</h1>
      {refusal ? (
        <p className="notice">{refusal}.</p>
      ) : (
        <>
          <AuditFilterForm filters={filters} onSubmit={submit} />
          <QueryState
            query={page}
            empty="No audit events match."
            isEmpty={(p) => p.items.length === 0}
          >
            {(p) => <AuditTable events={p.items} />}
          </QueryState>
          <Pager pager={pager} nextCursor={page.data?.nextCursor} />
          <AuditChainCheck />
        </>
      )}
    </>
  );
}

function filtersOf(search: URLSearchParams): AuditFilters {
  const keys = [...TEXT_FILTERS.map(([k]) => k), ...TIME_FILTERS.map(([k]) => k)];
  return Object.fromEntries(keys.flatMap((k) => (search.get(k) ? [[k, search.get(k)]] : [])));
}

function setIf(params: URLSearchParams, key: string, value: string): void {
  if (value) params.set(key, value);
}

/** A datetime-local value (the viewer's zone) as an ISO instant. */
function toInstant(local: string): string {
  const date = new Date(local);
  return local && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

/** An ISO instant as a datetime-local value in the viewer's zone. */
function toLocal(instant: string | undefined): string {
  if (!instant) return '';
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function AuditFilterForm({
  filters,
  onSubmit,
}: {
  filters: AuditFilters;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <form className="filters" onSubmit={onSubmit} key={JSON.stringify(filters)}>
      {TEXT_FILTERS.map(([key, label, placeholder]) => (
        <div className="field" key={key}>
          <label htmlFor={`audit-${key}`}>{label}</label>
          <input
            id={`audit-${key}`}
            name={key}
            defaultValue={filters[key] ?? ''}
            placeholder={placeholder}
          />
        </div>
      ))}
      {TIME_FILTERS.map(([key, label]) => (
        <div className="field" key={key}>
          <label htmlFor={`audit-${key}`}>{label}</label>
          <input
            id={`audit-${key}`}
            name={key}
            type="datetime-local"
            defaultValue={toLocal(filters[key])}
          />
        </div>
      ))}
      <button type="submit">Filter</button>
    </form>
  );
}

function AuditTable({ events }: { events: Schemas['AuditEventView'][] }) {
  return (
    <Table
      caption="Audit events, newest first"
      head={['When', 'Actor', 'Action', 'Subject', 'Change']}
    >
      {events.map((e) => (
        <tr key={e.id}>
          <td>
            <Time at={e.occurredAt} />
          </td>
          <td>{e.actorName ?? e.actorTokenId ?? 'system'}</td>
          <td>
            <code>{e.action}</code>
          </td>
          <td>
            {e.subjectType}
            {e.subjectId && <span className="muted small"> {e.subjectId}</span>}
          </td>
          <td>
            <Change event={e} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Change({ event }: { event: Schemas['AuditEventView'] }) {
  if (event.before === null && event.after === null) return <span className="muted">—</span>;
  return (
    <details>
      <summary>Before and after</summary>
      <pre>{JSON.stringify({ before: event.before, after: event.after }, null, 2)}</pre>
      {event.requestId && <p className="muted small">Request id {event.requestId}</p>}
    </details>
  );
}
