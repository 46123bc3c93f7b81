import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'airlock:public';
/** Read by `documentAuth` to write the OpenAPI security of each operation. */
export const PUBLIC_EXTENSION = 'x-airlock-public';

/** The route needs no token (health, readiness). Everything else does. */
export function Public(): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));
}
