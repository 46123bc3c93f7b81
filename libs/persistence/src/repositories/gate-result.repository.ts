import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { GateResult } from '../entities/gate-result.entity';
import { managerOf, type Transaction } from '../transaction';

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

/**
 * Appends to and reads `gate_results`, newest first by id. Every read is one walk of an index
 * that starts with the digest: ix_gate_results_digest_gate (per gate, newest per gate),
 * ix_gate_results_digest (all gates), ix_gate_results_approvals (approvers).
 */
@Injectable()
export class GateResultRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  append(result: NewGateResult, tx?: Transaction): Promise<GateResult> {
    const repository = this.repository(tx);
    return repository.save(repository.create(result));
  }

  history(query: GateHistoryQuery): Promise<GateResult[]> {
    const select = this.repository()
      .createQueryBuilder('r')
      .where('r.digest = :digest', { digest: query.digest });
    if (query.gate !== undefined) select.andWhere('r.gate = :gate', { gate: query.gate });
    if (query.beforeId !== undefined) select.andWhere('r.id < :before', { before: query.beforeId });
    return select.orderBy('r.id', 'DESC').limit(query.limit).getMany();
  }

  /** The newest result of every gate of `digest`: `DISTINCT ON (gate) … ORDER BY gate, id DESC`. */
  latestPerGate(digest: string, tx?: Transaction): Promise<GateResult[]> {
    return this.repository(tx)
      .createQueryBuilder('r')
      .distinctOn(['r.gate'])
      .where('r.digest = :digest', { digest })
      .orderBy('r.gate', 'ASC')
      .addOrderBy('r.id', 'DESC')
      .getMany();
  }

  /** The newest result of one gate of `digest`, or null. */
  latestOf(digest: string, gate: string, tx?: Transaction): Promise<GateResult | null> {
    return this.repository(tx).findOne({ where: { digest, gate }, order: { id: 'DESC' } });
  }

  /** Each approver of each approval gate of `digest` once, with their newest approval's status. */
  async approvers(digest: string, tx?: Transaction): Promise<ApproverRow[]> {
    const rows: Array<{
      gate: string;
      recorded_by: string;
      recorded_by_name: string | null;
      status: string;
    }> = await managerOf(tx, this.dataSource.manager).query(
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
}
