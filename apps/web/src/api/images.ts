import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';

export const DEFAULT_APPROVAL_GATE = 'approval';

export function useImage(digest: string) {
  return useQuery({
    queryKey: ['image', digest],
    queryFn: () => unwrap(api.GET('/api/v1/images/{digest}', { params: { path: { digest } } })),
  });
}

/** What refers to the image (signatures, SBOMs), read live from each registry it is in. */
export function useReferrers(digest: string) {
  return useQuery({
    queryKey: ['referrers', digest],
    queryFn: () =>
      unwrap(api.GET('/api/v1/images/{digest}/referrers', { params: { path: { digest } } })),
  });
}

/** A page of the digest's gate history older than the image page shows (`cursor` given). */
export function useGateHistory(digest: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['gates', digest, cursor],
    enabled: cursor !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/gates/{digest}', {
          params: { path: { digest }, query: { cursor, limit: 20 } },
        }),
      ),
  });
}

export interface Approval {
  gate: string;
  comment: string;
}

/** Records an approval; four-eyes and the role are the API's to decide (403 = the problem). */
export function useApprove(digest: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: ({ gate, comment }: Approval) =>
      unwrap(
        api.POST('/api/v1/gates/{digest}/approvals', {
          params: { path: { digest } },
          body: { gate: gate || DEFAULT_APPROVAL_GATE, ...(comment ? { comment } : {}) },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queries.invalidateQueries({ queryKey: ['board'] }),
        queries.invalidateQueries({ queryKey: ['image', digest] }),
        queries.invalidateQueries({ queryKey: ['gates', digest] }),
      ]),
  });
}
