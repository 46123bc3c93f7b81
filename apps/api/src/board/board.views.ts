import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ImageTagView, ImageView } from '../images/image.views';
import { ReadinessView } from '../policies/policy.views';
import { BOARD_LIMIT, type Board, type BoardImage, type BoardStage } from './board.composer';

/* The board's documents: each class implements the composer's view. */

export class BoardQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: BOARD_LIMIT.max,
    default: BOARD_LIMIT.default,
    description: 'Images per stage, newest first.',
  })
  limit?: number;
}

export class BoardImageView implements BoardImage {
  @ApiProperty({ type: ImageView })
  image!: ImageView;

  @ApiProperty({
    type: [ImageTagView],
    description: 'Tags of its repository recorded as pointing at its digest, in every registry.',
  })
  tags!: ImageTagView[];

  @ApiProperty({
    type: ReadinessView,
    nullable: true,
    description:
      "Against the next stage's policy (coming from this stage), from the ledger alone; null when the stage's `notice` says why.",
  })
  readiness!: ReadinessView | null;
}

export class BoardStageView implements BoardStage {
  @ApiProperty({ example: 'ci' })
  name!: string;

  @ApiProperty({ example: 1 })
  position!: number;

  @ApiProperty({ type: [String], example: ['ci-pool'] })
  registries!: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'prod',
    description: 'The next stage in pipeline order; null for the last.',
  })
  next!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why no image here has a readiness: no next stage, or it has no policy yet.',
  })
  notice!: string | null;

  @ApiProperty({ type: [BoardImageView], description: 'Images present here, newest first.' })
  images!: BoardImageView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'More images are in this stage: pass as `cursor` to `GET /api/v1/images?stage=<name>`; null when all are shown.',
  })
  nextCursor!: string | null;
}

export class BoardView implements Board {
  @ApiProperty({ type: [BoardStageView], description: 'In pipeline order.' })
  stages!: BoardStageView[];
}
