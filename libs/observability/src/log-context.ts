import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line inside the current request or job carries (requestId, jobId, promotionId…). */
export type LogFields = Record<string, string | number | undefined>;

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `work` with `fields` added to the current context: nested calls see the union. */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** The fields of the current request or job, if any. */
export function currentLogContext(): LogFields {
  return storage.getStore() ?? {};
}
