/** Every TypeORM entity: none any more — features read their rows through Database. */
export const ENTITIES: Function[] = []; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
