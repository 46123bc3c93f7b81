import type { Schemas } from '../api/client';
import { useRegistries, useRegistryCheck } from '../api/registries';
import { ProblemView } from '../components/ProblemView';
import { QueryState } from '../components/QueryState';
import { RoleButton } from '../components/RoleGate';
import { Table } from '../components/Table';

type Registry = Schemas['RegistryView'];

/** The registries Airlock knows, with a connection check each. */
export function RegistriesView() {
  const registries = useRegistries();
  return (
    <>
      <h1>Registries</h1>
      <QueryState
        query={registries}
        empty="No registries yet."
        isEmpty={(l) => l.items.length === 0}
      >
        {(l) => (
          <Table
            caption="Registries and their roles"
            head={['Name', 'URL', 'Role', 'Credentials', 'TLS', 'Connection']}
          >
            {l.items.map((r) => (
              <RegistryRow key={r.id} registry={r} />
            ))}
          </Table>
        )}
      </QueryState>
    </>
  );
}

function RegistryRow({ registry: r }: { registry: Registry }) {
  return (
    <tr>
      <td>{r.name}</td>
      <td>
        <code>{r.url}</code>
      </td>
      <td>{r.role}</td>
      <td>{r.credentials ? `${r.credentials.username} (password set)` : 'anonymous'}</td>
      <td>
        {r.tls.insecure ? 'certificate not verified' : r.tls.caPem ? 'own CA' : 'system CAs'}
        {r.warnings.map((w) => (
          <p key={w} className="warning small">
            Warning: {w}
          </p>
        ))}
      </td>
      <td>
        <Check name={r.name} />
      </td>
    </tr>
  );
}

function Check({ name }: { name: string }) {
  const check = useRegistryCheck(name);
  return (
    <>
      <RoleButton action="checkRegistry" busy={check.isPending} onClick={() => check.mutate()}>
        Check connection
      </RoleButton>
      <div role="status" className="small">
        {check.isPending && 'Checking…'}
        {check.data &&
          (check.data.ok
            ? `Reachable, logged in (${check.data.latencyMs} ms)`
            : `Failed: ${check.data.code ?? 'error'} — ${check.data.problem ?? ''} (${check.data.latencyMs} ms)`)}
      </div>
      {check.error && <ProblemView problem={check.error} />}
    </>
  );
}
