import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useReleasePlan, useRequestRelease, type ReleaseBody } from '../api/releases';
import { Digest } from '../components/Digest';
import { ProblemView } from '../components/ProblemView';
import { RoleButton } from '../components/RoleGate';

/**
 * `/releases/new?source=ci&target=prod&item=<repository>@<digest>&…` (the board's selection):
 * the release's plan — every item judged as its own promotion — before it is confirmed.
 */
export function ReleaseNewView() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const source = search.get('source') ?? '';
  const target = search.get('target') ?? '';
  const items = search.getAll('item').flatMap((ref) => {
    const at = ref.lastIndexOf('@');
    return at > 0 ? [{ repository: ref.slice(0, at), digest: ref.slice(at + 1) }] : [];
  });
  const [name, setName] = useState('');
  const body: ReleaseBody = {
    source,
    target,
    items,
    ...(name.trim() ? { name: name.trim() } : {}),
  };
  const [shown, setShown] = useState<{ body: string; key: string } | null>(null);
  const plan = useReleasePlan();
  const request = useRequestRelease();
  const current = shown !== null && shown.body === JSON.stringify(body);

  return (
    <>
      <h1>
        Release {source} → {target}
      </h1>
      {items.length === 0 ? (
        <p className="empty">No images chosen: select them on the board.</p>
      ) : (
        <>
          <ul>
            {items.map((item) => (
              <li key={`${item.repository}@${item.digest}`}>
                {item.repository} <Digest digest={item.digest} />
              </li>
            ))}
          </ul>
          <p>
            <label htmlFor="release-name">Release name (optional)</label>{' '}
            <input id="release-name" value={name} onChange={(e) => setName(e.target.value)} />
          </p>
          <p className="actions">
            <button
              type="button"
              disabled={plan.isPending}
              onClick={() =>
                plan.mutate(body, {
                  onSuccess: () =>
                    setShown({ body: JSON.stringify(body), key: crypto.randomUUID() }),
                })
              }
            >
              Show plan
            </button>
            <RoleButton
              action="promote"
              blocked={
                !current
                  ? 'Show the plan first'
                  : !plan.data?.ready
                    ? 'Not every item is admitted (see the plan)'
                    : null
              }
              busy={request.isPending}
              onClick={() =>
                shown &&
                request.mutate(
                  { body, key: shown.key },
                  { onSuccess: (release) => navigate(`/releases/${release.id}`) },
                )
              }
            >
              Confirm release
            </RoleButton>
          </p>
        </>
      )}
      {plan.error && <ProblemView problem={plan.error} />}
      {request.error && <ProblemView problem={request.error} />}
      {plan.data && current && (
        <section aria-labelledby="release-plan">
          <h2 id="release-plan">
            Plan: {plan.data.ready ? 'every item is admitted' : 'not every item is admitted'}
          </h2>
          <p className="muted small">
            No tag is written until every item is in every target registry.
          </p>
          <ul>
            {plan.data.items.map((item, i) => (
              <li key={`${item.digest}-${i}`}>
                {items[i]?.repository} <Digest digest={item.digest} />:{' '}
                {item.ready ? 'admitted' : 'refused'}
                {item.evaluation.violations.length > 0 &&
                  ` — ${item.evaluation.violations.map((v) => v.message).join('; ')}`}
                {' · '}
                {item.targets
                  .map(
                    (t) =>
                      `${t.registry}: ${t.blobs.copy ?? 0} to copy, ${t.blobs.mount ?? 0} to mount, ${t.blobs.skip ?? 0} to skip`,
                  )
                  .join(' · ')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
