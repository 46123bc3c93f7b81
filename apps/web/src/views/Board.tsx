import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useBoard } from '../api/board';
import type { BoardImage, BoardStage, BoardTag, Readiness } from '../api/board-types';
import { useApprove } from '../api/images';
import { Digest, imagePath } from '../components/Digest';
import { ProblemView } from '../components/ProblemView';
import { QueryState } from '../components/QueryState';
import { Disabled, RoleButton, useRefusal } from '../components/RoleGate';
import { Time } from '../components/Time';

/** Every stage as a column, in pipeline order, with its newest images and their standing. */
export function BoardView() {
  const board = useBoard();
  return (
    <>
      <h1>Pipeline board</h1>
      <QueryState
        query={board}
        empty="No stages yet: an admin adds them with POST /api/v1/stages."
        isEmpty={(b) => b.stages.length === 0}
      >
        {(b) => (
          <div className="board">
            {[...b.stages]
              .sort((x, y) => x.position - y.position)
              .map((stage) => (
                <StageColumn key={stage.name} stage={stage} />
              ))}
          </div>
        )}
      </QueryState>
    </>
  );
}

function StageColumn({ stage }: { stage: BoardStage }) {
  const heading = useId();
  const navigate = useNavigate();
  const promoteRefusal = useRefusal('promote');
  // Images chosen to be promoted together, as one release, into the next stage.
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const choosable = stage.next !== null && promoteRefusal === null;
  const toggle = (id: string) =>
    setChosen((now) => {
      const next = new Set(now);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const promoteChosen = () => {
    const query = new URLSearchParams({ source: stage.name, target: stage.next ?? '' });
    for (const card of stage.images)
      if (chosen.has(card.image.id))
        query.append('item', `${card.image.repository}@${card.image.digest}`);
    navigate(`/releases/new?${query}`);
  };
  return (
    <section className="column" aria-labelledby={heading}>
      <h2 id={heading}>{stage.name}</h2>
      <p className="muted small">
        {stage.registries.length > 0 ? stage.registries.join(', ') : 'No registry'}
        {stage.next ? ` · next: ${stage.next}` : ' · last stage'}
      </p>
      {stage.notice && <p className="notice small">{stage.notice}</p>}
      {stage.images.length === 0 ? (
        <p className="empty">No images in this stage yet</p>
      ) : (
        stage.images.map((card) => (
          <ImageCard
            key={card.image.id}
            card={card}
            stage={stage}
            chosen={choosable ? chosen.has(card.image.id) : undefined}
            onChoose={() => toggle(card.image.id)}
          />
        ))
      )}
      {choosable && stage.images.length > 0 && (
        <p className="actions">
          <button type="button" disabled={chosen.size === 0} onClick={promoteChosen}>
            Promote {chosen.size} selected to {stage.next} as a release
          </button>
        </p>
      )}
      {stage.nextCursor && (
        <p className="muted small">
          Only the newest {stage.images.length} are shown (more at{' '}
          <code>GET /api/v1/images?stage={stage.name}</code>).
        </p>
      )}
    </section>
  );
}

function ImageCard({
  card,
  stage,
  chosen,
  onChoose,
}: {
  card: BoardImage;
  stage: BoardStage;
  /** Whether it is in the release being put together; undefined when none can be. */
  chosen?: boolean;
  onChoose: () => void;
}) {
  const { image, tags, readiness } = card;
  const title = useId();
  const choice = useId();
  return (
    <article className="card" aria-labelledby={title}>
      <h3 id={title}>
        <Link to={imagePath(image.digest)}>{image.repository}</Link>
      </h3>
      <p className="meta">
        <Digest digest={image.digest} /> · <Time at={image.createdAt} ago />
        {image.build?.url && (
          <>
            {' · '}
            <a href={image.build.url} rel="noreferrer">
              build{image.build.commit ? ` ${image.build.commit.slice(0, 8)}` : ''}
            </a>
          </>
        )}
      </p>
      <Tags tags={tags} />
      {stage.next && readiness && <Standing readiness={readiness} next={stage.next} />}
      {stage.next && <CardActions card={card} stage={stage} next={stage.next} />}
      {chosen !== undefined && (
        <p className="small">
          <input id={choice} type="checkbox" checked={chosen} onChange={onChoose} />{' '}
          <label htmlFor={choice}>Include {image.repository} in a release</label>
        </p>
      )}
    </article>
  );
}

function Tags({ tags }: { tags: BoardTag[] }) {
  if (tags.length === 0) return <p className="muted small">No tags recorded</p>;
  return (
    <ul className="tags" aria-label="Tags">
      {tags.map((t) => (
        <li
          key={`${t.registry}/${t.repository}:${t.tag}`}
          title={`${t.registry}/${t.repository}:${t.tag}`}
        >
          {t.tag}
        </li>
      ))}
    </ul>
  );
}

/** The image against the next stage's policy, in words; the colour only repeats them. */
function Standing({ readiness, next }: { readiness: Readiness; next: string }) {
  if (readiness.ready)
    return (
      <div className="standing ready">
        <strong>Ready for {next}</strong>
        {readiness.satisfied.length > 0 && (
          <p className="small">Gates passed: {readiness.satisfied.join(', ')}</p>
        )}
      </div>
    );
  const lists: Array<[string, string[]]> = [
    ['Gates passed', readiness.satisfied],
    ['Gates failed', readiness.failed],
    ['Gates missing', readiness.missing],
  ];
  return (
    <div className="standing blocked">
      <strong>Not ready for {next}</strong>
      <ul className="small">
        {lists
          .filter(([, gates]) => gates.length > 0)
          .map(([label, gates]) => (
            <li key={label}>
              {label}: {gates.join(', ')}
            </li>
          ))}
        {readiness.violations.map((v, i) => (
          <li key={`${v.rule}-${i}`}>{v.message}</li>
        ))}
      </ul>
    </div>
  );
}

function CardActions({ card, stage, next }: { card: BoardImage; stage: BoardStage; next: string }) {
  const approve = useApprove(card.image.digest);
  const promoteRefusal = useRefusal('promote');
  const query = new URLSearchParams({
    source: stage.name,
    target: next,
    repository: card.image.repository,
  });
  return (
    <div className="actions">
      <RoleButton
        action="approve"
        busy={approve.isPending}
        onClick={() => approve.mutate({ gate: '', comment: '' })}
      >
        Approve
      </RoleButton>
      <Disabled why={promoteRefusal}>
        {(describedBy) =>
          promoteRefusal ? (
            <button type="button" disabled aria-describedby={describedBy}>
              Promote
            </button>
          ) : (
            <Link className="button" to={`${imagePath(card.image.digest)}/promote?${query}`}>
              Promote
            </Link>
          )
        }
      </Disabled>
      {approve.isSuccess && (
        <p role="status" className="small">
          Approved.
        </p>
      )}
      {approve.error && <ProblemView problem={approve.error} />}
    </div>
  );
}
