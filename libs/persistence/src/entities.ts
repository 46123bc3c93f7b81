import { ApiToken } from './entities/api-token.entity';
import { Registry } from './entities/registry.entity';

/** Every TypeORM entity. Feature libs add theirs here as they land. */
export const ENTITIES: Function[] = [ApiToken, Registry]; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
