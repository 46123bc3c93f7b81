import { AuditChain, AuditService } from '@airlock/audit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { AuditChainReportView } from './audit-chain.views';
import { AuditQuery, AuditVerifyQuery } from './audit-query.dto';
import { AuditPageView } from './audit.views';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly chain: AuditChain,
  ) {}

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

  @Get('verify')
  @Roles('reader')
  @ApiOperation({
    summary: "Verify the audit log's hash chain",
    description:
      "Every audit event stores sha256 of the previous entry's hash and its own content. This walks the chain from the " +
      'first entry to the head and names the first entry that does not match: edited (`content`), removed or put in ' +
      'between (`link`), newest entries removed (`head`). A rewrite of the whole chain from some entry on is caught by ' +
      'an `anchor`: a head an earlier verify reported, kept outside the database. Reads the whole log: for audits, not for polling.',
  })
  @ApiOkResponse({ type: AuditChainReportView })
  @ApiProblemResponse(400, 'INVALID_INPUT: `anchor` is not `<seq>:<64 hex digits>`.')
  verify(@Query() query: AuditVerifyQuery): Promise<AuditChainReportView> {
    return this.chain.verify(query);
  }
}
