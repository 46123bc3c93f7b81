import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { BoardComposer } from './board.composer';
import { BoardQuery, BoardView } from './board.views';

@ApiTags('board')
@Controller('api/v1/board')
export class BoardController {
  constructor(private readonly board: BoardComposer) {}

  @Get()
  @ApiOperation({
    summary: 'The pipeline board',
    description:
      "Every stage in pipeline order with its newest images (present in a registry of the stage), their recorded tags, and each image's readiness for the next stage — gates passed, failed and missing, and every rule broken (approvals counted vs required, four-eyes) in words. One request for the whole board; `GET /api/v1/images?stage=…` pages further.",
  })
  @ApiOkResponse({ type: BoardView })
  @ApiProblemResponse(400, 'INVALID_INPUT: bad limit, or an unknown query field.')
  show(@Query() query: BoardQuery): Promise<BoardView> {
    return this.board.board(query);
  }
}
