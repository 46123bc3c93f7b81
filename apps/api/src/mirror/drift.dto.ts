import { ApiPropertyOptional } from '@nestjs/swagger';

/** The document of the drift report's query; BaseDriftService reads and checks it. */
export class DriftQuery {
  @ApiPropertyOptional({
    example: 'prod',
    description: 'Only dependents in a registry of this stage.',
  })
  stage?: string;

  @ApiPropertyOptional({
    example: 'docker.io/library/alpine:3.19',
    description: 'Only this base, in any spelling (`alpine:3.19` is the same).',
  })
  base?: string;
}
