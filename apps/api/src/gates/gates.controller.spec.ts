import { systemActor } from '@airlock/audit';
import type { GatesService } from '@airlock/gates';
import { Metrics } from '@airlock/observability';
import { Registry } from 'prom-client';
import { GatesController } from './gates.controller';

const DIGEST = `sha256:${'d'.repeat(64)}`;

describe('GatesController', () => {
  it('counts what it recorded by kind (result, approval) and the status recorded', async () => {
    // Answers what the ledger would have recorded: the status the body asked for.
    const recorded = (_digest: unknown, body: unknown) =>
      Promise.resolve({ status: (body as { status?: string }).status ?? 'passed' });
    const gates = { record: recorded, approve: recorded } as unknown as GatesService;
    const metrics = new Metrics(new Registry());
    const controller = new GatesController(gates, metrics);
    const actor = systemActor('test');

    await controller.record(DIGEST, { gate: 'scan', status: 'failed' }, actor);
    await controller.record(DIGEST, { gate: 'scan', status: 'passed' }, actor);
    await controller.record(DIGEST, { gate: 'tests', status: 'passed' }, actor);
    await controller.approve({ digest: DIGEST }, { gate: 'approval' }, actor);

    const counted = (await metrics.gateResults.get()).values.map(({ labels, value }) => ({
      ...labels,
      value,
    }));
    expect(counted).toEqual([
      { kind: 'result', status: 'failed', value: 1 },
      { kind: 'result', status: 'passed', value: 2 },
      { kind: 'approval', status: 'passed', value: 1 },
    ]);
  });
});
