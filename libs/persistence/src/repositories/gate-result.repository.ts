import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { GateResult } from '../entities/gate-result.entity';
import { managerOf, sqlOf, type Transaction } from '../transaction';
import { AUDIT_INSERT_COLUMNS, jsonOrNull, type NewAuditEvent } from './audit-event.repository';
import { subscriptionsWanting, type NewWebhookEvent } from './webhook-delivery.repository';

export type NewGateResult = Omit<GateResult, 'id' | 'createdAt'>;

export interface GateHistoryQuery {
  digest: string;
  gate?: string;
  /** Keyset cursor: only results with a smaller id (older). */
  beforeId?: string;
  limit: number;
}

/**
 * What a recorded result is reported as: its audit event (subject id and the row's id and time
 * still to come) and its webhook event, each carrying the record as the API shows it, less the two
 * properties only the insert knows. `idKey` and `timeKey` name them in that record.
 */
export interface RecordedEffects {
  audit: Omit<NewAuditEvent, 'subjectId'>;
  event: NewWebhookEvent & { dataKey: string };
  idKey: string;
  timeKey: string;
}

/** The newest approval of one approver on one approval gate of a digest. */
export interface ApproverRow {
  gate: string;
  approverId: string;
  approverName: string | null;
  status: string;
}

/** The GateResult entity's properties, from plain SQL (pg returns the bigint id as a string, as the entity has it). */
const GATE_RESULT_COLUMNS = `id, digest, gate, status, is_approval AS "isApproval", url, details,
  recorded_by AS "recordedBy", recorded_by_name AS "recordedByName", created_at AS "createdAt"`;

const INSERT_COLUMNS =
  'digest, gate, status, is_approval, url, details, recorded_by, recorded_by_name';
/** Typed: in INSERT … SELECT, Postgres cannot take the parameter types from the columns. */
const INSERT_VALUES =
  '$1::text, $2::text, $3::text, $4::boolean, $5::text, $6::jsonb, $7::uuid, $8::text';

function insertParams(result: NewGateResult): unknown[] {
  return [
    result.digest,
    result.gate,
    result.status,
    result.isApproval,
    result.url,
    JSON.stringify(result.details ?? {}),
    result.recordedBy,
    result.recordedByName,
  ];
}

/** GateResultRepository.appendRecorded's statement: built once, so its text is the same string every call. */
const APPEND_RECORDED = `WITH appended AS (
     INSERT INTO gate_results (${INSERT_COLUMNS})
     SELECT ${INSERT_VALUES}
      WHERE NOT coalesce(
        (SELECT is_approval FROM gate_results WHERE digest = $1::text AND gate = $2::text
          ORDER BY id DESC LIMIT 1), false)
     RETURNING *
   ), stamped AS (
     SELECT a.*, jsonb_build_object($9::text, a.id::text, $10::text,
              to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS stamp
       FROM appended a
   ), audited AS (
     INSERT INTO audit_events (${AUDIT_INSERT_COLUMNS})
     SELECT $11::uuid, $12::text, $13::text, $14::text, r.id::text, $15::jsonb,
            $16::jsonb || r.stamp, $17::text
       FROM stamped r
   ), delivered AS (
     INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, status)
     SELECT s.id, $18::uuid, $19::text,
            jsonb_set($20::jsonb, ARRAY[$21::text], ($20::jsonb -> $21::text) || r.stamp),
            'pending'
       FROM stamped r, webhook_subscriptions s
      WHERE ${subscriptionsWanting('$19::text')}
     RETURNING id
   )
   SELECT id, created_at AS "createdAt", ARRAY(SELECT id FROM delivered) AS "deliveryIds"
     FROM stamped`;

/**
 * Appends to and reads `gate_results`, newest first by id. Every read is one walk of an index
 * that starts with the digest: ix_gate_results_digest_gate (per gate, newest per gate, and all
 * gates of a digest with a top-N sort), ix_gate_results_approvals (approvers).
 */
@Injectable()
export class GateResultRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Plain SQL rather than save(): recording is the hot write path, and save() costs more CPU than the insert. */
  async append(result: NewGateResult, tx?: Transaction): Promise<GateResult> {
    const rows: GateResult[] = await this.query(tx)(
      `INSERT INTO gate_results (${INSERT_COLUMNS}) VALUES (${INSERT_VALUES}) RETURNING ${GATE_RESULT_COLUMNS}`,
      insertParams(result),
    );
    return rows[0]!;
  }

  /**
   * Appends a CI result unless the newest result of its (digest, gate) is an approval, with its
   * audit event and one webhook delivery per subscription that wants the event — one statement,
   * so gate recording is one write with BEGIN and COMMIT (TransactionRunner.runAsOneWrite). The
   * audit `after` and the event's data get the new row's id and creation time (ISO 8601, UTC,
   * milliseconds, as JSON.stringify writes a Date) under `idKey` and `timeKey`. Null, and nothing
   * written, when the gate holds approvals. Run it under the (digest, gate) lock, so its snapshot,
   * taken after the lock, sees every earlier result.
   */
  async appendRecorded(
    result: NewGateResult,
    effects: RecordedEffects,
    tx: Transaction,
  ): Promise<{ row: GateResult; deliveryIds: string[] } | null> {
    const { audit, event } = effects;
    // Only what the insert made up comes back; the rest of the row is what was sent.
    const rows: Array<{ id: string; createdAt: Date; deliveryIds: string[] }> = await this.query(
      tx,
    )(APPEND_RECORDED, [
      ...insertParams(result),
      effects.idKey,
      effects.timeKey,
      audit.actorTokenId,
      audit.actorName,
      audit.action,
      audit.subjectType,
      jsonOrNull(audit.before),
      jsonOrNull(audit.after),
      audit.requestId,
      event.eventId,
      event.eventType,
      JSON.stringify(event.payload),
      event.dataKey,
    ]);
    if (rows.length === 0) return null;
    const { id, createdAt, deliveryIds } = rows[0]!;
    return { row: { ...result, details: result.details ?? {}, id, createdAt }, deliveryIds };
  }

  history(query: GateHistoryQuery): Promise<GateResult[]> {
    const select = this.repository()
      .createQueryBuilder('r')
      .where('r.digest = :digest', { digest: query.digest });
    if (query.gate !== undefined) select.andWhere('r.gate = :gate', { gate: query.gate });
    if (query.beforeId !== undefined) select.andWhere('r.id < :before', { before: query.beforeId });
    return select.orderBy('r.id', 'DESC').limit(query.limit).getMany();
  }

  /**
   * The newest result of every gate of `digest`: one walk of ix_gate_results_digest_gate. Plain
   * SQL: readiness asks this on every call, and the query builder's mapping costs more than the query.
   */
  latestPerGate(digest: string, tx?: Transaction): Promise<GateResult[]> {
    return this.query(tx)(
      `SELECT DISTINCT ON (gate) ${GATE_RESULT_COLUMNS} FROM gate_results
        WHERE digest = $1 ORDER BY gate, id DESC`,
      [digest],
    );
  }

  /** The newest result of one gate of `digest`, or null (asked before every recording). */
  async latestOf(digest: string, gate: string, tx?: Transaction): Promise<GateResult | null> {
    const rows: GateResult[] = await this.query(tx)(
      `SELECT ${GATE_RESULT_COLUMNS} FROM gate_results
        WHERE digest = $1 AND gate = $2 ORDER BY id DESC LIMIT 1`,
      [digest, gate],
    );
    return rows[0] ?? null;
  }

  /** Each approver of each approval gate of `digest` once, with their newest approval's status. */
  async approvers(digest: string, tx?: Transaction): Promise<ApproverRow[]> {
    const rows: Array<{
      gate: string;
      recorded_by: string;
      recorded_by_name: string | null;
      status: string;
    }> = await sqlOf(tx, this.dataSource)(
      `SELECT DISTINCT ON (gate, recorded_by) gate, recorded_by, recorded_by_name, status
         FROM gate_results
        WHERE digest = $1 AND is_approval AND recorded_by IS NOT NULL
        ORDER BY gate, recorded_by, id DESC`,
      [digest],
    );
    return rows.map((row) => ({
      gate: row.gate,
      approverId: row.recorded_by,
      approverName: row.recorded_by_name,
      status: row.status,
    }));
  }

  private repository(tx?: Transaction): Repository<GateResult> {
    return managerOf(tx, this.dataSource.manager).getRepository(GateResult);
  }

  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const sql = sqlOf(tx, this.dataSource);
    return (text, params) => sql(text, params) as Promise<never>;
  }
}
