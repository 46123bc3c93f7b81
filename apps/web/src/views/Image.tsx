import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { DEFAULT_APPROVAL_GATE, useApprove, useGateHistory, useImage } from '../api/images';
import { Digest, imagePath } from '../components/Digest';
import { Facts } from '../components/Facts';
import { Pager, usePager } from '../components/Pager';
import { ProblemView } from '../components/ProblemView';
import { QueryState } from '../components/QueryState';
import { RoleButton } from '../components/RoleGate';
import { Status } from '../components/Status';
import { Table } from '../components/Table';
import { Time } from '../components/Time';
import { formatBytes } from '../format';
import { ImageReferrers } from './ImageReferrers';

type Lookup = Schemas['ImageLookupView'];
type Detail = Schemas['ImageDetailView'];
type Gate = Schemas['GateResultView'];

/** One digest: where it is, its tags, its gate ledger and approvals, its promotions, its referrers. */
export function ImageView() {
  const { digest = '' } = useParams();
  const lookup = useImage(digest);
  return (
    <>
      <h1>
        Image <Digest digest={digest} />
      </h1>
      <QueryState query={lookup}>
        {(found) => (
          <>
            {found.items.length === 0 && <p className="empty">No repository holds this digest.</p>}
            {found.items.map((image) => (
              <ImageDetail key={image.id} image={image} />
            ))}
            <GateLedger found={found} />
            <Approvals found={found} />
            <Promotions found={found} />
            {found.items.length > 0 && <ImageReferrers digest={found.digest} />}
          </>
        )}
      </QueryState>
    </>
  );
}

function ImageDetail({ image }: { image: Detail }) {
  const heading = useId();
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{image.repository}</h2>
      <Facts
        items={[
          ['Digest', <code key="d">{image.digest}</code>],
          ['Media type', image.mediaType],
          ['Size', formatBytes(image.size)],
          ['Platforms', platforms(image) || '—'],
          ['Base', <Base key="b" image={image} />],
          ['Build', <Build key="b" build={image.build} />],
          ['Registered', <Time key="t" at={image.createdAt} />],
        ]}
      />
      <Locations image={image} />
      <p>
        <Link
          className="button"
          to={`${imagePath(image.digest)}/promote?repository=${encodeURIComponent(image.repository)}`}
        >
          Promote {image.repository}
        </Link>
      </p>
    </section>
  );
}

const platforms = (image: Detail): string =>
  image.platforms
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
    .join(', ');

function Base({ image }: { image: Detail }) {
  if (!image.base.name && !image.base.digest) return <span className="muted">Not declared</span>;
  return (
    <>
      {image.base.name ?? 'unnamed'} {image.base.digest && <Digest digest={image.base.digest} />} (
      <Link to={`/drift?base=${encodeURIComponent(image.base.name ?? '')}`}>drift</Link>)
    </>
  );
}

function Build({ build }: { build: Detail['build'] }) {
  const label = [
    build.commit && `commit ${build.commit.slice(0, 12)}`,
    build.pipelineId && `pipeline ${build.pipelineId}`,
  ]
    .filter(Boolean)
    .join(', ');
  if (build.url)
    return (
      <a href={build.url} rel="noreferrer">
        {label || build.url}
      </a>
    );
  return <>{label || <span className="muted">Not given</span>}</>;
}

function Locations({ image }: { image: Detail }) {
  return (
    <Table
      caption={`Where ${image.repository} is, with its tags`}
      head={['Registry', 'Repository', 'Tags', 'Last seen']}
    >
      {image.locations.map((l) => (
        <tr key={`${l.registry}/${l.repository}`}>
          <td>{l.registry}</td>
          <td>{l.repository}</td>
          <td>{tagsAt(image, l) || '—'}</td>
          <td>
            <Time at={l.lastSeenAt} ago />
          </td>
        </tr>
      ))}
    </Table>
  );
}

const tagsAt = (image: Detail, at: { registry: string; repository: string }): string =>
  image.tags
    .filter((t) => t.registry === at.registry && t.repository === at.repository)
    .map((t) => t.tag)
    .join(', ');

function GateLedger({ found }: { found: Lookup }) {
  const pager = usePager();
  const older = useGateHistory(found.digest, pager.cursor);
  const history = pager.cursor ? older.data?.history : found.gates.history;
  return (
    <section aria-labelledby="gate-ledger">
      <h2 id="gate-ledger">Gate ledger</h2>
      <GateTable caption="Newest result per gate (the one that counts)" rows={found.gates.latest} />
      <h3>History</h3>
      {older.error ? <ProblemView problem={older.error} /> : null}
      {history ? (
        <GateTable caption="Every result, newest first" rows={history.items} />
      ) : (
        <p role="status">Loading…</p>
      )}
      <Pager pager={pager} nextCursor={history?.nextCursor} label="Gate history pages" />
    </section>
  );
}

function GateTable({ caption, rows }: { caption: string; rows: Gate[] }) {
  if (rows.length === 0) return <p className="empty">No gate results yet.</p>;
  return (
    <Table caption={caption} head={['Gate', 'Status', 'Evidence', 'Recorded by', 'When']}>
      {rows.map((g) => (
        <tr key={g.id}>
          <td>
            {g.gate}
            {g.approval && <span className="muted"> (approval)</span>}
          </td>
          <td>
            <Status value={g.status} />
          </td>
          <td>
            <Evidence gate={g} />
          </td>
          <td>{g.recordedByName ?? <span className="muted">unknown</span>}</td>
          <td>
            <Time at={g.recordedAt} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Evidence({ gate }: { gate: Gate }) {
  const comment = commentOf(gate);
  return (
    <>
      {gate.url && (
        <a href={gate.url} rel="noreferrer">
          evidence<span className="visually-hidden"> for {gate.gate}</span>
        </a>
      )}
      {comment && <q>{comment}</q>}
      {!gate.url && !comment && <span className="muted">—</span>}
    </>
  );
}

function commentOf(gate: Gate): string | undefined {
  const comment = (gate.details as Record<string, unknown> | null)?.comment;
  return typeof comment === 'string' && comment !== '' ? comment : undefined;
}

function Approvals({ found }: { found: Lookup }) {
  const approvals = found.gates.history.items.filter((g) => g.approval);
  return (
    <section aria-labelledby="approvals">
      <h2 id="approvals">Approvals</h2>
      {approvals.length === 0 ? (
        <p className="empty">Not approved yet.</p>
      ) : (
        <ul>
          {approvals.map((a) => (
            <li key={a.id}>
              {a.recordedByName ?? 'someone'} approved <strong>{a.gate}</strong>{' '}
              <Time at={a.recordedAt} ago />
              {commentOf(a) && (
                <>
                  : <q>{commentOf(a)}</q>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <ApproveForm digest={found.digest} />
    </section>
  );
}

function ApproveForm({ digest }: { digest: string }) {
  const approve = useApprove(digest);
  const [gate, setGate] = useState(DEFAULT_APPROVAL_GATE);
  const [comment, setComment] = useState('');
  const id = useId();
  function submit(event: FormEvent) {
    event.preventDefault();
    approve.mutate({ gate, comment }, { onSuccess: () => setComment('') });
  }
  return (
    <form className="approve" onSubmit={submit}>
      <h3>Approve this digest</h3>
      <div className="field">
        <label htmlFor={`${id}-gate`}>Approval gate</label>
        <input id={`${id}-gate`} value={gate} onChange={(e) => setGate(e.target.value)} required />
      </div>
      <div className="field wide">
        <label htmlFor={`${id}-comment`}>Comment</label>
        <textarea
          id={`${id}-comment`}
          value={comment}
          maxLength={2000}
          rows={2}
          onChange={(e) => setComment(e.target.value)}
        />
      </div>
      <RoleButton action="approve" type="submit" busy={approve.isPending}>
        Approve
      </RoleButton>
      {approve.isSuccess && (
        <p role="status">
          Approved: gate <strong>{approve.data.gate}</strong> recorded.
        </p>
      )}
      {approve.error && <ProblemView problem={approve.error} />}
    </form>
  );
}

function Promotions({ found }: { found: Lookup }) {
  return (
    <section aria-labelledby="image-promotions">
      <h2 id="image-promotions">Promotions of this digest</h2>
      {found.promotions.length === 0 ? (
        <p className="empty">Not promoted yet.</p>
      ) : (
        <ul>
          {found.promotions.map((p) => (
            <li key={p.id}>
              <Link to={`/promotions/${p.id}`}>
                {p.source.stage ?? p.source.registry ?? '?'} → {p.targetStage}
              </Link>{' '}
              <Status value={p.status} />
              {p.tags.length > 0 && ` as ${p.tags.join(', ')}`} · <Time at={p.createdAt} ago />
              {p.error && ` — ${p.error.code ?? ''}: ${p.error.message ?? ''}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
