import { ApiToken } from './entities/api-token.entity';
import { AuditEvent } from './entities/audit-event.entity';

/** Every TypeORM entity. Feature libs add theirs here as they land. */
export const ENTITIES: Function[] = [ApiToken, AuditEvent]; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
