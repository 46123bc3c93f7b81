import type { AuditActor } from '@airlock/audit';
import { ImageReferrers, ImagesService } from '@airlock/images';
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { ImageLookupComposer } from './image-lookup.composer';
import { ImageReferrersView } from './image-referrers.views';
import { ImageDigestParams, ImageListQuery, ImageShowQuery, RegisterImageBody } from './image.dto';
import { ImageLookupView, ImagePageView, ImageView } from './image.views';

@ApiTags('images')
@Controller('api/v1/images')
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly lookup: ImageLookupComposer,
    private readonly referrers: ImageReferrers,
  ) {}

  @Post()
  @Roles('ci')
  @ApiOperation({
    summary: 'Register an image',
    description:
      'Reads the manifest from the named registry: a tag is resolved to its digest once, then everything is read by digest. ' +
      'Stores media type, total size, platforms, annotations, the OCI base image annotations and build metadata; records where ' +
      'the image lives and, for a tag, where the tag pointed. Idempotent per (repository, digest): 201 the first time, 200 with ' +
      'the stored image (first build metadata kept) afterwards. Audited as `image.registered` on creation.',
  })
  @ApiCreatedResponse({ type: ImageView, description: 'Registered now.' })
  @ApiOkResponse({
    type: ImageView,
    description: 'Already registered; location and tag refreshed.',
  })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: not exactly one of tag/digest (both named), or a bad field.',
  )
  @ApiProblemResponse(
    404,
    'NOT_FOUND: no registry with that name. REGISTRY_NOT_FOUND: the tag or digest is not in the registry.',
  )
  @ApiProblemResponse(
    502,
    'REGISTRY_UNREACHABLE / REGISTRY_AUTH_FAILED / REGISTRY_ERROR: the registry failed us.',
  )
  async register(
    @Body() body: RegisterImageBody,
    @CurrentActor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ImageView> {
    const { image, created } = await this.images.register(body, actor);
    response.status(created ? 201 : 200);
    return image;
  }

  @Get()
  @ApiOperation({
    summary: 'List images',
    description:
      'Newest first, keyset pages (`cursor` = the previous `nextCursor`). Filters: `repository`, `digest`, `stage` ' +
      '(present in a registry of the stage), `gate` + `gateStatus` (`passed`, `failed` or `missing`: the newest result of that gate).',
  })
  @ApiOkResponse({ type: ImagePageView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: bad repository, digest, cursor or limit (the field is named).',
  )
  list(@Query() query: ImageListQuery): Promise<ImagePageView> {
    return this.images.list(query);
  }

  @Get(':digest')
  @ApiOperation({
    summary: 'Show the images with a digest',
    description:
      'One entry per repository, with locations and tags; the gate ledger of the digest (newest result per gate and ' +
      'the recent history; all of it at `GET /api/v1/gates/{digest}`) and the newest promotions.',
  })
  @ApiOkResponse({ type: ImageLookupView })
  @ApiProblemResponse(
    404,
    'NOT_FOUND: no image with this digest (in this repository) is registered.',
  )
  show(
    @Param() params: ImageDigestParams,
    @Query() query: ImageShowQuery,
  ): Promise<ImageLookupView> {
    return this.lookup.lookup(params.digest, query);
  }

  @Get(':digest/referrers')
  @ApiOperation({
    summary: 'List what refers to an image (signatures, SBOMs, attestations)',
    description:
      'Read live from every registry the image is located in — the OCI referrers API, else the `sha256-<hex>` tag ' +
      "fallback — with each platform manifest's referrers for an index. A registry that cannot be read is " +
      'reported in its place (`error`), the others still answer. `repository` narrows to one image.',
  })
  @ApiOkResponse({ type: ImageReferrersView })
  @ApiProblemResponse(
    404,
    'NOT_FOUND: no image with this digest (in this repository) is registered.',
  )
  listReferrers(
    @Param() params: ImageDigestParams,
    @Query() query: ImageShowQuery,
  ): Promise<ImageReferrersView> {
    return this.referrers.of(params.digest, query);
  }
}
