import {
  columns,
  Database,
  json,
  raw,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

export const GATE_STATUSES = ['passed', 'failed'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

/** One `gate_results` row: an outcome of a gate for a digest. Append-only; the newest per (digest, gate) counts. */
export interface GateResultRow {
  /** bigint identity; pg answers it as a string. Increasing: the keyset cursor and "newest". */
  id: string;
  digest: string;
  gate: string;
  status: GateStatus;
  isApproval: boolean;
  url: string | null;
  details: Record<string, unknown>;
  recordedBy: string | null;
  recordedByName: string | null;
  createdAt: Date;
}

export type NewGateResult = Omit<GateResultRow, 'id' | 'createdAt'>;

/** The newest approval of one approver on one approval gate of a digest. */
export interface ApproverRow {
  gate: string;
  approverId: string;
  approverName: string | null;
  status: GateStatus;
}

/** An approver row with the digest it approves (reads over several digests). */
export interface DigestApproverRow extends ApproverRow {
  digest: string;
}

export interface GateHistoryQuery {
  digest: string;
  gate?: string;
  /** Keyset cursor: only results with a smaller id (older). */
  beforeId?: string;
  limit: number;
}

/**
 * The row a recording statement has just written, for the effects written with it: `from` is the
 * CTE that holds it, `id` its id as text, `stamp` a jsonb object of its id and creation time (ISO
 * 8601, UTC, milliseconds, as JSON.stringify writes a Date) under the keys the caller chose.
 */
export interface RecordedRowRef {
  from: Sql;
  id: Sql;
  stamp: Sql;
}

/** What a recording writes besides the result: its audit event and its outbox deliveries (pieces, no RETURNING). */
export interface RecordedEffects {
  audit: Sql;
  outbox: Sql;
}

/** What only the insert makes up; the rest of the row is what was sent. */
interface RecordedRow {
  id: string;
  createdAt: Date;
  deliveryIds: string[];
}

const RESULT = columns<GateResultRow>({
  id: 'id',
  digest: 'digest',
  gate: 'gate',
  status: 'status',
  isApproval: 'is_approval',
  url: 'url',
  details: 'details',
  recordedBy: 'recorded_by',
  recordedByName: 'recorded_by_name',
  createdAt: 'created_at',
});

const APPROVER = columns<ApproverRow>({
  gate: 'gate',
  approverId: 'recorded_by',
  approverName: 'recorded_by_name',
  status: 'status',
});

const RECORDED = columns<RecordedRow>({
  id: 'id',
  createdAt: 'created_at',
  deliveryIds: 'ARRAY(SELECT id FROM delivered)',
});

const NEW_ROW: RecordedRowRef = {
  from: raw('stamped r'),
  id: raw('r.id::text'),
  stamp: raw('r.stamp'),
};

/**
 * `gate_results`: the only reader and writer, newest first by id. Every read is one walk of an
 * index that starts with the digest: ix_gate_results_digest_gate (per gate, newest per gate, and
 * all gates of a digest with a top-N sort), ix_gate_results_approvals (approvers).
 */
@Injectable()
export class GateResultRepository {
  constructor(private readonly db: Database) {}

  /**
   * The INSERT of one result, as a piece (no RETURNING): `append` runs it, `appendRecorded` embeds
   * it. Typed: in INSERT … SELECT, Postgres cannot take the parameter types from the columns.
   */
  insert(result: NewGateResult, onlyIf?: Sql): Sql {
    return sql`INSERT INTO gate_results
        (digest, gate, status, is_approval, url, details, recorded_by, recorded_by_name)
      SELECT ${result.digest}::text, ${result.gate}::text, ${result.status}::text,
             ${result.isApproval}::boolean, ${result.url}::text, ${json(result.details ?? {})},
             ${result.recordedBy}::uuid, ${result.recordedByName}::text
       ${onlyIf ? sql`WHERE ${onlyIf}` : raw('')}`;
  }

  async append(result: NewGateResult, tx?: Transaction): Promise<GateResultRow> {
    return (await this.db.one<GateResultRow>(sql`${this.insert(result)} RETURNING ${RESULT}`, tx))!;
  }

  /**
   * Appends a CI result unless the newest result of its (digest, gate) is an approval, together
   * with `effects(row)` — its audit event and its webhook deliveries, written over the new row — in
   * one statement, so gate recording is one write with BEGIN and COMMIT
   * (TransactionRunner.runAsOneWrite). Null, and nothing written, when the gate holds approvals.
   * Run it under the (digest, gate) lock, so its snapshot, taken after the lock, sees every earlier
   * result. The statement is sent before this method first awaits.
   */
  async appendRecorded(
    result: NewGateResult,
    stampKeys: { id: string; time: string },
    effects: (row: RecordedRowRef) => RecordedEffects,
    tx: Transaction,
  ): Promise<{ row: GateResultRow; deliveryIds: string[] } | null> {
    const { audit, outbox } = effects(NEW_ROW);
    const notAnApprovalGate = sql`NOT coalesce(
        (SELECT is_approval FROM gate_results WHERE digest = ${result.digest}::text
            AND gate = ${result.gate}::text ORDER BY id DESC LIMIT 1), false)`;
    const recorded = await this.db.one<RecordedRow>(
      sql`WITH appended AS (
            ${this.insert(result, notAnApprovalGate)} RETURNING id, created_at
          ), stamped AS (
            SELECT a.id, a.created_at,
                   jsonb_build_object(${stampKeys.id}::text, a.id::text, ${stampKeys.time}::text,
                     to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS stamp
              FROM appended a
          ), audited AS (
            ${audit}
          ), delivered AS (
            ${outbox} RETURNING id
          )
          SELECT ${RECORDED} FROM stamped`,
      tx,
    );
    if (!recorded) return null;
    const { id, createdAt, deliveryIds } = recorded;
    return { row: { ...result, details: result.details ?? {}, id, createdAt }, deliveryIds };
  }

  history(query: GateHistoryQuery, tx?: Transaction): Promise<GateResultRow[]> {
    return this.db.rows<GateResultRow>(
      sql`SELECT ${RESULT} FROM gate_results
           WHERE digest = ${query.digest}
                 ${query.gate === undefined ? raw('') : sql`AND gate = ${query.gate}`}
                 ${query.beforeId === undefined ? raw('') : sql`AND id < ${query.beforeId}::bigint`}
           ORDER BY id DESC LIMIT ${query.limit}`,
      tx,
    );
  }

  /** The newest result of every gate of `digest`, by gate name: one walk of ix_gate_results_digest_gate. */
  /** The newest result of every gate of each of `digests` (a board asks for many at once). */
  latestPerGate(digests: readonly string[], tx?: Transaction): Promise<GateResultRow[]> {
    return this.db.rows<GateResultRow>(
      sql`SELECT DISTINCT ON (digest, gate) ${RESULT} FROM gate_results
           WHERE digest = ANY(${digests}::text[]) ORDER BY digest, gate, id DESC`,
      tx,
    );
  }

  /** The newest result of one gate of `digest`, or null (asked before every approval). */
  latestOf(digest: string, gate: string, tx?: Transaction): Promise<GateResultRow | null> {
    return this.db.one<GateResultRow>(
      sql`SELECT ${RESULT} FROM gate_results
           WHERE digest = ${digest} AND gate = ${gate} ORDER BY id DESC LIMIT 1`,
      tx,
    );
  }

  /** Each approver of each approval gate of each of `digests` once, with their newest approval's status. */
  approvers(digests: readonly string[], tx?: Transaction): Promise<DigestApproverRow[]> {
    return this.db.rows<DigestApproverRow>(
      sql`SELECT DISTINCT ON (digest, gate, recorded_by) digest AS "digest", ${APPROVER} FROM gate_results
           WHERE digest = ANY(${digests}::text[]) AND is_approval AND recorded_by IS NOT NULL
           ORDER BY digest, gate, recorded_by, id DESC`,
      tx,
    );
  }
}
