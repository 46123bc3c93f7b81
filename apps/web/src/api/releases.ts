import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './client';
import { POLL_MS, TERMINAL } from './promotions';

export type Release = Schemas['ReleaseView'];

export function useReleases(cursor: string | undefined) {
  return useQuery({
    queryKey: ['releases', cursor],
    queryFn: () =>
      unwrap(api.GET('/api/v1/releases', { params: { query: { cursor, limit: 50 } } })),
    placeholderData: keepPreviousData,
  });
}

/** One release with its items, polled every second until it ends. */
export function useRelease(id: string) {
  return useQuery({
    queryKey: ['release', id],
    queryFn: () => unwrap(api.GET('/api/v1/releases/{id}', { params: { path: { id } } })),
    refetchInterval: (query) =>
      query.state.data && TERMINAL.has(query.state.data.status) ? false : POLL_MS,
  });
}

export function useReleaseAction(id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (action: 'cancel' | 'retry') =>
      unwrap(
        action === 'cancel'
          ? api.POST('/api/v1/releases/{id}/cancel', { params: { path: { id } } })
          : api.POST('/api/v1/releases/{id}/retry', { params: { path: { id } } }),
      ),
    onSuccess: (release) => {
      queries.setQueryData(['release', id], release);
      return queries.invalidateQueries({ queryKey: ['releases'] });
    },
  });
}
