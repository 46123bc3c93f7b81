import { Link } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { useMirrorRules } from '../api/mirror';
import { QueryState } from '../components/QueryState';
import { Table } from '../components/Table';
import { Time } from '../components/Time';

/** The mirror rules that archive upstream images on a schedule. */
export function ArchiveView() {
  const rules = useMirrorRules();
  return (
    <>
      <h1>Archive</h1>
      <p className="muted">
        Mirror rules copy upstream tags into the Archive on a schedule and keep every digest a tag
        ever pointed at pullable.
      </p>
      <QueryState query={rules} empty="No mirror rules yet." isEmpty={(r) => r.items.length === 0}>
        {(r) => (
          <Table
            caption="Mirror rules"
            head={['Rule', 'Upstream', 'Archive', 'Tags', 'Schedule (UTC)', 'Enabled', 'Changed']}
          >
            {r.items.map((rule) => (
              <tr key={rule.id}>
                <td>
                  <Link to={`/archive/${encodeURIComponent(rule.name)}`}>{rule.name}</Link>
                </td>
                <td>
                  {rule.upstream.registry}/{rule.upstream.repository}
                </td>
                <td>
                  {rule.archive.registry}/{rule.archive.repository}
                </td>
                <td>{tagSelection(rule.tags)}</td>
                <td>
                  <code>{rule.schedule}</code>
                </td>
                <td>{rule.enabled ? 'yes' : 'no (paused)'}</td>
                <td>
                  <Time at={rule.updatedAt} ago />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </QueryState>
    </>
  );
}

/** The rule's tag selection in words. */
export function tagSelection(tags: Schemas['TagSelectionBody']): string {
  const parts = [
    tags.tags?.length ? `tags ${tags.tags.join(', ')}` : '',
    tags.include ? `matching ${tags.include}` : '',
    tags.exclude ? `except ${tags.exclude}` : '',
    tags.semver ? `semver ${tags.semver}` : '',
    tags.newest ? `newest ${tags.newest}` : '',
  ];
  return parts.filter(Boolean).join('; ') || 'every tag';
}
