import { InitialSchema1795324354942 } from './1795324354942-initial-schema';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [InitialSchema1795324354942];
