import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { envelopeToSerialise, EventsService } from '@airlock/events';
import { settleAll, TransactionRunner, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { DigestPrincipalRepository, type PrincipalRole } from './digest-principal.repository';
import {
  GateResultRepository,
  type GateResultRow,
  type NewGateResult,
  type RecordedRowRef,
} from './gate-result.repository';
import {
  checkDigest,
  DEFAULT_APPROVAL_GATE,
  readApproval,
  readGateResult,
  readHistoryQuery,
  type GateHistoryFilters,
} from './gate-rules';
import {
  toGateRecord,
  type DigestPrincipals,
  type GateHistoryPage,
  type GateLedger,
  type GateRecord,
  type LedgerStanding,
} from './gate-view';

/** Where the recording's audit `after` and event `data` carry what only the insert knows. */
const STAMP_KEYS = {
  id: 'id' satisfies keyof GateRecord,
  time: 'recordedAt' satisfies keyof GateRecord,
};

/**
 * The gate ledger: append-only results per (digest, gate), the newest one counting, history kept.
 * A gate name belongs either to results (recorded by CI) or to approvals (recorded by people):
 * otherwise a CI token could satisfy an approval gate by recording it as a plain result. Takes
 * requests as they came (path digest, bodies, queries) and reads them.
 */
@Injectable()
export class GatesService {
  constructor(
    private readonly results: GateResultRepository,
    private readonly principals: DigestPrincipalRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /**
   * Appends a CI result with its audit event (`gate.recorded`) and webhook deliveries. The hot
   * write path: one statement — the result's insert, AuditService's and EventsService's, composed
   * over the new row — sent with BEGIN, the lock and COMMIT in one write.
   */
  async record(digest: unknown, body: unknown, actor: AuditActor): Promise<GateRecord> {
    const { digest: checked, input } = readGateResult(digest, body);
    if (input.gate === DEFAULT_APPROVAL_GATE) throw approvalGate(input.gate);
    const result = newResult(checked, { ...input, approval: false }, actor);
    // The record as the answer shows it, less the id and time only the insert knows.
    const {
      id: _id,
      recordedAt: _at,
      ...known
    } = toGateRecord({
      ...result,
      id: '',
      createdAt: new Date(0),
    });
    const effects = (row: RecordedRowRef) => ({
      audit: this.audit.auditInsert(
        { actor, action: 'gate.recorded', subject: { type: 'gate_result' }, after: known },
        { from: row.from, subjectId: row.id, addToAfter: row.stamp },
      ),
      outbox: this.events.outboxInsert(envelopeToSerialise('gate.recorded', known), {
        from: row.from,
        addToData: row.stamp,
      }),
    });
    // Serialised per (digest, gate), so a first CI result and a first approval cannot both claim a gate.
    return this.transactions.runAsOneWrite(`gate:${checked}:${input.gate}`, async (tx) => {
      const appended = await this.results.appendRecorded(result, STAMP_KEYS, effects, tx);
      if (!appended) throw approvalGate(input.gate);
      this.events.deliverAfterCommit(tx, appended.deliveryIds);
      return toGateRecord(appended.row);
    });
  }

  /**
   * Records a passed approval by `actor`. Four-eyes: refused to whoever registered the image or
   * requested a promotion of it; the approver's id is stored so promotions can apply the rule too.
   */
  async approve(digest: unknown, body: unknown, actor: AuditActor): Promise<GateRecord> {
    const { digest: checked, input } = readApproval(digest, body);
    const { gate } = input;
    return this.transactions.runExclusive(`gate:${checked}:${gate}`, async (tx) => {
      await this.refuseOwnImage(checked, actor, tx);
      const newest = await this.results.latestOf(checked, gate, tx);
      if (newest && !newest.isApproval) {
        throw new AirlockError(
          'CONFLICT',
          `Gate "${gate}" of ${checked} holds CI results; approvals need a gate of their own`,
          { details: { gate } },
        );
      }
      const details = input.comment === undefined ? {} : { comment: input.comment };
      const row = await this.results.append(
        newResult(checked, { gate, status: 'passed', url: null, details, approval: true }, actor),
        tx,
      );
      return this.audited(row, actor, tx);
    });
  }

  /** The newest result of every gate and a page of the history (`GET /gates/{digest}`). */
  async ledger(digest: unknown, query: unknown = {}): Promise<GateLedger> {
    const { digest: checked, filters } = readHistoryQuery(digest, query);
    const [latest, history] = await Promise.all([
      this.latest(checked),
      this.historyOf(checked, filters),
    ]);
    return { digest: checked, latest, history };
  }

  /** Newest first, keyset-paged on the result id; one gate or all (filters as a query gives them). */
  async history(digest: string, query: unknown = {}): Promise<GateHistoryPage> {
    const { digest: checked, filters } = readHistoryQuery(digest, query);
    return this.historyOf(checked, filters);
  }

  /** The newest result of every gate of the digest, by gate name. */
  async latest(digest: string, tx?: Transaction): Promise<GateRecord[]> {
    return (await this.results.latestPerGate([checkDigest(digest)], tx)).map(toGateRecord);
  }

  /**
   * What a policy judges each of `digests` by: its newest results, its approvers and the
   * principals four-eyes excludes — three statements for any number of digests, sent together.
   */
  async standings(
    digests: readonly string[],
    tx?: Transaction,
  ): Promise<Map<string, LedgerStanding>> {
    const checked = digests.map((digest) => checkDigest(digest));
    const [latest, approvers, principals] = await Promise.all([
      this.results.latestPerGate(checked, tx),
      this.results.approvers(checked, tx),
      this.principals.of(checked, tx),
    ]);
    const standings = new Map<string, LedgerStanding>();
    for (const digest of checked)
      standings.set(digest, {
        latestGates: [],
        approvers: [],
        principals: { registeredBy: [], requestedBy: [] },
      });
    for (const row of latest) standings.get(row.digest)!.latestGates.push(toGateRecord(row));
    for (const { digest, ...approver } of approvers)
      standings.get(digest)!.approvers.push(approver);
    for (const row of principals) {
      const of = standings.get(row.digest)!.principals;
      (row.role === 'registered' ? of.registeredBy : of.requestedBy).push(row.principalId);
    }
    return standings;
  }

  /** Who registered the digest and who requested its promotions: the principals four-eyes excludes. */
  async principalsOf(digest: string, tx?: Transaction): Promise<DigestPrincipals> {
    const rows = await this.principals.of([checkDigest(digest)], tx);
    const of = (role: PrincipalRole) =>
      rows.filter((row) => row.role === role).map((row) => row.principalId);
    return { registeredBy: of('registered'), requestedBy: of('requested') };
  }

  /**
   * Notes, in the transaction that stores it, that `principalId` registered the digest or
   * requested its promotion (images and promotions call this): four-eyes then refuses that
   * principal's approvals of it. Nothing to note for a change without a token (Airlock itself).
   */
  async notePrincipal(
    digest: string,
    principalId: string | null,
    role: PrincipalRole,
    tx: Transaction,
  ): Promise<void> {
    if (principalId !== null) await this.principals.note(digest, principalId, role, tx);
  }

  private async historyOf(digest: string, filters: GateHistoryFilters): Promise<GateHistoryPage> {
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.results.history({
      digest,
      gate: filters.gate,
      beforeId: filters.cursor,
      limit: filters.limit + 1,
    });
    const items = rows.slice(0, filters.limit).map(toGateRecord);
    return { items, nextCursor: rows.length > filters.limit ? items[items.length - 1]!.id : null };
  }

  /** Audits an appended approval in its transaction (`approval.recorded`) and publishes it. */
  private async audited(
    row: GateResultRow,
    actor: AuditActor,
    tx: Transaction,
  ): Promise<GateRecord> {
    const record = toGateRecord(row);
    const action = record.approval ? 'approval.recorded' : 'gate.recorded';
    // Issued together, so they share a round trip; both settle before the transaction may end.
    await settleAll([
      this.audit.record(
        { actor, action, subject: { type: 'gate_result', id: record.id }, after: record },
        tx,
      ),
      this.events.publish('gate.recorded', record, tx),
    ]);
    return record;
  }

  private async refuseOwnImage(digest: string, actor: AuditActor, tx: Transaction): Promise<void> {
    if (actor.tokenId === null) return;
    const { registeredBy, requestedBy } = await this.principalsOf(digest, tx);
    const why = registeredBy.includes(actor.tokenId)
      ? 'registered this image'
      : requestedBy.includes(actor.tokenId)
        ? 'requested a promotion of this image'
        : null;
    if (why === null) return;
    throw new AirlockError(
      'FORBIDDEN',
      `Four-eyes: the token "${actor.name}" ${why}, so it cannot approve it; ask another approver`,
      { details: { rule: 'fourEyes', digest } },
    );
  }
}

function newResult(
  digest: string,
  input: Omit<NewGateResult, 'digest' | 'isApproval' | 'recordedBy' | 'recordedByName'> & {
    approval: boolean;
  },
  actor: AuditActor,
): NewGateResult {
  return {
    digest,
    gate: input.gate,
    status: input.status,
    isApproval: input.approval,
    url: input.url,
    details: input.details,
    recordedBy: actor.tokenId,
    recordedByName: actor.name,
  };
}

function approvalGate(gate: string): AirlockError {
  return new AirlockError(
    'CONFLICT',
    `Gate "${gate}" is an approval gate; record approvals through POST /api/v1/gates/{digest}/approvals`,
    { details: { gate } },
  );
}
