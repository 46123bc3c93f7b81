import {
  POLICY_RULES,
  type PolicyEvaluation,
  type PolicyRule,
  type PolicyViolation,
  type StagePolicy,
} from '@airlock/policies';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answer's document: the compiler holds it to the lib's StagePolicy. */
export class PolicyView implements StagePolicy {
  @ApiProperty({ example: 'prod' })
  stage!: string;

  @ApiProperty({ type: [String], example: ['ci'] })
  allowedSourceStages!: string[];

  @ApiProperty({ type: [String], example: ['unit-tests', 'trivy'] })
  requiredGates!: string[];

  @ApiProperty({ example: 1 })
  approvalsRequired!: number;

  @ApiProperty()
  immutableTags!: boolean;

  @ApiProperty({ nullable: true, type: String, example: '\\d+\\.\\d+\\.\\d+' })
  tagPattern!: string | null;

  @ApiProperty()
  forbidLatest!: boolean;

  @ApiProperty({ type: [String] })
  requiredReferrers!: string[];

  @ApiProperty({ type: [String] })
  requiredPlatformReferrers!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

export class PolicyViolationView implements PolicyViolation {
  @ApiProperty({ enum: POLICY_RULES, description: 'Stable rule name.' })
  rule!: PolicyRule;

  @ApiProperty({ example: 'Required gate "trivy" has no result yet' })
  message!: string;

  @ApiPropertyOptional({
    example: 'tags[0]',
    description: 'The request field at fault, when one is.',
  })
  field?: string;
}

export class ReadinessView implements PolicyEvaluation {
  @ApiProperty({ description: 'No violation: a promotion would be accepted now.' })
  ready!: boolean;

  @ApiProperty({ type: [String], description: 'Required gates whose newest result passed.' })
  satisfied!: string[];

  @ApiProperty({ type: [String], description: 'Required gates with no result yet.' })
  missing!: string[];

  @ApiProperty({ type: [String], description: 'Required gates whose newest result failed.' })
  failed!: string[];

  @ApiProperty({ type: [PolicyViolationView] })
  violations!: PolicyViolationView[];
}
