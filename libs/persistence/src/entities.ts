/** Every TypeORM entity. Feature libs add theirs here as they land. */
export const ENTITIES: Function[] = []; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
