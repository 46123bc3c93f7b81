import type { AuditActor } from '@airlock/audit';
import { RegistriesService } from '@airlock/registries';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { CreateRegistryBody, RegistryNameParams, UpdateRegistryBody } from './registry.dto';
import { RegistryCheckView, RegistryListView, RegistryView } from './registry.views';

@ApiTags('registries')
@Controller('api/v1/registries')
export class RegistriesController {
  constructor(private readonly registries: RegistriesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Add a registry',
    description:
      'Credentials are sealed with AIRLOCK_SECRET_KEY and never returned (`credentials: { username, passwordSet }`). ' +
      'Audited as `registry.created`.',
  })
  @ApiCreatedResponse({ type: RegistryView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a field breaks a rule (name slug, url origin without credentials or path, role, PEM), or an unknown field.',
  )
  @ApiProblemResponse(
    409,
    'CONFLICT: the name is taken. NOT_CONFIGURED: credentials given but AIRLOCK_SECRET_KEY is not set.',
  )
  create(
    @Body() body: CreateRegistryBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<RegistryView> {
    return this.registries.create(body, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List registries', description: 'By name. Never a password.' })
  @ApiOkResponse({ type: RegistryListView })
  async list(): Promise<RegistryListView> {
    return { items: await this.registries.list() };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Show a registry' })
  @ApiOkResponse({ type: RegistryView })
  @ApiProblemResponse(404, 'NOT_FOUND: no registry with this name.')
  show(@Param() params: RegistryNameParams): Promise<RegistryView> {
    return this.registries.show(params.name);
  }

  @Patch(':name')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a registry',
    description:
      'Fields left out stay; `credentials: null` removes them; `tls` is replaced whole. The name cannot change. Audited as `registry.updated`.',
  })
  @ApiOkResponse({ type: RegistryView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a field breaks a rule, or an unknown field.')
  @ApiProblemResponse(404, 'NOT_FOUND: no registry with this name.')
  @ApiProblemResponse(409, 'NOT_CONFIGURED: credentials given but AIRLOCK_SECRET_KEY is not set.')
  update(
    @Param() params: RegistryNameParams,
    @Body() body: UpdateRegistryBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<RegistryView> {
    return this.registries.update(params.name, body, actor);
  }

  @Delete(':name')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a registry',
    description:
      'Refused while a stage, image, promotion or mirror rule uses it. Audited as `registry.deleted`.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblemResponse(404, 'NOT_FOUND: no registry with this name.')
  @ApiProblemResponse(
    409,
    'CONFLICT: the registry is in use; the problem names what uses it (details.usedBy).',
  )
  async delete(
    @Param() params: RegistryNameParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<void> {
    await this.registries.delete(params.name, actor);
  }

  @Post(':name/check')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check that Airlock can reach and log in to a registry',
    description:
      '`GET /v2/` with the stored credentials and TLS settings, one attempt. Success or failure of the check is the answer (200): ' +
      '`{ ok: true, latencyMs }` or `{ ok: false, code, problem, latencyMs }` (REGISTRY_UNREACHABLE for network and certificate problems, REGISTRY_AUTH_FAILED for rejected credentials, ' +
      'CREDENTIALS_UNREADABLE when the stored credentials were sealed under another AIRLOCK_SECRET_KEY, NOT_CONFIGURED when no key is set).',
  })
  @ApiOkResponse({ type: RegistryCheckView })
  @ApiProblemResponse(404, 'NOT_FOUND: no registry with this name.')
  check(@Param() params: RegistryNameParams): Promise<RegistryCheckView> {
    return this.registries.check(params.name);
  }
}
