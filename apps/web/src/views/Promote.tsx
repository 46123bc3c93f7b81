import { useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { useImage } from '../api/images';
import { usePlan, usePromote, type Plan, type PromotionBody } from '../api/promotions';
import { useStages } from '../api/stages';
import { Digest } from '../components/Digest';
import { ProblemView } from '../components/ProblemView';
import { RoleButton } from '../components/RoleGate';
import { Table } from '../components/Table';
import { formatBytes, shortDigest, splitList } from '../format';

interface Form {
  source: string;
  sourceRegistry: string;
  target: string;
  repository: string;
  targetRepository: string;
  tags: string;
}

/** A plan shown for one exact request, with the Idempotency-Key its confirmation will send. */
interface Shown {
  body: PromotionBody;
  plan: Plan;
  key: string;
}

/** Promote a digest: the dry-run plan first; only then the promotion, sent once. */
export function PromoteView() {
  const { digest = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const image = useImage(digest);
  const [edited, setEdited] = useState<Partial<Form>>({});
  const [shown, setShown] = useState<Shown | null>(null);
  const plan = usePlan();
  const promote = usePromote();

  const form: Form = {
    source: search.get('source') ?? '',
    sourceRegistry: '',
    target: search.get('target') ?? '',
    repository: search.get('repository') ?? image.data?.items[0]?.repository ?? '',
    targetRepository: '',
    tags: '',
    ...edited,
  };
  const body = bodyOf(form, digest);
  const current = shown !== null && JSON.stringify(shown.body) === JSON.stringify(body);

  function showPlan(event: FormEvent) {
    event.preventDefault();
    plan.mutate(body, { onSuccess: (p) => setShown({ body, plan: p, key: crypto.randomUUID() }) });
  }
  function confirm() {
    if (!shown) return;
    promote.mutate(
      { body: shown.body, key: shown.key },
      { onSuccess: (promotion) => navigate(`/promotions/${promotion.id}`) },
    );
  }

  return (
    <>
      <h1>
        Promote <Digest digest={digest} />
      </h1>
      <PromoteForm
        form={form}
        onChange={(change) => setEdited({ ...edited, ...change })}
        onSubmit={showPlan}
        busy={plan.isPending}
      />
      {plan.error && <ProblemView problem={plan.error} />}
      {shown && <PlanView plan={shown.plan} stale={!current} />}
      <div className="confirm">
        <RoleButton
          action="promote"
          blocked={confirmBlocked(shown, current)}
          busy={promote.isPending || promote.isSuccess}
          onClick={confirm}
        >
          Confirm promotion
        </RoleButton>
      </div>
      {promote.error && <ProblemView problem={promote.error} />}
    </>
  );
}

function confirmBlocked(shown: Shown | null, current: boolean): string | null {
  if (!shown) return 'Show the plan first';
  if (!current) return 'The form changed since the plan: show the plan again';
  if (!shown.plan.ready) return 'The target stage’s policy does not admit it yet (see the plan)';
  return null;
}

function bodyOf(form: Form, digest: string): PromotionBody {
  const tags = splitList(form.tags);
  return {
    repository: form.repository.trim(),
    digest,
    source: form.source,
    target: form.target,
    ...(form.sourceRegistry ? { sourceRegistry: form.sourceRegistry } : {}),
    ...(form.targetRepository.trim() ? { targetRepository: form.targetRepository.trim() } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

function PromoteForm({
  form,
  onChange,
  onSubmit,
  busy,
}: {
  form: Form;
  onChange: (change: Partial<Form>) => void;
  onSubmit: (event: FormEvent) => void;
  busy: boolean;
}) {
  const stages = useStages();
  const names = (stages.data?.items ?? []).map((s) => s.name);
  const sourceRegistries = stages.data?.items.find((s) => s.name === form.source)?.registries ?? [];
  const ready = form.source !== '' && form.target !== '' && form.repository.trim() !== '';
  return (
    <form className="grid-form" onSubmit={onSubmit}>
      {stages.error ? <ProblemView problem={stages.error} /> : null}
      <Choice
        id="source"
        label="Source stage"
        value={form.source}
        options={names}
        onChange={(source) => onChange({ source, sourceRegistry: '' })}
      />
      {sourceRegistries.length > 1 && (
        <Choice
          id="sourceRegistry"
          label="Source registry"
          value={form.sourceRegistry}
          options={sourceRegistries}
          none="Choose one of the stage’s registries"
          onChange={(sourceRegistry) => onChange({ sourceRegistry })}
        />
      )}
      <Choice
        id="target"
        label="Target stage"
        value={form.target}
        options={names}
        onChange={(target) => onChange({ target })}
      />
      <TextFields form={form} onChange={onChange} />
      <RoleButton
        action="promote"
        type="submit"
        busy={busy}
        blocked={ready ? null : 'Choose both stages and a repository'}
      >
        Show plan
      </RoleButton>
    </form>
  );
}

function Choice(props: {
  id: string;
  label: string;
  value: string;
  options: string[];
  none?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.none ?? 'Choose a stage'}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

function TextFields({ form, onChange }: { form: Form; onChange: (change: Partial<Form>) => void }) {
  const fields = [
    ['repository', 'Repository', '', true],
    ['targetRepository', 'Target repository (optional)', form.repository, false],
    ['tags', 'Tags (comma separated)', '1.4.2, stable', false],
  ] as const;
  return fields.map(([key, label, placeholder, required]) => (
    <TextField
      key={key}
      id={key}
      label={label}
      value={form[key]}
      placeholder={placeholder || undefined}
      required={required}
      onChange={(value) => onChange({ [key]: value })}
    />
  ));
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  required?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

function PlanView({ plan, stale }: { plan: Plan; stale: boolean }) {
  const e = plan.evaluation;
  return (
    <section aria-labelledby="plan" className={stale ? 'plan stale' : 'plan'}>
      <h2 id="plan">Plan{stale ? ' (for the form as it was)' : ''}</h2>
      <p className={plan.ready ? 'standing ready' : 'standing blocked'}>
        <strong>
          {plan.ready
            ? 'The target stage’s policy admits it.'
            : 'The target stage’s policy refuses it.'}
        </strong>
        {e.satisfied.length > 0 && ` Gates passed: ${e.satisfied.join(', ')}.`}
        {e.failed.length > 0 && ` Gates failed: ${e.failed.join(', ')}.`}
        {e.missing.length > 0 && ` Gates missing: ${e.missing.join(', ')}.`}
      </p>
      {e.violations.length > 0 && (
        <ul>
          {e.violations.map((v, i) => (
            <li key={`${v.rule}-${i}`}>
              {v.message} ({v.rule})
            </li>
          ))}
        </ul>
      )}
      {plan.targets.map((t) => (
        <TargetPlan key={t.registry} target={t} />
      ))}
    </section>
  );
}

type TargetPlanView = Schemas['TargetPlanView'];

function TargetPlan({ target }: { target: TargetPlanView }) {
  const bytes = (action: string) =>
    target.blobActions
      .filter((b) => b.action === action)
      .reduce((sum, b) => sum + (b.size ?? 0), 0);
  return (
    <section aria-labelledby={`plan-${target.registry}`}>
      <h3 id={`plan-${target.registry}`}>{target.registry}</h3>
      <p>
        {target.alreadyPresent ? 'Already holds the digest: only tags are written. ' : ''}
        {target.mode} · {formatBytes(target.bytesToCopy)} to copy of{' '}
        {formatBytes(target.bytesTotal)}
      </p>
      <Table caption={`Blobs into ${target.registry}`} head={['Action', 'Blobs', 'Bytes']}>
        {(['copy', 'mount', 'skip'] as const).map((action) => (
          <tr key={action}>
            <td>{action}</td>
            <td>{target.blobs[action] ?? 0}</td>
            <td>{formatBytes(bytes(action))}</td>
          </tr>
        ))}
      </Table>
      <p>
        Referrers carried:{' '}
        {target.referrers.length === 0
          ? 'none'
          : target.referrers
              .map((r) => `${r.artifactType ?? r.mediaType ?? 'referrer'} (${r.action ?? 'copy'})`)
              .join(', ')}
      </p>
      <p>
        Tag collisions:{' '}
        {target.tagCollisions.length === 0
          ? 'none'
          : target.tagCollisions
              .map((c) => `${c.tag} now points at ${shortDigest(c.currentDigest ?? '')}`)
              .join('; ')}
      </p>
    </section>
  );
}
