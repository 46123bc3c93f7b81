import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const GATE_STATUSES = ['passed', 'failed'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

/** One recorded outcome of a gate for a digest. Append-only: the newest per (digest, gate) counts. */
@Entity({ name: 'gate_results' })
export class GateResult {
  /** bigint identity; pg returns it as a string. Increasing: the keyset cursor and "newest". */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'text' })
  digest!: string;

  @Column({ type: 'text' })
  gate!: string;

  @Column({ type: 'text' })
  status!: GateStatus;

  @Column({ name: 'is_approval', type: 'boolean', default: false })
  isApproval!: boolean;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  details!: Record<string, unknown>;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_by_name', type: 'text', nullable: true })
  recordedByName!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
