import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import {
  DigestPrincipalsLookup,
  GateResultRepository,
  TransactionRunner,
  type GateResult,
  type NewGateResult,
  type RecordedEffects,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import {
  toGateRecord,
  type ApprovalInput,
  type Approver,
  type GateHistoryFilters,
  type GateHistoryPage,
  type GateRecord,
  type GateResultInput,
} from './gate-record';
import {
  checkDigest,
  checkGateName,
  checkResult,
  DEFAULT_APPROVAL_GATE,
  GATE_PAGE_LIMIT,
  isGateStatus,
  MAX_COMMENT_LENGTH,
  throwIfInvalid,
  type FieldProblem,
} from './gate-rules';

/**
 * The gate ledger: append-only results per (digest, gate), the newest one counting, history kept.
 * A gate name belongs either to results (recorded by CI) or to approvals (recorded by people):
 * otherwise a CI token could satisfy an approval gate by recording it as a plain result.
 */
@Injectable()
export class GatesService {
  constructor(
    private readonly results: GateResultRepository,
    private readonly principals: DigestPrincipalsLookup,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /**
   * Appends a CI result with its audit event (`gate.recorded`) and webhook deliveries. The hot
   * write path, so it is one statement sent with BEGIN, the lock and COMMIT in one write: the audit
   * event and the event data are prepared here, less the id and time only the insert knows.
   */
  async record(digest: string, input: GateResultInput, actor: AuditActor): Promise<GateRecord> {
    throwIfInvalid(checkResult(digest, input));
    if (input.gate === DEFAULT_APPROVAL_GATE) throw approvalGate(input.gate);
    const result = newResult(digest, { ...input, approval: false }, actor);
    const {
      id: _id,
      recordedAt: _at,
      ...known
    } = toGateRecord({
      ...result,
      id: '',
      createdAt: new Date(0),
    });
    const effects: RecordedEffects = {
      audit: this.audit.prepare({
        actor,
        action: 'gate.recorded',
        subject: { type: 'gate_result' },
        after: known,
      }),
      event: this.events.prepare('gate.recorded', known),
      idKey: 'id' satisfies keyof GateRecord,
      timeKey: 'recordedAt' satisfies keyof GateRecord,
    };
    // Serialised per (digest, gate), so a first CI result and a first approval cannot both claim a gate.
    return this.transactions.runAsOneWrite(`gate:${digest}:${input.gate}`, async (tx) => {
      const appended = await this.results.appendRecorded(result, effects, tx);
      if (!appended) throw approvalGate(input.gate);
      this.events.deliverAfterCommit(tx, appended.deliveryIds);
      return toGateRecord(appended.row);
    });
  }

  /**
   * Records a passed approval by `actor`. Four-eyes: refused to whoever registered the image or
   * requested a promotion of it; the approver's id is stored so promotions can apply the rule too.
   */
  async approve(digest: string, input: ApprovalInput, actor: AuditActor): Promise<GateRecord> {
    const gate = input.gate ?? DEFAULT_APPROVAL_GATE;
    throwIfInvalid([
      ...checkDigest(digest),
      ...checkGateName(gate),
      ...checkComment(input.comment),
    ]);
    return this.transactions.runExclusive(`gate:${digest}:${gate}`, async (tx) => {
      await this.refuseOwnImage(digest, actor, tx);
      const newest = await this.results.latestOf(digest, gate, tx);
      if (newest && !newest.isApproval) {
        throw new AirlockError(
          'CONFLICT',
          `Gate "${gate}" of ${digest} holds CI results; approvals need a gate of their own`,
          {
            details: { gate },
          },
        );
      }
      const details = input.comment === undefined ? {} : { comment: input.comment };
      const row = await this.results.append(
        newResult(digest, { gate, status: 'passed', details, approval: true }, actor),
        tx,
      );
      return this.audited(row, actor, tx);
    });
  }

  /** Newest first, keyset-paged on the result id; one gate or all. */
  async history(digest: string, filters: GateHistoryFilters = {}): Promise<GateHistoryPage> {
    const limit = filters.limit ?? GATE_PAGE_LIMIT.default;
    throwIfInvalid([
      ...checkDigest(digest),
      ...(filters.gate === undefined ? [] : checkGateName(filters.gate)),
      ...checkPage(limit, filters.cursor),
    ]);
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.results.history({
      digest,
      gate: filters.gate,
      beforeId: filters.cursor,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toGateRecord);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  /** The newest result of every gate of the digest, by gate name. */
  async latest(digest: string, tx?: Transaction): Promise<GateRecord[]> {
    throwIfInvalid(checkDigest(digest));
    return (await this.results.latestPerGate(digest, tx)).map(toGateRecord);
  }

  /** Every approver of every approval gate of the digest, with their newest approval there. */
  async approvers(digest: string, tx?: Transaction): Promise<Approver[]> {
    throwIfInvalid(checkDigest(digest));
    const rows = await this.results.approvers(digest, tx);
    return rows.flatMap((row) =>
      isGateStatus(row.status) ? [{ ...row, status: row.status }] : [],
    );
  }

  /** Audits an appended result in its transaction: `gate.recorded` or `approval.recorded`. */
  private async audited(row: GateResult, actor: AuditActor, tx: Transaction): Promise<GateRecord> {
    const record = toGateRecord(row);
    const action = record.approval ? 'approval.recorded' : 'gate.recorded';
    // Issued together, so they share a round trip; both settle before the transaction may end.
    const settled = await Promise.allSettled([
      this.audit.record(
        { actor, action, subject: { type: 'gate_result', id: record.id }, after: record },
        tx,
      ),
      this.events.publish('gate.recorded', record, tx),
    ]);
    for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
    return record;
  }

  private async refuseOwnImage(digest: string, actor: AuditActor, tx: Transaction): Promise<void> {
    if (actor.tokenId === null) return;
    const { registeredBy, requestedBy } = await this.principals.of(digest, tx);
    const why = registeredBy.includes(actor.tokenId)
      ? 'registered this image'
      : requestedBy.includes(actor.tokenId)
        ? 'requested a promotion of this image'
        : null;
    if (why === null) return;
    throw new AirlockError(
      'FORBIDDEN',
      `Four-eyes: the token "${actor.name}" ${why}, so it cannot approve it; ask another approver`,
      {
        details: { rule: 'fourEyes', digest },
      },
    );
  }
}

function newResult(
  digest: string,
  input: GateResultInput & { approval: boolean },
  actor: AuditActor,
): NewGateResult {
  return {
    digest,
    gate: input.gate,
    status: input.status,
    isApproval: input.approval,
    url: input.url ?? null,
    details: input.details ?? {},
    recordedBy: actor.tokenId,
    recordedByName: actor.name,
  };
}

function approvalGate(gate: string): AirlockError {
  return new AirlockError(
    'CONFLICT',
    `Gate "${gate}" is an approval gate; record approvals through POST /api/v1/gates/{digest}/approvals`,
    {
      details: { gate },
    },
  );
}

function checkComment(comment: unknown): FieldProblem[] {
  if (comment === undefined) return [];
  return typeof comment === 'string' && comment.length <= MAX_COMMENT_LENGTH
    ? []
    : [
        {
          field: 'comment',
          rule: 'maxLength',
          message: `comment must be a string of at most ${MAX_COMMENT_LENGTH} characters`,
        },
      ];
}

function checkPage(limit: number, cursor: string | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > GATE_PAGE_LIMIT.max) {
    problems.push({
      field: 'limit',
      rule: 'max',
      message: `limit must be between 1 and ${GATE_PAGE_LIMIT.max}`,
    });
  }
  if (cursor !== undefined && !/^[1-9]\d{0,17}$/.test(cursor)) {
    problems.push({
      field: 'cursor',
      rule: 'cursor',
      message: 'cursor must be the nextCursor of a previous page',
    });
  }
  return problems;
}
