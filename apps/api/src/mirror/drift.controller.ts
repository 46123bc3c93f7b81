import { BaseDriftService } from '@airlock/images';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { DriftQuery } from './drift.dto';
import { DriftReportView } from './drift.views';

@ApiTags('mirror')
@Controller('api/v1/drift')
export class DriftController {
  constructor(private readonly drift: BaseDriftService) {}

  @Get()
  @ApiOperation({
    summary: 'Images built on an outdated base',
    description:
      'For every base image that registered images declare (annotation or label `org.opencontainers.image.base.name` / ' +
      '`.base.digest`) and that Airlock can follow (a registry with that host, the tag seen by a mirror sync or a ' +
      'registration): the digest the name points at now, and the images built on another digest — the ones to rebuild, ' +
      'with their stages and build metadata. `base-image.updated` announces the same when a base moves.',
  })
  @ApiOkResponse({ type: DriftReportView })
  @ApiProblemResponse(400, 'INVALID_INPUT: base is not an image name with a tag.')
  report(@Query() query: DriftQuery): Promise<DriftReportView> {
    return this.drift.report(query);
  }
}
