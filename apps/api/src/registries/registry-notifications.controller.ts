import type { AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { ImagesService } from '@airlock/images';
import { RegistriesService } from '@airlock/registries';
import { Body, Controller, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import {
  eventsOf,
  NOTIFICATION_MEDIA_TYPE,
  selectPushedImages,
  type PushedImage,
} from './registry-notifications';
import { RegistryNameParams } from './registry.dto';
import { NotificationSummaryView } from './registry.views';

/** What `image.registered` records as the registration's source, next to the calling token. */
export const NOTIFICATION_SOURCE = 'notification';

/** The envelope as the OpenAPI document shows it: what `eventsOf` reads, nothing more. */
const ENVELOPE_DESCRIPTION =
  'A CNCF distribution notification envelope; fields not listed are ignored.';
const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          action: { type: 'string', example: 'push' },
          target: {
            type: 'object',
            properties: {
              mediaType: {
                type: 'string',
                example: 'application/vnd.oci.image.manifest.v1+json',
              },
              digest: { type: 'string', example: `sha256:${'0'.repeat(64)}` },
              repository: { type: 'string', example: 'team/app' },
              tag: { type: 'string', example: '1.0.0' },
            },
          },
        },
      },
    },
  },
};

/**
 * The endpoint a registry's `notifications.endpoints[]` entry POSTs its events to (CNCF
 * distribution). A push of a manifest or index registers the image by digest, with the tag it was
 * pushed under. A failing image is logged and counted, never failing the envelope: distribution
 * resends a whole envelope on any non-2xx answer.
 */
@ApiTags('registries')
@Controller('api/v1/registries')
export class RegistryNotificationsController {
  private readonly logger = new Logger('RegistryNotifications');

  constructor(
    private readonly registries: RegistriesService,
    private readonly images: ImagesService,
  ) {}

  @Post(':name/notifications')
  @HttpCode(200)
  @Roles('ci')
  @ApiConsumes('application/json', NOTIFICATION_MEDIA_TYPE)
  @ApiBody({ description: ENVELOPE_DESCRIPTION, schema: ENVELOPE_SCHEMA })
  @ApiOperation({
    summary: 'Receive a registry push notification',
    description:
      `Point a registry's \`notifications.endpoints[]\` here (media type \`${NOTIFICATION_MEDIA_TYPE}\` or JSON), ` +
      'with an `Authorization: Bearer <ci token>` header. Every `push` of an image manifest or index (OCI or Docker schema2) ' +
      'registers the image by digest in this registry, recording the tag it was pushed under — idempotent per (repository, digest) ' +
      'like `POST /api/v1/images`. Blob pushes, pulls, mounts and deletes are ignored. An image the registry fails to serve ' +
      'is logged and counted as `failed`; the answer is still 200, since the registry would resend the whole envelope. ' +
      'Audited as `image.registered` with `source: "notification"`, the calling token as actor.',
  })
  @ApiOkResponse({ type: NotificationSummaryView })
  @ApiProblemResponse(400, 'INVALID_INPUT: the body is not an envelope `{events: [...]}`.')
  @ApiProblemResponse(404, 'NOT_FOUND: no registry with this name.')
  async receive(
    @Param() params: RegistryNameParams,
    @Body() body: unknown,
    @CurrentActor() actor: AuditActor,
  ): Promise<NotificationSummaryView> {
    // Checks the name as the path gave it, then that the registry exists.
    const { name } = await this.registries.show(params.name);
    const events = eventsOf(body);
    const { images, ignored } = selectPushedImages(events);
    let registered = 0;
    let failed = 0;
    for (const image of images) {
      if (await this.register(name, image, actor)) registered += image.events;
      else failed += image.events;
    }
    return { received: events.length, registered, ignored, failed };
  }

  private async register(
    registry: string,
    image: PushedImage,
    actor: AuditActor,
  ): Promise<boolean> {
    try {
      await this.images.register(
        { registry, repository: image.repository, digest: image.digest },
        actor,
        { observedTags: image.tags, source: NOTIFICATION_SOURCE },
      );
      return true;
    } catch (error) {
      // Infrastructure failures (the database) fail the envelope, so the registry resends it.
      if (!(error instanceof AirlockError)) throw error;
      this.logger.warn(
        `Push of ${image.repository}@${image.digest} to registry "${registry}" not registered: ` +
          `${error.code}: ${error.message}`,
      );
      return false;
    }
  }
}
