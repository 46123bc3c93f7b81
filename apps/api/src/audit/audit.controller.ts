import { AuditService } from '@airlock/audit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { AuditQuery } from './audit-query.dto';
import { AuditPageView } from './audit.views';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('reader')
  @ApiOperation({
    summary: 'Read the audit log',
    description:
      "Newest first. Page with `cursor` = the previous page's `nextCursor` until it is null.",
  })
  @ApiOkResponse({ type: AuditPageView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a filter breaks its rule (the field is named).')
  list(@Query() query: AuditQuery): Promise<AuditPageView> {
    return this.audit.list(query);
  }
}
