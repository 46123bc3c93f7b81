import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** The rule for entering one stage (one policy per target stage). */
@Entity({ name: 'policies' })
export class Policy {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'target_stage_id', type: 'uuid' })
  targetStageId!: string;

  @Column({ name: 'allowed_source_stages', type: 'text', array: true })
  allowedSourceStages!: string[];

  @Column({ name: 'required_gates', type: 'text', array: true })
  requiredGates!: string[];

  @Column({ name: 'approvals_required', type: 'integer' })
  approvalsRequired!: number;

  @Column({ name: 'immutable_tags', type: 'boolean' })
  immutableTags!: boolean;

  @Column({ name: 'tag_pattern', type: 'text', nullable: true })
  tagPattern!: string | null;

  @Column({ name: 'forbid_latest', type: 'boolean' })
  forbidLatest!: boolean;

  @Column({ name: 'required_referrers', type: 'text', array: true })
  requiredReferrers!: string[];

  @Column({ name: 'required_platform_referrers', type: 'text', array: true })
  requiredPlatformReferrers!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
