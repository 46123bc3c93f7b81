import type {
  BaseLocation,
  DependentLocation,
  DependentView as Dependent,
  DriftBase,
  DriftItem,
  DriftReport,
  UntrackedBase,
} from '@airlock/images';
import { ApiProperty } from '@nestjs/swagger';

/* The drift report's document: each class implements the lib's view. */
export class BaseLocationView implements BaseLocation {
  @ApiProperty({ example: 'docker.io/library/alpine:3.19', description: 'Canonical name.' })
  name!: string;
  @ApiProperty({ example: 'dockerhub' })
  registry!: string;
  @ApiProperty({ example: 'library/alpine' })
  repository!: string;
  @ApiProperty({ example: '3.19' })
  tag!: string;
}

export class DriftBaseView extends BaseLocationView implements DriftBase {
  @ApiProperty({ example: `sha256:${'b'.repeat(64)}`, description: 'Where the name points now.' })
  digest!: string;
  @ApiProperty({ format: 'date-time', description: 'When Airlock last saw or wrote the tag.' })
  updatedAt!: Date;
}

export class DependentLocationView implements DependentLocation {
  @ApiProperty({ example: 'ci' })
  registry!: string;
  @ApiProperty({ example: 'team/app' })
  repository!: string;
}

export class DependentView implements Dependent {
  @ApiProperty({ format: 'uuid' })
  imageId!: string;
  @ApiProperty({ example: 'team/app' })
  repository!: string;
  @ApiProperty({ example: `sha256:${'c'.repeat(64)}` })
  digest!: string;
  @ApiProperty({
    example: 'docker.io/library/alpine:3.19',
    description: 'As the image declares it.',
  })
  baseName!: string;
  @ApiProperty({ nullable: true, type: String, example: `sha256:${'a'.repeat(64)}` })
  baseDigest!: string | null;
  @ApiProperty({ type: [String], example: ['ci', 'prod'] })
  stages!: string[];
  @ApiProperty({ type: [DependentLocationView] })
  locations!: DependentLocationView[];
  @ApiProperty({
    type: Object,
    description: 'What CI sent when registering it (commit, url, pipelineId).',
  })
  build!: Record<string, unknown>;
}

export class DriftItemView implements DriftItem {
  @ApiProperty({ type: DriftBaseView })
  base!: DriftBaseView;
  @ApiProperty({ type: [DependentView], description: 'Built on another digest: rebuild these.' })
  dependents!: DependentView[];
}

export class UntrackedBaseView implements UntrackedBase {
  @ApiProperty({ example: 'quay.io/org/base:1' })
  name!: string;
  @ApiProperty({ description: 'Images declaring it.' })
  images!: number;
}

export class DriftReportView implements DriftReport {
  @ApiProperty({ type: [DriftItemView] })
  items!: DriftItemView[];
  @ApiProperty({
    type: [UntrackedBaseView],
    description:
      'Bases Airlock cannot follow: no registry with that host, or the tag never seen (add a mirror rule).',
  })
  untracked!: UntrackedBaseView[];
}
