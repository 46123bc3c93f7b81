import { InitialSchema1795324354942 } from './1795324354942-initial-schema';
import { AuthAndAuditIndexes1795410000000 } from './1795410000000-auth-and-audit-indexes';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [InitialSchema1795324354942, AuthAndAuditIndexes1795410000000];
