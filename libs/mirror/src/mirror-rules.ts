import { type FieldProblem } from '@airlock/images';
import { REGISTRY_NAME_PATTERN, REGISTRY_NAME_RULE } from '@airlock/registries';
import { CronExpressionParser } from 'cron-parser';
import { checkTagSelection } from './tag-selection';

export const MIRROR_RUN_PAGE_LIMIT = { default: 20, max: 100 } as const;

/** A cron expression BullMQ's scheduler reads the same way (5 fields, or 6 with seconds first), UTC. */
export function checkSchedule(schedule: unknown): FieldProblem[] {
  const problem = (message: string): FieldProblem[] => [
    { field: 'schedule', rule: 'cron', message },
  ];
  if (typeof schedule !== 'string' || schedule.trim().length === 0 || schedule.length > 120)
    return problem('schedule must be a cron expression, e.g. "0 3 * * *" (daily at 03:00 UTC)');
  const fields = schedule.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6)
    return problem(`schedule must have 5 fields (or 6 with seconds first), not ${fields}`);
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
    return [];
  } catch (error) {
    return problem(`schedule is not a valid cron expression: ${(error as Error).message}`);
  }
}

export function checkRuleName(name: unknown): FieldProblem[] {
  return typeof name === 'string' && REGISTRY_NAME_PATTERN.test(name)
    ? []
    : [{ field: 'name', rule: 'name', message: REGISTRY_NAME_RULE }];
}

export { checkTagSelection };
