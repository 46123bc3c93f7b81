import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export interface AuditFilters {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** ISO 8601 instants. */
  since?: string;
  until?: string;
}

export function useAudit(filters: AuditFilters, cursor: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    enabled,
    queryFn: () =>
      unwrap(api.GET('/api/v1/audit', { params: { query: { ...filters, cursor, limit: 50 } } })),
    placeholderData: keepPreviousData,
  });
}

/** Walks the audit log's hash chain on demand (it reads the whole log: never on a timer). */
export function useVerifyChain() {
  return useMutation({
    mutationFn: () => unwrap(api.GET('/api/v1/audit/verify')),
  });
}
