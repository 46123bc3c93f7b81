import { AuditEvent } from './entities/audit-event.entity';
import { GateResult } from './entities/gate-result.entity';
import { Policy } from './entities/policy.entity';

/** Every TypeORM entity. Feature libs add theirs here as they land. */
export const ENTITIES: Function[] = [AuditEvent, GateResult, Policy]; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
