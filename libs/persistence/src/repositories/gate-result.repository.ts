import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { GateResult } from '../entities/gate-result.entity';
import { managerOf, sqlOf, type Transaction } from '../transaction';

export type NewGateResult = Omit<GateResult, 'id' | 'createdAt'>;

export interface GateHistoryQuery {
  digest: string;
  gate?: string;
  /** Keyset cursor: only results with a smaller id (older). */
  beforeId?: string;
  limit: number;
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

/**
 * Appends to and reads `gate_results`, newest first by id. Every read is one walk of an index
 * that starts with the digest: ix_gate_results_digest_gate (per gate, newest per gate),
 * ix_gate_results_digest (all gates), ix_gate_results_approvals (approvers).
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
   * Appends a CI result unless the newest result of its (digest, gate) is an approval; null when
   * it is. The check and the insert are one statement (one round trip on the hot path); run it
   * under the (digest, gate) lock, so its snapshot, taken after the lock, sees every earlier result.
   */
  async appendUnlessApprovalGate(
    result: NewGateResult,
    tx?: Transaction,
  ): Promise<GateResult | null> {
    const rows: GateResult[] = await this.query(tx)(
      `INSERT INTO gate_results (${INSERT_COLUMNS})
       SELECT ${INSERT_VALUES}
        WHERE NOT coalesce(
          (SELECT is_approval FROM gate_results WHERE digest = $1::text AND gate = $2::text
            ORDER BY id DESC LIMIT 1), false)
       RETURNING ${GATE_RESULT_COLUMNS}`,
      insertParams(result),
    );
    return rows[0] ?? null;
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
